"""How business operations compose into one transaction.

Every public service is an `operation`: called on its own it runs in its own transaction;
called inside another operation it joins the caller's transaction by savepoint, so a caller
that catches its error can carry on (STYLE 5).

A flow (`flow_transaction`) is different: it is the whole business operation, and any error in
one of its steps aborts all of it. Inside a flow the services therefore join without a
savepoint. That is not cosmetic: order intake calls eight services, and on PostgreSQL each
savepoint is two extra round trips, most of them while the invoice counter row is locked.
A service that must survive an error of its own (a unique-constraint race it resolves) still
opens its own explicit `transaction.atomic()` around that statement.
"""

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

from django.db import transaction

P = ParamSpec("P")
T = TypeVar("T")

_in_flow: ContextVar[bool] = ContextVar("kontorhaus_in_flow", default=False)


def operation(func: Callable[P, T]) -> Callable[P, T]:
    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        with transaction.atomic(savepoint=not _in_flow.get()):
            return func(*args, **kwargs)

    return run


@contextmanager
def flow_transaction() -> Iterator[None]:
    with transaction.atomic():
        token = _in_flow.set(True)
        try:
            yield
        finally:
            _in_flow.reset(token)


def flow(func: Callable[P, T]) -> Callable[P, T]:
    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        with flow_transaction():
            return func(*args, **kwargs)

    return run
