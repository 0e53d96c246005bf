"""The list pager (pages fetched one ahead) and the managedFields cut, on raw page bytes."""

from __future__ import annotations

import threading
import time

import orjson
import pytest

from podtui.cluster.list_pages import (
    continue_token,
    items_intact,
    pages_ahead,
    without_managed_fields,
)

MANAGED = [{"manager": "kubelet", "operation": "Update", "apiVersion": "v1",
            "fieldsType": "FieldsV1", "fieldsV1": {"f:spec": {"k:{\"name\":\"app\"}": {".": {}},
                                                          "f:containers": {}}},
            "subresource": "status"}]


def pod(name: str, **annotations: str) -> dict:
    # The API server's order: metadata (managedFields last), spec, status.
    return {"metadata": {"name": name, "namespace": "ns", "uid": f"uid-{name}",
                         "annotations": annotations, "managedFields": MANAGED},
            "spec": {"containers": [{"name": "app", "image": "x"}]},
            "status": {"phase": "Running"}}


def page(pods: list[dict], token: str = "") -> bytes:
    meta = {"resourceVersion": "7", **({"continue": token} if token else {})}
    return orjson.dumps({"kind": "PodList", "apiVersion": "v1", "metadata": meta, "items": pods})


def dropped(pods: list[dict]) -> list[dict]:
    return [{**p, "metadata": {k: v for k, v in p["metadata"].items() if k != "managedFields"}}
            for p in pods]


def test_the_cut_page_decodes_to_the_pods_without_managed_fields():
    # Text that looks like the markers inside strings is escaped in JSON: no false cut.
    pods = [pod("a", note='x,"managedFields":[y'), pod("b", note=']},"spec":{'), pod("c")]
    raw = page(pods, "tok")
    cut = without_managed_fields(raw)
    assert len(cut) < len(raw) and b"managedFields\":[" not in cut
    data = orjson.loads(cut)
    assert data["items"] == dropped(pods) and items_intact(data["items"])
    assert data["metadata"]["continue"] == "tok"


def test_a_page_in_another_key_order_is_left_whole_or_caught():
    # A proxy that sorts keys: managedFields is no longer last in metadata.
    pods = [pod("a"), pod("b")]
    raw = orjson.dumps({"metadata": {}, "items": pods}, option=orjson.OPT_SORT_KEYS)
    cut = without_managed_fields(raw)
    assert cut is raw or not items_intact(orjson.loads(cut)["items"])


def test_a_page_without_managed_fields_is_returned_as_is():
    raw = page(dropped([pod("a")]))
    assert without_managed_fields(raw) is raw


def test_continue_token_from_the_head_or_the_whole_page():
    assert continue_token(page([pod("a")], "abc")) == "abc"
    assert continue_token(page([pod("a")])) == ""
    # items before metadata: the head does not say; the whole page is read.
    assert continue_token(orjson.dumps({"items": [], "metadata": {"continue": "z"}})) == "z"


def test_pages_come_in_order_and_the_next_is_fetched_while_one_is_handed_over():
    tokens = ["", "t1", "t2"]
    asked: list[str] = []
    second_asked = threading.Event()

    def fetch(token: str) -> bytes:
        asked.append(token)
        if token == "t1":
            second_asked.set()
        index = tokens.index(token)
        return page([pod(f"p{index}")], tokens[index + 1] if index + 1 < len(tokens) else "")

    got = []
    for raw in pages_ahead(fetch):
        if not got:  # page 2 is requested before page 1 is consumed
            assert second_asked.wait(5)
        got.append(orjson.loads(raw)["items"][0]["metadata"]["name"])
    assert got == ["p0", "p1", "p2"] and asked == tokens


def test_a_failed_fetch_raises_when_its_page_is_due():
    def fetch(token: str) -> bytes:
        if token:
            raise ConnectionError("reset")
        return page([pod("a")], "next")

    pages = pages_ahead(fetch)
    assert orjson.loads(next(pages))["items"][0]["metadata"]["name"] == "a"
    with pytest.raises(ConnectionError):
        next(pages)


def test_closing_early_does_not_wait_for_the_page_on_its_way():
    asked, release = threading.Event(), threading.Event()

    def fetch(token: str) -> bytes:
        if token:
            asked.set()
            release.wait(5)
        return page([pod("a")], "next")

    pages = pages_ahead(fetch)
    next(pages)
    assert asked.wait(5), "the next page was never requested"
    started = time.monotonic()
    pages.close()  # the helper thread ends when its fetch does, later
    took = time.monotonic() - started
    still_fetching = not release.is_set()
    release.set()
    assert still_fetching
    assert took < 1, f"close() waited {took:.1f}s for the page on its way"
