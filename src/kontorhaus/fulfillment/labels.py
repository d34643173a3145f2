"""All labels of one or more shipments as one PDF (the label printer gets one job per pick
run), merged with pikepdf; parcels without a label are left out."""

import io
from collections.abc import Iterable

import pikepdf

from .models_shipping import Parcel, Shipment


def labels_pdf(shipments: Iterable[Shipment]) -> bytes:
    merged = pikepdf.new()
    ids = [s.pk for s in shipments]
    parcels = Parcel.objects.filter(shipment_id__in=ids).exclude(label_pdf=b"").order_by("shipment__number",
                                                                                          "position")
    for parcel in parcels:
        with pikepdf.open(io.BytesIO(bytes(parcel.label_pdf))) as label:
            merged.pages.extend(label.pages)
    out = io.BytesIO()
    merged.save(out)
    return out.getvalue()
