"""The API server's version in the pod list's status bar (the real app on the sandbox)."""

from __future__ import annotations

from podtui.app import PodTuiApp
from podtui.cluster.connection import connect
from podtui.cluster.server_version import fetch, parse
from tests.ui.helpers import status_text, until


async def test_the_status_bar_shows_the_servers_version(admin_kubeconfig):
    asked = connect(admin_kubeconfig)
    expected = fetch(asked).label  # whatever the sandbox runs
    asked.close()
    assert expected != "unknown"
    app = PodTuiApp(connect(admin_kubeconfig))
    async with app.run_test(size=(160, 30)) as pilot:
        await until(pilot, lambda: f"k8s {expected}" in status_text(app), "the version")
        bar = status_text(app)
        assert bar.index("ctx ") < bar.index("k8s ") < bar.index("ns ")


async def test_a_version_that_does_not_parse_is_shown_as_it_came(admin_kubeconfig):
    conn = connect(admin_kubeconfig)
    # What a build without version stamps reports (the sandbox before 1.37).
    conn.server_version = parse(b'{"gitVersion": "v0.0.0-master+$Format:%H$"}')
    app = PodTuiApp(conn)
    async with app.run_test(size=(160, 30)) as pilot:
        await until(pilot, lambda: "● live" in status_text(app), "live")
        assert "k8s v0.0.0-master+$Format:%H$" in status_text(app)


async def test_at_80_columns_the_version_goes_before_what_matters(admin_kubeconfig):
    conn = connect(admin_kubeconfig)
    conn.server_version = parse(b'{"gitVersion": "v1.31.14-eks-3025e55"}')
    app = PodTuiApp(conn, readonly=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "● live" in status_text(app), "live")
        bar = status_text(app)
        assert "READONLY" in bar and "ctx " in bar and "ns " in bar
        assert "k8s " not in bar
