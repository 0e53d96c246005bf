"""What GET /version says, parsed: `ServerVersion` (raw gitVersion, major, minor, patch).
Apart from server_version.py, which asks for it, so that the connection can keep the answer
without importing what asks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import orjson

_GIT_VERSION = re.compile(r"v?(\d+)\.(\d+)(?:\.(\d+))?")
#: What the status bar shows of a version that does not parse (the rest is cut).
RAW_WIDTH = 32


@dataclass(frozen=True)
class ServerVersion:
    #: gitVersion as the server sent it ("" when the body had none).
    raw: str
    major: int | None = None
    minor: int | None = None
    patch: int | None = None

    @property
    def known(self) -> bool:
        # v0.0.0 is a build without version stamps, not Kubernetes 0.0.
        return self.major is not None and self.minor is not None and self.major > 0

    @property
    def label(self) -> str:
        """As a user would read it: `v1.37.2`, or the raw text (cut), or "unknown"."""
        if self.known:
            return self.raw.split("+")[0] if self.raw else f"v{self.major}.{self.minor}"
        raw = " ".join(self.raw.split())
        if not raw:
            return "unknown"
        return raw if len(raw) <= RAW_WIDTH else raw[:RAW_WIDTH - 1] + "…"

    def older_than(self, major: int, minor: int) -> bool:
        """Known to be older than major.minor (an unknown version is never older)."""
        return self.known and (self.major, self.minor) < (major, minor)


UNKNOWN = ServerVersion("")


def _number(text: Any) -> int | None:
    digits = re.match(r"\d+", str(text or ""))  # "31+" on EKS and GKE
    return int(digits.group()) if digits else None


def parse(body: bytes | str | dict) -> ServerVersion:
    """A /version body (version.Info JSON) -> ServerVersion; never raises."""
    if not isinstance(body, dict):
        try:
            body = orjson.loads(body)
        except orjson.JSONDecodeError:
            return UNKNOWN
        if not isinstance(body, dict):
            return UNKNOWN
    raw = str(body.get("gitVersion") or "").strip()
    found = _GIT_VERSION.match(raw)
    if found:
        major, minor, patch = (int(g) if g is not None else None for g in found.groups())
        return ServerVersion(raw, major, minor, patch)
    return ServerVersion(raw, _number(body.get("major")), _number(body.get("minor")))
