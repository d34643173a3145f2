"""derive_fulfillment_state with digital and service lines."""

import pytest

from kontorhaus.sales.progress import derive_fulfillment_state


@pytest.mark.parametrize(("physical", "delivered", "released", "expected"), [
    ([], [(1, 1)], False, "delivered"),                   # e-book only, delivered
    ([], [(2, 2), (1, 1)], False, "delivered"),           # e-book and service, both delivered
    ([], [(2, 1)], False, "unfulfilled"),                 # one of two units only
    ([], [(1, 1), (1, 0)], False, "unfulfilled"),         # the service still open
    ([(1, 0)], [(1, 1)], True, "released"),               # mixed: the parcel governs
    ([(1, 0)], [(1, 1)], False, "unfulfilled"),
    ([(1, 1)], [(1, 1)], True, "shipped"),
    ([], [], False, "unfulfilled"),
])
def test_digital_lines_count_as_delivered_and_physical_lines_govern_a_mixed_order(physical, delivered, released,
                                                                                  expected):
    assert derive_fulfillment_state(shipped_by_line=physical, released=released,
                                    delivered_by_line=delivered) == expected
