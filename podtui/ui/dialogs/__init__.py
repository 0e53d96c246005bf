"""Modal dialogs: a question or a choice above a screen, answered by dismissing it."""
