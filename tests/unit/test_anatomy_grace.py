"""A Terminating pod's grace period, counting down: on pod JSON alone.

The API server sets a deleted pod's deletionTimestamp to the time of the delete plus the
grace period (deletionGracePeriodSeconds): the time the grace period ENDS, when the kubelet
kills what is still running. So what is left is deletionTimestamp - now."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from podtui.anatomy import describe, pod_from_json, summarize
from podtui.anatomy.times import countdown

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pods"
#: The delete was asked at DELETED_AT with a 30 s grace period.
DELETED_AT = datetime(2025, 4, 9, 10, 14, 20, tzinfo=UTC)


def deleting(grace: int = 30) -> dict:
    """The seed pod, deleted at DELETED_AT with `grace` seconds, as the server stores it."""
    pod = json.loads((FIXTURES / "seed-logging.json").read_text())
    end = DELETED_AT + timedelta(seconds=grace)
    pod["metadata"]["deletionTimestamp"] = end.strftime("%Y-%m-%dT%H:%M:%SZ")
    pod["metadata"]["deletionGracePeriodSeconds"] = grace
    return pod


def at(seconds: float) -> datetime:
    return DELETED_AT + timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("after", "shown"),
    [
        (0, "Terminating (30s)"),
        (0.2, "Terminating (30s)"),  # rounded up: 29.8 s are left
        (1, "Terminating (29s)"),
        (3, "Terminating (27s)"),
        (29.5, "Terminating (1s)"),
        (30, "Terminating (0s)"),
        (30.9, "Terminating (0s)"),  # the kubelet has just been told to kill
        (42, "Terminating (overdue 12s)"),  # a finalizer, or a kubelet that does not answer
        (30 + 3 * 3600, "Terminating (overdue 3h)"),
    ],
)
def test_the_grace_period_counts_down_from_the_deletion_timestamp(after, shown):
    row = summarize(deleting())
    assert row.status == "Terminating"  # the STATUS the server's printer gives, unchanged
    assert row.deletion_deadline == at(30)
    assert row.status_text(at(after)) == shown


def test_a_long_grace_period_reads_like_an_age():
    row = summarize(deleting(grace=600))
    assert row.status_text(at(0)) == "Terminating (10m)"
    assert row.status_text(at(1)) == "Terminating (9m59s)"


def test_other_statuses_show_as_they_are():
    seed = json.loads((FIXTURES / "seed-logging.json").read_text())
    assert summarize(seed).status_text(at(0)) == "Running"
    assert summarize(seed).deletion_deadline is None
    # A deleted pod that already ended keeps its reason, with no countdown (as kubectl).
    job = json.loads((FIXTURES / "job-completed.json").read_text())
    job["metadata"]["deletionTimestamp"] = "2025-04-09T10:14:50Z"
    assert summarize(job).status_text(at(0)) == "Completed"
    # On a lost node it is Unknown, whatever the grace period says.
    lost = deleting()
    lost["status"]["reason"] = "NodeLost"
    assert summarize(lost).status_text(at(0)) == "Unknown"


def test_an_unreadable_deletion_timestamp_still_says_terminating():
    pod = deleting()
    pod["metadata"]["deletionTimestamp"] = "soon"
    row = summarize(pod)
    assert (row.status, row.deletion_deadline) == ("Terminating", None)
    assert row.status_text(at(0)) == "Terminating"


def test_detail_and_describe_say_when_the_grace_period_ends():
    pod = pod_from_json(deleting())
    lc = pod.lifecycle
    assert (lc.deleting, lc.grace_seconds, lc.deletion_time) == (True, 30, at(30))
    assert lc.deletion_text(at(3)) == "grace period 30s, ends 2025-04-09T10:14:50Z (27s left)"
    assert lc.deletion_text(at(45)) == (
        "grace period 30s, ends 2025-04-09T10:14:50Z (overdue 15s)")
    text = describe(pod, at(3))
    assert "Terminating:     grace period 30s, ends 2025-04-09T10:14:50Z (27s left)" in text
    assert pod_from_json(json.loads((FIXTURES / "seed-logging.json").read_text())
                         ).lifecycle.deletion_text(at(3)) == ""


def test_a_forced_delete_has_no_time_left():
    """grace 0 (--force): the deadline is the delete itself."""
    assert summarize(deleting(grace=0)).status_text(at(0)) == "Terminating (0s)"


@pytest.mark.parametrize("now", [datetime.min.replace(tzinfo=UTC),
                                 datetime.max.replace(tzinfo=UTC)])
def test_countdown_never_raises(now):
    assert countdown(at(30), now)
    assert countdown(None, now) == ""
    assert summarize(copy.deepcopy(deleting())).status_text(now).startswith("Terminating")
