"""The server's version from literal /version bodies, and the feature gates built on it."""

from __future__ import annotations

import pytest

from podtui.cluster.server_version import (
    DEBUG_CONTAINERS,
    NATIVE_SIDECARS,
    UNKNOWN,
    ServerVersion,
    lacks,
    lost_sidecars,
    parse,
    sidecar_warning,
)

# As API servers send them (version.Info), trimmed of buildDate and the Go fields.
NEW = (b'{"major": "1", "minor": "37", "emulationMajor": "1", "emulationMinor": "37", '
       b'"gitVersion": "v1.37.2", "gitCommit": "0f1e2d3c", "gitTreeState": "clean", '
       b'"goVersion": "go1.26.1", "compiler": "gc", "platform": "linux/amd64"}')
EKS = b'{"major": "1", "minor": "31+", "gitVersion": "v1.31.14-eks-3025e55"}'
GKE = b'{"major": "1", "minor": "30", "gitVersion": "v1.30.5-gke.1014001"}'
UNSTAMPED = b'{"major": "", "minor": "", "gitVersion": "v0.0.0-master+$Format:%H$"}'


@pytest.mark.parametrize("body, known, numbers, label", [
    (NEW, True, (1, 37, 2), "v1.37.2"),
    (EKS, True, (1, 31, 14), "v1.31.14-eks-3025e55"),
    (GKE, True, (1, 30, 5), "v1.30.5-gke.1014001"),
    # A build from source without version stamps (the old sandbox): shown as it came.
    (UNSTAMPED, False, (0, 0, 0), "v0.0.0-master+$Format:%H$"),
])
def test_git_versions_as_servers_send_them(body, known, numbers, label):
    version = parse(body)
    assert version.known is known
    assert (version.major, version.minor, version.patch) == numbers
    assert version.label == label


@pytest.mark.parametrize("body, label", [
    (b'{"major": "1", "minor": "29+", "gitVersion": "banana"}', "banana"),
    (b'{"major": "1", "minor": "29+"}', "v1.29"),  # no gitVersion: major and minor
    (b'{"gitVersion": "' + b"x" * 80 + b'"}', "x" * 31 + "…"),
    (b'{"gitVersion": "line one\\nline two"}', "line one line two"),
    (b"<html>502 Bad Gateway</html>", "unknown"),
    (b"[1, 2]", "unknown"),
    (b"", "unknown"),
])
def test_nonsense_is_one_short_line_never_an_exception(body, label):
    version = parse(body)
    assert version.label == label
    assert "\n" not in version.label


def test_an_unknown_version_gates_nothing():
    for version in (UNKNOWN, parse(UNSTAMPED), parse(b'{"gitVersion": "banana"}')):
        assert not version.older_than(1, 99)
        assert lacks(version, NATIVE_SIDECARS) == ""
        assert lacks(version, DEBUG_CONTAINERS) == ""


def test_the_gates_by_version():
    assert lacks(parse(NEW), NATIVE_SIDECARS) == ""
    assert lacks(parse(GKE), DEBUG_CONTAINERS) == ""
    old = parse(b'{"major": "1", "minor": "28", "gitVersion": "v1.28.15"}')
    assert lacks(old, NATIVE_SIDECARS) == (
        "native sidecars (init containers with restartPolicy: Always) need Kubernetes "
        "1.29+; this API server is v1.28.15")
    assert lacks(old, DEBUG_CONTAINERS) == ""
    older = ServerVersion("v1.24.17-eks-1", 1, 24, 17)
    assert lacks(older, DEBUG_CONTAINERS) == (
        "debug containers (pods/ephemeralcontainers) need Kubernetes 1.25+; this API "
        "server is v1.24.17-eks-1")


def _pod(*init: dict) -> dict:
    return {"spec": {"initContainers": list(init), "containers": [{"name": "app"}]}}


SIDECAR = {"name": "log-shipper", "image": "busybox", "restartPolicy": "Always"}
PLAIN_INIT = {"name": "fill", "image": "busybox"}


def test_a_sidecar_the_server_dropped_is_one_warning_line():
    manifest = _pod(PLAIN_INIT, SIDECAR)
    # What a 1.28 server answers the dry run: the field is gone, silently.
    served = _pod(PLAIN_INIT, {"name": "log-shipper", "image": "busybox"})
    lost = lost_sidecars(manifest, served)
    assert lost == ["log-shipper"]
    old = parse(b'{"gitVersion": "v1.28.15"}')
    assert sidecar_warning(lost, old) == (
        "warning: native sidecars (init containers with restartPolicy: Always) need "
        "Kubernetes 1.29+; this API server is v1.28.15: it drops restartPolicy: Always, so "
        "init container log-shipper must finish before the app containers start")
    # A 1.29+ server with the SidecarContainers gate off drops it too: said so.
    assert "has native sidecars switched off" in sidecar_warning(lost, parse(NEW))
    assert "switched off" in sidecar_warning(lost, UNKNOWN)


def test_kept_sidecars_and_pods_without_any_warn_of_nothing():
    assert lost_sidecars(_pod(SIDECAR), _pod(SIDECAR)) == []
    assert lost_sidecars(_pod(PLAIN_INIT), _pod(PLAIN_INIT)) == []
    assert lost_sidecars({"spec": {}}, {}) == []
    assert sidecar_warning([], parse(b'{"gitVersion": "v1.27.1"}')) == ""
