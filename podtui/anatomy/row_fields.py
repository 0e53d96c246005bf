"""The part of a pod's JSON that its list row reads, decoded straight from the server's bytes.

A pod of a big list is ~3.8 KB of JSON, most of it spec (commands, env, mounts) and
annotations that the row never reads: decoding all of it into dicts cost ~40 us a pod,
the largest share of a whole-list load (bench/RESULTS.md, issue 26). `decode_row_fields`
builds only the fields `summary.summarize` reads (msgspec skips the others without
building them) into plain dicts of the same shape, so `summarize(decode_row_fields(raw))`
is `summarize(orjson.loads(raw))` (tests/unit/test_row_fields.py on the pod fixtures and
generated pods, tests/integration/test_zoo_status.py on the pod-state zoo). A field the
row starts reading must be added here.
"""

from __future__ import annotations

from typing import Any, TypedDict

import msgspec


class _OwnerFields(TypedDict, total=False):
    kind: Any
    name: Any
    controller: Any


class _MetadataFields(TypedDict, total=False):
    name: Any
    namespace: Any
    uid: Any
    creationTimestamp: Any
    deletionTimestamp: Any
    labels: Any
    ownerReferences: list[_OwnerFields] | None


class _ContainerFields(TypedDict, total=False):
    name: Any
    restartPolicy: Any  # an init container's "Always": a native sidecar (kinds.py)
    resources: Any  # requests and limits (usage.budget_of)


class _SpecFields(TypedDict, total=False):
    initContainers: list[_ContainerFields] | None
    containers: list[_ContainerFields] | None
    ephemeralContainers: list[_ContainerFields] | None
    nodeName: Any


class _Terminated(TypedDict, total=False):
    reason: Any
    signal: Any
    exitCode: Any
    finishedAt: Any


class _Waiting(TypedDict, total=False):
    reason: Any


class _Running(TypedDict, total=False):
    """Only that it is there (an object): the printer counts a ready running container."""


class _State(TypedDict, total=False):
    waiting: _Waiting | None
    running: _Running | None
    terminated: _Terminated | None


class _ContainerStatusFields(TypedDict, total=False):
    name: Any
    ready: Any
    started: Any
    restartCount: Any
    state: _State | None
    lastState: _State | None  # its terminated.finishedAt: the last restart


class _Condition(TypedDict, total=False):
    type: Any
    status: Any
    reason: Any


class _StatusFields(TypedDict, total=False):
    phase: Any
    reason: Any
    podIP: Any
    conditions: list[_Condition] | None
    initContainerStatuses: list[_ContainerStatusFields] | None
    containerStatuses: list[_ContainerStatusFields] | None


class RowFields(TypedDict, total=False):
    metadata: _MetadataFields | None
    spec: _SpecFields | None
    status: _StatusFields | None  # what kubectl's printer reads (summary._print)


_DECODER = msgspec.json.Decoder(RowFields)


def decode_row_fields(raw: bytes | memoryview) -> dict:
    """The row's fields of one pod's JSON, as plain dicts and lists. ValueError when `raw`
    is not a JSON object or one of these fields has another JSON type than the API's (an
    object or list where the server always sends one): the caller then decodes it whole."""
    try:
        return _DECODER.decode(raw)
    except msgspec.DecodeError as exc:  # ValidationError too: not an object
        raise ValueError(str(exc)) from None
