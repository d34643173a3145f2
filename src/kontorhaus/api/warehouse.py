"""Warehouse: stock per warehouse and bin, moves, counts."""

from django.http import HttpRequest
from ninja import Router, Status

from kontorhaus.catalog.selectors import article_get
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import NotFound
from kontorhaus.flows.stock_counted import stock_counted, stock_written_off
from kontorhaus.inventory.models import StockLevel, StockMove
from kontorhaus.inventory.selectors_stock import (
    bin_get,
    stock_by_article,
    stock_ledger,
    warehouse_get,
    warehouse_list,
)
from kontorhaus.inventory.services_bins import bin_create, stock_transfer, warehouse_create
from kontorhaus.inventory.services_counts import CountLine, CountResult

from .schemas_warehouse import (
    ArticleStockOut,
    BinIn,
    BinOut,
    LedgerRowOut,
    MoveOut,
    StockCountIn,
    StockCountOut,
    StockTransferIn,
    WarehouseIn,
    WarehouseOut,
    WriteOffIn,
)

router = Router(tags=["warehouse"])


def _actor(request: HttpRequest) -> Actor:
    return Actor("api", request.auth.name)


def _article(sku: str, field: str = "sku"):
    try:
        return article_get(sku=sku)
    except NotFound as error:
        raise NotFound(error.message, details={"field": field, "sku": sku}) from None


def _move(move: StockMove) -> dict:
    return {"sku": move.article.sku, "quantity": move.quantity, "reason": move.reason,
            "from_location": move.from_location.code, "to_location": move.to_location.code,
            "reference": move.reference, "note": move.note, "actor": move.actor,
            "occurred_at": move.occurred_at.isoformat()}


def _count_out(result: CountResult) -> dict:
    return {"differences": result.differences,
            "backordered": [{"order_number": t.order_number, "line_position": t.line_position, "sku": t.article.sku,
                             "quantity": t.quantity} for t in result.taken_back]}


@router.get("/warehouses", response=list[WarehouseOut])
def warehouse_index(request: HttpRequest):
    return warehouse_list()


@router.post("/warehouses", response={201: WarehouseOut})
def warehouse_create_endpoint(request: HttpRequest, body: WarehouseIn):
    return Status(201, warehouse_create(code=body.code, name=body.name, sellable=body.sellable,
                                        actor=_actor(request)))


@router.post("/warehouses/{code}/bins", response={201: BinOut})
def bin_create_endpoint(request: HttpRequest, code: str, body: BinIn):
    location = bin_create(warehouse=warehouse_get(code=code), label=body.label, walk_order=body.walk_order,
                          actor=_actor(request))
    return Status(201, {"warehouse": code, "label": location.label, "walk_order": location.walk_order,
                        "active": location.active})


@router.get("/stock", response=list[ArticleStockOut])
def stock_index(request: HttpRequest, warehouse: str = "", sku: str = ""):
    rows = stock_by_article(warehouse=warehouse_get(code=warehouse) if warehouse else None,
                            article=_article(sku) if sku else None)
    return [{"sku": r.article.sku, "name": r.article.name, "on_hand": r.on_hand, "reserved": r.reserved,
             "available": r.available, "bins": [_bin_stock(level) for level in r.bins]} for r in rows]


def _bin_stock(level: StockLevel) -> dict:
    return {"warehouse": level.location.warehouse.code, "bin": level.location.label, "kind": level.location.kind,
            "on_hand": level.on_hand, "reserved": level.reserved, "available": level.available}


@router.post("/stock/transfers", response={201: MoveOut})
def stock_transfer_endpoint(request: HttpRequest, body: StockTransferIn):
    warehouse = warehouse_get(code=body.warehouse)
    move = stock_transfer(article=_article(body.sku), source=bin_get(warehouse=warehouse, label=body.from_bin,
                                                                     field_name="from_bin"),
                          target=bin_get(warehouse=warehouse, label=body.to_bin, field_name="to_bin"),
                          quantity=body.quantity, actor=_actor(request))
    return Status(201, _move(move))


@router.post("/stock/counts", response={201: StockCountOut})
def stock_count_endpoint(request: HttpRequest, body: StockCountIn):
    warehouse = warehouse_get(code=body.warehouse)
    lines = [CountLine(_article(line.sku, f"lines.{i}.sku"),
                       bin_get(warehouse=warehouse, label=line.bin, field_name=f"lines.{i}.bin"),
                       line.counted, line.expected) for i, line in enumerate(body.lines)]
    return Status(201, _count_out(stock_counted(lines=lines, note=body.note, actor=_actor(request))))


@router.post("/stock/write-offs", response={201: StockCountOut})
def stock_write_off_endpoint(request: HttpRequest, body: WriteOffIn):
    location = bin_get(warehouse=warehouse_get(code=body.warehouse), label=body.bin)
    result = stock_written_off(article=_article(body.sku), location=location, quantity=body.quantity,
                               cause=body.cause, note=body.note, actor=_actor(request))
    return Status(201, _count_out(result))


@router.get("/articles/{sku}/ledger", response=list[LedgerRowOut])
def article_ledger(request: HttpRequest, sku: str):
    return [{**_move(row.move), "change": row.change, "balance": row.balance}
            for row in stock_ledger(article=_article(sku))]
