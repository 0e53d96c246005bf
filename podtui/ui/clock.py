"""The UI's clock: one place to read "now", so snapshot tests can pin it."""

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)
