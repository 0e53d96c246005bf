"""`n`: a new pod from a template, in three screens, keyboard only.

    TemplatePickerScreen   built-in then user templates (title, name, description), and
                           one line per user template that failed to load
    ParameterFormScreen    one input per parameter, prefilled; each value is checked as
                           it is typed and a bad one is named under its field
    PodPreviewScreen       the YAML that will be sent, validated by the API server with a
                           dry run; enter (or ctrl+s) creates only once that has passed

Escape goes back one screen. Every API call runs in a thread worker; after a create the
app is back on the pod list, with one line saying what was created, and the list's watch
shows the new pod.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from podtui.anatomy.refs import pod_ref
from podtui.templates import (
    Parameter,
    Template,
    TemplateError,
    load_templates,
    render,
    render_yaml,
    validate_value,
)
from podtui.ui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from podtui.ui.host import Host

VALID = "valid (server dry run): enter creates it"


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class Heading(Static):
    DEFAULT_CSS = """
    Heading { height: 1; background: $panel; color: $text; padding: 0 1; text-style: bold; }
    """


# --------------------------------------------------------------------------- picker


class TemplatePickerScreen(Screen):
    """Built-in templates first, then the user's; enter picks one."""

    class Loaded(Message):
        """The load worker read the templates (and the problems of those it could not)."""

        def __init__(self, templates: list[Template], errors: list[TemplateError]) -> None:
            super().__init__()
            self.templates = templates
            self.errors = errors

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="template_picker.back"),
        Binding("enter", "pick", "Pick", show=True, id="template_picker.pick"),
        Binding("j", "move(1)", "Down", show=False, id="template_picker.down"),
        Binding("k", "move(-1)", "Up", show=False, id="template_picker.up"),
    ]
    DEFAULT_CSS = """
    TemplatePickerScreen OptionList { height: 1fr; min-height: 4; border: none; }
    TemplatePickerScreen #about { height: auto; max-height: 6; padding: 0 1;
        border-top: solid $primary; }
    TemplatePickerScreen #load-errors { height: auto; max-height: 4; padding: 0 1;
        color: $text-error; display: none; }
    """

    app: Host

    def __init__(self) -> None:
        super().__init__()
        self.templates: list[Template] = []
        self.errors: list[TemplateError] = []

    def compose(self) -> ComposeResult:
        yield Heading("New pod: pick a template  (enter: choose, esc: back)")
        yield OptionList(id="templates")
        yield Static("loading templates...", id="about")
        yield Static("", id="load-errors")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.load()

    @work(thread=True, exclusive=True, group="templates")
    def load(self) -> None:
        templates, errors = load_templates()
        self.post_message(self.Loaded(templates, errors))

    def on_template_picker_screen_loaded(self, message: TemplatePickerScreen.Loaded) -> None:
        templates, errors = message.templates, message.errors
        self.templates, self.errors = templates, errors
        options = self.query_one(OptionList)
        options.clear_options()
        for index, template in enumerate(templates):
            prompt = Text(template.title, style="bold")
            prompt.append(f"  {template.name}", style="dim")
            if not template.builtin:
                prompt.append("  (user)", style="italic")
            options.add_option(Option(prompt, id=str(index)))
        if templates:
            options.highlighted = 0
        else:
            self.query_one("#about", Static).update("no templates could be loaded")
        box = self.query_one("#load-errors", Static)
        if errors:
            box.update(Text("\n".join(f"not loaded: {one_line(str(e))}" for e in errors)))
            box.display = True

    @property
    def highlighted(self) -> Template | None:
        option = self.query_one(OptionList).highlighted_option
        return self.templates[int(option.id)] if option is not None and option.id else None

    @on(OptionList.OptionHighlighted)
    def show_about(self) -> None:
        template = self.highlighted
        if template is None:
            return
        text = Text(template.description or template.title)
        names = ", ".join(p.name for p in template.parameters) or "none"
        text.append(f"\nparameters: {names}", style="dim")
        if not template.builtin:
            text.append(f"\nfrom {template.source}", style="dim")
        self.query_one("#about", Static).update(text)

    @on(OptionList.OptionSelected)
    def action_pick(self) -> None:
        template = self.highlighted
        if template is not None:
            self.app.push_screen(ParameterFormScreen(template))

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()


# --------------------------------------------------------------------------- form


class FieldError(Static):
    DEFAULT_CSS = """
    FieldError { height: auto; color: $text-error; padding: 0 1 0 21; display: none; }
    """


class ParameterFormScreen(Screen):
    """One input per parameter; enter (or ctrl+s) goes on to the preview."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="template_form.back"),
        Binding("ctrl+s", "preview", "Preview", id="template_form.preview"),
        Binding("tab", "app.focus_next", "Next field", id="template_form.next_field"),
        Binding("shift+tab", "app.focus_previous", "Prev field", show=False,
                id="template_form.previous_field"),
    ]
    DEFAULT_CSS = """
    ParameterFormScreen VerticalScroll { height: 1fr; }
    ParameterFormScreen .field { height: 1; margin: 0 0 0 1; }
    ParameterFormScreen .field Label { width: 20; color: $text-muted; }
    ParameterFormScreen .field Input { width: 1fr; }
    ParameterFormScreen #hint { height: auto; max-height: 2; padding: 0 1;
        border-top: solid $primary; color: $text-muted; }
    ParameterFormScreen #form-message { height: auto; max-height: 2; padding: 0 1;
        color: $text-error; }
    """

    app: Host

    def __init__(self, template: Template) -> None:
        super().__init__()
        self.template = template

    def initial(self, parameter: Parameter) -> str:
        if parameter.name == "namespace":
            return self.app.namespace or parameter.default
        return parameter.default

    def compose(self) -> ComposeResult:
        t = self.template
        # One line at 80 columns: enter and ctrl+s (preview) are in the footer.
        yield Heading(f"New pod from {t.title} ({t.name})")
        with VerticalScroll(id="fields"):
            for p in t.parameters:
                with Horizontal(classes="field"):
                    yield Label(p.name, id=f"label-{p.name}")
                    yield Input(self.initial(p), id=f"param-{p.name}", compact=True,
                                select_on_focus=False, placeholder=p.kind)
                yield FieldError(id=f"error-{p.name}")
            if not t.parameters:
                yield Static("this template has no parameters", classes="field")
        yield Static("", id="hint")
        yield Static("", id="form-message")
        yield KeyBar()

    def on_mount(self) -> None:
        inputs = self.query(Input)
        if inputs:
            inputs.first().focus()

    def input_for(self, name: str) -> Input:
        return self.query_one(f"#param-{name}", Input)

    @staticmethod
    def _name_of(widget: Input) -> str:
        return (widget.id or "").removeprefix("param-")

    def values(self) -> dict[str, str]:
        return {p.name: self.input_for(p.name).value for p in self.template.parameters}

    def check(self, parameter: Parameter, value: str) -> str | None:
        """The field's message (naming it) or None; shows it under the field."""
        try:
            validate_value(parameter, value)
            message = None
        except ValueError as exc:
            message = f"{parameter.name}: {one_line(str(exc))}"
        box = self.query_one(f"#error-{parameter.name}", FieldError)
        box.update(message or "")
        box.display = message is not None
        return message

    @on(Input.Changed)
    def changed(self, event: Input.Changed) -> None:
        parameter = self.template.parameter(self._name_of(event.input))
        if parameter is not None:
            self.check(parameter, event.value)
            self.query_one("#form-message", Static).update("")

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_preview()

    def on_descendant_focus(self, event) -> None:
        widget = event.widget
        if not isinstance(widget, Input):
            return
        parameter = self.template.parameter(self._name_of(widget))
        if parameter is None:
            return
        about = parameter.description or parameter.name
        self.query_one("#hint", Static).update(
            Text(f"{parameter.name}: {about}  [{parameter.kind}, default {parameter.default!r}]")
        )

    def fail(self, message: str, field: str | None = None) -> None:
        self.query_one("#form-message", Static).update(Text(message))
        if field and self.template.parameter(field) is not None:
            self.input_for(field).focus()

    def action_preview(self) -> None:
        values = self.values()
        for parameter in self.template.parameters:
            message = self.check(parameter, values[parameter.name])
            if message:
                self.fail(f"fix {message}", parameter.name)
                return
        try:
            manifest = render(self.template, values)
            text = render_yaml(self.template, values)
        except TemplateError as exc:
            self.fail(one_line(str(exc)), exc.field)
            return
        self.query_one("#form-message", Static).update("")
        self.app.push_screen(PodPreviewScreen(self.template, manifest, text))


# --------------------------------------------------------------------------- preview


class PodPreviewScreen(Screen):
    """The YAML, a server dry run of it, and the create."""

    class Answered(Message):
        """The API server's answer to the dry run or the create: the verdict to show, and
        the pod when it was created."""

        def __init__(self, state: str, text: str, pod: dict | None = None) -> None:
            super().__init__()
            self.state = state
            self.text = text
            self.pod = pod

    BINDINGS = [
        Binding("escape", "back", "Back", id="pod_preview.back"),
        Binding("enter,ctrl+s", "create", "Create", id="pod_preview.create"),
        Binding("r", "recheck", "Dry run again", id="pod_preview.recheck"),
    ]
    DEFAULT_CSS = """
    PodPreviewScreen #verdict { height: auto; max-height: 3; padding: 0 1; }
    PodPreviewScreen #verdict.-valid { color: $text-success; }
    PodPreviewScreen #verdict.-invalid { color: $text-error; }
    PodPreviewScreen #verdict.-pending { color: $text-warning; }
    PodPreviewScreen TextArea { height: 1fr; }
    """

    app: Host

    def __init__(self, template: Template, manifest: dict, text: str) -> None:
        super().__init__()
        self.template = template
        self.manifest = manifest
        self.text = text
        ref = pod_ref(manifest)
        self.pod_name = ref.name or "?"
        self.pod_namespace = ref.namespace
        #: "checking", "valid", "invalid", "creating"
        self.state = "checking"

    def compose(self) -> ComposeResult:
        where = self.pod_namespace or self.app.conn.namespace
        # One line at 80 columns: the verdict says when enter creates; esc is in the footer.
        yield Heading(f"pod/{self.pod_name} in {where} ({self.template.name})")
        yield Static("", id="verdict")
        yield TextArea(self.text, read_only=True, show_line_numbers=True, id="yaml",
                       soft_wrap=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()
        self.action_recheck()

    def verdict(self, state: str, text: str) -> None:
        if not self.is_attached:  # the user went back before the server answered
            return
        self.state = state
        box = self.query_one("#verdict", Static)
        box.update(Text(text))
        for name in ("valid", "invalid", "pending"):
            box.set_class(name == {"checking": "pending", "creating": "pending"}.get(state, state),
                          f"-{name}")

    def action_recheck(self) -> None:
        if self.state == "creating":
            return
        self.verdict("checking", "checking with the API server (server dry run)...")
        self.dry_run()

    @work(thread=True, exclusive=True, group="new-pod-dry-run")
    def dry_run(self) -> None:
        from podtui.cluster.errors import describe
        from podtui.cluster.pod_actions import create_pod
        from podtui.cluster.server_version import check_sidecars

        try:
            served = create_pod(self.app.conn, self.manifest, dry_run=True)
            warning = check_sidecars(self.app.conn, self.manifest, served)
        except Exception as exc:  # noqa: BLE001 - one line on screen, never a traceback
            self.post_message(self.Answered("invalid", one_line(describe(exc))))
            return
        self.post_message(self.Answered("valid", f"{VALID} · {warning}" if warning else VALID))

    def action_create(self) -> None:
        if self.state == "checking":
            self.app.notify("wait: the server dry run has not answered yet", severity="warning")
        elif self.state == "invalid":
            self.app.notify("the server rejected this pod: esc to edit the parameters",
                            severity="error")
        elif self.state == "valid":
            self.verdict("creating", f"creating pod/{self.pod_name}...")
            self.create()

    @work(thread=True, exclusive=True, group="new-pod-create")
    def create(self) -> None:
        from podtui.cluster.errors import describe
        from podtui.cluster.pod_actions import create_pod

        try:
            pod = create_pod(self.app.conn, self.manifest)
        except Exception as exc:  # noqa: BLE001
            self.post_message(self.Answered("invalid", one_line(describe(exc))))
            return
        self.post_message(self.Answered("created", "", pod))

    def on_pod_preview_screen_answered(self, message: PodPreviewScreen.Answered) -> None:
        if message.pod is not None:
            self._created(message.pod)
        else:
            self.verdict(message.state, message.text)

    def _created(self, pod: dict) -> None:
        from podtui.ui.screens.pod_list import PodListScreen

        ref = pod_ref(pod)
        name = ref.name or self.pod_name
        namespace = ref.namespace or self.pod_namespace
        app = self.app
        while len(app.screen_stack) > 1 and not isinstance(app.screen, PodListScreen):
            app.pop_screen()
        from podtui.anatomy import kubectl

        text = f"pod/{name} created in {namespace}"
        if not app.all_namespaces and namespace != app.namespace:
            text += f" (this list shows {app.namespace}: :ns {namespace} to see it)"
        text += f" · {kubectl.create(namespace, name)}"
        app.last_kubectl = kubectl.create_inline(namespace, self.text)
        app.say(text, error=False)
        uid = ref.uid
        if uid and isinstance(app.screen, PodListScreen):
            select_when_listed(app.screen, uid)

    def action_back(self) -> None:
        if self.state != "creating":
            self.app.pop_screen()


def select_when_listed(screen, uid: str, seconds: float = 10.0) -> None:
    """Move the list's cursor to the new pod once its row has arrived from the watch."""
    tries = max(1, int(seconds / 0.1))

    def check() -> None:
        table = screen.table
        if uid in table.rows:
            table.select_uid(uid)
            timer.stop()

    timer = screen.set_interval(0.1, check, repeat=tries)
