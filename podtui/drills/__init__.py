"""Exam drills: a task on a live cluster, graded by declarative checks on API objects.

Pure layers (no I/O): `model` (the data), `params` (seeded random values), `checks`
(the check language over a snapshot of API objects), `loader` (YAML files -> drills).
`attempts` talks to the cluster (namespace, setup, snapshot) and keeps the state files.
"""
