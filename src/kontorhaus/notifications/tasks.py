from django_tasks import task

from .services_send import email_send


@task()
def email_send_task(email_id: str) -> None:
    """Send one outbox e-mail; a no-op unless it is queued and due. Schedules its own retry."""
    retry_at = email_send(email_id=email_id)
    if retry_at is not None:
        # If the process dies right here, email_sweep re-enqueues the queued row later.
        email_send_task.using(run_after=retry_at).enqueue(email_id)
