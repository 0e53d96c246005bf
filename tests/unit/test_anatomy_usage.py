"""Quantities, PodMetrics and a pod's budget, on JSON alone."""

from __future__ import annotations

from fractions import Fraction

import pytest

from podtui.anatomy import (
    budget_of,
    cpu_text,
    memory_text,
    parse_quantity,
    percent,
    pod_usage_from_json,
    pod_usages_from_json,
    summarize,
)


@pytest.mark.parametrize(("text", "value"), [
    ("250m", Fraction(1, 4)),
    ("1", Fraction(1)),
    ("1.5", Fraction(3, 2)),
    ("123456789n", Fraction(123456789, 10**9)),
    ("64Mi", Fraction(64 * 2**20)),
    ("12345Ki", Fraction(12345 * 1024)),
    ("1G", Fraction(10**9)),
    ("2e3", Fraction(2000)),
    (".5", Fraction(1, 2)),
    (3, Fraction(3)),
])
def test_quantities_parse_exactly(text, value):
    assert parse_quantity(text) == value


@pytest.mark.parametrize("bad", ["", "Mi", "12Qi", "1.2.3", None, True, [], "1 Mi"])
def test_bad_quantities_are_none(bad):
    assert parse_quantity(bad) is None


def test_texts_round_like_kubectl_top():
    # kubectl: CPU MilliValue() rounds up; memory Value()/MiB rounds down.
    assert cpu_text(parse_quantity("123000001n")) == "124m"
    assert cpu_text(parse_quantity("0")) == "0m"
    assert memory_text(parse_quantity("2097151Ki")) == "2047Mi"
    assert memory_text(parse_quantity("1Mi")) == "1Mi"
    assert cpu_text(None) == memory_text(None) == "n/a"


METRICS = {
    "kind": "PodMetrics",
    "metadata": {"name": "web", "namespace": "shop"},
    "timestamp": "2026-11-30T10:00:00Z",
    "window": "15.01s",
    "containers": [
        {"name": "app", "usage": {"cpu": "120000000n", "memory": "49152Ki"}},
        {"name": "log-shipper", "usage": {"cpu": "3500000n", "memory": "20Mi"}},
        {"name": "broken", "usage": {"cpu": "x"}},  # skipped, not a crash
    ],
}


def test_pod_metrics_per_container_and_total():
    usage = pod_usage_from_json(METRICS)
    assert usage is not None
    assert [name for name, _ in usage.containers] == ["app", "log-shipper"]
    assert cpu_text(usage.container("app").cpu) == "120m"
    assert memory_text(usage.container("log-shipper").memory) == "20Mi"
    assert usage.total.cpu == Fraction(1235, 10000)
    assert cpu_text(usage.total.cpu) == "124m"  # the sum, rounded once, as kubectl sums
    assert usage.container("nope") is None
    assert usage.timestamp is not None and usage.window == "15.01s"


def test_pod_metrics_list_by_namespace_and_name():
    other = {**METRICS, "metadata": {"name": "db", "namespace": "shop"}}
    pods = pod_usages_from_json({"items": [METRICS, other, {"metadata": {}}, "junk"]})
    assert set(pods) == {("shop", "web"), ("shop", "db")}
    assert pod_usages_from_json(None) == {}


def test_budget_sums_running_containers_and_needs_every_limit():
    spec = {
        "initContainers": [
            {"name": "setup", "resources": {"requests": {"cpu": "1"}}},  # done before: not counted
            {"name": "proxy", "restartPolicy": "Always",
             "resources": {"requests": {"cpu": "50m", "memory": "32Mi"},
                           "limits": {"memory": "64Mi"}}},
        ],
        "containers": [
            {"name": "app", "resources": {"requests": {"cpu": "100m"},
                                          "limits": {"cpu": "500m", "memory": "128Mi"}}},
        ],
    }
    budget = budget_of(spec)
    assert budget.cpu_request == Fraction(15, 100)
    assert budget.cpu_limit is None  # the sidecar has none: the pod is not bounded
    assert budget.memory_request == 32 * 2**20
    assert budget.memory_limit == 192 * 2**20
    assert summarize({"spec": spec}).budget == budget
    assert budget_of({}).cpu_request is None


def test_percent_of_request_or_limit():
    assert percent(Fraction(1, 4), Fraction(1, 10)) == 250  # over its request is normal
    assert percent(Fraction(1), None) is None
    assert percent(None, Fraction(1)) is None
