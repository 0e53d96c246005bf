"""READY, STATUS and RESTARTS of every zoo pod, podtui beside the API server's own pod printer
(the Table that `kubectl get pods` asks for), cell by cell."""

from __future__ import annotations

import pytest

from podtui.anatomy import summarize
from podtui.ui import clock
from sandbox import zoo as zoo_data
from tests.conftest import server_table

#: Every STATUS `kubectl get pods` names that issue 11 asks the zoo to show.
REQUIRED = {"Completed", "Error", "OOMKilled", "Signal:9", "ExitCode:3", "Init:1/2",
            "Init:Error", "Init:CrashLoopBackOff", "PodInitializing", "ContainerCreating",
            "ImagePullBackOff", "CrashLoopBackOff", "NotReady", "Terminating",
            "SchedulingGated", "Pending", "Evicted", "Running"}


@pytest.fixture(scope="module")
def table(conn, zoo) -> dict[str, tuple[dict, dict]]:
    return server_table(conn, zoo)


@pytest.mark.parametrize("name", zoo_data.names())
def test_ready_status_and_restarts_match_the_servers_printer(table, name):
    cells, pod = table[name]
    row = summarize(pod)
    assert (row.ready_text(), row.status) == (cells["Ready"], cells["Status"])
    # "3 (2m ago)": the count exactly; the age is the server's clock against ours.
    restarts = row.restarts_text(clock.now())
    assert restarts.split()[0] == cells["Restarts"].split()[0]
    assert ("ago)" in restarts) == ("ago)" in cells["Restarts"])


def test_the_zoo_shows_every_state_it_claims(table):
    shown = {name: cells["Status"] for name, (cells, _pod) in table.items()}
    claimed = {name: pod["state"] for name, pod in zoo_data.PODS.items()}
    assert {n: shown.get(n) for n in claimed} == claimed
    assert not REQUIRED - set(shown.values())


def test_the_zoo_has_native_sidecars_ephemeral_containers_and_many_containers(table):
    pods = [pod for _cells, pod in table.values()]
    sidecar_states = set()
    for pod in pods:
        sidecars = {c["name"] for c in pod["spec"].get("initContainers", [])
                    if c.get("restartPolicy") == "Always"}
        for cs in pod["status"].get("initContainerStatuses", []):
            if cs["name"] in sidecars:
                sidecar_states.add((next(iter(cs["state"])), cs["ready"], pod["status"]["phase"]))
    assert ("running", True, "Running") in sidecar_states
    assert ("running", False, "Running") in sidecar_states  # unready
    assert ("waiting", False, "Running") in sidecar_states  # crashing
    assert ("terminated", False, "Succeeded") in sidecar_states  # its Job finished
    assert any(pod["status"].get("ephemeralContainerStatuses") for pod in pods)
    assert max(len(pod["spec"].get("initContainers", [])) + len(pod["spec"]["containers"])
               for pod in pods) >= 12


def test_only_the_zoo_wrote_its_pods_statuses(table):
    """Nothing plays the zoo node's kubelet: neither KWOK nor a controller rewrote a status
    the zoo wrote (the server records who wrote which fields, managedFields)."""
    for name, (_cells, pod) in table.items():
        if zoo_data.PODS[name]["status"] is None:
            continue  # left to the scheduler
        writers = {(f["manager"], f.get("subresource", ""))
                   for f in pod["metadata"]["managedFields"]}
        assert writers <= {(zoo_data.FIELD_MANAGER, sub)
                           for sub in ("", "status", "ephemeralcontainers")}, name
        assert (zoo_data.FIELD_MANAGER, "status") in writers, name


def test_rows_read_from_the_raw_list_page_match_the_servers_printer(conn, zoo, table):
    """The pod list reads its rows from the raw pages (only the fields a row reads are
    decoded, pods._row_page); on the zoo's page as the server sends it they equal the
    server's own printer and the rows of the whole decoded pods."""
    import orjson

    from podtui.cluster.pods import _row_page

    response = conn.request("GET", f"/api/v1/namespaces/{zoo}/pods")
    read = _row_page(response.data)
    assert read is not None, "the row path refused the server's own page"
    _listed, fields, whole = read
    assert len(fields) == len(table)
    for row_fields, data in zip(fields, whole, strict=True):
        pod = orjson.loads(data)
        row = summarize(row_fields)
        cells, _printed_from = table[row.name]
        assert (row.ready_text(), row.status) == (cells["Ready"], cells["Status"]), row.name
        assert row == summarize(pod), row.name
        assert "managedFields" not in pod["metadata"]
