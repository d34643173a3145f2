"""Withdrawals and return registration: what the customer (portal, e-mail, phone, letter, shop
API) or the back office tells us. Receiving, inspection and the refund are in
services_inspection."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Sum

from kontorhaus.catalog.models import Article, ArticleKind
from kontorhaus.core import clock
from kontorhaus.core.audit import Actor, AuditAction, record
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.core.models import NumberKind
from kontorhaus.core.money import quantize
from kontorhaus.core.numbering import next_number
from kontorhaus.core.transactions import operation
from kontorhaus.sales.models import LineKind, SalesOrder, SalesOrderLine
from kontorhaus.sales.selectors import orders_lock
from kontorhaus.sales.states import SalesOrderStatus

from .models import ReturnLine, ReturnPolicy, ReturnRequest, Withdrawal
from .services_photos import MAX_PER_LINE, PhotoUpload, photo_check, photos_save
from .states import Channel, Condition, ReturnReason, ReturnStatus

OPEN_AND_DONE = [s for s in ReturnStatus.values if s != ReturnStatus.CANCELLED]

REFUND_DAYS = 14  # § 357 Abs. 1 BGB: refund within 14 days of the withdrawal
DUPLICATE_WINDOW = dt.timedelta(hours=24)
MAX_LINES = 200
MAX_QUANTITY = 10_000
MAX_TEXT = 5000


@dataclass(frozen=True)
class WithdrawalDeclaration:
    customer_name: str
    customer_email: str
    channel: str
    statement: str = ""
    items: tuple[tuple[int, int], ...] = ()  # (order line position, quantity); empty: the whole order
    declared_at: dt.datetime | None = None  # when it reached us (a letter typed in later); default now
    # The day the (last) goods reached the customer, or when only the handover to the carrier is
    # known, an estimate (flows.withdrawal_declared); None while nothing has been shipped.
    goods_received_on: dt.date | None = None


@dataclass(frozen=True)
class ReturnLineDraft:
    reason: str
    quantity: int
    order: SalesOrder | None = None
    position: int | None = None  # the order line's position
    article: Article | None = None  # goods without an order
    reason_note: str = ""
    photos: tuple[PhotoUpload, ...] = ()


@dataclass(frozen=True)
class ReturnDraft:
    channel: str
    lines: tuple[ReturnLineDraft, ...]
    customer_name: str = ""
    customer_email: str = ""
    order: SalesOrder | None = None  # registered for this order: every line must be of it
    withdrawal: Withdrawal | None = None
    note: str = ""
    form_token: str = ""  # the portal form's one-time token: a second submit is the same return


def return_policy_get() -> ReturnPolicy:
    return ReturnPolicy.objects.order_by("pk").first() or ReturnPolicy()


def _clean_person(name: str, email: str, *, required: bool) -> tuple[str, str]:
    name, email = (name or "").strip(), (email or "").strip()
    if required and not name:
        raise InvalidInput("the name is missing", details={"field": "customer_name"})
    if len(name) > 200:
        raise InvalidInput("the name is too long (at most 200 characters)", details={"field": "customer_name"})
    if email or required:
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidInput("not a valid e-mail address", details={"field": "customer_email"})
    return name, email


def _article_lines(order: SalesOrder) -> dict[int, SalesOrderLine]:
    return {line.position: line for line in order.lines.filter(kind=LineKind.ARTICLE)}


def _withdrawn_items(order: SalesOrder, items: tuple[tuple[int, int], ...]) -> list[dict]:
    lines, seen, result = _article_lines(order), set(), []
    for position, quantity in items:
        line = lines.get(position)
        if line is None:
            raise InvalidInput(f"order {order.number} has no article line {position}", details={"field": "items"})
        if position in seen:
            raise InvalidInput(f"line {position} is named twice", details={"field": "items"})
        if not 0 < quantity <= line.quantity:
            raise InvalidInput(f"line {position}: between 1 and {line.quantity} units", details={"field": "items"})
        seen.add(position)
        result.append({"position": position, "quantity": quantity, "sku": line.sku, "name": line.name})
    if result and len(result) == len(lines) and all(i["quantity"] == lines[i["position"]].quantity for i in result):
        return []  # every unit named: that is the whole contract
    return result


def withdrawal_period(*, declared_on: dt.date, goods_received_on: dt.date | None) -> tuple[dt.date | None, bool]:
    """(the last day of the withdrawal period, whether `declared_on` is after it): 14 days (the
    RETURN_PERIOD_DAYS setting) from the day the goods were received. Before the goods are on
    their way the period has not started, and nothing is late."""
    if goods_received_on is None:
        return None, False
    ends = goods_received_on + dt.timedelta(days=settings.KONTORHAUS["RETURN_PERIOD_DAYS"])
    return ends, declared_on > ends


@operation
def withdrawal_record(*, order: SalesOrder, declaration: WithdrawalDeclaration,
                      actor: Actor) -> tuple[Withdrawal, bool]:
    """The withdrawal, and whether it is new: the same declaration again (same order, items and
    e-mail within a day, not settled) is the same withdrawal, confirmed once."""
    name, email = _clean_person(declaration.customer_name, declaration.customer_email, required=True)
    if declaration.channel not in Channel.values or declaration.channel == Channel.BACK_OFFICE:
        raise InvalidInput(f"unknown channel {declaration.channel!r}", details={"field": "channel"})
    if len(declaration.statement) > MAX_TEXT:
        raise InvalidInput(f"the statement is too long (at most {MAX_TEXT} characters)",
                           details={"field": "statement"})
    if order.status == SalesOrderStatus.CANCELLED:
        raise InvalidInput(f"order {order.number} is cancelled; there is no contract to withdraw from",
                           code="order_cancelled", details={"field": "order"})
    now = clock.now()
    declared_at = declaration.declared_at or now
    if declared_at > now:
        raise InvalidInput("a withdrawal cannot be received in the future", details={"field": "declared_at"})
    items = _withdrawn_items(order, declaration.items)
    same = Withdrawal.objects.filter(order=order, customer_email__iexact=email, items=items, settled_at__isnull=True,
                                     declared_at__gte=declared_at - DUPLICATE_WINDOW).first()
    if same is not None:
        return same, False
    period_ends_on, late = withdrawal_period(declared_on=clock.local_date(declared_at),
                                             goods_received_on=declaration.goods_received_on)
    withdrawal = Withdrawal.objects.create(
        order=order, declared_at=declared_at, channel=declaration.channel, customer_name=name, customer_email=email,
        statement=declaration.statement.strip(), items=items, confirmation_queued_at=now,
        refund_due_on=None if late else clock.local_date(declared_at) + dt.timedelta(days=REFUND_DAYS),
        period_ends_on=period_ends_on, late=late, actor=str(actor))
    record(action=AuditAction.RETURNS_WITHDRAWAL_DECLARED, obj=withdrawal, actor=actor, order_number=order.number,
           data={"channel": withdrawal.channel, "items": items, "late": late,
                 "refund_due_on": withdrawal.refund_due_on.isoformat() if withdrawal.refund_due_on else None,
                 "period_ends_on": period_ends_on.isoformat() if period_ends_on else None})
    return withdrawal, True


def returned_quantities(*, order: SalesOrder) -> dict[int, int]:
    """Units per order line position on returns that are not cancelled. A line inspected as a
    wrong item is not the order's goods: its units stay returnable, for the real item."""
    rows = (ReturnLine.objects.filter(order=order).exclude(request__status=ReturnStatus.CANCELLED)
            .exclude(condition=Condition.WRONG_ITEM)
            .values("order_line_position").annotate(units=Sum("quantity")))
    return {r["order_line_position"]: r["units"] for r in rows}


def returnable_quantities(*, order: SalesOrder) -> dict[int, int]:
    """Units per physical order line that can still be registered: shipped less already on a return."""
    taken = returned_quantities(order=order)
    return {position: line.shipped_quantity - taken.get(position, 0)
            for position, line in _article_lines(order).items() if line.article_kind == ArticleKind.PHYSICAL}


def _check_line(index: int, line: ReturnLineDraft, draft: ReturnDraft) -> None:
    where = f"lines[{index}]"
    if line.reason not in ReturnReason.values:
        raise InvalidInput(f"{where}: unknown reason {line.reason!r}", details={"field": f"{where}.reason"})
    if not 0 < line.quantity <= MAX_QUANTITY:
        raise InvalidInput(f"{where}: the quantity must be between 1 and {MAX_QUANTITY}",
                           details={"field": f"{where}.quantity"})
    if len(line.reason_note) > 500:
        raise InvalidInput(f"{where}: the note is too long", details={"field": f"{where}.reason_note"})
    if line.order is None:
        if draft.order is not None:
            raise InvalidInput(f"{where}: goods without an order on a return for order {draft.order.number}",
                               details={"field": f"{where}.order"})
        if line.article is None or not line.article.is_stocked:
            raise InvalidInput(f"{where}: name the order line or a physical article", details={"field": f"{where}.sku"})
    elif draft.order is not None and line.order.pk != draft.order.pk:
        raise InvalidInput(f"{where}: not a line of order {draft.order.number}", details={"field": f"{where}.order"})
    if len(line.photos) > MAX_PER_LINE:
        raise InvalidInput(f"{where}: at most {MAX_PER_LINE} photos per item", code="photo_count",
                           details={"field": f"{where}.photos"})
    for photo in line.photos:
        photo_check(photo, field=f"{where}.photos")


def _order_line(index: int, line: ReturnLineDraft, order: SalesOrder, left: dict[int, int]) -> SalesOrderLine:
    where = f"lines[{index}]"
    ordered = _article_lines(order).get(line.position or 0)
    if ordered is None or ordered.article_kind != ArticleKind.PHYSICAL:
        raise InvalidInput(f"{where}: order {order.number} has no physical line {line.position}",
                           details={"field": f"{where}.position"})
    if line.quantity > left.get(ordered.position, 0):
        raise InvalidInput(f"{where}: only {max(left.get(ordered.position, 0), 0)} unit(s) of line {ordered.position} "
                           f"of order {order.number} can be returned (shipped, not on another return)",
                           code="quantity_not_returnable", details={"field": f"{where}.quantity"})
    left[ordered.position] -= line.quantity
    return ordered


def _line_row(request: ReturnRequest, position: int, line: ReturnLineDraft,
              ordered: SalesOrderLine | None) -> ReturnLine:
    if ordered is None:
        article = line.article
        return ReturnLine(request=request, position=position, article=article, sku=article.sku, name=article.name,
                          quantity=line.quantity, reason=line.reason, reason_note=line.reason_note.strip())
    unit = quantize(ordered.gross / ordered.quantity, line.order.currency)  # shown; the refund uses the line's gross
    return ReturnLine(request=request, position=position, order=line.order, order_line_position=ordered.position,
                      article=ordered.article, sku=ordered.sku, name=ordered.name, quantity=line.quantity,
                      reason=line.reason, reason_note=line.reason_note.strip(), unit_gross=unit)


def _withdrawal_for(draft: ReturnDraft) -> Withdrawal | None:
    """The withdrawal a return for one order belongs to when none is named: the oldest open one
    of that order that covers the returned lines (the whole order, or every line returned) and
    has no return yet. Its refund settles that withdrawal, and only that one."""
    if draft.order is None:
        return None
    positions = {line.position for line in draft.lines}
    for withdrawal in (Withdrawal.objects.filter(order=draft.order, settled_at__isnull=True)
                       .exclude(returns__status__in=OPEN_AND_DONE).order_by("declared_at", "id")):
        if withdrawal.is_full or positions <= {item["position"] for item in withdrawal.items}:
            return withdrawal
    return None


@operation
def return_register(*, draft: ReturnDraft, actor: Actor) -> ReturnRequest:
    """A return with its lines (and photos), numbered RT-…; every order line at most as often as
    it was shipped, across all returns (the orders are locked while that is checked)."""
    if draft.channel not in Channel.values:
        raise InvalidInput(f"unknown channel {draft.channel!r}", details={"field": "channel"})
    if not draft.lines or len(draft.lines) > MAX_LINES:
        raise InvalidInput(f"a return has 1 to {MAX_LINES} lines", details={"field": "lines"})
    name, email = _clean_person(draft.customer_name, draft.customer_email, required=False)
    if len(draft.note) > MAX_TEXT:
        raise InvalidInput("the note is too long", details={"field": "note"})
    for index, line in enumerate(draft.lines):
        _check_line(index, line, draft)
    orders = orders_lock(numbers=[line.order.number for line in draft.lines if line.order is not None])
    if draft.form_token:  # checked under the orders' lock: a concurrent double submit waits here
        same = ReturnRequest.objects.filter(form_token=draft.form_token[:64], order=draft.order).first()
        if same is not None:
            return same
    left = {number: returnable_quantities(order=order) for number, order in orders.items()}
    ordered = [None if line.order is None else _order_line(i, line, orders[line.order.number], left[line.order.number])
               for i, line in enumerate(draft.lines)]
    first = draft.order or next((line.order for line in draft.lines if line.order is not None), None)
    request = ReturnRequest(order=draft.order, withdrawal=draft.withdrawal or _withdrawal_for(draft),
                            channel=draft.channel,
                            customer_name=name or (first.customer_name if first else ""),
                            customer_email=email or (first.customer_email if first else ""),
                            note=draft.note.strip(), shipping_paid_by=return_policy_get().return_shipping_paid_by,
                            form_token=draft.form_token[:64])
    request.number = next_number(kind=NumberKind.RETURN, on=clock.today())
    request.save(force_insert=True)
    rows = ReturnLine.objects.bulk_create(
        [_line_row(request, i, line, o) for i, (line, o) in enumerate(zip(draft.lines, ordered, strict=True), start=1)])
    for row, line in zip(rows, draft.lines, strict=True):
        photos_save(line=row, uploads=line.photos)
    for number in sorted({row.order.number for row in rows if row.order is not None}) or [""]:
        record(action=AuditAction.RETURNS_RETURN_REGISTERED, obj=request, actor=actor, order_number=number,
               data={"channel": draft.channel, "lines": len(rows)})
    return request


@operation
def return_label_attach(*, request: ReturnRequest, tracking_number: str, pdf: bytes, actor: Actor) -> ReturnRequest:
    """The carrier's return label, kept so the customer can download it again."""
    request = ReturnRequest.objects.select_for_update().get(pk=request.pk)
    request.label_tracking_number, request.label_pdf = tracking_number[:64], pdf
    request.save(update_fields=["label_tracking_number", "label_pdf"])
    record(action=AuditAction.RETURNS_RETURN_LABEL_ATTACHED, obj=request, actor=actor,
           order_number=request.order.number if request.order else "", data={"tracking_number": tracking_number[:64]})
    return request


POLICY_FIELDS = ("return_shipping_paid_by", "return_shipping_fee", "standard_delivery_gross", "refund_alert_days",
                 "quarantine_warehouse")


@operation
def return_policy_update(*, changes: dict, actor: Actor) -> ReturnPolicy:
    unknown = set(changes) - set(POLICY_FIELDS)
    if unknown:
        raise InvalidInput(f"unknown setting {sorted(unknown)[0]}", details={"field": sorted(unknown)[0]})
    policy = ReturnPolicy.objects.select_for_update().order_by("pk").first() or ReturnPolicy()
    for name, value in changes.items():
        setattr(policy, name, value)
    try:
        policy.full_clean()
    except ValidationError as error:
        field = next(iter(error.message_dict), "policy")
        raise InvalidInput(f"{field}: {error.message_dict[field][0]}", details={"field": field})
    policy.updated_at = clock.now()
    policy.save()
    record(action=AuditAction.RETURNS_POLICY_UPDATED, obj=policy, actor=actor,
           data={k: str(v) for k, v in changes.items()})
    return policy
