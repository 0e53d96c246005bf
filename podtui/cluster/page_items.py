"""Each pod of a raw list page as its own JSON bytes, without decoding the pods.

Imported only once a page is big enough to gain from it (pods.ROW_PAGE_BYTES): msgspec
costs ~30 ms of import, more than a page of a few pods costs to decode whole.
"""

from __future__ import annotations

import msgspec


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
