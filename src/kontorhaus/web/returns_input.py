"""What the back office types for returns, turned into the services' terms: the lines of a
return by hand ("AU-2026-000123/2 1 damaged" or "SKU 1 other") and the inspection form."""

from decimal import Decimal

from django.conf import settings

from kontorhaus.catalog.models import Article
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.flows.return_registered import return_register_and_notify
from kontorhaus.returns.models import ReturnLine, ReturnRequest
from kontorhaus.returns.selectors import bin_find
from kontorhaus.returns.selectors_inspection import received_article_find
from kontorhaus.returns.services import ReturnDraft, ReturnLineDraft, return_policy_get
from kontorhaus.returns.services_inspection import LineInspection
from kontorhaus.returns.states import Channel, Disposition, ReturnReason
from kontorhaus.sales.models import SalesOrder

from .forms_returns import InspectionForm

MAX_LINES = 200


def order_find(*, number: str) -> SalesOrder | None:
    return SalesOrder.objects.filter(number=number).first()


def _line(index: int, text: str) -> ReturnLineDraft:
    parts = text.split()
    where = f"lines[{index}]"
    if len(parts) != 3:  # noqa: PLR2004 - reference, quantity, reason
        raise InvalidInput(f"line {index + 1}: write REFERENCE QUANTITY REASON", details={"field": where})
    reference, quantity, reason = parts
    if not quantity.isdigit():
        raise InvalidInput(f"line {index + 1}: {quantity[:20]} is not a quantity", details={"field": where})
    if reason not in ReturnReason.values:
        raise InvalidInput(f"line {index + 1}: the reason is one of {', '.join(ReturnReason.values)}",
                           details={"field": where})
    number, slash, position = reference.rpartition("/")
    if slash:
        order = order_find(number=number)
        if order is None or not position.isdigit():
            raise InvalidInput(f"line {index + 1}: no order line {reference[:40]}", details={"field": where})
        return ReturnLineDraft(order=order, position=int(position), quantity=int(quantity), reason=reason)
    article = Article.objects.filter(sku=reference).first()
    if article is None:
        raise InvalidInput(f"line {index + 1}: no article {reference[:40]}", details={"field": where})
    return ReturnLineDraft(article=article, quantity=int(quantity), reason=reason)


def manual_draft(data: dict, *, actor: Actor) -> ReturnRequest:
    rows = [row.strip() for row in data["lines"].splitlines() if row.strip()]
    if not rows or len(rows) > MAX_LINES:
        raise InvalidInput(f"a return has 1 to {MAX_LINES} lines", details={"field": "lines"})
    lines = tuple(_line(i, row) for i, row in enumerate(rows))
    draft = ReturnDraft(channel=Channel.BACK_OFFICE, lines=lines, customer_name=data.get("customer_name", ""),
                        customer_email=data.get("customer_email", ""), note=data.get("note", ""))
    return return_register_and_notify(draft=draft, actor=actor, notify=False)


def inspections_from(form: InspectionForm, lines: list[ReturnLine]) -> list[LineInspection]:
    """The lines with a condition chosen; a bin typed is looked up (default warehouse for
    resellable goods, the quarantine warehouse otherwise), an empty one left to the flow; the
    article that arrived instead of a wrong item by its SKU or GTIN (the service decides whether
    naming one fits the line)."""
    data, result = form.cleaned_data, []
    default = settings.KONTORHAUS["DEFAULT_WAREHOUSE"]
    quarantine = return_policy_get().quarantine_warehouse
    for line in form.lines:
        p = line.position
        if not data.get(f"condition_{p}"):
            continue
        disposition = data.get(f"disposition_{p}") or ""
        code = data.get(f"bin_{p}") or ""
        warehouse = default if disposition == Disposition.RESTOCKED else quarantine
        location = bin_find(code=code, warehouse=warehouse) if code else None
        arrived = data.get(f"article_{p}") or ""
        received = received_article_find(code=arrived, field=f"lines[{p}].article") if arrived else None
        result.append(LineInspection(position=p, condition=data[f"condition_{p}"], disposition=disposition,
                                     location=location, received_article=received,
                                     loss_of_value=data.get(f"loss_{p}") or Decimal("0.00"),
                                     note=data.get(f"note_{p}") or ""))
    return result
