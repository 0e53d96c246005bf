"""podtui uses the official client without importing all of it (podtui/cluster/kube_import.py):
every call podtui makes works with only the client's transport and kubeconfig loader loaded
(and not google-auth's requests transport, nor requests-oauthlib),
and the whole typed client still works when something asks for it."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import orjson
import pytest

from podtui.cluster.pod_actions import delete_pod
from tests.conftest import SEED_POD, make_pod

SCRIPT = textwrap.dedent("""
    import json, sys
    import orjson
    from podtui.cluster.connection import connect
    from podtui.cluster.logs import pod_containers
    from podtui.cluster.pod_actions import can_i, create_pod, delete_pod

    conn = connect(sys.argv[1], namespace="default")
    listed = orjson.loads(conn.request("GET", "/api/v1/namespaces/default/pods").data)
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "never-created"},
           "spec": {"containers": [{"name": "c", "image": "busybox"}]}}
    out = {
        "pods": [p["metadata"]["name"] for p in listed["items"]],
        "containers": pod_containers(conn, "default", sys.argv[2]),
        "can_create": can_i(conn, "create", "pods", "default"),
        "dry_run_uid": bool(create_pod(conn, pod, dry_run=True)["metadata"].get("uid")),
        "delete_missing": delete_pod(conn, "default", "never-created").message,
        "loaded": sorted(m for m in sys.modules if m.startswith("kubernetes")),
        "openssl_bindings": "cryptography" in sys.modules,
        "deferred_modules": sorted(m for m in (
            "oauthlib.oauth2.rfc6749.clients", "requests_oauthlib.oauth2_session",
            "kubernetes.utils.create_from_yaml", "dateutil.parser._parser",
            "multiprocessing.connection", "pydantic_core") if m in sys.modules),
    }
    # The oidc auth-provider's session, deferred, is the real one when kube_config makes it.
    from kubernetes.config import kube_config
    session = kube_config.OAuth2Session(token={"access_token": "t"}, client_id="c")
    out["oidc_session"] = type(session).__module__ + "." + type(session).__name__
    # The gcp auth-provider's transport, deferred, is all there when it is asked for
    # (google-auth is the client's dependency up to 34, an extra from 35).
    try:
        import google.auth.transport.requests
        out["gcp_request"] = google.auth.transport.requests.Request.__name__
    except ModuleNotFoundError:
        out["gcp_request"] = None
    from kubernetes.client import CoreV1Api
    typed = CoreV1Api(conn.api).read_namespaced_pod(sys.argv[2], "default")
    out["typed"] = type(typed).__name__ + ":" + typed.metadata.name
    out["typed_created"] = type(typed.metadata.creation_timestamp).__name__
    out["thread_pool"] = type(conn.api.pool).__name__
    # Client 37 (the pydantic template): the typed client loaded pydantic, and the
    # client's isinstance test of a body sees its SecretStr through the stand-in.
    out["secret"] = None
    if hasattr(conn.api, "param_serialize"):
        from pydantic import SecretStr
        out["secret"] = conn.api.sanitize_for_serialization({"password": SecretStr("s")})
    out["pydantic_template"] = hasattr(conn.api, "param_serialize")
    print(json.dumps(out))
""")


def test_podtui_calls_need_only_the_client_transport(admin_kubeconfig):
    result = subprocess.run([sys.executable, "-c", SCRIPT, admin_kubeconfig, SEED_POD],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert SEED_POD in out["pods"]
    assert out["containers"]["app"] == ["node", "busybox"]
    assert out["can_create"] is True
    assert out["dry_run_uid"] is True
    assert out["delete_missing"] == "pod default/never-created is already gone"
    # None of the ~700 API and model modules: those are what made the import slow.
    assert not [m for m in out["loaded"]
                if m.startswith(("kubernetes.client.api.", "kubernetes.client.models."))]
    assert out["typed"] == f"V1Pod:{SEED_POD}"
    assert out["typed_created"] == "datetime"  # dateutil's parse, loaded when called
    assert out["thread_pool"] == "ThreadPool"  # the client's pool for async_req
    assert out["secret"] == ({"password": "s"} if out["pydantic_template"] else None)
    # google-auth's requests transport (it loads cryptography's OpenSSL bindings, ~12 MB)
    # is only for the gcp auth-provider.
    assert out["openssl_bindings"] is False
    # Nor oauthlib and requests-oauthlib (the oidc auth-provider's, loaded when
    # kube_config refreshes an oidc token), dateutil's parser, multiprocessing's pool and
    # pydantic (the typed client's): ~0.1 s of CPU at every start.
    assert out["deferred_modules"] == []
    assert out["oidc_session"] == "requests_oauthlib.oauth2_session.OAuth2Session"
    assert out["gcp_request"] == ("Request" if google_auth_installed() else None)


def google_auth_installed() -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec("google.auth") is not None
    except ModuleNotFoundError:
        return False


def test_each_delete_leaves_its_pooled_connection_usable(conn, namespace):
    """A write whose response body is left unread poisons the pooled connection: the next
    request on it fails with ResponseNotReady."""
    names = [f"short-{i}" for i in range(3)]
    for name in names:
        conn.core.create_namespaced_pod(namespace, make_pod(name))
    for name in names:
        assert delete_pod(conn, namespace, name, force=True).ok
        listed = orjson.loads(conn.request("GET", f"/api/v1/namespaces/{namespace}/pods").data)
        assert name not in [p["metadata"]["name"] for p in listed["items"]
                            if not p["metadata"].get("deletionTimestamp")]


def test_a_readonly_connection_sends_no_write_whoever_asks(conn, namespace, admin_kubeconfig):
    """--readonly is enforced where every request passes, under the callers' own checks: a
    write that skips them is refused before it is sent; reads and access reviews go on,
    and say the user may not write."""
    from podtui.cluster.connection import ReadOnlyError, connect
    from podtui.cluster.pod_actions import can_i, create_pod, delete_pod

    conn.core.create_namespaced_pod(namespace, make_pod("kept"))
    uid = conn.core.read_namespaced_pod("kept", namespace).metadata.uid
    path = f"/api/v1/namespaces/{namespace}/pods"
    ro = connect(kubeconfig=admin_kubeconfig, namespace=namespace)
    ro.readonly = True
    try:
        writes = [("DELETE", f"{path}/kept", None), ("POST", path, make_pod("new")),
                  ("PATCH", f"{path}/kept", {"metadata": {"labels": {"x": "y"}}}),
                  ("PUT", f"{path}/kept", {})]
        for method, where, body in writes:
            with pytest.raises(ReadOnlyError, match=f"read-only mode: {method} "):
                ro.request(method, where, body=body)
        manifest = {**make_pod("never"), "metadata": {"name": "never", "namespace": namespace}}
        for dry_run in (True, False):  # the actions the app calls
            with pytest.raises(ReadOnlyError, match="^read-only mode: create pod refused$"):
                create_pod(ro, manifest, dry_run=dry_run)
        for force in (False, True):
            with pytest.raises(ReadOnlyError, match="^read-only mode: delete pod refused$"):
                delete_pod(ro, namespace, "kept", force=force)
        may_write = [can_i(ro, verb, "pods", namespace) for verb in ("create", "delete")]
        listed = orjson.loads(ro.request("GET", path).data)
        review = ro.request("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                            body={"spec": {"resourceAttributes": {
                                "verb": "get", "resource": "pods", "namespace": namespace}}})
        allowed = orjson.loads(review.data)["status"]["allowed"]
    finally:
        ro.close()
    assert [(p["metadata"]["name"], p["metadata"]["uid"]) for p in listed["items"]] == [
        ("kept", uid)]
    assert not listed["items"][0]["metadata"].get("labels", {}).get("x")
    assert allowed is True and may_write == [False, False]
