from .models import AuditEvent, CompanyProfile


def audit_event_list_for_order(*, order_number: str) -> list[AuditEvent]:
    """The order's timeline: every audit event recorded for it, oldest first."""
    if not order_number:
        return []
    return list(AuditEvent.objects.filter(order_number=order_number).order_by("created_at", "id"))


def company_profile_name() -> str:
    """The shop's name as the customer knows it (the seller on every document)."""
    return CompanyProfile.objects.values_list("name", flat=True).first() or CompanyProfile().name
