from django.db import transaction
from django_tasks import task

from kontorhaus.core.tasks import enqueue_in_transaction

from .services_webhooks_send import webhook_deliver


@task()
def webhook_deliver_task(delivery_id: str) -> None:
    """Send one outgoing webhook; a no-op unless it is queued and due. Schedules its own retry."""
    retry_at = webhook_deliver(delivery_id=delivery_id)
    if retry_at is not None:
        # If the process dies right here, webhook_sweep re-enqueues the queued row later.
        with transaction.atomic():
            enqueue_in_transaction(webhook_deliver_task.using(run_after=retry_at), delivery_id)
