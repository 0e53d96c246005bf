"""The usage bar, sparkline and table, and the list's usage columns, on JSON alone."""

from __future__ import annotations

from fractions import Fraction

from rich.console import Console
from rich.text import Text

from podtui.anatomy import containers_from_json, pod_usage_from_json, summarize
from podtui.ui.widgets.pod_table import usage_value
from podtui.ui.widgets.usage_view import BAR_WIDTH, bar, sparkline, usage_table

POD = {
    "metadata": {"name": "web", "namespace": "shop"},
    "spec": {
        "initContainers": [
            {"name": "proxy", "image": "envoy", "restartPolicy": "Always",
             "resources": {"limits": {"memory": "100Mi"}}},
        ],
        "containers": [
            {"name": "app", "image": "app",
             "resources": {"requests": {"cpu": "200m"}, "limits": {"memory": "200Mi"}}},
        ],
    },
}
METRICS = {
    "metadata": {"name": "web", "namespace": "shop"},
    "containers": [
        {"name": "app", "usage": {"cpu": "100m", "memory": "190Mi"}},
        {"name": "proxy", "usage": {"cpu": "5m", "memory": "10Mi"}},
    ],
}


def test_bar_fills_in_eighths_and_caps_at_full():
    assert bar(Fraction(0)) == "░" * BAR_WIDTH
    assert bar(Fraction(1, 2)) == "█" * (BAR_WIDTH // 2) + "░" * (BAR_WIDTH // 2)
    assert bar(Fraction(3)) == "█" * BAR_WIDTH  # over its request: full, not longer
    assert len(bar(Fraction(1, 7))) == BAR_WIDTH
    assert bar(None) == " " * BAR_WIDTH


def test_sparkline_scales_to_the_limit():
    assert sparkline([Fraction(0), Fraction(50), Fraction(100)], Fraction(100)) == "▁▅█"
    assert sparkline([Fraction(5), Fraction(5)]) == "██"  # no limit: its own top
    assert sparkline([]) == ""


def render(table) -> str:
    console = Console(width=100, record=True, color_system=None)
    console.print(table)
    return console.export_text()


def test_usage_table_has_native_sidecars_and_the_limit_share():
    containers = containers_from_json(POD)
    usage = pod_usage_from_json(METRICS)
    text = render(usage_table(containers, usage, [usage], "", lambda t, _s: Text(t)))
    lines = text.splitlines()
    proxy = next(i for i, ln in enumerate(lines) if ln.startswith("proxy"))
    assert "5m" in lines[proxy] and "10Mi" in lines[proxy + 1]
    app = next(i for i, ln in enumerate(lines) if ln.startswith("app"))
    assert "95%" in lines[app + 1]  # 190Mi of 200Mi
    assert "50%" in lines[app]  # 100m of its 200m request (no CPU limit)


def test_usage_table_says_na_when_the_api_is_absent():
    containers = containers_from_json(POD)
    text = render(usage_table(containers, None, [], "metrics API not available",
                              lambda t, _s: Text(t)))
    assert text.count("n/a") == 4


def test_list_columns_use_the_pod_totals_and_budget():
    summary = summarize(POD)
    usage = pod_usage_from_json(METRICS)
    assert usage_value(usage, summary, "cpu") == Fraction(105, 1000)
    assert usage_value(usage, summary, "mem") == 200 * 2**20
    assert usage_value(usage, summary, "cpu_r") == 52  # 105m of 200m requested
    assert usage_value(usage, summary, "mem_l") == 66  # 200Mi of 300Mi
    assert usage_value(None, summary, "cpu") is None
