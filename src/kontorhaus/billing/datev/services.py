"""`datev_export_create`: the DATEV Buchungsstapel of a period, stored as a `DatevExport`.

A period may be exported again (the advisor lost the file, a new chart): that is allowed and
the edges say when and by whom it was exported before. An unchanged period gives the same
bytes again: the header's "Erzeugt am" and user are taken over from the last export of the same
period and chart when the bookings are unchanged; changed bookings get a new timestamp.
"""

import datetime as dt
import hashlib
from zoneinfo import ZoneInfo

from django.conf import settings

from kontorhaus.core import clock
from kontorhaus.core.audit import Actor, AuditAction, record
from kontorhaus.core.exceptions import DomainError, InvalidInput
from kontorhaus.core.transactions import operation

from ..models_datev import DatevExport
from .accounts import DatevConfig, datev_config, fiscal_year_start
from .bookings import credit_note_bookings, invoice_bookings
from .selectors import datev_credit_note_list, datev_export_latest, datev_invoice_list
from .writer import Booking, Header, buchungsstapel


class NothingToExport(DomainError):
    code = "nothing_to_export"
    status = 422


def datev_period_parse(*, date_from: str, date_to: str) -> tuple[dt.date, dt.date]:
    """The period from the CLI's text (YYYY-MM-DD)."""
    days = []
    for field, text in (("from", date_from), ("to", date_to)):
        try:
            days.append(dt.date.fromisoformat(str(text).strip()))
        except ValueError:
            raise InvalidInput(f"--{field}: {text!r} is not a date (YYYY-MM-DD)", details={"field": field})
    return days[0], days[1]


def datev_period_check(*, date_from: dt.date, date_to: dt.date, config: DatevConfig) -> dt.date:
    """Refuse a period DATEV cannot take; returns the start of its fiscal year (WJ-Beginn)."""
    if date_from > date_to:
        raise InvalidInput(f"the period starts ({date_from}) after it ends ({date_to})", details={"field": "from"})
    if date_to > clock.today():
        raise InvalidInput(f"the period ends in the future ({date_to})", details={"field": "to"})
    start = fiscal_year_start(config, date_from)
    if fiscal_year_start(config, date_to) != start:
        # Belegdatum is only DDMM: the year comes from the header, so a file holds one fiscal year.
        raise InvalidInput(f"{date_from} to {date_to} spans two fiscal years (the year starts on "
                           f"{start:%d.%m.}); export each fiscal year on its own", details={"field": "to"})
    return start


def _bookings(*, date_from: dt.date, date_to: dt.date, config: DatevConfig) -> tuple[int, list[Booking]]:
    invoices = datev_invoice_list(date_from=date_from, date_to=date_to)
    notes = datev_credit_note_list(date_from=date_from, date_to=date_to)
    documents = [(i.issue_date, 0, i.number, invoice_bookings(i, config)) for i in invoices]
    documents += [(n.issue_date, 1, n.number, credit_note_bookings(n, config)) for n in notes]
    documents.sort(key=lambda d: d[:3])  # by date; on one day invoices before credit notes
    return len(documents), [b for *_, bookings in documents for b in bookings]


def _header(*, config: DatevConfig, period: tuple[dt.date, dt.date], wj_start: dt.date,
            created_at: dt.datetime, user: str) -> Header:
    date_from, date_to = period
    return Header(
        created_at=created_at.astimezone(ZoneInfo(settings.TIME_ZONE)), exported_by=user,
        consultant=config.consultant, client=config.client, fiscal_year_start=wj_start,
        account_length=config.account_length, date_from=date_from, date_to=date_to,
        label=f"Kontorhaus {date_from:%d.%m.}-{date_to:%d.%m.%Y}", chart=config.chart_code, lock=config.lock,
    )


@operation
def datev_export_create(*, date_from: dt.date, date_to: dt.date, chart: str | None, actor: Actor) -> DatevExport:
    """Write the Buchungsstapel of the invoices and credit notes issued from `date_from` to
    `date_to` (inclusive) and store it. NothingToExport when the period has no documents."""
    config = datev_config(chart=chart)
    wj_start = datev_period_check(date_from=date_from, date_to=date_to, config=config)
    documents, bookings = _bookings(date_from=date_from, date_to=date_to, config=config)
    if not documents:
        raise NothingToExport(f"no invoices or credit notes from {date_from:%d.%m.%Y} to {date_to:%d.%m.%Y}")
    period = (date_from, date_to)
    created_at, user = clock.now(), actor.name[:25]
    content = b""
    previous = datev_export_latest(date_from=date_from, date_to=date_to, chart=config.chart)
    if previous is not None:  # unchanged since the last export: the same file, byte for byte
        content = buchungsstapel(_header(config=config, period=period, wj_start=wj_start,
                                         created_at=previous.header_created_at, user=previous.header_user),
                                 bookings)
        if content == bytes(previous.content):
            created_at, user = previous.header_created_at, previous.header_user
        else:
            content = b""
    if not content:
        content = buchungsstapel(_header(config=config, period=period, wj_start=wj_start, created_at=created_at,
                                         user=user), bookings)
    export = DatevExport.objects.create(
        date_from=date_from, date_to=date_to, chart=config.chart, created_by=str(actor),
        header_created_at=created_at, header_user=user, documents=documents, bookings=len(bookings),
        content=content, sha256=hashlib.sha256(content).hexdigest(),
    )
    record(action=AuditAction.BILLING_DATEV_EXPORT_CREATED, obj=export, actor=actor,
           data={"from": date_from.isoformat(), "to": date_to.isoformat(), "chart": config.chart,
                 "documents": documents, "sha256": export.sha256})
    return export
