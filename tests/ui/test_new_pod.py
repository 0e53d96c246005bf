"""Pilot tests of `n` (new pod from a template) on the real app against the sandbox:
keys only, at 80x24 and 120x40."""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import Input, OptionList, Static

from podtui.app import PodTuiApp
from podtui.cluster.connection import connect
from podtui.ui.screens.new_pod import (
    VALID,
    FieldError,
    ParameterFormScreen,
    PodPreviewScreen,
    TemplatePickerScreen,
)
from podtui.ui.screens.pod_list import MessageLine, PodListScreen
from podtui.ui.widgets.pod_table import PodTable
from tests.integration.test_templates_cluster import POLICY_TEMPLATE as CLUSTER_POLICY_TEMPLATE
from tests.ui.helpers import until

SIZES = [(80, 24), (120, 40)]

BROKEN_TEMPLATE = """\
name: broken
pod: |
  apiVersion: v1
  kind: Pod
  metadata:
    name: broken
   labels: {}
"""

# The form opens with the invalid policy already filled in.
POLICY_TEMPLATE = CLUSTER_POLICY_TEMPLATE.replace("default: Always", "default: Sometimes")


@pytest.fixture(autouse=True)
def user_templates(tmp_path, monkeypatch):
    """User templates come from tmp_path only (none unless a test writes one)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    path = tmp_path / "config" / "podtui" / "templates"
    path.mkdir(parents=True)
    return path




def text(widget) -> str:
    return str(widget.content)


def message(app: PodTuiApp) -> str:
    line = app.pod_list.query_one(MessageLine)
    return text(line) if line.display else ""


def row(app: PodTuiApp, name: str):
    return next((s for s in app.pod_list.query_one(PodTable).rows.values() if s.name == name),
                None)


def printed(conn, namespace: str, name: str) -> dict:
    """The pod's cells as the server's Table (`kubectl get pod`) prints them."""
    from tests.integration.test_templates_cluster import printed as table_row

    return table_row(conn, namespace, name)[0]


def pods(conn, namespace: str) -> list[str]:
    return sorted(p.metadata.name for p in conn.core.list_namespaced_pod(namespace).items)


async def creates_done(pilot, app: PodTuiApp) -> None:
    """The app creates pods only from its 'new-pod-create' worker: once none is running,
    any pod it created is on the server (no sleep needed to see it)."""
    await until(pilot, lambda: not [w for w in app.workers
                                    if w.group == "new-pod-create" and not w.is_finished],
                "the app's creates to finish")


async def start(pilot, app: PodTuiApp) -> None:
    await until(pilot, lambda: app.pod_list.feed and app.pod_list.feed.cache.synced,
                "the first list")


async def pick(pilot, app: PodTuiApp, name: str) -> ParameterFormScreen:
    """n, then arrow down to the template called `name`, then enter."""
    await pilot.press("n")
    screen = await until(pilot, lambda: isinstance(app.screen, TemplatePickerScreen)
                         and app.screen, "the template picker")
    options = screen.query_one(OptionList)
    await until(pilot, lambda: options.option_count, "the templates")
    index = [t.name for t in screen.templates].index(name)
    await pilot.press(*(["down"] * index))
    assert screen.highlighted.name == name
    await pilot.press("enter")
    return await until(pilot, lambda: isinstance(app.screen, ParameterFormScreen)
                       and app.screen, "the parameter form")


async def type_into(pilot, field: Input, value: str) -> None:
    """Focus is already on `field`; replace its text by typing."""
    assert field.has_focus
    await pilot.press("ctrl+a", "ctrl+k", *value)


async def tab_to(pilot, form: ParameterFormScreen, name: str) -> Input:
    field = form.input_for(name)
    for _ in range(20):
        if field.has_focus:
            return field
        await pilot.press("tab")
    raise AssertionError(f"tab never reached {name}")


@pytest.mark.parametrize("size", SIZES)
async def test_n_template_form_preview_create(conn, namespace, admin_kubeconfig, size):
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))
    async with app.run_test(size=size) as pilot:
        await start(pilot, app)
        form = await pick(pilot, app, "localhost-pair")

        # prefilled: the template's defaults, the namespace the app is showing
        assert form.input_for("namespace").value == namespace
        assert form.input_for("port").value == "8080"
        assert form.input_for("name").has_focus
        await type_into(pilot, form.input_for("name"), "made-by-keys")
        await tab_to(pilot, form, "interval")
        await pilot.press("shift+tab")
        assert form.input_for("port").has_focus
        await pilot.press("enter")

        preview = await until(pilot, lambda: isinstance(app.screen, PodPreviewScreen)
                              and app.screen, "the preview")
        verdict = preview.query_one("#verdict", Static)
        await until(pilot, lambda: preview.state == "valid", "the server dry run")
        assert text(verdict) == VALID
        yaml_text = preview.query_one("#yaml").text
        assert "name: made-by-keys" in yaml_text and f"namespace: {namespace}" in yaml_text
        assert pods(conn, namespace) == []  # the dry run created nothing

        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, PodListScreen), "back on the list")
        assert message(app) == (f"pod/made-by-keys created in {namespace} · kubectl create "
                                f"-f made-by-keys.yaml -n {namespace} (after --dry-run=server)")
        # what c on a detail screen copies: kubectl create of the previewed YAML, inline
        assert app.last_kubectl.split("\n", 1) == [
            f"kubectl create -f - -n {namespace} <<'PODTUI_EOF'", yaml_text + "PODTUI_EOF"]
        created = await until(pilot, lambda: row(app, "made-by-keys"), "the new row", 60)
        table = app.pod_list.query_one(PodTable)
        await until(pilot, lambda: table.selected and table.selected.uid == created.uid,
                    "the cursor on the new pod")
        assert pods(conn, namespace) == ["made-by-keys"]
        # It really runs on the node: the row says so as the server prints it.
        ready = await until(pilot, lambda: (r := row(app, "made-by-keys"))
                            and (r.ready_text(), r.status) == ("2/2", "Running") and r,
                            "the new pod Running and Ready", 90)
        cells = await asyncio.to_thread(printed, conn, namespace, "made-by-keys")
        assert (cells["Ready"], cells["Status"]) == (ready.ready_text(), ready.status)
        assert ready.node == "localhost"


@pytest.mark.parametrize("size", SIZES)
async def test_bad_name_is_named_and_creates_nothing(conn, namespace, admin_kubeconfig, size):
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))
    async with app.run_test(size=size) as pilot:
        await start(pilot, app)
        form = await pick(pilot, app, "adapter")
        await type_into(pilot, form.input_for("name"), "Bad_Name")
        error = form.query_one("#error-name", FieldError)
        assert error.display
        assert text(error).startswith("name: 'Bad_Name' is not a valid DNS-1123 name")

        await tab_to(pilot, form, "interval")
        await pilot.press("enter")  # tries to go on: refused, focus back on the bad field
        await until(pilot, lambda: text(form.query_one("#form-message", Static)), "the refusal",
                    5)
        assert app.screen is form
        assert form.input_for("name").has_focus
        assert text(form.query_one("#form-message", Static)).startswith("fix name: ")

        await type_into(pilot, form.input_for("name"), "good-name")
        assert not error.display
        await pilot.press("escape", "escape")
        await until(pilot, lambda: isinstance(app.screen, PodListScreen), "back on the list")
        await creates_done(pilot, app)
        assert pods(conn, namespace) == []


async def test_existing_name_is_refused_by_the_dry_run(conn, namespace, admin_kubeconfig):
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app)
        form = await pick(pilot, app, "ambassador")
        await type_into(pilot, form.input_for("name"), "twice")
        await pilot.press("ctrl+s")
        preview = await until(pilot, lambda: isinstance(app.screen, PodPreviewScreen)
                              and app.screen, "the preview")
        await until(pilot, lambda: preview.state == "valid", "the server dry run")
        await pilot.press("enter")
        await until(pilot, lambda: row(app, "twice"), "the first pod's row", 60)
        uid = row(app, "twice").uid

        form = await pick(pilot, app, "ambassador")
        await type_into(pilot, form.input_for("name"), "twice")
        await pilot.press("enter")
        preview = await until(pilot, lambda: isinstance(app.screen, PodPreviewScreen)
                              and app.screen, "the preview")
        await until(pilot, lambda: preview.state == "invalid", "the dry run's refusal")
        assert text(preview.query_one("#verdict", Static)) == (
            f"cannot create pod {namespace}/twice: a pod with that name already exists")
        await pilot.press("enter")  # create is refused while the dry run says no
        await creates_done(pilot, app)
        assert app.screen is preview
        assert pods(conn, namespace) == ["twice"]
        assert row(app, "twice").uid == uid
        await pilot.press("escape")
        assert app.screen is form


async def test_server_validation_error_names_the_field(conn, namespace, admin_kubeconfig,
                                                       user_templates):
    (user_templates / "policy.yaml").write_text(POLICY_TEMPLATE)
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app)
        await pick(pilot, app, "restart-policy")
        await pilot.press("enter")
        preview = await until(pilot, lambda: isinstance(app.screen, PodPreviewScreen)
                              and app.screen, "the preview")
        await until(pilot, lambda: preview.state == "invalid", "the dry run's refusal")
        verdict = text(preview.query_one("#verdict", Static))
        assert "spec.restartPolicy" in verdict and '"Sometimes"' in verdict
        assert "\n" not in verdict
        await pilot.press("enter")
        await creates_done(pilot, app)
        assert app.screen is preview and pods(conn, namespace) == []


async def test_picker_lists_user_templates_and_their_load_errors(admin_kubeconfig, namespace,
                                                                 user_templates):
    (user_templates / "a-broken.yaml").write_text(BROKEN_TEMPLATE)
    (user_templates / "policy.yaml").write_text(POLICY_TEMPLATE)
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app)
        await pilot.press("n")
        screen = await until(pilot, lambda: isinstance(app.screen, TemplatePickerScreen)
                             and app.screen, "the picker")
        await until(pilot, lambda: screen.query_one(OptionList).option_count, "the templates")
        names = [t.name for t in screen.templates]
        assert names[:7] == ["sidecar-log-tailer", "init-prepares-volume", "ambassador",
                             "adapter", "localhost-pair", "crashing-sidecar", "native-sidecar"]
        assert names[7:] == ["restart-policy"]
        errors = screen.query_one("#load-errors", Static)
        assert errors.display
        assert text(errors) == ("not loaded: a-broken.yaml line 7: expected <block end>, "
                                "but found '<block mapping start>'")
        about = text(screen.query_one("#about", Static))
        assert about.startswith("A Node.js app appends request and heartbeat lines")
        await pilot.press("escape")
        assert isinstance(app.screen, PodListScreen)


async def test_readonly_n_says_why_and_creates_nothing(conn, namespace, admin_kubeconfig):
    """n in --readonly says so in one line; the app's entry point refuses too; and the
    connection refuses a create sent past both (the form's last step)."""
    from podtui.cluster.pod_actions import ReadOnlyError, create_pod
    from tests.conftest import make_pod

    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace), readonly=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app)
        await pilot.press("n")
        await until(pilot, lambda: message(app), "a one-line message", 5)
        assert message(app) == "read-only mode: n refused, creating pods is disabled"
        assert isinstance(app.screen, PodListScreen)
        app.pod_list.message("", error=False)
        app.open_new_pod()
        await until(pilot, lambda: message(app), "a one-line message", 5)
        assert message(app) == "read-only mode: creating pods is disabled"
        assert isinstance(app.screen, PodListScreen)
        with pytest.raises(ReadOnlyError):
            create_pod(app.conn, {**make_pod("never"), "metadata": {"name": "never",
                                                                   "namespace": namespace}})
    assert pods(conn, namespace) == []


async def test_80_columns_headings_are_whole_for_every_builtin(admin_kubeconfig, namespace):
    """At 80x24 the one-line headings of the form and of the preview show all of
    themselves, for every built-in template."""
    from textual.geometry import Region

    from podtui.ui.screens.new_pod import Heading
    from tests.unit.test_templates import BUILTIN_NAMES

    def whole(heading: Heading, name: str) -> bool:
        full = str(heading.render()).strip()
        shown = heading.render_lines(Region(0, 0, heading.size.width, 1))[0].text.strip()
        return name in full and shown == full

    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app)
        for name in BUILTIN_NAMES:
            form = await pick(pilot, app, name)
            await until(pilot, lambda f=form, n=name: whole(f.query_one(Heading), n),
                        f"the form's heading of {name}, whole", 5)
            await pilot.press("ctrl+s")
            preview = await until(pilot, lambda: isinstance(app.screen, PodPreviewScreen)
                                  and app.screen, "the preview")
            await until(pilot, lambda p=preview, n=name: whole(p.query_one(Heading), n),
                        f"the preview's heading of {name}, whole", 5)
            await pilot.press("escape", "escape", "escape")
            await until(pilot, lambda: isinstance(app.screen, PodListScreen), "the list")
