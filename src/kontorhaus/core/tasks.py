"""Side effects leave the database through tasks enqueued in the business transaction.

The django-tasks-db queue is a table in the same database, so a task enqueued here commits or
vanishes with the business change: that table is our outbox.
"""

import datetime as dt
from typing import Any

from django.db import connection

from .exceptions import DomainError


def enqueue_in_transaction(task: Any, *args: Any, **kwargs: Any) -> None:
    if not connection.in_atomic_block:
        raise DomainError("side effects are queued inside the business transaction", code="no_transaction")
    task.enqueue(*args, **kwargs)


def backoff(attempts: int, *, base_seconds: int, max_seconds: int) -> dt.timedelta:
    """How long to wait after the n-th failed attempt: base, 2 x base, 4 x base ..., capped."""
    return dt.timedelta(seconds=min(base_seconds * 2 ** max(attempts - 1, 0), max_seconds))
