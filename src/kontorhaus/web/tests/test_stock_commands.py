"""`kontorhaus stock` and `kontorhaus warehouse` from the shell."""

import io

import pytest
from django.core.management import CommandError, call_command

from kontorhaus.core import clock
from kontorhaus.inventory.models import StockLevel
from kontorhaus.sales.tests.factories import make_article

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_warehouse_bins_count_and_csv(tmp_path):
    _run("kontorhaus_warehouse", "create", "HH", "Hamburg")
    _run("kontorhaus_warehouse", "bin-create", "HH", "A-01", "--walk-order", "10")
    assert "A-01" in _run("kontorhaus_warehouse", "bins", "HH")
    mug = make_article(sku="MUG")
    sheet = tmp_path / "count.csv"
    sheet.write_text("sku;bin;counted\nMUG;A-01;4\n", encoding="utf-8")
    assert "+4" in _run("kontorhaus_stock", "count", "--warehouse", "HH", "--file", str(sheet))
    assert StockLevel.objects.get(article=mug, location__code="HH:A-01").on_hand == 4
    sheet.write_text("MUG;A-01;x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 1"):
        _run("kontorhaus_stock", "count", "--warehouse", "HH", "--file", str(sheet))
    out = tmp_path / "stock.csv"
    _run("kontorhaus_stock", "export-csv", "--date", clock.today().isoformat(), "--output", str(out))
    assert out.read_text(encoding="utf-8").splitlines()[1].endswith(";MUG;Artikel MUG;HH;A-01;4")
    with pytest.raises(CommandError):
        _run("kontorhaus_stock", "export-csv", "--date", "morgen")
    assert "count" in _run("kontorhaus_stock", "ledger", "MUG")
