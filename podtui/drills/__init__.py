"""Exam drills: a task on a live cluster, graded by declarative checks on API objects and
on what the pods do; and the mock exam built from them.

Pure layers (no I/O): `model` (the data), `params` (seeded random values), `checks`
(the check language over a snapshot of API objects and observations), `loader` (YAML
files -> drills). `probes` observes behaviour (exec, logs, port-forward, a watched
container) and `attempts` talks to the cluster (namespace, setup, snapshot), both through
podtui.cluster; `state` and `exam` keep the state files (an exam also starts, grades and
discards its tasks through `attempts`).
"""
