"""Arbitrary pod-shaped JSON must never make the view models raise."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings

from podtui.anatomy import describe, event_from_json, pod_from_json, summarize
from tests.pod_json import DAMAGED_FIXTURES, JSON, PODS

NOW = datetime(2025, 4, 9, 10, 15, tzinfo=UTC)


def _check(pod: Any) -> None:
    snapshot = copy.deepcopy(pod)
    row = summarize(pod)
    assert isinstance(row.status, str) and row.status
    assert row.ready >= 0 and row.restarts >= 0
    model = pod_from_json(pod)
    text = describe(model, NOW)
    assert isinstance(text, str) and "\x1b" not in text
    for v in model.volumes:
        assert v.shared == (len({m.container for m in v.mounts}) >= 2)
        assert v.unused == (not v.mounts)
    assert pod == snapshot  # nothing is mutated


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PODS)
def test_pod_shaped_json_never_raises(pod: Any) -> None:
    _check(pod)


@settings(max_examples=150, deadline=None)
@given(JSON)
def test_any_json_never_raises(value: Any) -> None:
    summarize(value)
    describe(pod_from_json(value), NOW)
    event_from_json(value)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DAMAGED_FIXTURES)
def test_damaged_fixtures_never_raise(pod: dict) -> None:
    """Real-looking pods with some fields replaced by junk at realistic places."""
    _check(pod)
