"""Widgets the screens are built from: the pod table, a log pane, usage bars, ..."""
