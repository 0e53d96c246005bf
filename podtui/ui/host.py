"""What the screens need from the app that hosts them: its connection and view state,
and the actions that open a screen or report to the user.

The screens are typed against this Protocol, never against podtui.app (which imports
the screens): podtui.app.PodTuiApp provides it, and a test checks that it does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from textual.geometry import Size
    from textual.screen import Screen

    from podtui.cluster.connection import Connection
    from podtui.cluster.pod_feed import PodFeed
    from podtui.cluster.usage_feed import UsageFeed
    from podtui.settings.config import Settings
    from podtui.ui.screens.pod_list import PodListScreen


@runtime_checkable
class Host(Protocol):
    # --- services and view state
    conn: Connection
    namespace: str
    all_namespaces: bool
    readonly: bool
    #: A feed the command line started before the app existed (taken by the pod list).
    started_feed: PodFeed | None
    #: Builds the live pod feed for a namespace (None = all).
    feed_factory: Callable[[Connection, str | None], PodFeed]
    #: Builds the resource usage feed of a namespace (None = all), or of one pod.
    usage_factory: Callable[..., UsageFeed]
    #: The config file's settings (exec.shell for the shells inside a pod, ...).
    settings: Settings
    #: The kubectl command of the last action (`c` on the detail screen copies it).
    last_kubectl: str

    @property
    def pod_list(self) -> PodListScreen: ...

    # --- actions the screens ask for
    def say(self, text: str, error: bool = True) -> None: ...
    def may(self, verb: str) -> bool: ...
    def switch_namespace(self, namespace: str | None) -> None: ...
    def run_command_line(self, line: str) -> None: ...
    def open_detail(self, pod: dict) -> None: ...
    def open_yaml(self, pod: dict) -> None: ...
    def open_logs(self, pod: dict, containers: list[str] | None = None) -> None: ...
    def open_new_pod(self) -> None: ...
    def confirm_delete(self, pods: list[dict]) -> None: ...

    # --- the parts of Textual's App the screens use
    @property
    def screen(self) -> Screen: ...
    @property
    def screen_stack(self) -> list[Screen]: ...
    @property
    def size(self) -> Size: ...
    @property
    def theme_variables(self) -> dict[str, str]: ...
    def push_screen(self, screen: Screen, callback: Any = None) -> Any: ...
    def pop_screen(self) -> Any: ...
    def call_from_thread(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> Any: ...
    def notify(self, message: str, **kwargs: Any) -> None: ...
    def copy_to_clipboard(self, text: str) -> None: ...
    def exit(self, *args: Any, **kwargs: Any) -> None: ...
    def suspend(self) -> Any: ...  # hands the terminal to a shell in a container
