"""read_chunked: a chunked HTTP body read in big reads, framing removed (pure parsing; the
follower's streams against the API server are in tests/integration/test_logs_follow.py)."""

from __future__ import annotations

import http.client
import io

import pytest

from podtui.cluster.logs.chunked import read_chunked


class Pieces(io.RawIOBase):
    """A socket that delivers the bytes in the given pieces, one per read."""

    def __init__(self, pieces: list[bytes]) -> None:
        self.pieces = list(pieces)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if not self.pieces:
            return 0
        piece = self.pieces.pop(0)
        buffer[: len(piece)] = piece
        return len(piece)


def chunked(*chunks: bytes, end: bytes = b"0\r\n\r\n") -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + end


def read_all(pieces: list[bytes]) -> list[bytes]:
    return list(read_chunked(io.BufferedReader(Pieces(pieces))))


BODY = [b"line 1\nline 2\n", b"line 3\n", b"x" * 300 + b"\n", b"last\n"]


@pytest.mark.parametrize("cut", [1, 2, 3, 5, 7, 64, 10_000])
def test_any_cut_of_the_stream_gives_the_same_data(cut):
    stream = chunked(*BODY)
    pieces = [stream[i : i + cut] for i in range(0, len(stream), cut)]
    assert b"".join(read_all(pieces)) == b"".join(BODY)


def test_one_read_of_many_chunks_is_one_block():
    assert read_all([chunked(*BODY)]) == [b"".join(BODY)]


def test_chunk_extensions_are_ignored():
    assert read_all([b"5;name=value\r\nhello\r\n0\r\n\r\n"]) == [b"hello"]


def test_a_stream_cut_before_its_last_chunk_is_incomplete():
    stream = chunked(*BODY, end=b"")
    with pytest.raises(http.client.IncompleteRead):
        read_all([stream[:-3]])
    with pytest.raises(http.client.IncompleteRead):
        read_all([stream])


def test_broken_framing_is_an_http_error():
    with pytest.raises(http.client.HTTPException):
        read_all([b"zz\r\nhello\r\n0\r\n\r\n"])
    with pytest.raises(http.client.HTTPException):
        read_all([b"5\r\nhelloXY0\r\n\r\n"])
