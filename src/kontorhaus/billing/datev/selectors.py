import datetime as dt

from django.db.models import Exists, OuterRef

from kontorhaus.core.exceptions import NotFound

from ..models import CreditNote, Invoice
from ..models_datev import DatevExport


def datev_invoice_list(*, date_from: dt.date, date_to: dt.date) -> list[Invoice]:
    """Every invoice issued in the period, cancelled ones too (their credit note reverses them)."""
    return list(Invoice.objects.filter(issue_date__range=(date_from, date_to)).order_by("issue_date", "number"))


def datev_credit_note_list(*, date_from: dt.date, date_to: dt.date) -> list[CreditNote]:
    return list(CreditNote.objects.filter(issue_date__range=(date_from, date_to))
                .select_related("invoice").order_by("issue_date", "number"))


def datev_export_list(*, limit: int = 50) -> list[DatevExport]:
    """The latest exports; `exported_before` marks those whose period (or part of it) had been
    exported already."""
    earlier = DatevExport.objects.filter(date_from__lte=OuterRef("date_to"), date_to__gte=OuterRef("date_from"),
                                         pk__lt=OuterRef("pk"))
    return list(DatevExport.objects.defer("content").annotate(exported_before=Exists(earlier))[:limit])


def datev_export_get(*, pk: int) -> DatevExport:
    try:
        return DatevExport.objects.get(pk=pk)
    except DatevExport.DoesNotExist:
        raise NotFound(f"DATEV export {pk} not found", details={"export": pk})


def datev_export_overlapping_list(*, date_from: dt.date, date_to: dt.date,
                                  exclude: DatevExport | None = None) -> list[DatevExport]:
    """Earlier exports that cover any day of the period: the period is marked as exported."""
    exports = DatevExport.objects.defer("content").filter(date_from__lte=date_to, date_to__gte=date_from)
    if exclude is not None:
        exports = exports.exclude(pk=exclude.pk)
    return list(exports.order_by("created_at", "id"))


def datev_export_latest(*, date_from: dt.date, date_to: dt.date, chart: str) -> DatevExport | None:
    return DatevExport.objects.filter(date_from=date_from, date_to=date_to, chart=chart).order_by(
        "-created_at", "-id").first()
