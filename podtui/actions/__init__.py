"""The user's own actions (`[[actions]]` in config.toml): a key that runs a local command
on a pod, a container or the marked pods, with the pod's names as separate arguments.

No Textual here: `model` reads the entries, `placeholders` checks and fills the command's
`${name}`s, `process` runs the command (the terminal handed over, or its output piped),
`outcome` words how it ended. The keys, the dialogs and the panes are podtui.ui's.
"""

from podtui.actions.model import MODES, SCOPES, Action, parse_actions
from podtui.actions.outcome import Outcome, summary
from podtui.actions.placeholders import NAMES, expand, pod_values, unfilled

__all__ = ["MODES", "NAMES", "SCOPES", "Action", "Outcome", "expand", "parse_actions",
           "pod_values", "summary", "unfilled"]
