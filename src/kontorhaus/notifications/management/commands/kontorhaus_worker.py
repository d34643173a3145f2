from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import valid_interval, valid_max_tasks

from kontorhaus.notifications.worker import SweepingWorker


class Command(BaseCommand):
    help = "Run background tasks (django-tasks-db) and sweep the e-mail outbox periodically."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--interval",
            type=valid_interval,
            default=0.5,
            help="Seconds to wait between polls when the queue is empty (default 0.5).",
        )
        parser.add_argument(
            "--sweep-interval",
            type=valid_interval,
            default=60.0,
            help="Seconds between outbox sweeps (default 60).",
        )
        parser.add_argument("--batch", action="store_true", help="Run everything that is ready, then exit.")
        parser.add_argument("--queue-name", default="default", help="Comma-separated queues, '*' for all.")
        parser.add_argument("--max-tasks", type=valid_max_tasks, default=None)
        parser.add_argument("--worker-id", default=None, help="Unique per worker (default: random).")
        parser.add_argument("--backend", default="default", dest="backend_name")

    def handle(self, *args: Any, **options: Any) -> None:
        worker = SweepingWorker(
            queue_names=options["queue_name"].split(","),
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=not options["batch"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"] or get_random_string(32),
            excluded_queue_names=[],
            sweep_interval=options["sweep_interval"],
        )
        if not options["batch"]:
            worker.configure_signals()
        worker.run()
