"""Connections to an API server: kubeconfig (file, KUBECONFIG list, context) or in-cluster."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from podtui.cluster.errors import ClusterError, redact
from podtui.cluster.names import check_namespace
from podtui.cluster.transport import send

if TYPE_CHECKING:
    from kubernetes.client import ApiClient, CoreV1Api

    from podtui.cluster.version_info import ServerVersion

#: Seconds to wait for a TCP connection; read timeouts are per call.
CONNECT_TIMEOUT = 5.0


#: Writes a read-only connection still sends: access reviews only ask questions.
READS_BY_POST = ("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                 "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")


class ReadOnlyError(ClusterError):
    def __init__(self, what: str) -> None:
        super().__init__(f"read-only mode: {what} refused")


@dataclass
class Connection:
    api: ApiClient
    context: str
    namespace: str
    server: str
    user: str = ""
    insecure: bool = False
    contexts: tuple[str, ...] = ()
    kubeconfig: str | None = None
    #: --readonly: the cluster layer refuses every write, whatever the UI asks.
    readonly: bool = False
    #: GET /version's answer, once asked (server_version.fetch).
    server_version: ServerVersion | None = None
    _core: CoreV1Api | None = field(default=None, repr=False)

    @property
    def core(self) -> CoreV1Api:
        if self._core is None:
            from kubernetes.client import CoreV1Api

            self._core = CoreV1Api(self.api)
        return self._core

    def request(self, method: str, path: str, query: list[tuple[str, Any]] | None = None,
                body: dict | None = None, timeout=(CONNECT_TIMEOUT, 30),
                accept: str = "application/json", content_type: str = "application/json"):
        """One call through the client's auth and TLS settings, without model decoding.

        Returns the urllib3 response unread (stream it, or read `.data`); an HTTP error
        raises the client's ApiException.
        """
        if self.readonly and method not in ("GET", "HEAD", "OPTIONS") \
                and path not in READS_BY_POST:
            # The backstop under every caller's own check: nothing writes in --readonly.
            raise ReadOnlyError(f"{method} {path}")
        headers = {"Accept": accept}
        if body is not None:
            headers["Content-Type"] = content_type
        return send(self.api, method, path, query or [], headers, body, timeout)

    def secrets(self) -> list[str]:
        """The credentials themselves (token, password), to redact them by value."""
        cfg = self.api.configuration
        tokens = [str(v).split()[-1] for v in (cfg.api_key or {}).values() if str(v).strip()]
        return [s for s in (*tokens, cfg.password) if s]

    def close(self) -> None:
        with contextlib.suppress(Exception):  # closing must never fail the caller
            self.api.close()


def _kubeconfig_paths(kubeconfig: str | None) -> list[Path]:
    if kubeconfig:
        return [Path(kubeconfig).expanduser()]
    env = os.environ.get("KUBECONFIG")
    if env:
        return [Path(p).expanduser() for p in env.split(os.pathsep) if p]
    return [Path("~/.kube/config").expanduser()]


def _first_current_context(paths: list[Path]) -> str:
    """kubectl's current context of a KUBECONFIG list: the first file's that sets one (the
    client's merger lets the last file's win). "" for one file: the client's is right."""
    if len(paths) < 2:
        return ""
    import yaml

    for path in paths:
        try:
            current = (yaml.safe_load(path.read_text()) or {}).get("current-context")
        except Exception:  # noqa: BLE001 - the client's loader says what is wrong with it
            continue
        if current:
            return str(current)
    return ""


def connect(
    kubeconfig: str | None = None, context: str | None = None, namespace: str | None = None
) -> Connection:
    """Load credentials and build a client; raises ClusterError with one clear line."""
    from podtui.cluster.kube_import import load

    client = load()
    from kubernetes import config as kconfig

    paths = _kubeconfig_paths(kubeconfig)
    existing = [p for p in paths if p.is_file()]
    cfg = client.Configuration()
    if not existing:
        if os.environ.get("KUBERNETES_SERVICE_HOST") and not kubeconfig and not context:
            try:
                kconfig.load_incluster_config(client_configuration=cfg)
            except kconfig.ConfigException as exc:
                raise ClusterError(f"in-cluster config: {redact(str(exc))}") from None
            ns_file = Path("/var/run/secrets/kubernetes.io/serviceaccount/namespace")
            ns = namespace or (ns_file.read_text().strip() if ns_file.is_file() else "default")
            check_namespace(ns)
            return _finish(client.ApiClient, cfg, "in-cluster", ns, "", (), None)
        shown = ", ".join(str(p) for p in paths)
        raise ClusterError(f"no kubeconfig found at {shown} (use --kubeconfig or set KUBECONFIG)")

    config_file = str(existing[0]) if kubeconfig else None
    try:
        all_contexts, active = kconfig.list_kube_config_contexts(config_file)
    except kconfig.ConfigException as exc:
        raise ClusterError(f"kubeconfig: {redact(str(exc))}") from None
    except Exception as exc:  # noqa: BLE001 - YAML errors and friends
        raise ClusterError(f"kubeconfig {existing[0]} is not valid: {type(exc).__name__}") from None
    names = tuple(c.get("name", "") for c in all_contexts or ())
    chosen = context or _first_current_context(existing) or (active or {}).get("name")
    match = next((c for c in all_contexts or () if c.get("name") == chosen), None)
    if match is None:
        have = ", ".join(names) or "none"
        raise ClusterError(f"context {chosen!r} is not in the kubeconfig (contexts: {have})")
    ctx = match.get("context") or {}
    try:
        kconfig.load_kube_config(
            config_file=config_file, context=chosen, client_configuration=cfg, persist_config=False
        )
    except kconfig.ConfigException as exc:
        raise ClusterError(f"kubeconfig context {chosen!r}: {redact(str(exc))}") from None
    except Exception as exc:  # noqa: BLE001 - bad base64, unreadable cert files, ...
        raise ClusterError(
            f"kubeconfig context {chosen!r} has unusable credentials: {type(exc).__name__}"
        ) from None
    ns = check_namespace(namespace or ctx.get("namespace") or "default")
    return _finish(client.ApiClient, cfg, chosen, ns, ctx.get("user", ""), names, config_file)


def _finish(api_client_cls, cfg, context, namespace, user, contexts, config_file) -> Connection:
    # Our own layers retry with backoff and say so on screen; urllib3's silent retries
    # would only make a dead server look slow.
    cfg.retries = False
    cfg.connection_pool_maxsize = 32
    if not cfg.verify_ssl:
        # The kubeconfig asked for it (insecure-skip-tls-verify). We say so once, visibly
        # (status bar, one stderr line for the command-line forms), instead of urllib3's
        # multi-line warning on every request, which would also garble the CLI's stderr.
        import warnings

        from urllib3.exceptions import InsecureRequestWarning

        warnings.filterwarnings("ignore", category=InsecureRequestWarning)
    return Connection(
        api=api_client_cls(configuration=cfg),
        context=context,
        namespace=namespace,
        server=cfg.host,
        user=user,
        insecure=not cfg.verify_ssl,
        contexts=contexts,
        kubeconfig=config_file,
    )
