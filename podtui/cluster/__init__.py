"""Everything that talks to the API server. No Textual here: it yields plain events."""
