import itertools

import pytest

from kontorhaus.notifications.states import TRANSITIONS, OutgoingEmailStatus, check_transition

S = OutgoingEmailStatus
ALLOWED = {(S.QUEUED, S.SENDING), (S.SENDING, S.SENT), (S.SENDING, S.QUEUED), (S.SENDING, S.FAILED)}


@pytest.mark.parametrize(("current", "to"), list(itertools.product(S.values, S.values)))
def test_transition_table(current, to):
    # then exactly the listed transitions are allowed
    if (current, to) in ALLOWED:
        check_transition(current, to)
        assert to in TRANSITIONS[current]
    else:
        with pytest.raises(ValueError, match="cannot go"):
            check_transition(current, to)
