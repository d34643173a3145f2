"""`kontorhaus ship book / import-tracking` and `kontorhaus tracking refresh` against the fake
DHL: labels as one PDF, the CSV import with line-numbered errors and nothing changed, exit 1
with the reason."""

import io

import pikepdf
import pytest
from django.core.management import CommandError, call_command

from kontorhaus.fulfillment.models import Shipment
from kontorhaus.fulfillment.tests import carrier_fixtures
from kontorhaus.fulfillment.tests.carrier_fixtures import packed_shipment

pytestmark = pytest.mark.django_db
fake_dhl, dhl_account = carrier_fixtures.fake_dhl, carrier_fixtures.dhl_account
BERLIN = {"name": "Erika Mustermann", "street": "Hauptstraße 1", "postal_code": "10115", "city": "Berlin",
          "country": "DE"}


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_ship_book_writes_all_labels_as_one_pdf(dhl_account, fake_dhl, tmp_path):
    first = packed_shipment(parcels=2, address=BERLIN, sku="MUG")
    second = packed_shipment(address=BERLIN, sku="TEE")
    out = _run("kontorhaus_ship", "book", first.number, second.number, "--labels", str(tmp_path / "labels.pdf"))
    assert f"{first.number}: booked" in out and f"{second.number}: booked" in out
    assert len(pikepdf.open(tmp_path / "labels.pdf").pages) == 3
    # booked already: the labels print again, DHL is not asked twice
    calls = len(fake_dhl.state.requests)
    _run("kontorhaus_ship", "book", first.number, "--labels", str(tmp_path / "again.pdf"))
    assert len(fake_dhl.state.requests) == calls and len(pikepdf.open(tmp_path / "again.pdf").pages) == 2
    with pytest.raises(CommandError, match="LS-0000 not found"):
        _run("kontorhaus_ship", "book", "LS-0000")


def test_ship_book_reports_the_carriers_refusal(dhl_account):
    bad = packed_shipment(address={**BERLIN, "city": "Hamburg"})
    with pytest.raises(CommandError, match="Postleitzahl"):
        _run("kontorhaus_ship", "book", bad.number)
    assert Shipment.objects.get(pk=bad.pk).status == "packed"


def test_import_tracking_all_or_nothing(tmp_path):
    shipment = packed_shipment(parcels=2, address=BERLIN)
    bad = tmp_path / "bad.csv"
    bad.write_text(f"order;tracking;carrier\n{shipment.order_number};01234567890123;DPD\n"
                   f"AU-1999-999999;1Z999;ups\n{shipment.number};x<y;gls\n;;\n{shipment.number};123;pigeon\n",
                   encoding="utf-8")
    with pytest.raises(CommandError) as error:
        _run("kontorhaus_ship", "import-tracking", str(bad))
    assert "line 3: no shipment or order" in str(error.value) and "line 4:" in str(error.value)
    assert "line 6: unknown carrier" in str(error.value) and "line 2" not in str(error.value)
    assert list(Shipment.objects.get(pk=shipment.pk).parcels.values_list("tracking_number", flat=True)) == ["", ""]
    good = tmp_path / "good.csv"
    good.write_text(f"{shipment.order_number};0123 4567 8901 23;DPD\n{shipment.number};01234567890124;dpd\n")
    assert "2 tracking numbers set" in _run("kontorhaus_ship", "import-tracking", str(good))
    assert Shipment.objects.get(pk=shipment.pk).status == "booked"
    assert "0 tracking numbers set, 2 unchanged" in _run("kontorhaus_ship", "import-tracking", str(good))
    (tmp_path / "bin.csv").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(CommandError, match="not UTF-8"):
        _run("kontorhaus_ship", "import-tracking", str(tmp_path / "bin.csv"))
    with pytest.raises(CommandError, match="not a file"):
        _run("kontorhaus_ship", "import-tracking", str(tmp_path / "missing.csv"))


def test_tracking_refresh_prints_counts(dhl_account, fake_dhl):
    _run("kontorhaus_ship", "book", packed_shipment(address=BERLIN).number)
    assert "1 parcels checked, 0 new events, 0 failed" in _run("kontorhaus_tracking", "refresh")


def test_fake_dhl_command_sets_up_an_account_that_books(monkeypatch):
    """`kontorhaus fake-dhl --account dhl` serves on a port and configures the account; stopped by Ctrl-C."""
    from kontorhaus.fulfillment.models import CarrierAccount
    from kontorhaus.web.management.commands import kontorhaus_fake_dhl

    monkeypatch.setattr(kontorhaus_fake_dhl.time, "sleep", lambda s: (_ for _ in ()).throw(KeyboardInterrupt))
    out = _run("kontorhaus_fake_dhl", "--port", "0", "--account", "dhl", "--progress", "0")
    assert "carrier account dhl books dhl-paket,dhl" in out
    account = CarrierAccount.objects.get(code="dhl")
    assert account.api_base_url.endswith("/parcel/de/shipping/v2") and account.credentials_hint["password"] == ""
