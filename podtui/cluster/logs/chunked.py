"""A chunked HTTP body read as it arrives, in big reads.

The API server sends a follow stream as HTTP chunks of a few lines each (~560 bytes
during a flood). `http.client` returns at most one chunk per read, so a follower thread
ran its loop, and took the GIL from the UI, ~3,000 times a second per pane. Here one read
takes all the socket has (up to 64 KB: many chunks at once) and strips the chunk framing.
"""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from typing import BinaryIO

READ_SIZE = 65536


def read_chunked(fp: BinaryIO) -> Iterator[bytes]:
    """The data of the chunked body on `fp` (the response's buffered socket file, right
    after the headers): each item is what one read brought, chunk framing removed. Ends at
    the last chunk; raises `http.client.IncompleteRead` if the stream ends before it."""
    pending = b""
    left = 0  # data bytes still due in the current chunk
    crlf_due = False  # the CRLF that ends a chunk's data
    while True:
        data = fp.read1(READ_SIZE)
        if not data:
            raise http.client.IncompleteRead(pending)
        pending = pending + data if pending else data
        out: list[bytes] = []
        position, size = 0, len(pending)
        while position < size:
            if left:
                take = min(left, size - position)
                out.append(pending[position : position + take])
                position += take
                left -= take
                crlf_due = not left
            elif crlf_due:
                if size - position < 2:
                    break
                if pending[position : position + 2] != b"\r\n":
                    raise http.client.HTTPException("chunk data not followed by CRLF")
                position += 2
                crlf_due = False
            else:
                end = pending.find(b"\r\n", position)
                if end < 0:
                    break
                head = pending[position:end].split(b";", 1)[0]
                try:
                    left = int(head, 16)
                except ValueError:
                    raise http.client.HTTPException(f"bad chunk size {head[:20]!r}") from None
                position = end + 2
                if left == 0:  # the last chunk (trailers, if any, are not wanted)
                    if out:
                        yield b"".join(out)
                    return
        pending = pending[position:]
        if out:
            yield out[0] if len(out) == 1 else b"".join(out)
