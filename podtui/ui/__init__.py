"""Textual screens, widgets and styles of podtui."""
