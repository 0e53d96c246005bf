"""The raw pages of a paged list, fetched one page ahead.

Listing 50,000 pods is ~100 pages: the API server encodes a page while we wait, then we
decode it while the server waits. Asking for page N+1 as soon as page N has arrived lets
the server work on the other core while this process decodes (2 cores: the listing's
wall time becomes the larger of the two instead of their sum).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import msgspec
import orjson

#: The list's metadata ends well before this many bytes.
HEAD_BYTES = 4096


def continue_token(page: bytes) -> str:
    """The `continue` token of a raw list page ("" on the last page).

    The API server writes `metadata` before `items`, so the head alone says it without
    decoding the page's items; any other shape is decoded whole (slower, same answer)."""
    end = page.find(b'"items":', 0, HEAD_BYTES)
    meta = None
    if end > 0:
        try:
            meta = orjson.loads(page[:end].rstrip().rstrip(b",") + b"}").get("metadata")
        except (orjson.JSONDecodeError, AttributeError):
            meta = None
    if not isinstance(meta, dict):
        data = orjson.loads(page)
        meta = data.get("metadata") if isinstance(data, dict) else None
    token = meta.get("continue") if isinstance(meta, dict) else None
    return token if isinstance(token, str) else ""


def pages_ahead(fetch: Callable[[str], bytes]) -> Iterator[bytes]:
    """Every page of a list, `fetch(token)` getting one ("" = the first); the next page is
    requested in a helper thread before this one is handed over. A failed fetch raises
    here when its page is due; closing the iterator abandons the page on its way."""
    pool = ThreadPoolExecutor(1, thread_name_prefix="list-ahead")
    try:
        page = fetch("")
        while True:
            token = continue_token(page)
            ahead: Future[bytes] | None = pool.submit(fetch, token) if token else None
            yield page
            if ahead is None:
                return
            page = ahead.result()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


_MANAGED = b',"managedFields":['
_METADATA_END = b']},"spec":'


def without_managed_fields(page: bytes) -> bytes:
    """The raw page with each item's `metadata.managedFields` cut out before decoding.

    They are 40 % of a pod list's bytes and we drop them anyway (_normalize): decoding and
    then freeing them cost ~45 us a pod, 2 s for 50,000 pods. The API server writes a pod's
    fields in Go's struct order: managedFields is the last field of `metadata`, and `spec`
    follows (no key inside managedFields is "spec"; keys there are "f:..."/"k:..."). Any
    other shape gives the page back unchanged; the caller checks the decoded items too."""
    parts: list[memoryview] = []
    view = memoryview(page)
    pos = 0
    while (start := page.find(_MANAGED, pos)) >= 0:
        end = page.find(_METADATA_END, start)
        if end < 0 or page.find(_MANAGED, start + len(_MANAGED), end) >= 0:
            return page  # not the shape we know: an item's cut would reach the next one
        parts.append(view[pos:start])
        pos = end + 1  # keep "}," (the end of metadata) and what follows
    if not parts:
        return page
    parts.append(view[pos:])
    return b"".join(parts)


def items_intact(items: list) -> bool:
    """Every item kept its identity (metadata name and uid come before managedFields in
    the server's order; a cut in another order would have taken them)."""
    for item in items:
        metadata = item.get("metadata") if isinstance(item, dict) else None
        if not isinstance(metadata, dict) or "name" not in metadata or "uid" not in metadata:
            return False
    return True


class _RawList(msgspec.Struct):
    metadata: dict = {}  # noqa: RUF012 - msgspec copies a mutable default per object
    items: list[msgspec.Raw] = []  # noqa: RUF012


_RAW_LIST = msgspec.json.Decoder(_RawList)
#: What a list leaves out of its items and a watch's objects carry (`_normalize`).
_POD_HEAD = b'{"kind":"Pod","apiVersion":"v1",'


def raw_pod_items(page: bytes) -> tuple[dict, list[bytes]] | None:
    """The list's metadata and each pod of a raw page as its own JSON bytes, exactly as the
    server wrote them (kind and apiVersion added, as a watch's objects have them), without
    decoding the pods; None for a page that is not a list object or still holds
    managedFields (`without_managed_fields` found another shape: decode it whole)."""
    if b'"managedFields":' in page:
        return None
    try:
        listed = _RAW_LIST.decode(page)
    except msgspec.DecodeError:
        return None
    items = []
    for item in listed.items:
        view = memoryview(item)
        # An object with fields but no kind, as the server lists pods; else the old way.
        if view[:2] != b'{"' or view[:8] == b'{"kind":':
            return None
        items.append(b"".join((_POD_HEAD, view[1:])))  # a copy of exactly its size
    return listed.metadata, items
