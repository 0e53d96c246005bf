"""What podtui asks of the official client, against a small local API server (plain HTTP
and a websocket), so it runs on every client podtui supports without the sandbox
(`make test-client-lowest` runs it on the lowest): kubeconfig loading (a token, an exec
plugin, a `:`-separated KUBECONFIG), the request path of both client generations
(podtui/cluster/transport.py), /version, and an exec over v4.channel.k8s.io."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import socket
import struct
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import orjson
import pytest
import yaml

from podtui.cluster.connection import connect
from podtui.cluster.errors import ClusterError, describe

REPO = Path(__file__).resolve().parents[2]
TOKEN = "unit-token-4f1c9e77"
EXEC_TOKEN = "exec-token-91aa20d3"
WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455


class FakeApiServer(BaseHTTPRequestHandler):
    """Answers what podtui sends; records each request (path, headers, body)."""

    protocol_version = "HTTP/1.1"
    seen: list[dict]
    version_body = b'{"major": "1", "minor": "37", "gitVersion": "v1.37.2"}'

    def log_message(self, *_args) -> None:
        pass

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _record(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        entry = {"method": self.command, "path": self.path, "headers": dict(self.headers),
                 "body": self.rfile.read(length) if length else b""}
        self.seen.append(entry)
        return entry

    def do_GET(self) -> None:
        self._record()
        if self.headers.get("Upgrade", "").lower() == "websocket":
            return self._exec()
        if self.path == "/version":
            return self._answer(200, self.version_body)
        if self.path.startswith("/api/v1/namespaces/default/pods"):
            return self._answer(200, b'{"kind": "PodList", "items": []}')
        self._answer(404, orjson.dumps({"kind": "Status", "code": 404, "reason": "NotFound",
                                        "message": f'pods "{self.path}" not found'}))

    def do_POST(self) -> None:
        entry = self._record()
        self._answer(201, entry["body"])

    do_DELETE = do_PATCH = do_POST

    def _exec(self) -> None:
        """An exec as the API server answers it: stdout, stderr, then the exit status on
        the error channel, each frame prefixed with its channel byte."""
        key = self.headers["Sec-WebSocket-Key"]
        accept = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        self.send_header("Sec-WebSocket-Protocol", "v4.channel.k8s.io")
        self.end_headers()
        self.wfile.flush()
        status = orjson.dumps({"metadata": {}, "status": "Failure", "reason": "NonZeroExitCode",
                               "details": {"causes": [{"reason": "ExitCode", "message": "3"}]}})
        for channel, data in ((1, b"hello from node\n"), (2, b"a warning\n"), (3, status)):
            self.wfile.write(_frame(0x2, bytes([channel]) + data))
        self.wfile.write(_frame(0x8, struct.pack("!H", 1000)))
        self.wfile.flush()
        self.close_connection = True


def _frame(opcode: int, payload: bytes) -> bytes:
    """A server's websocket frame (unmasked, final)."""
    head = bytes([0x80 | opcode])
    if len(payload) < 126:
        return head + bytes([len(payload)]) + payload
    return head + bytes([126]) + struct.pack("!H", len(payload)) + payload


class _Quiet(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # a client closing its pooled connection at the end is no news


@pytest.fixture
def server():
    handler = type("Handler", (FakeApiServer,), {"seen": []})
    httpd = _Quiet(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield handler, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def kubeconfig(path: Path, server: str, user: dict, name: str = "unit",
               namespace: str = "default") -> str:
    config = {
        "apiVersion": "v1", "kind": "Config", "current-context": name,
        "clusters": [{"name": name, "cluster": {"server": server}}],
        "users": [{"name": name, "user": user}],
        "contexts": [{"name": name, "context": {"cluster": name, "user": name,
                                                "namespace": namespace}}],
    }
    path.write_text(yaml.safe_dump(config))
    return str(path)


def test_requests_carry_the_token_query_and_body(server, tmp_path):
    handler, url = server
    conn = connect(kubeconfig(tmp_path / "k", url, {"token": TOKEN}))
    listed = conn.request("GET", "/api/v1/namespaces/default/pods",
                          [("labelSelector", "app=web,tier in (a,b)"), ("limit", 500)])
    assert orjson.loads(listed.data)["kind"] == "PodList"
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}
    created = conn.request("POST", "/api/v1/namespaces/default/pods", [("dryRun", "All")],
                           body=pod)
    assert orjson.loads(created.data) == pod
    get, post = handler.seen
    assert get["headers"]["authorization"] == f"Bearer {TOKEN}"
    assert get["path"] == ("/api/v1/namespaces/default/pods"
                           "?labelSelector=app%3Dweb%2Ctier%20in%20%28a%2Cb%29&limit=500"
                           ) or "labelSelector=app%3Dweb%2Ctier+in+%28a%2Cb%29" in get["path"]
    assert post["path"].endswith("?dryRun=All")
    assert post["headers"]["Content-Type"] == "application/json"
    assert orjson.loads(post["body"]) == pod
    conn.close()


def test_an_http_error_is_the_clients_exception_and_one_line(server, tmp_path):
    _handler, url = server
    conn = connect(kubeconfig(tmp_path / "k", url, {"token": TOKEN}))
    with pytest.raises(Exception) as caught:
        conn.request("GET", "/api/v1/namespaces/other/pods/x")
    from kubernetes.client.exceptions import ApiException

    assert isinstance(caught.value, ApiException)
    assert caught.value.status == 404
    line = describe(caught.value)
    assert line.startswith("not found: pods ") and "\n" not in line


def test_the_server_version_is_asked_once(server, tmp_path):
    from podtui.cluster.server_version import fetch

    handler, url = server
    conn = connect(kubeconfig(tmp_path / "k", url, {"token": TOKEN}))
    assert fetch(conn).label == "v1.37.2"
    assert fetch(conn).label == "v1.37.2"
    assert [s["path"] for s in handler.seen] == ["/version"]


def test_an_exec_plugins_token_is_sent(server, tmp_path):
    handler, url = server
    credential = {"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
                  "status": {"token": EXEC_TOKEN}}
    plugin = {"exec": {"apiVersion": "client.authentication.k8s.io/v1",
                       "command": sys.executable,
                       "args": ["-c", f"print({json.dumps(json.dumps(credential))})"],
                       "interactiveMode": "Never"}}
    conn = connect(kubeconfig(tmp_path / "k", url, plugin))
    conn.request("GET", "/api/v1/namespaces/default/pods").drain_conn()
    assert handler.seen[0]["headers"]["authorization"] == f"Bearer {EXEC_TOKEN}"
    assert EXEC_TOKEN in conn.secrets()  # so errors and crash reports redact it


def test_a_kubeconfig_list_is_merged(server, tmp_path):
    """KUBECONFIG=a:b as kubectl reads it: contexts of both; the first file's current one.
    (The client reads $KUBECONFIG when it is imported: a fresh interpreter.)"""
    _handler, url = server
    first = kubeconfig(tmp_path / "a", url, {"token": TOKEN}, name="first", namespace="team-a")
    second = kubeconfig(tmp_path / "b", url, {"token": TOKEN}, name="second",
                        namespace="team-b")
    script = ("import json\nfrom podtui.cluster.connection import connect\n"
              "c = connect(context='second')\n"
              "print(json.dumps([c.context, c.namespace, sorted(c.contexts), c.server,"
              " connect().context]))")
    env = {**os.environ, "KUBECONFIG": f"{first}{os.pathsep}{second}"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=env, cwd=REPO, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["second", "team-b", ["first", "second"], url, "first"]


def test_a_context_that_is_not_there_is_one_line(tmp_path):
    path = kubeconfig(tmp_path / "k", "http://127.0.0.1:1", {"token": TOKEN})
    with pytest.raises(ClusterError, match=r"^context 'nope' is not in the kubeconfig "
                                           r"\(contexts: unit\)$"):
        connect(path, context="nope")


def test_an_exec_over_the_websocket_channels(server, tmp_path):
    from podtui.cluster.exec import run

    handler, url = server
    conn = connect(kubeconfig(tmp_path / "k", url, {"token": TOKEN}))
    result = run(conn, "default", "web", "node", ["sh", "-c", "echo hi; exit 3"], timeout=10)
    assert (result.stdout, result.stderr, result.exit_code) == (
        "hello from node\n", "a warning\n", 3)
    (handshake,) = handler.seen
    headers = {k.lower(): v for k, v in handshake["headers"].items()}
    assert headers["sec-websocket-protocol"] == "v4.channel.k8s.io"
    assert headers["authorization"] == f"Bearer {TOKEN}"
    assert handshake["path"] == ("/api/v1/namespaces/default/pods/web/exec?container=node"
                                 "&command=sh&command=-c&command=echo+hi%3B+exit+3"
                                 "&stdout=true&stderr=true")


def test_a_refused_stream_is_one_line(tmp_path):
    from podtui.cluster.exec import run

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    conn = connect(kubeconfig(tmp_path / "k", f"http://127.0.0.1:{port}", {"token": TOKEN}))
    with pytest.raises(ClusterError) as caught:
        run(conn, "default", "web", "node", ["true"])
    assert str(caught.value) == (f"cannot exec in default/web container node: cannot reach "
                                 f"the API server http://127.0.0.1:{port}: connection refused")
