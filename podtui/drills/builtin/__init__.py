"""Built-in drills (package data: *.yaml)."""
