from .models import Document


def document_get(kind: str, number: str) -> Document | None:
    return Document.objects.filter(kind=kind, number=number).first()
