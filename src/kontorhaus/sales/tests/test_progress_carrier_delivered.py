"""The derived fulfillment state with carrier deliveries: delivered only when every physical
unit was delivered; a partial delivery stays shipped (or partially shipped)."""

import pytest

from kontorhaus.sales.progress import derive_fulfillment_state


@pytest.mark.parametrize(("shipped", "delivered", "state"), [
    ([(2, 2), (1, 1)], [(2, 2), (1, 1)], "delivered"),
    ([(2, 2), (1, 1)], [(2, 2), (1, 0)], "shipped"),
    ([(2, 2), (1, 0)], [(2, 2), (1, 0)], "partially_shipped"),
    ([(2, 2)], [], "shipped"),
    ([(2, 0)], [(2, 0)], "unfulfilled"),
])
def test_delivered_needs_every_physical_unit(shipped, delivered, state):
    assert derive_fulfillment_state(shipped_by_line=shipped, carrier_delivered_by_line=delivered) == state
