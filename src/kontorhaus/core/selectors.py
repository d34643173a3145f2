from .models import AuditEvent


def audit_event_list_for_order(*, order_number: str) -> list[AuditEvent]:
    """The order's timeline: every audit event recorded for it, oldest first."""
    if not order_number:
        return []
    return list(AuditEvent.objects.filter(order_number=order_number).order_by("created_at", "id"))
