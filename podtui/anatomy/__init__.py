"""Pure view models over a pod's JSON (as returned by the API server). No I/O."""

from .containers import (
    Container,
    ContainerKind,
    ContainerState,
    Mount,
    Port,
    StateKind,
    command_line,
    container_from_json,
    containers_from_json,
    state_from_json,
)
from .events import Event, event_from_json
from .lifecycle import Condition, Lifecycle, if_container_dies, lifecycle_from_json
from .network import Network, PortClash, PortUse, find_clashes, network_from_json
from .pod import Pod, describe, pod_from_json
from .summary import PodSummary, human_age, owner_of, parse_time, pod_status, summarize
from .volumes import Volume, VolumeMount, volume_detail, volumes_from_json

__all__ = [
    "Condition",
    "Container",
    "ContainerKind",
    "ContainerState",
    "Event",
    "Lifecycle",
    "Mount",
    "Network",
    "Pod",
    "PodSummary",
    "Port",
    "PortClash",
    "PortUse",
    "StateKind",
    "Volume",
    "VolumeMount",
    "command_line",
    "container_from_json",
    "containers_from_json",
    "describe",
    "event_from_json",
    "find_clashes",
    "human_age",
    "if_container_dies",
    "lifecycle_from_json",
    "network_from_json",
    "owner_of",
    "parse_time",
    "pod_from_json",
    "pod_status",
    "state_from_json",
    "summarize",
    "volume_detail",
    "volumes_from_json",
]
