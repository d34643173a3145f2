"""The background worker: django-tasks-db's worker loop plus the periodic sweeps (the e-mail
outbox, and whatever other apps register, e.g. stuck PSP refunds)."""

import logging
import random
import time
from collections.abc import Callable
from typing import Any

from django_tasks_db.management.commands.db_worker import Worker

from .services import email_sweep

logger = logging.getLogger(__name__)
_sweeps: dict[str, Callable[[], object]] = {"email": email_sweep}


def sweep_register(name: str, sweep: Callable[[], object]) -> None:
    """Run `sweep` with the e-mail sweep (apps above notifications register theirs in ready())."""
    _sweeps[name] = sweep


class SweepingWorker(Worker):
    """Runs ready tasks like `db_worker`, and calls the sweeps (`email_sweep()` and the
    registered ones) at start and then every
    `sweep_interval` seconds (between tasks while busy, between polls while idle)."""

    def __init__(self, *, sweep_interval: float, **kwargs: Any):
        self.keep_polling = not kwargs["batch"]
        self.initial_delay = kwargs["startup_delay"]
        super().__init__(**{**kwargs, "batch": True, "startup_delay": False})
        self.sweep_interval = sweep_interval
        self.next_sweep = 0.0

    def sweep_if_due(self) -> None:
        if time.monotonic() < self.next_sweep:
            return
        self.next_sweep = time.monotonic() + self.sweep_interval
        for name, sweep in list(_sweeps.items()):
            try:
                sweep()
            except Exception:  # noqa: BLE001 - a failed sweep must not stop the worker; next one retries
                logger.exception("%s sweep failed", name)

    def run_task(self, db_task_result: Any) -> None:
        super().run_task(db_task_result)
        self.sweep_if_due()

    def run(self) -> None:
        if self.initial_delay and self.interval:
            time.sleep(random.random())  # spread workers started together
        while self.running:
            self.sweep_if_due()
            super().run()  # batch mode: runs every ready task, returns when none is left
            if not self.keep_polling or self.reached_max_tasks():
                return
            time.sleep(self.interval)

    def reached_max_tasks(self) -> bool:
        return self.max_tasks is not None and self._run_tasks >= self.max_tasks
