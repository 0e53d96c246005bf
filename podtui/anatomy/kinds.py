"""Which kind a container is, by where the pod spec lists it: the one place for the rule
that an init container with `restartPolicy: Always` is a native sidecar (Kubernetes
1.29+): it starts before the app containers and keeps running beside them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from ._json import obj, objs, text

ContainerKind = Literal["init", "sidecar", "app", "ephemeral"]

#: The spec's lists, in the order the kubelet starts them, with their status lists.
SPEC_LISTS: tuple[tuple[str, str, ContainerKind], ...] = (
    ("initContainers", "initContainerStatuses", "init"),
    ("containers", "containerStatuses", "app"),
    ("ephemeralContainers", "ephemeralContainerStatuses", "ephemeral"),
)


def is_native_sidecar(init_container: Mapping[str, Any]) -> bool:
    """An init container that sets `restartPolicy: Always` is a native sidecar."""
    return init_container.get("restartPolicy") == "Always"


def kind_of(listed_as: ContainerKind, container: Mapping[str, Any]) -> ContainerKind:
    """The kind of a container found in the spec list of `listed_as`."""
    if listed_as == "init" and is_native_sidecar(container):
        return "sidecar"
    return listed_as


def container_specs(spec: Any) -> list[tuple[ContainerKind, Mapping[str, Any]]]:
    """(kind, container) for every container of a pod spec, in start order: init
    containers and native sidecars, app containers, ephemeral containers."""
    spec = obj(spec)
    return [(kind_of(kind, c), c) for key, _, kind in SPEC_LISTS for c in objs(spec.get(key))]


def container_names(pod: Any, *kinds: ContainerKind) -> list[str]:
    """The names of the pod's containers of those kinds (every kind if none), in start
    order; a container without a name is left out."""
    return [name for kind, c in container_specs(obj(pod).get("spec"))
            if (not kinds or kind in kinds) and (name := text(c.get("name")))]


def running_specs(spec: Any, specs: list[tuple[ContainerKind, Mapping[str, Any]]] | None = None,
                  ) -> list[Mapping[str, Any]]:
    """The containers that run for the pod's life: app containers, then native sidecars
    (what a pod's requests and limits add up). `specs`: `container_specs(spec)`, if made."""
    if specs is None:
        specs = container_specs(spec)
    return [c for k, c in specs if k == "app"] + [c for k, c in specs if k == "sidecar"]
