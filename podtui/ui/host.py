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

    from podtui.actions.model import Action
    from podtui.cluster.connection import Connection
    from podtui.cluster.inside_access import InsideAccess
    from podtui.cluster.pod_feed import PodFeed
    from podtui.cluster.portforward import Forward
    from podtui.cluster.usage_feed import UsageFeed
    from podtui.settings.config import Settings


class Inside(Protocol):
    """The app's one podtui.ui.inside.InsideActions (shell, run, port-forward, debug): the
    forwards it keeps and what the server allows. A Protocol here, not the class, because
    InsideActions opens screens, and those are typed against Host."""

    forwards: list[Forward]
    #: Tests hand the shell a pseudo-terminal of their own: (in_fd, out_fd).
    shell_fds: tuple[int, int] | None
    access: dict[tuple[str, str], InsideAccess]

    def may(self, action: str, namespace: str) -> bool: ...
    def checked(self, key: tuple[str, str], access: InsideAccess) -> None: ...
    def open_shell(self, namespace: str, pod: str, container: str,
                   equivalent: str = "") -> None: ...
    def show_forwards(self) -> None: ...
    def stop_all(self) -> None: ...


class Actions(Protocol):
    """The app's one podtui.ui.user_actions.UserActions: runs the user's [[actions]] and
    keeps those running in the background. A Protocol here for the reason Inside is one."""

    #: Tests hand foreground commands a pseudo-terminal of their own: (in_fd, out_fd).
    terminal_fds: tuple[int, int] | None

    def start(self, action: Action, pods: list[dict]) -> None: ...
    def stop_all(self) -> None: ...


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
    #: Shell, run, port-forward and debug inside a pod, and the forwards they started.
    inside_actions: Inside
    #: The user's own [[actions]] (config.toml), run from the pod list and the detail.
    user_actions: Actions

    # --- the live pods (the pod list's feed)
    def pod(self, uid: str) -> dict | None:
        """The pod of that uid as the live feed has it; None if gone or not listed."""
        ...
    @property
    def pods_synced(self) -> bool:
        """Has the feed listed the namespace, so that a pod it lacks is really gone?"""
        ...

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
    def run_worker(self, work: Any, name: str | None = "", group: str = "default",
                   **kwargs: Any) -> Any: ...
    def post_message(self, message: Any) -> bool: ...
    def notify(self, message: str, **kwargs: Any) -> None: ...
    def copy_to_clipboard(self, text: str) -> None: ...
    def exit(self, *args: Any, **kwargs: Any) -> None: ...
    def suspend(self) -> Any: ...  # hands the terminal to a shell in a container
