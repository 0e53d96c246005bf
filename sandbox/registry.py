"""The sandbox's only image registry: a read-only OCI distribution endpoint on loopback.

containerd is told (hosts.toml, `_default`) that every registry is this server, so no pull
ever leaves the machine. It serves the images that `images.py` built, by the repository
path a pull asks for (`library/busybox`, `pause`), and answers every other name with the
registry's own "not found" error: a pod whose image nobody built gets a real ErrImagePull,
then ImagePullBackOff.

    python3 registry.py IMAGES_DIR PORT
"""

from __future__ import annotations

import json
import sys
import tarfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

INDEX_TYPES = ("application/vnd.oci.image.index.v1+json",)


class Store:
    """Blobs and tags of the built archives, read from the tar files when asked for."""

    def __init__(self, images_dir: Path) -> None:
        self.blobs: dict[str, tuple[Path, str]] = {}  # digest -> (archive, member)
        self.tags: dict[tuple[str, str], dict] = {}  # (repository, tag) -> descriptor
        for line in (images_dir / "images.txt").read_text().splitlines():
            if not line.strip():
                continue
            ref, archive = line.split("\t")
            self._add(ref, images_dir / archive)

    def _add(self, ref: str, archive: Path) -> None:
        with tarfile.open(archive) as tar:
            for member in tar.getmembers():
                if member.isfile() and member.name.lstrip("./").startswith("blobs/sha256/"):
                    self.blobs["sha256:" + member.name.rsplit("/", 1)[1]] = (archive, member.name)
            index = json.load(tar.extractfile(_member(tar, "index.json")))
        for desc in index["manifests"]:
            if desc.get("annotations", {}).get("io.containerd.image.name") == ref:
                self.tags[repository_and_tag(ref)] = desc

    def read(self, digest: str) -> bytes | None:
        where = self.blobs.get(digest)
        if where is None:
            return None
        with tarfile.open(where[0]) as tar:
            return tar.extractfile(where[1]).read()


def _member(tar: tarfile.TarFile, name: str) -> str:
    for candidate in (name, "./" + name):
        try:
            tar.getmember(candidate)
            return candidate
        except KeyError:
            continue
    raise KeyError(name)


def repository_and_tag(ref: str) -> tuple[str, str]:
    """`docker.io/library/busybox:1.36` -> (`library/busybox`, `1.36`): the path a pull asks
    for once the registry host is taken off."""
    name, _, tag = ref.rpartition(":")
    return name.split("/", 1)[1], tag


class Handler(BaseHTTPRequestHandler):
    store: Store
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt: str, *args) -> None:  # one line per request, in the sandbox log
        sys.stderr.write("registry: %s\n" % (fmt % args))

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def _answer(self, with_body: bool) -> None:
        path = self.path.split("?", 1)[0]
        if path in ("/v2", "/v2/"):
            return self._send(200, b"{}", "application/json", with_body)
        if not path.startswith("/v2/"):
            return self._not_found("NAME_UNKNOWN", with_body)
        repo, kind, ref = _split(path[4:])
        if kind == "manifests":
            desc = self.store.tags.get((repo, ref)) if not ref.startswith("sha256:") else None
            digest = desc["digest"] if desc else ref
            body = self.store.read(digest)
            if body is None:
                return self._not_found("MANIFEST_UNKNOWN", with_body)
            media = desc["mediaType"] if desc else json.loads(body).get("mediaType", INDEX_TYPES[0])
            return self._send(200, body, media, with_body, digest)
        if kind == "blobs":
            body = self.store.read(ref)
            if body is None:
                return self._not_found("BLOB_UNKNOWN", with_body)
            return self._send(200, body, "application/octet-stream", with_body, ref)
        return self._not_found("NAME_UNKNOWN", with_body)

    def _not_found(self, code: str, with_body: bool) -> None:
        body = json.dumps({"errors": [{"code": code, "message": "not built by the sandbox"}]})
        self._send(404, body.encode(), "application/json", with_body)

    def _send(self, status: int, body: bytes, media: str, with_body: bool,
              digest: str = "") -> None:
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Docker-Distribution-API-Version", "registry/2.0")
        if digest:
            self.send_header("Docker-Content-Digest", digest)
        self.end_headers()
        if with_body:
            self.wfile.write(body)


def _split(rest: str) -> tuple[str, str, str]:
    """`library/busybox/manifests/1.36` -> (`library/busybox`, `manifests`, `1.36`)."""
    for kind in ("manifests", "blobs"):
        marker = f"/{kind}/"
        if marker in rest:
            repo, ref = rest.rsplit(marker, 1)
            return repo, kind, ref
    return rest, "", ""


def main() -> None:
    images_dir, port = Path(sys.argv[1]), int(sys.argv[2])
    Handler.store = Store(images_dir)
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
