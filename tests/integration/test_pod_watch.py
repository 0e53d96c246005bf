"""The pod feed (list + watch) follows the real API server."""

from __future__ import annotations

import threading
import time

import pytest

from podtui.cluster.pod_feed import PodFeed
from podtui.cluster.pods import Change, Page, PodWatcher, Status
from tests.conftest import compact_etcd, make_pod, sandbox_cmd, wait_for


@pytest.fixture
def feed(conn, namespace):
    feed = PodFeed(conn, namespace)
    feed.start()
    wait_for(lambda: feed.cache.synced, "the first list")
    yield feed
    feed.stop()


def names(feed: PodFeed) -> set[str]:
    with feed.lock:
        return {s.name for s in feed.cache.summaries.values()}


def test_created_pod_appears_and_deleted_pod_disappears(conn, namespace, feed):
    conn.core.create_namespaced_pod(namespace, make_pod("watched", ["app", "sidecar"]))
    wait_for(lambda: "watched" in names(feed), "the new pod in the feed")
    running = wait_for(
        lambda: next((s for s in feed.cache.summaries.values()
                      if s.name == "watched" and s.status == "Running" and s.pod_ip), None),
        "the pod to be Running in the feed",
    )
    assert (running.ready, running.total) == (2, 2)
    conn.core.delete_namespaced_pod("watched", namespace, grace_period_seconds=0)
    wait_for(lambda: "watched" not in names(feed), "the deleted pod to leave the feed")


def test_expired_resource_version_relists(conn, namespace):
    """After etcd compaction and an API server restart (a fresh watch cache), a watch from an
    old resourceVersion gets 410 Gone; the watcher lists again instead of failing."""
    first = conn.core.create_namespaced_pod(namespace, make_pod("before"))
    for i in range(3):  # history to compact away
        conn.core.patch_namespaced_pod("before", namespace, {"metadata": {"labels": {"n": str(i)}}})
    conn.core.create_namespaced_pod(namespace, make_pod("after"))
    compact_etcd()
    sandbox_cmd("restart", "kube-apiserver")
    events: list = []
    watcher = PodWatcher(conn, namespace, events.append)
    watcher.resource_version = first.metadata.resource_version  # compacted away now
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    wait_for(lambda: any(isinstance(e, Page) and e.last for e in events), "a re-list")
    wait_for(lambda: any(isinstance(e, Status) and e.state == "live" for e in events), "live")
    watcher.stop()
    thread.join(10)
    pages = [e for e in events if isinstance(e, Page)]
    assert pages and pages[0].first and pages[-1].last
    assert {p["metadata"]["name"] for page in pages for p in page.pods} == {"before", "after"}
    assert int(watcher.resource_version) > 1
    assert not any(isinstance(e, Status) and e.state == "error" for e in events)
    assert not any(isinstance(e, Change) for e in events)


def test_paged_list_matches_the_server_page_by_page(conn, namespace, monkeypatch):
    """One pod a page: every page is fetched one ahead and decoded without managedFields
    (cut from the raw bytes); the pods are those the server lists in one response, with
    the same content once managedFields are dropped."""
    import orjson

    from podtui.cluster import pods as pods_module

    for name in ("p-a", "p-b", "p-c"):
        conn.core.create_namespaced_pod(namespace, make_pod(name))

    def server_pods() -> dict[str, dict]:
        response = conn.request("GET", f"/api/v1/namespaces/{namespace}/pods")
        try:
            items = orjson.loads(response.data)["items"]
        finally:
            response.release_conn()
        return {p["metadata"]["name"]: p for p in items}

    wait_for(lambda: len(server_pods()) == 3, "three pods")
    monkeypatch.setattr(pods_module, "PAGE_SIZE", 1)
    monkeypatch.setattr(pods_module, "NEXT_PAGE_SIZE", 1)
    for _attempt in range(20):  # the kubelet may update a pod between the two lists: again
        events: list = []
        PodWatcher(conn, namespace, events.append)._list()
        expected = server_pods()
        pages = [e for e in events if isinstance(e, Page)]
        assert len(pages) == 3 and pages[0].first and pages[-1].last
        assert not any(p.last for p in pages[:-1])
        listed = [pod for p in pages for pod in p.pods]
        assert [p["metadata"]["name"] for p in listed] == sorted(expected)
        unchanged = 0
        for pod in listed:
            want = expected[pod["metadata"]["name"]]
            assert want["metadata"].pop("managedFields")  # the server sent them
            assert "managedFields" not in pod["metadata"]
            if want["metadata"]["resourceVersion"] == pod["metadata"]["resourceVersion"]:
                assert pod == {"kind": "Pod", "apiVersion": "v1", **want}
                unchanged += 1
        if unchanged == 3:
            break
        time.sleep(0.5)
    assert unchanged  # the same versions were compared
