import datetime as dt

from django.db.models import Q
from django.http import HttpRequest
from ninja import Header, Query, Router, Schema, Status

from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.flows.order_cancel import order_cancel
from kontorhaus.flows.order_intake import IdempotencyKey, order_intake
from kontorhaus.sales.selectors import OrderFilter, order_get, order_list

from .presenters import decode_cursor, encode_cursor, intake_from_schema, order_out, request_hash
from .schemas_orders import OrderCancelIn, OrderIn, OrderOut, OrderPageOut

router = Router(tags=["orders"])


def actor_of(request: HttpRequest) -> Actor:
    return Actor("api", request.auth.name)


@router.post("/orders", response={200: OrderOut, 201: OrderOut})
def order_create(request: HttpRequest, body: OrderIn, idempotency_key: str = Header("", alias="Idempotency-Key")):
    """Order intake. Retried with the same Idempotency-Key (or the same channel and
    external_id) it returns the stored order with 200 instead of creating another."""
    if len(idempotency_key) > 200:
        raise InvalidInput("Idempotency-Key is too long (max 200)", details={"field": "Idempotency-Key"})
    key = IdempotencyKey(request.auth.name, idempotency_key, request_hash(body)) if idempotency_key else None
    result = order_intake(intake=intake_from_schema(body), actor=actor_of(request), idempotency=key)
    return Status(201 if result.created else 200, order_out(result.order, new_invoice=result.invoice))


@router.get("/orders/{number}", response=OrderOut)
def order_detail(request: HttpRequest, number: str):
    return order_out(order_get(number=number))


class OrderListQuery(Schema):
    search: str = ""
    payment_status: str = ""
    fulfillment_status: str = ""
    status: str = ""
    readiness: str = ""
    placed_from: dt.date | None = None
    placed_to: dt.date | None = None
    cursor: str = ""
    limit: int = 50


@router.get("/orders", response=OrderPageOut)
def order_index(request: HttpRequest, query: Query[OrderListQuery]):
    limit = max(1, min(query.limit, 200))
    orders = order_list(filters=OrderFilter(
        search=query.search, payment_state=query.payment_status, fulfillment_state=query.fulfillment_status,
        status=query.status, readiness=query.readiness, placed_from=query.placed_from, placed_to=query.placed_to,
    ))
    if query.cursor:
        position = decode_cursor(query.cursor)
        if position is None:
            raise InvalidInput("malformed cursor", details={"field": "cursor"})
        placed, pk = position
        orders = orders.filter(Q(placed_at__lt=placed) | Q(placed_at=placed, pk__lt=pk))
    page = list(orders[: limit + 1])
    more = len(page) > limit
    next_cursor = encode_cursor(page[limit - 1]) if more else None
    return {"items": [_summary(o) for o in page[:limit]], "next_cursor": next_cursor}


def _summary(order):
    return {"number": order.number, "external_id": order.external_id, "status": order.status,
            "payment_status": order.payment_state, "fulfillment_status": order.fulfillment_state,
            "readiness": order.readiness, "placed_at": order.placed_at, "customer_name": order.customer_name,
            "customer_email": order.customer_email, "total_gross": order.total_gross, "currency": order.currency}


@router.post("/orders/{number}/cancel", response=OrderOut)
def order_cancel_endpoint(request: HttpRequest, number: str, body: OrderCancelIn | None = None):
    order = order_cancel(order=order_get(number=number), actor=actor_of(request), reason=body.reason if body else "")
    return order_out(order)


