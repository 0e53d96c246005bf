"""One clear line, no secrets: errors.redact/describe, name checks, and how the pod watcher
reports failures (no cluster needed: fakes stand in for the API server)."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import orjson
import pytest
from kubernetes.client.exceptions import ApiException

from podtui.cluster.connection import Connection
from podtui.cluster.errors import ClusterError, describe, redact
from podtui.cluster.names import check_namespace, check_pod_name
from podtui.cluster.pods import Page, PodWatcher, Status

TOKEN = "3f39c2d47a2cf9e1b5aa0c6f2e99d0b41c7e8a5d"
JWT = ("eyJhbGciOiJSUzI1NiIsImtpZCI6IkFCQyJ9.eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50In0"
       ".c2lnbmF0dXJlLWJ5dGVzLWhlcmU")
# base64 of "-----BEGIN PRIVATE KEY-----\nMIIEvQ..." as in a kubeconfig's client-key-data
KEY_B64 = "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUV2Z0lCQURBTkJna3Foa2lHOXcwQkFRRUZBQVND"
PEM = ("-----BEGIN PRIVATE KEY-----\nMIIEvgIBADANBgkqhkiG9w0BAQEFAASC\nAAAA\n"
       "-----END PRIVATE KEY-----")


# --------------------------------------------------------------------------- redact


@pytest.mark.parametrize(
    "text",
    [
        f"Authorization: Bearer {TOKEN}",
        f"authorization: bearer {TOKEN}",
        f'{{"token": "{TOKEN}"}}',
        f"token={TOKEN}&x=1",
        f"    token: {TOKEN}",
        f"id-token: {TOKEN}",
        f"password: {TOKEN}",
        f"Authorization: Basic {TOKEN}",
        # Python reprs, as a traceback or an exception message may hold them
        f"{{'authorization': '{TOKEN}'}}",
        f"headers={{'Authorization': 'Bearer {TOKEN}'}}",
        f"Configuration(api_key={{'authorization': 'Bearer {TOKEN}'}})",
        f"client_key_data='{TOKEN}'",
    ],
)
def test_redact_hides_tokens(text):
    out = redact(text)
    assert TOKEN not in out
    assert "[redacted]" in out


def test_redact_hides_client_keys_and_certificates():
    for text in (f"client-key-data: {KEY_B64}", f"client-certificate-data: {KEY_B64}",
                 f"oops {KEY_B64} oops", f"key file says:\n{PEM}\nend"):
        out = redact(text)
        assert KEY_B64 not in out and "MIIEvgIBADAN" not in out, out
        assert "[redacted]" in out


def test_redact_hides_a_known_secret_of_any_shape():
    # A static token is a bare hex string: only knowing it finds it.
    out = redact(f"KeyError: '{TOKEN}' in {TOKEN[:20]}", known=[TOKEN])
    assert out == f"KeyError: '[redacted]' in {TOKEN[:20]}"
    # and the shapes above read the same with it
    assert redact(f"{{'authorization': 'Bearer {TOKEN}'}}", known=[TOKEN]) == (
        "{'authorization': 'Bearer [redacted]'}")


def test_redact_hides_a_bare_jwt():
    out = redact(f"service account token {JWT} was rejected")
    assert JWT not in out and "eyJhbGciOi" not in out
    assert out.startswith("service account token") and out.endswith("was rejected")


def test_redact_leaves_ordinary_text_alone():
    for text in ('pods "web" is forbidden: User "dev-user" cannot delete resource "pods"',
                 "cannot reach the API server https://127.0.0.1:16443: connection refused",
                 "the tokenizer said hello", "pod team-a/web-tailer created"):
        assert redact(text) == text


# --------------------------------------------------------------------------- describe


def api_exception(status: int, message: str, reason: str = "") -> ApiException:
    exc = ApiException(status=status, reason=reason or "Reason")
    exc.body = orjson.dumps({"kind": "Status", "message": message, "code": status})
    exc.headers = {"Audit-Id": "x"}
    return exc


def test_describe_401_never_echoes_the_server_text():
    exc = api_exception(401, f"Unauthorized: token {TOKEN}")
    text = describe(exc)
    assert text == "unauthorized: the API server rejected the credentials (expired token?)"


def test_describe_403_is_one_short_line():
    exc = api_exception(403, 'pods is forbidden: User "dev-user" cannot list resource "pods" '
                             'in API group "" at the cluster scope')
    assert describe(exc) == (
        'forbidden: User "dev-user" cannot list resource "pods" at the cluster scope')


def test_describe_api_errors_are_redacted_and_one_line():
    for status in (403, 404, 409, 422, 500):
        text = describe(api_exception(status, f"bad thing with Bearer {TOKEN}\nsecond line"),
                        "https://x")
        assert TOKEN not in text and "bad thing with Bearer [redacted]" in text
        assert "\n" not in text and "second line" not in text


def test_describe_network_errors_name_the_server():
    refused = Exception("HTTPSConnectionPool(host='127.0.0.1', port=1): Max retries exceeded "
                        "(Caused by NewConnectionError('[Errno 111] Connection refused'))")
    assert describe(refused, "https://127.0.0.1:1") == (
        "cannot reach the API server https://127.0.0.1:1: connection refused")
    tls = Exception("SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] "
                    "certificate verify failed: self-signed certificate in certificate chain')")
    assert describe(tls, "https://h:6443").startswith(
        "TLS verification failed for https://h:6443:")
    assert describe(tls).startswith("TLS verification failed: the server's certificate")


def test_describe_anything_else_is_its_first_line_redacted():
    text = describe(ValueError(f"first line Bearer {TOKEN}\n  File \"x.py\", line 3\n"))
    assert text == "ValueError: first line Bearer [redacted]"
    assert describe(ClusterError(f"token: {TOKEN}")) == "token: [redacted]"


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize("name", ["default", "team-a", "a", "x" * 63, "t-0f3e"])
def test_valid_namespaces(name):
    assert check_namespace(name) == name


@pytest.mark.parametrize("name", ["", "Team-A", "team_a", "-a", "a-", "a.b", "x" * 64, "../x",
                                  "a/b", "a b", "kube-system?watch=1"])
def test_invalid_namespaces_are_one_line(name):
    with pytest.raises(ClusterError) as info:
        check_namespace(name)
    assert str(info.value).startswith("invalid namespace name")
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("name", ["web", "web-7d9f-abcde", "a.b.c", "x" * 253])
def test_valid_pod_names(name):
    assert check_pod_name(name) == name


@pytest.mark.parametrize("name", ["", "..", ".", "web/log", "Web", "web_1", "web.", "-web",
                                  "x" * 254, "a%2Fb", "web?x=1"])
def test_invalid_pod_names_are_refused(name):
    with pytest.raises(ClusterError, match="^invalid pod name"):
        check_pod_name(name)


# --------------------------------------------------------------------------- the watcher


class FakeResponse:
    def __init__(self, data: bytes = b"", lines: list[bytes] | None = None) -> None:
        self.data = data
        self.lines = lines or []
        self.closed = False
        self.released = False

    def stream(self, *_args, **_kwargs):
        yield from (line + b"\n" for line in self.lines)

    def close(self) -> None:
        self.closed = True

    def release_conn(self) -> None:
        self.released = True

    def shutdown(self) -> None:
        pass


class FakeApi:
    """Answers the list, then plays `script` for the following calls: an exception to raise
    or a response to return."""

    def __init__(self, script: list) -> None:
        self.script = script
        self.calls = 0

    def call_api(self, path, method, query_params=(), **_kwargs):
        self.calls += 1
        if not any(k == "watch" for k, _ in query_params):
            body = {"metadata": {"resourceVersion": "100"}, "items": []}
            return FakeResponse(orjson.dumps(body))
        step = self.script.pop(0) if self.script else ConnectionRefusedError(
            "[Errno 111] Connection refused")
        if isinstance(step, BaseException):
            raise step
        return step


class FakeConn:
    server = "https://fake:6443"
    readonly = False
    request = Connection.request  # the real call, over the fake transport

    def __init__(self, api: FakeApi) -> None:
        self.api = api


def run_watcher(api: FakeApi, until, resource_version: str = "") -> tuple[list, list]:
    events: list = []
    waits: list[float] = []
    watcher = PodWatcher(FakeConn(api), "ns", events.append)  # type: ignore[arg-type]
    watcher.resource_version = resource_version
    stop = watcher._stop

    def wait(seconds: float) -> bool:
        waits.append(seconds)
        if until(events, waits):
            stop.set()
        return stop.is_set()

    watcher._stop = SimpleNamespace(is_set=stop.is_set, set=stop.set, wait=wait)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    thread.join(10)
    assert not thread.is_alive()
    return events, waits


def test_watcher_is_not_live_while_the_server_is_down_and_backs_off():
    """Resuming a known version against a dead server: "reconnecting" again and again with a
    growing backoff, never a "live" in between (it used to say live before every attempt)."""
    refused = ConnectionRefusedError("[Errno 111] Connection refused")
    api = FakeApi([refused] * 8)
    events, waits = run_watcher(api, lambda _e, w: len(w) >= 6, resource_version="42")
    states = [e.state for e in events if isinstance(e, Status)]
    assert states[0] == "connecting" and states[-1] == "stopped"
    assert "live" not in states
    assert states.count("reconnecting") == 6
    assert waits == [0.2, 0.5, 1.0, 2.0, 4.0, 8.0]
    message = next(e.message for e in events if isinstance(e, Status) and e.message
                   and e.state == "reconnecting")
    assert message == "cannot reach the API server https://fake:6443: connection refused"


def test_watcher_says_live_once_the_watch_is_accepted_and_resets_the_backoff():
    refused = ConnectionRefusedError("[Errno 111] Connection refused")
    accepted = FakeResponse(lines=[])  # the watch ends at once (server timeout)
    api = FakeApi([refused, refused, accepted, refused])
    events, waits = run_watcher(api, lambda _e, w: len(w) >= 3)
    states = [e.state for e in events if isinstance(e, Status)]
    assert [s for s in states if s != "reconnecting"] == ["connecting", "live", "stopped"]
    assert states.index("live") == 3  # after the list and two refused watches
    assert waits == [0.2, 0.5, 0.2]  # the accepted watch reset the backoff
    assert any(isinstance(e, Page) and e.last for e in events)


def test_a_watch_left_mid_stream_closes_its_connection():
    """410 Gone arrives while the rest of the response may still be buffered: that connection
    must not go back to the pool as reusable (the next request would fail)."""
    gone = FakeResponse(lines=[orjson.dumps({"type": "ERROR", "object": {
        "kind": "Status", "code": 410, "message": "too old resource version"}}), b"{}"])
    ended = FakeResponse(lines=[])
    api = FakeApi([gone, ended])
    events, _waits = run_watcher(api, lambda _e, w: True, resource_version="7")
    assert gone.closed and gone.released
    assert ended.released and not ended.closed
    pages = [e for e in events if isinstance(e, Page)]
    assert pages and pages[0].first and pages[-1].last  # the 410 led to a re-list


def test_an_access_review_the_server_garbles_is_unknown_not_a_crash():
    """A proxy's HTML page instead of the review: 'let the server decide' (was an uncaught
    JSONDecodeError in the app's access-check worker, which ended the app)."""
    from podtui.cluster.pod_actions import can_i

    class Proxy:
        def call_api(self, *_args, **_kwargs):
            return FakeResponse(b"<html>502 Bad Gateway</html>")

    conn = FakeConn(Proxy())
    conn.readonly = False
    assert can_i(conn, "delete", "pods", "default") is True
