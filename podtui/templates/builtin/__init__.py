"""Built-in multi-container pod templates, shipped as YAML package data.

The file format is described in :mod:`podtui.templates` (and at the top of
``01-sidecar-log-tailer.yaml``); files load in name order, which is the teaching order.
"""
