"""Check names the user types before they go into a URL path.

A name goes into `/api/v1/namespaces/{ns}/pods/{name}` as is: `web/log` or `..` would
reach another endpoint, so anything that is not a valid Kubernetes name is refused here
with one clear line, before any request.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from podtui.cluster.errors import ClusterError

_LABEL = r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?"
#: RFC 1123 label (namespaces, container names) and subdomain (pod names); callers check
#: the length (63, 253) themselves.
DNS_LABEL = re.compile(_LABEL)
DNS_SUBDOMAIN = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")


def check_namespace(name: str) -> str:
    """A namespace is a DNS-1123 label: lowercase letters, digits and '-', at most 63."""
    if len(name) > 63 or not DNS_LABEL.fullmatch(name):
        raise ClusterError(
            f"invalid namespace name {name[:80]!r}: use lowercase letters, digits and '-' "
            "(at most 63, starting and ending with a letter or digit)"
        )
    return name


def check_pod_name(name: str) -> str:
    """A pod name is a DNS-1123 subdomain: lowercase letters, digits, '-' and '.'."""
    if len(name) > 253 or not DNS_SUBDOMAIN.fullmatch(name):
        raise ClusterError(
            f"invalid pod name {name[:80]!r}: use lowercase letters, digits, '-' and '.' "
            "(at most 253, starting and ending with a letter or digit)"
        )
    return name


def pod_path(namespace: str, pod: str = "", subresource: str = "") -> str:
    """The API path of a namespace's pods, of one pod, or of its subresource (`log`,
    `exec`, `ephemeralcontainers`, ...); the names are checked first. The one builder of
    pod paths."""
    path = f"/api/v1/namespaces/{quote(check_namespace(namespace))}/pods"
    if pod:
        path += f"/{quote(check_pod_name(pod))}"
    return f"{path}/{subresource}" if subresource else path
