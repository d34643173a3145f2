from django_tasks import task

from .services import document_render


@task()
def document_render_task(kind: str, number: str) -> None:
    """Render and store a document after issue; a no-op when it is already stored."""
    document_render(kind=kind, number=number)
