"""Faults, bad input and security against the sandbox's real API server: RBAC, broken
kubeconfigs, TLS, read-only, and what the error lines say (and never say)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from podtui.cluster.connection import connect
from podtui.cluster.errors import ClusterError, describe
from podtui.cluster.pod_actions import can_i, create_pod, delete_pod
from podtui.cluster.pod_feed import PodFeed
from tests import kubeconfigs
from tests.conftest import API_SERVER, LIMITED_KUBECONFIG, make_pod, wait_for

TEAM = "team-a"


def one_clean_line(text: str) -> str:
    assert text and "\n" not in text, repr(text)
    assert "Traceback" not in text
    for secret in kubeconfigs.secrets():
        assert secret not in text, "a secret leaked into an error line"
    return text


@pytest.fixture
def limited(sandbox_dir):
    conn = connect(str(LIMITED_KUBECONFIG))
    yield conn
    conn.close()


@pytest.fixture
def team_pod(conn) -> Iterator[str]:
    """A pod in team-a (created by the admin) that the limited user may see, not delete."""
    name = f"faults-{uuid.uuid4().hex[:6]}"
    conn.core.create_namespaced_pod(TEAM, make_pod(name))
    yield name
    conn.core.delete_namespaced_pod(name, TEAM, grace_period_seconds=0)


def feed_status(feed: PodFeed, *states: str):
    with feed.lock:
        return feed.status if feed.status.state in states else None


# --------------------------------------------------------------------------- RBAC


def test_limited_user_context_is_team_a_and_can_list_it(limited, team_pod):
    assert (limited.namespace, limited.user) == (TEAM, "dev-user")
    feed = PodFeed(limited, limited.namespace)
    feed.start()
    try:
        wait_for(lambda: feed.cache.synced, "the list of team-a")
        wait_for(lambda: any(s.name == team_pod and s.namespace == TEAM
                             for s in list(feed.cache.summaries.values())),
                 "the admin's pod in the list")
        # "live" comes once the watch after the list is accepted.
        wait_for(lambda: feed.status.state == "live", "a live feed")
    finally:
        feed.stop()


def test_limited_user_access_review_says_read_only_in_team_a(limited):
    assert can_i(limited, "list", "pods", TEAM)
    assert can_i(limited, "get", "pods", TEAM, subresource="log")
    assert not can_i(limited, "create", "pods", TEAM)
    assert not can_i(limited, "delete", "pods", TEAM)
    assert not can_i(limited, "list", "pods", "default")
    assert not can_i(limited, "list", "pods", None)


@pytest.mark.parametrize("namespace, where", [(None, "at the cluster scope"),
                                              ("default", 'in the namespace "default"')])
def test_limited_user_forbidden_list_is_one_line(limited, namespace, where):
    feed = PodFeed(limited, namespace)
    feed.start()
    try:
        status = wait_for(lambda: feed_status(feed, "forbidden"), "the forbidden status")
    finally:
        feed.stop()
    assert one_clean_line(status.message) == (
        f'forbidden: User "dev-user" cannot list resource "pods" {where}')
    assert not feed.cache.pods


def test_limited_user_direct_create_and_delete_are_one_line_403(conn, limited, team_pod):
    manifest = make_pod(f"never-{uuid.uuid4().hex[:6]}")
    manifest["metadata"]["namespace"] = TEAM
    for dry_run in (True, False):
        with pytest.raises(ClusterError) as info:
            create_pod(limited, manifest, dry_run=dry_run)
        assert info.value.status == 403
        assert one_clean_line(str(info.value)) == (
            f"cannot create pod {TEAM}/{manifest['metadata']['name']}: forbidden: "
            f'User "dev-user" cannot create resource "pods" in the namespace "{TEAM}"')
    result = delete_pod(limited, TEAM, team_pod, force=True)
    assert not result.ok
    assert one_clean_line(result.message) == (
        f'cannot delete pod {TEAM}/{team_pod}: forbidden: User "dev-user" cannot delete '
        f'resource "pods" in the namespace "{TEAM}"')
    assert conn.core.read_namespaced_pod(team_pod, TEAM).metadata.deletion_timestamp is None
    names = {p.metadata.name for p in conn.core.list_namespaced_pod(TEAM).items}
    assert manifest["metadata"]["name"] not in names


# --------------------------------------------------------------------------- read-only


# --------------------------------------------------------------------------- kubeconfigs


def test_connect_errors_are_one_line(tmp_path, admin_kubeconfig):
    cases = {
        str(tmp_path / "missing.kubeconfig"): (None, None, "no kubeconfig found at"),
        admin_kubeconfig: ("nope", None, "context 'nope' is not in the kubeconfig"),
        str(LIMITED_KUBECONFIG): (None, "Bad_NS", "invalid namespace name 'Bad_NS'"),
    }
    broken = tmp_path / "broken.kubeconfig"
    broken.write_text("apiVersion: v1\nclusters: [\n  - {{{\n")
    cases[str(broken)] = (None, None, "is not valid")
    for path, (context, namespace, expected) in cases.items():
        with pytest.raises(ClusterError) as info:
            connect(path, context=context, namespace=namespace)
        assert expected in one_clean_line(str(info.value))


def request_error(conn) -> str:
    with pytest.raises(Exception) as info:  # any failure: we judge its one line
        conn.request("GET", f"/api/v1/namespaces/{TEAM}/pods", [("limit", 1)], timeout=(5, 10))
    return one_clean_line(describe(info.value, conn.server))


def test_wrong_ca_fails_it_never_falls_back_to_no_verification(tmp_path):
    configs = kubeconfigs.bad_set(tmp_path)
    for name in ("wrong-ca", "wrong-ca-admin"):
        conn = connect(configs[name])
        try:
            assert conn.insecure is False
            assert conn.api.configuration.verify_ssl is True
            assert request_error(conn) == (
                f"TLS verification failed for {API_SERVER}: the server's certificate "
                "is not signed by the CA in the kubeconfig")
        finally:
            conn.close()


def test_bad_token_and_unreachable_server_are_one_line(tmp_path):
    configs = kubeconfigs.bad_set(tmp_path)
    conn = connect(configs["bad-token"])
    try:
        assert request_error(conn) == (
            "unauthorized: the API server rejected the credentials (expired token?)")
    finally:
        conn.close()
    for name in ("unreachable", "unreachable-admin"):
        conn = connect(configs[name])
        try:
            assert request_error(conn) == (
                "cannot reach the API server https://127.0.0.1:1: connection refused")
            feed = PodFeed(conn, TEAM)
            feed.start()
            try:
                status = wait_for(lambda f=feed: feed_status(f, "reconnecting"), "reconnecting")
            finally:
                feed.stop()
            assert one_clean_line(status.message) == (
                "cannot reach the API server https://127.0.0.1:1: connection refused")
        finally:
            conn.close()


def test_insecure_skip_tls_verify_is_flagged_and_works(tmp_path, team_pod):
    path = kubeconfigs.variant(tmp_path, "insecure", insecure=True)
    conn = connect(path)
    try:
        assert conn.insecure is True  # the status bar and the CLI say so (see the UI tests)
        response = conn.request("GET", f"/api/v1/namespaces/{TEAM}/pods", timeout=(5, 10))
        try:
            assert team_pod.encode() in response.data
        finally:
            response.release_conn()
    finally:
        conn.close()
    # and the sandbox's own kubeconfigs verify the server
    strict = connect(str(LIMITED_KUBECONFIG))
    assert strict.insecure is False
    strict.close()


def test_write_errors_from_broken_setups_carry_no_secrets(tmp_path):
    configs = kubeconfigs.bad_set(tmp_path)
    for name, path in configs.items():
        conn = connect(path)
        try:
            manifest = make_pod("never")
            manifest["metadata"]["namespace"] = TEAM
            with pytest.raises(ClusterError) as info:
                create_pod(conn, manifest, dry_run=True)
            one_clean_line(str(info.value))
            result = delete_pod(conn, TEAM, "whatever")
            assert not result.ok, name
            one_clean_line(result.message)
        finally:
            conn.close()
