"""DATEV exports: one Buchungsstapel file (EXTF 700) of the invoices and credit notes of a
period, kept as it was handed to the tax advisor, so it can be downloaded again and the
period shows as exported (when, by whom)."""

from django.db import models

from kontorhaus.core import clock


class DatevChart(models.TextChoices):
    SKR03 = "skr03", "SKR 03"
    SKR04 = "skr04", "SKR 04"


class DatevExport(models.Model):
    date_from = models.DateField()
    date_to = models.DateField()
    chart = models.CharField(max_length=8, choices=DatevChart.choices)
    created_at = models.DateTimeField(default=clock.now)
    created_by = models.CharField(max_length=120)
    # The file's header says when the batch was made ("Erzeugt am") and by whom: a re-export
    # with the same content keeps the first export's values, so the file is byte-identical.
    header_created_at = models.DateTimeField()
    header_user = models.CharField(max_length=25, blank=True, default="")
    documents = models.PositiveIntegerField()
    bookings = models.PositiveIntegerField()
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(date_from__lte=models.F("date_to")),
                                   name="datev_export_period_ordered"),
            models.CheckConstraint(condition=models.Q(chart__in=DatevChart.values), name="datev_export_chart_valid"),
        ]
        indexes = [models.Index(fields=["date_from", "date_to"], name="datev_export_period_idx")]

    def __str__(self) -> str:
        return self.filename

    @property
    def filename(self) -> str:
        """DATEV's batch import only takes files named EXTF_….csv."""
        return f"EXTF_Buchungsstapel_{self.date_from:%Y%m%d}_{self.date_to:%Y%m%d}_{self.chart}.csv"


__all__ = ["DatevChart", "DatevExport"]
