"""An object's metadata, read tolerantly: which pod (PodRef), its name, resourceVersion,
and whether its deletion has begun. The one place for `(x.get("metadata") or {})`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ._json import obj


@dataclass(frozen=True, slots=True)
class PodRef:
    """Which pod: namespace and name (what a URL and kubectl name), and its uid (what
    tells a pod from the next one of the same name)."""

    namespace: str
    name: str
    uid: str = ""

    @property
    def where(self) -> tuple[str, str]:
        """(namespace, name), the arguments of the kubectl equivalents."""
        return self.namespace, self.name


def metadata(thing: Any) -> Mapping[str, Any]:
    """The object's metadata; empty when absent or not an object."""
    return obj(obj(thing).get("metadata"))


def _field(thing: Any, key: str) -> str:
    value = metadata(thing).get(key)
    return value if isinstance(value, str) else ""


def pod_ref(pod: Any) -> PodRef:
    return PodRef(_field(pod, "namespace"), _field(pod, "name"), _field(pod, "uid"))


def name_of(thing: Any) -> str:
    return _field(thing, "name")


def resource_version(thing: Any) -> str:
    return _field(thing, "resourceVersion")


def uid_of(thing: Any) -> str:
    return _field(thing, "uid")


def deleting(thing: Any) -> bool:
    """Has its deletion begun (metadata.deletionTimestamp set)?"""
    return bool(metadata(thing).get("deletionTimestamp"))
