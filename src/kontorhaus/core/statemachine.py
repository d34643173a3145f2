"""All lifecycle status changes go through `transition` (STYLE 9)."""

from collections.abc import Mapping
from typing import Any

from django.db import connection, models

from . import clock
from .audit import Actor, AuditAction, record
from .exceptions import InvalidTransition


def transition(  # noqa: PLR0913 - all keyword-only; the audit event needs them
    obj: models.Model,
    *,
    to: str,
    table: Mapping[str, frozenset[str]],
    action: AuditAction,
    actor: Actor,
    order_number: str = "",
    data: dict[str, Any] | None = None,
) -> list[str]:
    """Set `obj.status` after checking `table`; returns the fields to save. No-op when already there."""
    if not connection.in_atomic_block:
        raise InvalidTransition("status changes only happen inside a transaction")
    current = obj.status
    if current == to:
        return []
    if to not in table.get(current, frozenset()):
        raise InvalidTransition(
            f"{obj._meta.verbose_name} cannot go from {current} to {to}",
            details={"from": current, "to": to},
        )
    obj.status = to
    fields = ["status"]
    stamp = f"{to}_at"
    if hasattr(obj, stamp):
        setattr(obj, stamp, clock.now())
        fields.append(stamp)
    record(action=action, obj=obj, actor=actor, order_number=order_number,
           data={"from": current, "to": to, **(data or {})})
    return fields
