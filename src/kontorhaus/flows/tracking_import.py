"""Tracking numbers from a CSV file (the export of a carrier's own shipping software): one line
per parcel, `order or shipment number; tracking number; carrier`. The whole file is checked
first; any bad line is reported with its line number and nothing changes. Lines for a shipment
with several parcels fill its parcels in order; a number a parcel has already is skipped, so
importing the same file twice changes nothing."""

import csv
import io
from dataclasses import dataclass

from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.core.transactions import flow
from kontorhaus.fulfillment.carriers.manual import link_templates, tracking_number_clean
from kontorhaus.fulfillment.models import Parcel, Shipment
from kontorhaus.fulfillment.services_booking import parcel_tracking_number_set
from kontorhaus.fulfillment.states_picking import ShipmentStatus

from .shipment_confirmation import shipment_confirmation_enqueue

MAX_LINES = 5000
CARRIER_ALIASES = {"deutsche post": "deutsche_post", "post": "deutsche_post", "dhl paket": "dhl"}


@dataclass(frozen=True)
class ImportResult:
    set: int
    unchanged: int


def _rows(text: str) -> list[tuple[int, list[str]]]:
    sample = text[:2000]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    rows = []
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        if not row or not any(cell.strip() for cell in row):
            continue
        if number == 1 and row[0].strip().lower() in ("order", "shipment", "auftrag", "bestellung", "number"):
            continue  # a header line
        rows.append((number, [cell.strip() for cell in row]))
    return rows


def _shipment_of(reference: str) -> Shipment | None:
    return (Shipment.objects.filter(number=reference).first()
            or Shipment.objects.filter(order_number=reference).exclude(
                status__in=[ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED]).order_by("-packed_at").first())


def _plan(rows: list[tuple[int, list[str]]]) -> list[tuple[Parcel, str, str]]:
    errors, plan, used = [], [], set()
    for line, cells in rows:
        if len(cells) < 3:  # noqa: PLR2004
            errors.append(f"line {line}: expected order or shipment number; tracking number; carrier")
            continue
        reference, raw_number, carrier = cells[0], cells[1], CARRIER_ALIASES.get(cells[2].lower(), cells[2].lower())
        try:
            number = tracking_number_clean(raw_number)
        except ValueError as error:
            errors.append(f"line {line}: {error}")
            continue
        if carrier not in link_templates():
            errors.append(f"line {line}: unknown carrier {cells[2][:30]!r} (one of {', '.join(link_templates())})")
            continue
        shipment = _shipment_of(reference)
        if shipment is None:
            errors.append(f"line {line}: no shipment or order {reference[:40]!r}")
            continue
        parcels = list(shipment.parcels.all())
        same = next((p for p in parcels if p.tracking_number == number), None)
        free = next((p for p in parcels if not p.tracking_number and p.pk not in used), None)
        target = same or free
        if target is None:
            errors.append(f"line {line}: every parcel of {shipment.number} has a tracking number already")
            continue
        used.add(target.pk)
        plan.append((target, number, carrier))
    if errors:
        raise InvalidInput("; ".join(errors[:50]), details={"field": "file", "errors": errors[:200]})
    return plan


@flow
def tracking_numbers_import(*, text: str, actor: Actor) -> ImportResult:
    rows = _rows(text)
    if not rows:
        raise InvalidInput("the file has no lines", details={"field": "file"})
    if len(rows) > MAX_LINES:
        raise InvalidInput(f"at most {MAX_LINES} lines per file", details={"field": "file"})
    changed = unchanged = 0
    plan = _plan(rows)
    packed = set(Shipment.objects.filter(pk__in={p.shipment_id for p, _, _ in plan}, status=ShipmentStatus.PACKED)
                 .values_list("pk", flat=True))
    for parcel, number, carrier in plan:
        if parcel_tracking_number_set(parcel=parcel, tracking_number=number, carrier=carrier, actor=actor):
            changed += 1
        else:
            unchanged += 1
    for shipment in Shipment.objects.filter(pk__in=packed, status=ShipmentStatus.BOOKED):
        shipment_confirmation_enqueue(shipment=shipment)  # booked by this file: the customer learns the numbers
    return ImportResult(set=changed, unchanged=unchanged)


@flow
def parcel_tracking_number_entered(*, parcel: Parcel, tracking_number: str, carrier: str, actor: Actor) -> bool:
    """A number typed or scanned on the shipment page; the shipment e-mail goes out when the
    last parcel got its number."""
    before = Shipment.objects.get(pk=parcel.shipment_id).status
    changed = parcel_tracking_number_set(parcel=parcel, tracking_number=tracking_number, carrier=carrier, actor=actor)
    shipment = Shipment.objects.get(pk=parcel.shipment_id)
    if before == ShipmentStatus.PACKED and shipment.status == ShipmentStatus.BOOKED:
        shipment_confirmation_enqueue(shipment=shipment)
    return changed
