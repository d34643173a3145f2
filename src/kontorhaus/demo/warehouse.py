"""The demo warehouse's layout: aisles A-D with five shelves each, walked in a serpentine
(up A, down B, up C, down D), and per article a default bin, a reorder point and a target level."""

from kontorhaus.catalog.models import Article
from kontorhaus.core.audit import Actor
from kontorhaus.inventory.models import Location
from kontorhaus.inventory.selectors_stock import bin_list
from kontorhaus.inventory.services import stock_location_default
from kontorhaus.inventory.services_bins import bin_create, stock_policy_set

AISLES = "ABCD"
SHELVES = 5


def demo_bins(*, actor: Actor) -> list[Location]:
    """The bins in walking order (existing ones are used as they are)."""
    warehouse = stock_location_default().warehouse
    existing = {b.label: b for b in bin_list(warehouse=warehouse)}
    bins = []
    for aisle_index, aisle in enumerate(AISLES):
        shelves = range(1, SHELVES + 1) if aisle_index % 2 == 0 else range(SHELVES, 0, -1)
        for step, shelf in enumerate(shelves, start=1):
            label = f"{aisle}-{shelf:02d}-1"
            walk_order = (aisle_index * SHELVES + step) * 10
            bins.append(existing.get(label) or bin_create(warehouse=warehouse, label=label, walk_order=walk_order,
                                                          actor=actor))
    return bins


def demo_stock_policy(*, article: Article, location: Location, opening_stock: int, actor: Actor) -> None:
    """Reorder at a fifth of the opening stock (at least 2), fill up to the opening stock."""
    reorder_point = max(2, opening_stock // 5)
    stock_policy_set(article=article, warehouse=location.warehouse, default_bin=location,
                     reorder_point=reorder_point, target_level=max(reorder_point * 3, opening_stock), actor=actor)
