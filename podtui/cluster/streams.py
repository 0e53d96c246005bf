"""Websocket streams through the API server (pods/exec, pods/portforward).

The official client's stream module (kubernetes.stream.ws_client) carries them; it pulls in
websocket-client and yaml, so it is imported on first use only, never at start-up.
"""

from __future__ import annotations

from podtui.cluster.connection import CONNECT_TIMEOUT, Connection
from podtui.cluster.errors import ClusterError, describe


class _HttpError(Exception):
    """A refused websocket handshake, shaped like ApiException for errors.describe."""

    def __init__(self, status: int, body: bytes | str | None, reason: str = "") -> None:
        super().__init__(reason)
        self.status, self.body, self.reason = status, body, reason


def auth_headers(conn: Connection) -> dict[str, str]:
    """The bearer token header if the kubeconfig has one (client certificates need none)."""
    setting = conn.api.configuration.auth_settings().get("BearerToken") or {}
    value = setting.get("value")
    return {"authorization": value} if value else {}


def stream_error(exc: BaseException, what: str, server: str = "") -> ClusterError:
    """One line for a stream that could not open: the API server's reason, never headers."""
    status = getattr(exc, "status_code", None)
    if isinstance(status, int):
        exc = _HttpError(status, getattr(exc, "resp_body", None), str(status))
    elif getattr(exc, "status", None) == 0:  # ApiException(status=0) from the client
        exc = ConnectionError(getattr(exc, "reason", "") or "connection failed")
    return ClusterError(f"cannot {what}: {describe(exc, server)}",
                        status if isinstance(status, int) else None)


def open_websocket(conn: Connection, path: str, query: list[tuple[str, object]], what: str):
    """A connected websocket-client WebSocket (v4.channel.k8s.io) for `path`.

    As the official client's `create_websocket` makes it (TLS verified with the kubeconfig's
    CA, client certificate, proxy), with a connect timeout that one lacks: a server that
    accepts the connection and never answers would hang the caller for good."""
    import ssl

    from kubernetes.stream.ws_client import get_websocket_url, websocket_proxycare
    from websocket import WebSocket

    cfg = conn.api.configuration
    url = get_websocket_url(conn.server.rstrip("/") + path, query)
    sslopt: dict[str, object] = {"cert_reqs": ssl.CERT_NONE}
    if url.startswith("wss://") and cfg.verify_ssl:
        import certifi

        sslopt = {"cert_reqs": ssl.CERT_REQUIRED, "ca_certs": cfg.ssl_ca_cert or certifi.where()}
        if cfg.assert_hostname is not None:
            sslopt["check_hostname"] = cfg.assert_hostname
    for key, value in (("certfile", cfg.cert_file), ("keyfile", cfg.key_file),
                       ("server_hostname", cfg.tls_server_name)):
        if value:
            sslopt[key] = value
    headers = auth_headers(conn)
    options: dict[str, object] = {"header": [
        *(f"authorization: {v}" for v in headers.values()),
        "sec-websocket-protocol: v4.channel.k8s.io"]}
    if cfg.proxy or cfg.proxy_headers:
        options = websocket_proxycare(options, cfg, url, headers)
    ws = WebSocket(sslopt=sslopt, skip_utf8_validation=False)
    try:
        ws.connect(url, timeout=CONNECT_TIMEOUT, **options)
    except Exception as exc:  # noqa: BLE001 - handshake refusals, TLS, connection errors
        ws.close()
        raise stream_error(exc, what, conn.server) from None
    ws.settimeout(None)  # open: a session waits for its next byte as long as it lives
    return ws
