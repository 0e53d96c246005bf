"""Turn anything the cluster layer meets into one clear line for the user.

Messages never carry credentials: the API server's own messages name users, not
tokens, and we never echo request headers or kubeconfig contents.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import orjson


class ClusterError(Exception):
    """An error worth one line on screen (or on stderr for the command-line forms)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


_SECRETS = [
    # Also Python reprs, as in a traceback: {'authorization': 'X'}, client_key_data='X'.
    re.compile(r"(?i)((?:token|password|authorization|api[_-]?key|client[_-]key[_-]data"
               r"|client[_-]certificate[_-]data)[\"']?\s*[:=]\s*[\"']?(?:(?:bearer|basic)\s+)?)"
               r"[^\s\"',{}\[\]]+"),
    re.compile(r"(?i)((?:bearer|basic)\s+)[A-Za-z0-9._~+/=-]+"),
    re.compile(r"-----BEGIN [A-Z ]+-----[\s\S]*?-----END [A-Z ]+-----"),
    # A bare JWT (service-account tokens) or base64 PEM ("LS0tLS1CRUdJTi..." decodes to
    # "-----BEGIN"), wherever it turns up.
    re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"),
    re.compile(r"LS0tLS1CRUdJTi[A-Za-z0-9+/=]*"),
]


def redact(text: str, known: Iterable[str] = ()) -> str:
    """Hide what looks like a token, password, key or certificate, and each `known` secret
    (a connection's own token, which may have no telling shape) wherever it appears."""
    for pattern in _SECRETS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + "[redacted]", text)
    for secret in known:
        if secret and len(secret) >= 8:
            text = text.replace(secret, "[redacted]")
    return text


def _api_message(body: bytes | str | None) -> str:
    if not body:
        return ""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return str(body)[:200]
    return str(data.get("message", "")) if isinstance(data, dict) else ""


def api_status(exc: BaseException) -> int | None:
    status = getattr(exc, "status", None)
    return status if isinstance(status, int) else None


def describe(exc: BaseException, server: str = "") -> str:
    """One line, no traceback, no secrets."""
    if isinstance(exc, ClusterError):
        return redact(str(exc))
    status = api_status(exc)
    where = f" {server}" if server else ""
    if status is not None and status > 0:
        message = _api_message(getattr(exc, "body", None)) or str(getattr(exc, "reason", ""))
        message = (message.strip().splitlines() or [""])[0]  # one line, whatever the server says
        prefix = {
            401: "unauthorized: the API server rejected the credentials (expired token?)",
            403: "forbidden",
            404: "not found",
            409: "conflict",
            410: "expired",
            422: "invalid",
        }.get(status, f"API error {status}")
        if status == 401:
            return prefix
        if status == 403:
            # 'pods is forbidden: User "u" cannot list resource "pods" in API group "" in the
            # namespace "x"' -> 'User "u" cannot list resource "pods" in the namespace "x"'
            message = re.sub(r'^.{0,200}? is forbidden: ', "", message)
            message = message.replace(' in API group ""', "")
        return redact(f"{prefix}: {message}" if message else prefix)
    text = str(exc)
    lowered = text.lower()
    if "certificate verify failed" in lowered or "sslcertverificationerror" in lowered:
        return (f"TLS verification failed{' for' + where if where else ''}: the server's "
                "certificate is not signed by the CA in the kubeconfig")
    if "connection refused" in lowered:
        return f"cannot reach the API server{where}: connection refused"
    if "name or service not known" in lowered or "nodename nor servname" in lowered:
        return f"cannot reach the API server{where}: unknown host"
    if "timed out" in lowered or "timeout" in lowered:
        return f"cannot reach the API server{where}: timed out"
    if "max retries exceeded" in lowered or "connection" in lowered:
        return f"cannot reach the API server{where}: connection failed"
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return redact(f"{type(exc).__name__}: {first}"[:300])
