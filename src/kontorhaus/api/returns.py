"""Returns and withdrawals: register a return (for an order, several orders or goods without an
order), receive and inspect it, approve its refund; record a withdrawal a shop relays."""

from decimal import Decimal

from django.conf import settings
from django.http import HttpRequest
from ninja import Query, Router, Status

from kontorhaus.catalog.selectors import article_get
from kontorhaus.flows.return_received import return_goods_received, return_inspect
from kontorhaus.flows.return_refund import return_refund_approve
from kontorhaus.flows.return_registered import return_register_and_notify
from kontorhaus.flows.withdrawal_declared import withdrawal_declare
from kontorhaus.returns.models import ReturnRequest, Withdrawal
from kontorhaus.returns.selectors import ReturnFilter, bin_find, return_get, return_list, withdrawal_list
from kontorhaus.returns.selectors_inspection import received_article_find
from kontorhaus.returns.services import ReturnDraft, ReturnLineDraft, WithdrawalDeclaration, return_policy_get
from kontorhaus.returns.services_inspection import LineInspection
from kontorhaus.returns.states import Channel, Disposition
from kontorhaus.sales.selectors import order_get

from .orders import actor_of
from .schemas_returns import (
    InspectionIn,
    ReturnCreateIn,
    ReturnLineIn,
    ReturnListOut,
    ReturnOut,
    WithdrawalIn,
    WithdrawalOut,
)

router = Router(tags=["returns"])
MAX_LIMIT = 200


def return_out(found: ReturnRequest) -> dict:
    return {
        "number": found.number, "status": found.status, "order": found.order.number if found.order else "",
        "channel": found.channel, "customer_name": found.customer_name, "registered_at": found.registered_at,
        "label_tracking_number": found.label_tracking_number, "refund_total": str(found.refund_total),
        "proposal": found.proposal, "credit_notes": found.credit_notes, "refunds": found.refunds,
        "lines": [{"position": line.position, "order": line.order.number if line.order else "",
                   "order_line_position": line.order_line_position, "sku": line.sku, "name": line.name,
                   "quantity": line.quantity, "reason": line.reason, "reason_note": line.reason_note,
                   "condition": line.condition, "disposition": line.disposition,
                   "bin": line.location.code if line.location else "", "loss_of_value": str(line.loss_of_value),
                   "received_article": line.received_article.sku if line.received_article_id else "",
                   "photos": getattr(line, "photo_count", 0)} for line in found.lines.all()],
    }


def _line(line: ReturnLineIn) -> ReturnLineDraft:
    if line.order:
        return ReturnLineDraft(order=order_get(number=line.order), position=line.position, quantity=line.quantity,
                               reason=line.reason, reason_note=line.reason_note)
    return ReturnLineDraft(article=article_get(sku=line.sku), quantity=line.quantity, reason=line.reason,
                           reason_note=line.reason_note)


@router.post("/returns", response={201: ReturnOut})
def return_create(request: HttpRequest, body: ReturnCreateIn):
    draft = ReturnDraft(channel=Channel.API, order=order_get(number=body.order) if body.order else None,
                        lines=tuple(_line(line) for line in body.lines), customer_name=body.customer_name,
                        customer_email=body.customer_email, note=body.note)
    created = return_register_and_notify(draft=draft, actor=actor_of(request), notify=body.notify_customer)
    return Status(201, return_out(return_get(number=created.number)))


@router.get("/returns", response=ReturnListOut)
def return_list_endpoint(request: HttpRequest, status: str = "", search: str = "",
                         limit: int = Query(50, ge=1, le=MAX_LIMIT), offset: int = Query(0, ge=0)):
    rows = return_list(filters=ReturnFilter(status=status[:20], search=search[:64]))
    rows_with_lines = rows.prefetch_related("lines__order", "lines__location", "lines__received_article")
    page = list(rows_with_lines[offset:offset + limit])
    return {"items": [return_out(r) for r in page], "count": rows.count()}


@router.get("/returns/{number}", response=ReturnOut)
def return_detail(request: HttpRequest, number: str):
    return return_out(return_get(number=number))


@router.post("/returns/{number}/receive", response=ReturnOut)
def return_receive_endpoint(request: HttpRequest, number: str):
    return_goods_received(request=return_get(number=number), actor=actor_of(request))
    return return_out(return_get(number=number))


@router.post("/returns/{number}/inspect", response=ReturnOut)
def return_inspect_endpoint(request: HttpRequest, number: str, body: InspectionIn):
    default, quarantine = settings.KONTORHAUS["DEFAULT_WAREHOUSE"], return_policy_get().quarantine_warehouse
    inspections = [LineInspection(
        position=line.position, condition=line.condition, disposition=line.disposition,
        location=bin_find(code=line.bin, warehouse=default if line.disposition == Disposition.RESTOCKED
                          else quarantine) if line.bin else None,
        received_article=received_article_find(code=line.article, field=f"lines[{line.position}].article")
        if line.article else None,
        loss_of_value=Decimal(line.loss_of_value), note=line.note) for line in body.lines]
    return_inspect(request=return_get(number=number), inspections=inspections, actor=actor_of(request))
    return return_out(return_get(number=number))


@router.post("/returns/{number}/approve", response=ReturnOut)
def return_approve_endpoint(request: HttpRequest, number: str):
    """Approve the refund proposal: credit note and refund, once (a repeat changes nothing)."""
    return_refund_approve(request=return_get(number=number), actor=actor_of(request))
    return return_out(return_get(number=number))


def withdrawal_out(withdrawal: Withdrawal, *, created: bool = False) -> dict:
    return {"reference": str(withdrawal.reference), "order": withdrawal.order.number,
            "declared_at": withdrawal.declared_at, "channel": withdrawal.channel,
            "customer_name": withdrawal.customer_name, "customer_email": withdrawal.customer_email,
            "items": withdrawal.items, "refund_due_on": withdrawal.refund_due_on, "late": withdrawal.late,
            "settled": withdrawal.settled_at is not None, "created": created}


@router.post("/orders/{number}/withdrawals", response={200: WithdrawalOut, 201: WithdrawalOut})
def withdrawal_create(request: HttpRequest, number: str, body: WithdrawalIn):
    """A withdrawal the shop received (its own button, an e-mail): recorded and confirmed to the
    customer by e-mail. The same declaration again answers 200 with the first one."""
    declaration = WithdrawalDeclaration(
        customer_name=body.customer_name, customer_email=body.customer_email, channel=body.channel,
        statement=body.statement, items=tuple((i.position, i.quantity) for i in body.items),
        declared_at=body.declared_at)
    withdrawal, created = withdrawal_declare(order=order_get(number=number), declaration=declaration,
                                             actor=actor_of(request))
    return Status(201 if created else 200, withdrawal_out(withdrawal, created=created))


@router.get("/withdrawals", response=list[WithdrawalOut])
def withdrawal_list_endpoint(request: HttpRequest, status: str = "", limit: int = Query(50, ge=1, le=MAX_LIMIT),
                             offset: int = Query(0, ge=0)):
    """status=open: only withdrawals whose refund is still outstanding."""
    return [withdrawal_out(w) for w in withdrawal_list(open_only=status == "open")[offset:offset + limit]]
