"""The kubectl commands shown beside podtui's actions (podtui.anatomy.kubectl)."""

from __future__ import annotations

import shlex

from podtui.anatomy import kubectl


def test_commands():
    assert kubectl.describe("shop", "web") == "kubectl describe pod web -n shop"
    assert kubectl.get_yaml("shop", "web") == "kubectl get pod web -n shop -o yaml"
    assert kubectl.delete("shop", ["a", "b"]) == "kubectl delete pod a b -n shop"
    assert kubectl.delete("shop", ["a"], force=True) == (
        "kubectl delete pod a -n shop --grace-period=0 --force")
    assert kubectl.logs("shop", "web", ["app"], follow=True, timestamps=True, tail=50) == (
        "kubectl logs web -n shop -c app -f --timestamps --tail=50")
    assert kubectl.logs("shop", "web", ["app", "side"], since="5m") == (
        "kubectl logs web -n shop --all-containers --prefix --since=5m")
    assert kubectl.logs("shop", "web", ["app"], previous=True,
                        since="2026-11-30T10:00:00Z") == (
        "kubectl logs web -n shop -c app --previous --since-time=2026-11-30T10:00:00Z")
    assert kubectl.switch_namespace(None) == "kubectl get pods -A"
    assert kubectl.switch_context("lab") == "kubectl config use-context lab"


def test_odd_names_stay_one_word():
    # names are validated before use, yet what is shown must never be a different command
    assert shlex.split(kubectl.describe("ns", "a b;rm"))[3] == "a b;rm"
