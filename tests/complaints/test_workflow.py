"""The transition table, without a database."""

import pytest

from kesu.complaints.workflow import TRANSITIONS, Action, Status, allowed_actions, target_of


@pytest.mark.parametrize(
    ("action", "source", "target"),
    [
        ("acknowledge", "registered", "acknowledged"),
        ("start_investigation", "acknowledged", "investigating"),
        ("request_approval", "investigating", "awaiting_approval"),
        ("start_resolution", "investigating", "resolving"),
        ("approve", "awaiting_approval", "resolving"),
        ("reject", "awaiting_approval", "investigating"),
        ("resolve", "resolving", "awaiting_follow_up"),
        ("close", "awaiting_follow_up", "closed"),
        ("reopen", "awaiting_follow_up", "investigating"),
        ("reopen", "closed", "investigating"),
    ],
)
def test_allowed_transitions(action, source, target):
    assert target_of(action, source) == target


def test_every_other_pair_is_refused():
    allowed = {(a, s) for a, t in TRANSITIONS.items() for s in t.sources}
    for action in Action.values:
        for status in Status.values:
            if (action, status) not in allowed:
                assert target_of(action, status) is None, (action, status)


def test_closed_is_only_left_by_reopen():
    assert allowed_actions("closed") == ["reopen"]
    assert allowed_actions("registered") == ["acknowledge"]


def test_unknown_action_is_refused():
    assert target_of("teleport", "registered") is None
