"""A pod list's rows straight from the raw pages (anatomy/row_fields.py, list_pages.raw_pod_items,
pods._row_page): the same rows and the same cached pods as decoding every pod whole."""

from __future__ import annotations

import orjson
import pytest
from hypothesis import HealthCheck, given, settings

from podtui.anatomy import summarize
from podtui.anatomy.row_fields import decode_row_fields
from podtui.cluster.list_pages import raw_pod_items, without_managed_fields
from podtui.cluster.pod_cache import PodCache
from podtui.cluster.pods import Page, _decode_page, _normalize, _row_page
from tests.pod_json import DAMAGED_FIXTURES, FIXTURE_PODS, PODS

MANAGED = [{"manager": "kubelet", "operation": "Update", "fieldsType": "FieldsV1",
            "fieldsV1": {"f:status": {"f:phase": {}}}, "subresource": "status"}]


def as_listed(pod: dict) -> dict:
    """The pod as a list's item: no kind/apiVersion, managedFields last in metadata, then
    spec and status (the API server's order)."""
    meta = {k: v for k, v in (pod.get("metadata") or {}).items() if k != "managedFields"}
    return {"metadata": {**meta, "managedFields": MANAGED},
            **{k: v for k, v in pod.items() if k not in ("kind", "apiVersion", "metadata")}}


def page(pods: list[dict], token: str = "") -> bytes:
    meta = {"resourceVersion": "42", **({"continue": token} if token else {})}
    return orjson.dumps({"kind": "PodList", "apiVersion": "v1", "metadata": meta,
                         "items": [as_listed(p) for p in pods]})


def cache_of(raw: bytes, rows: bool) -> PodCache:
    cache = PodCache()
    got = _row_page(raw) if rows else None
    if rows:
        assert got is not None, "the row path refused a page of the server's shape"
        _listed, items, whole = got
    else:
        items, whole = [_normalize(p) for p in _decode_page(raw)["items"]], None
    cache.apply([Page(items, first=True, last=True, raw=whole)])
    return cache


@pytest.mark.parametrize("pod", FIXTURE_PODS, ids=lambda p: p["metadata"]["name"])
def test_a_row_from_the_row_fields_equals_the_row_from_the_whole_pod(pod):
    raw = orjson.dumps(pod)
    assert summarize(decode_row_fields(raw)) == summarize(orjson.loads(raw))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PODS)
def test_generated_pods_give_the_same_row_or_are_refused(pod):
    raw = orjson.dumps(pod)
    try:
        fields = decode_row_fields(raw)
    except ValueError:
        return  # a field of another JSON type than the API's: the page is decoded whole
    assert summarize(fields) == summarize(pod)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DAMAGED_FIXTURES)
def test_damaged_pods_give_the_same_row_or_are_refused(pod):
    raw = orjson.dumps(pod)
    try:
        fields = decode_row_fields(raw)
    except ValueError:
        return
    assert summarize(fields) == summarize(pod)


def test_a_page_read_as_rows_caches_the_same_rows_and_pods_as_decoding_it_whole():
    raw = page(FIXTURE_PODS, token="next")
    rows, whole = cache_of(raw, rows=True), cache_of(raw, rows=False)
    assert rows.summaries == whole.summaries and len(rows.summaries) == len(FIXTURE_PODS)
    assert {uid: orjson.loads(b) for uid, b in rows.pods.items()} == \
        {uid: orjson.loads(b) for uid, b in whole.pods.items()}
    for data in rows.pods.values():  # the server's bytes, as a watch's object has them
        pod = orjson.loads(data)
        assert (pod["kind"], pod["apiVersion"]) == ("Pod", "v1")
        assert "managedFields" not in pod["metadata"]
    listed, _items, _raw = _row_page(raw)
    assert listed == {"resourceVersion": "42", "continue": "next"}


def test_the_raw_items_are_the_servers_bytes_of_each_pod():
    pods = [as_listed(p) for p in FIXTURE_PODS[:3]]
    cut = without_managed_fields(page(FIXTURE_PODS[:3]))
    listed, items = raw_pod_items(cut)
    assert listed["resourceVersion"] == "42"
    assert [orjson.loads(item) for item in items] == [
        {"kind": "Pod", "apiVersion": "v1", **{k: v for k, v in p.items()},
         "metadata": {k: v for k, v in p["metadata"].items() if k != "managedFields"}}
        for p in pods]


@pytest.mark.parametrize("raw", [
    b'{"kind":"PodList","metadata":{},"items":[{"metadata":{"managedFields":[]}}]}',  # not cut
    b'{"kind":"PodList","metadata":{},"items":[{"kind":"Pod","metadata":{}}]}',  # has kind
    b'{"kind":"PodList","metadata":{},"items":[[1]]}',  # an item that is no object
    b'{"kind":"PodList","metadata":{},"items":[{}]}',
    b'[1, 2]',
    b'{"items": 5}',
    b'not json',
])
def test_pages_of_another_shape_are_left_to_the_whole_decoder(raw):
    assert raw_pod_items(raw) is None


def test_a_pod_whose_row_fields_have_unexpected_types_sends_the_page_to_the_whole_decoder():
    odd = as_listed(FIXTURE_PODS[0])
    odd["spec"] = {**odd["spec"], "containers": "not a list"}
    raw = orjson.dumps({"kind": "PodList", "metadata": {}, "items": [odd]})
    assert _row_page(raw) is None
    with pytest.raises(ValueError):
        decode_row_fields(orjson.dumps(odd))


def test_items_that_lost_their_identity_send_the_page_to_the_whole_decoder():
    nameless = as_listed(FIXTURE_PODS[0])
    del nameless["metadata"]["uid"]
    raw = orjson.dumps({"kind": "PodList", "metadata": {}, "items": [nameless]})
    assert _row_page(raw) is None
