"""Keys: every screen's bindings as data (bindings) and every binding by its id, as the
config file remaps them (remap)."""
