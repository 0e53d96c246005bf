"""What podtui loads before its pod list is on screen (no cluster needed): not the modules
it defers to the first time they are used. Each costs CPU at every start (bench/RESULTS.md,
"Start at 10 pods"), and an import added at the top of a module would bring it back
without any test failing on behaviour."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import asyncio, json, sys, tempfile
    from pathlib import Path

    from podtui.cluster.connection import connect
    from podtui.cluster.pod_feed import PodFeed
    from podtui.cluster.pods import Page, Status

    # Nothing listens there: the list comes from the feed below, the access reviews fail.
    kubeconfig = Path(tempfile.mkdtemp()) / "config"
    kubeconfig.write_text(
        "apiVersion: v1\\nkind: Config\\ncurrent-context: c\\n"
        "clusters: [{name: k, cluster: {server: 'https://127.0.0.1:9'}}]\\n"
        "users: [{name: u, user: {token: t}}]\\n"
        "contexts: [{name: c, context: {cluster: k, user: u, namespace: shop}}]\\n")

    class OnePod(PodFeed):
        def start(self):
            pod = {"metadata": {"name": "web", "namespace": "shop", "uid": "u1"},
                   "spec": {"containers": [{"name": "c", "image": "busybox"}]},
                   "status": {"phase": "Running"}}
            self._on_event(Page([pod], first=True, last=True))
            self._on_event(Status("live"))

    conn = connect(str(kubeconfig))
    from podtui.app import PodTuiApp

    app = PodTuiApp(conn)
    app.feed_factory = OnePod

    async def main():
        async with app.run_test(size=(100, 30)) as pilot:
            for _ in range(200):
                await pilot.pause(0.01)
                if app.pod_list.table.rows and app.allowed:
                    break
            shown = [s.name for s in app.pod_list.table.rows.values()]
            print(json.dumps({"shown": shown, "modules": sorted(sys.modules)}))
            app.exit()

    asyncio.run(main())
""")

#: Loaded when first used: the typed client's and the auth-providers' (kube_import), the
#: screens and widgets of an action's panes (user_actions). Not `requests` itself: client
#: 31's transport imports it. Never: Textual's Footer (a widget per key; the screens have
#: podtui's key bar, ui/widgets/key_bar).
DEFERRED = (
    "requests_oauthlib.oauth2_session",
    "oauthlib.oauth2.rfc6749.clients",
    "dateutil.parser._parser",
    "multiprocessing.connection",
    "pydantic_core",
    "kubernetes.utils.create_from_yaml",
    "podtui.ui.screens.action_panes",
    "podtui.ui.screens.run_panes",
    "podtui.ui.widgets.log_view.widget",
    "textual.widgets._footer",
)


def test_the_pod_list_starts_without_the_deferred_modules():
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["shown"] == ["web"]  # the list was on screen when the modules were read
    loaded = set(out["modules"])
    assert "textual.app" in loaded and "kubernetes.config.kube_config" in loaded
    assert [m for m in DEFERRED if m in loaded] == []
    # Nor any generated API or model class of the client (~700 modules).
    assert not [m for m in loaded
                if m.startswith(("kubernetes.client.api.", "kubernetes.client.models."))]


def test_a_module_imported_before_the_client_is_left_as_it_is():
    """A deferred module someone already imported stays that module: a second copy would
    make two classes of one name in one process (two ThreadPools, two pydantic.BaseModels)."""
    script = textwrap.dedent("""
        import sys, tempfile
        from pathlib import Path
        import dateutil.parser, multiprocessing.pool
        before = {n: sys.modules[n] for n in ("dateutil.parser", "multiprocessing.pool")}
        from podtui.cluster.connection import connect
        kubeconfig = Path(tempfile.mkdtemp()) / "config"
        kubeconfig.write_text(
            "apiVersion: v1\\nkind: Config\\ncurrent-context: c\\n"
            "clusters: [{name: k, cluster: {server: 'https://127.0.0.1:9'}}]\\n"
            "users: [{name: u, user: {token: t}}]\\n"
            "contexts: [{name: c, context: {cluster: k, user: u}}]\\n")
        conn = connect(str(kubeconfig))
        print(all(sys.modules[n] is m for n, m in before.items()),
              type(conn.api.pool) is multiprocessing.pool.ThreadPool)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["True", "True"]
