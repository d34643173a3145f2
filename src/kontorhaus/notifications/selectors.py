from .models import OutgoingEmail


def email_list_for_order(*, order_number: str) -> list[OutgoingEmail]:
    """The outbox rows written for an order (sent, queued and failed), oldest first."""
    if not order_number:
        return []
    return list(OutgoingEmail.objects.filter(order_number=order_number).order_by("created_at", "id"))
