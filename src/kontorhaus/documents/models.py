from django.db import models


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", "Invoice"
    CREDIT_NOTE = "credit_note", "Credit note"


class Document(models.Model):
    """A rendered PDF, stored in the database so it commits with its transaction.

    Immutable once written: the first render of a (kind, number) wins, every later request
    reads it back, so the worker and an on-demand download hand out the same bytes.
    """

    kind = models.CharField(max_length=32)
    number = models.CharField(max_length=32)
    language = models.CharField(max_length=8)
    sha256 = models.CharField(max_length=64)
    pdf = models.BinaryField()
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "number"], name="uniq_document_kind_number")]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"

    @property
    def filename(self) -> str:
        return f"{self.number}.pdf"
