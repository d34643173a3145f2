from django.db.models import QuerySet

from .models import InboundEvent, InboundEventStatus


def inbound_event_find(*, provider: str, external_id: str) -> InboundEvent | None:
    return InboundEvent.objects.filter(provider=provider, external_id=external_id).first()


def inbound_event_parked_list() -> QuerySet[InboundEvent]:
    """Events a person has to look at (unknown order, wrong currency, paid twice …), oldest first."""
    return InboundEvent.objects.filter(status=InboundEventStatus.PARKED).order_by("received_at", "id")


def inbound_event_list_for_order(*, order_number: str) -> QuerySet[InboundEvent]:
    return InboundEvent.objects.filter(order_number=order_number).order_by("received_at", "id")
