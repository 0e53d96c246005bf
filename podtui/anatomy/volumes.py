"""The volume map: each volume of the pod, its type, and who mounts it where."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ._json import arr, obj, objs, scalar, text
from .containers import (
    Container,
    ContainerKind,
    containers_from_json,
    volume_read_only,
    volume_source_type,
)


@dataclass(frozen=True, slots=True)
class VolumeMount:
    """Where one container mounts a volume. ``read_only`` is effective (mount or source)."""

    container: str
    container_kind: ContainerKind
    path: str
    read_only: bool
    sub_path: str


@dataclass(frozen=True, slots=True)
class Volume:
    name: str
    type: str
    detail: str
    mounts: tuple[VolumeMount, ...]
    shared: bool
    """Mounted by two or more distinct containers."""
    unused: bool
    """Mounted by no container."""


def _join(*parts: str) -> str:
    return ", ".join(p for p in parts if p)


def _items(src: Mapping[str, Any]) -> str:
    items = []
    for it in objs(src.get("items")):
        key, path = text(it.get("key")), text(it.get("path"))
        items.append(f"{key}->{path}" if path and path != key else key or path)
    return f"items: {' '.join(items)}" if items else ""


def _optional(src: Mapping[str, Any]) -> str:
    return "optional" if src.get("optional") is True else ""


def _empty_dir(src: Mapping[str, Any]) -> str:
    medium = "memory (tmpfs)" if text(src.get("medium")) == "Memory" else "node disk"
    limit = scalar(src.get("sizeLimit"))
    return _join(medium, f"size limit {limit}" if limit else "", "lives as long as the pod")


def _config_map(src: Mapping[str, Any]) -> str:
    return _join(text(src.get("name")), _items(src), _optional(src))


def _secret(src: Mapping[str, Any]) -> str:
    # Only the name of the Secret: no keys, no data.
    return _join(text(src.get("secretName")), _optional(src))


def _pvc(src: Mapping[str, Any]) -> str:
    return _join(
        f"claim {text(src.get('claimName'))}" if text(src.get("claimName")) else "",
        "read-only" if src.get("readOnly") is True else "",
    )


def _host_path(src: Mapping[str, Any]) -> str:
    return _join(
        text(src.get("path")),
        f"type {text(src.get('type'))}" if text(src.get("type")) else "",
        "on the node",
    )


def _field_refs(src: Mapping[str, Any]) -> list[str]:
    out = []
    for it in objs(src.get("items")):
        ref = text(obj(it.get("fieldRef")).get("fieldPath"))
        res = obj(it.get("resourceFieldRef"))
        if not ref and res:
            ref = text(res.get("resource"))
            if text(res.get("containerName")):
                ref = f"{text(res.get('containerName'))}.{ref}"
        path = text(it.get("path"))
        out.append(f"{ref}->{path}" if ref and path else ref or path)
    return out


def _downward_api(src: Mapping[str, Any]) -> str:
    return " ".join(_field_refs(src))


def _projected(src: Mapping[str, Any]) -> str:
    out = []
    token = root_ca = False
    for s in objs(src.get("sources")):
        if isinstance(s.get("serviceAccountToken"), dict):
            tok = obj(s.get("serviceAccountToken"))
            secs = scalar(tok.get("expirationSeconds"))
            aud = text(tok.get("audience"))
            extra = _join(f"expires {secs}s" if secs else "", f"audience {aud}" if aud else "")
            out.append(f"token ({extra})" if extra else "token")
            token = True
        elif isinstance(s.get("configMap"), dict):
            name = text(obj(s.get("configMap")).get("name"))
            root_ca = root_ca or name == "kube-root-ca.crt"
            out.append(f"configMap {name}".strip())
        elif isinstance(s.get("secret"), dict):
            out.append(f"secret {text(obj(s.get('secret')).get('name'))}".strip())
        elif isinstance(s.get("downwardAPI"), dict):
            refs = _field_refs(obj(s.get("downwardAPI")))
            out.append(("downwardAPI " + " ".join(refs)).strip())
        elif isinstance(s.get("clusterTrustBundle"), dict):
            cb = obj(s.get("clusterTrustBundle"))
            out.append(
                f"clusterTrustBundle {text(cb.get('name')) or text(cb.get('signerName'))}".strip()
            )
        else:
            keys = [k for k in s if isinstance(k, str)]
            if keys:
                out.append(keys[0])
    listing = " + ".join(out)
    if token and root_ca:
        return f"kube-api-access, the service account's API credentials: {listing}"
    return listing


def _nfs(src: Mapping[str, Any]) -> str:
    return _join(
        f"{text(src.get('server'))}:{text(src.get('path'))}",
        "read-only" if src.get("readOnly") is True else "",
    )


def _csi(src: Mapping[str, Any]) -> str:
    return _join(
        f"driver {text(src.get('driver'))}" if text(src.get("driver")) else "",
        "read-only" if src.get("readOnly") is True else "",
    )


def _ephemeral(src: Mapping[str, Any]) -> str:
    spec = obj(obj(src.get("volumeClaimTemplate")).get("spec"))
    sc = text(spec.get("storageClassName"))
    size = scalar(obj(obj(spec.get("resources")).get("requests")).get("storage"))
    modes = " ".join(m for m in arr(spec.get("accessModes")) if isinstance(m, str))
    return _join(
        f"storageClass {sc}" if sc else "default storageClass",
        size,
        modes,
        "PVC created and deleted with the pod",
    )


def _image(src: Mapping[str, Any]) -> str:
    return _join(text(src.get("reference")), text(src.get("pullPolicy")))


def _generic(src: Mapping[str, Any]) -> str:
    fields = [f"{k}={scalar(v)}" for k, v in src.items() if isinstance(k, str) and scalar(v)]
    return ", ".join(fields[:4])


_DETAIL: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "emptyDir": _empty_dir,
    "configMap": _config_map,
    "secret": _secret,
    "persistentVolumeClaim": _pvc,
    "hostPath": _host_path,
    "projected": _projected,
    "downwardAPI": _downward_api,
    "nfs": _nfs,
    "csi": _csi,
    "ephemeral": _ephemeral,
    "image": _image,
}


def volume_detail(kind: str, source: Any) -> str:
    """A short description of one volume source (never any Secret data)."""
    return _DETAIL.get(kind, _generic)(obj(source))


def volumes_from_json(
    pod: Any, containers: tuple[Container, ...] | None = None
) -> tuple[Volume, ...]:
    """Every volume of the pod spec, in spec order, with the mounts of every container."""
    p = obj(pod)
    if containers is None:
        containers = containers_from_json(p)
    out = []
    for v in objs(obj(p.get("spec")).get("volumes")):
        name = text(v.get("name"))
        kind = volume_source_type(v)
        ro = volume_read_only(v)
        mounts = tuple(
            VolumeMount(c.name, c.kind, m.path, m.read_only or ro, m.sub_path)
            for c in containers
            for m in c.mounts
            if m.volume == name
        )
        users = {m.container for m in mounts}
        out.append(
            Volume(
                name=name,
                type=kind or "unknown",
                detail=volume_detail(kind, v.get(kind)) if kind else "",
                mounts=mounts,
                shared=len(users) >= 2,
                unused=not mounts,
            )
        )
    return tuple(out)
