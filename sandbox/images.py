#!/usr/bin/env python3
"""The container images of the sandbox's real node, built here without a registry.

    python3 sandbox/images.py build OUT_DIR   every image into OUT_DIR (skipped when complete)
    python3 sandbox/images.py key             a short hash of everything that decides the bytes
    python3 sandbox/images.py describe        a markdown table: each image and what it holds

The real node (kubelet + containerd + runc) can pull nothing: the sandbox has no network but
package registries. So each image the pods name is made here from what this machine has, as an
OCI image-layout tar that `ctr -n k8s.io images import ARCHIVE` takes, and is named like the
real one (`docker.io/library/busybox:1.36`) so that pod specs stay those of a real cluster.
They are stand-ins, and the names overstate them:

- busybox: Debian's busybox-static (`apt-get download`, cached in PODTUI_SANDBOX_CACHE), with
  a link for every applet, /etc/passwd and /etc/group (root, nobody), /tmp, /root.
- node:20-alpine: THIS MACHINE's node binary (not Alpine's, not musl), the glibc shared
  libraries `ldd` names at the same paths, the dynamic loader, and the busybox files, so that
  `sh`, `ps` and `tail` exist as they do in Alpine.
- nginx and httpd: busybox `httpd` serving the usual document root on port 80; busybox logs
  requests to stderr, the start script sends them to stdout like nginx's access log.
- pause: a small static C program (PAUSE_C, built with `gcc -static`) that waits for signals,
  exits 0 on SIGTERM or SIGINT and reaps children.

OUT_DIR gets one archive per image (both busybox tags share one, both nginx tags another) and
images.txt, lines of "full-reference<TAB>archive file name (relative to OUT_DIR)". The build
goes to OUT_DIR.partial, renamed when done. Layers are tars with uid/gid 0 and one fixed
mtime, gzipped with no timestamp, JSON with sorted keys: the same `key` gives byte-identical
archives. In index.json each manifest carries `io.containerd.image.name` (the full reference:
what containerd names the image) and `org.opencontainers.image.ref.name` (the tag, as
containerd's own export writes it).

Python 3.11 standard library only; needs apt-get/dpkg-deb, node, ldd, gcc and static libc.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# One mtime for every file, and a fixed "created", so that a rebuild is byte-identical.
EPOCH = 1704067200
CREATED = "2024-01-01T00:00:00Z"
PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# Level 6: node's 95 MB layer gzips in ~4 s; level 9 takes twice that for ~1% less.
GZIP_LEVEL = 6

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"

# The pod sandbox's PID 1. The kernel gives PID 1 of a namespace no default signal action, so
# SIGTERM/SIGINT need handlers or the kubelet's stop waits out the grace period; orphans of a
# shared PID namespace are re-parented to it, so it reaps them.
PAUSE_C = r"""
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void stop(int sig) {
    (void)sig;
    _exit(0);
}

static void reap(int sig) {
    int saved = errno;
    (void)sig;
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
    errno = saved;
}

int main(int argc, char **argv) {
    struct sigaction sa;
    if (argc > 1 && strcmp(argv[1], "-v") == 0) {
        puts("pause (podtui sandbox stand-in)");
        return 0;
    }
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = stop;
    if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0)
        return 1;
    sa.sa_handler = reap;
    sa.sa_flags = SA_NOCLDSTOP | SA_RESTART;
    if (sigaction(SIGCHLD, &sa, NULL) != 0)
        return 1;
    for (;;)
        pause();
}
"""

# nginx and httpd stand-ins. httpd runs in the background, not exec'd: the script is PID 1 of
# the container, where a signal without a handler does nothing, and busybox httpd sets none
# for SIGTERM; the trap makes a pod delete take a moment, not the whole grace period.
# -vv logs "IP:port: url:/path" and "response:200" per request, on stderr; 2>&1 moves them
# to stdout, where the real servers write their access logs.
SERVE_SCRIPT = """#!/bin/sh
# podtui sandbox stand-in for {what}: busybox httpd on port 80 serving {root}.
# Its arguments are ignored.
echo "{what} stand-in (busybox httpd): serving {root} on port 80"
httpd -f -vv -p 80 -h {root} 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; exit 0' TERM INT QUIT
wait "$pid"
"""

NGINX_INDEX = """<!DOCTYPE html>
<html>
<head><title>Welcome to nginx!</title></head>
<body>
<h1>Welcome to nginx!</h1>
<p>A stand-in of the podtui sandbox: busybox httpd serving /usr/share/nginx/html.</p>
</body>
</html>
"""

HTTPD_INDEX = "<html><body><h1>It works!</h1></body></html>\n"


class BuildError(Exception):
    pass


def log(message: str) -> None:
    print(f"images: {message}", file=sys.stderr, flush=True)


def run(args: list[str], what: str, cwd: Path | None = None) -> str:
    """Runs a command and returns its stdout; on failure, says what it was for and why."""
    try:
        done = subprocess.run(args, cwd=cwd, capture_output=True, text=True,
                              env={**os.environ, "LC_ALL": "C"})
    except FileNotFoundError as err:
        raise BuildError(f"{what}: {args[0]} is not installed") from err
    if done.returncode != 0:
        raise BuildError(f"{what}: `{' '.join(args)}` failed:\n{done.stderr.strip()}")
    return done.stdout


def cache_dir() -> Path:
    if os.environ.get("PODTUI_SANDBOX_CACHE"):
        return Path(os.environ["PODTUI_SANDBOX_CACHE"])
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "podtui-sandbox"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# --- Where the files come from ----------------------------------------------------------


def busybox_version() -> str:
    """The busybox-static version apt would download (the key needs it before any download)."""

    def candidate() -> str:
        out = run(["apt-cache", "policy", "busybox-static"], "busybox-static's version")
        for line in out.splitlines():
            if line.strip().startswith("Candidate:"):
                version = line.split(":", 1)[1].strip()
                return "" if version == "(none)" else version
        return ""

    version = candidate()
    if not version:
        # A fresh machine has no package lists yet.
        log("no apt package lists: apt-get update")
        run(["apt-get", "update", "-q"], "apt-get update")
        version = candidate()
    if not version:
        raise BuildError("apt knows no busybox-static package (apt-cache policy busybox-static)")
    return version


def fetch_busybox(work: Path) -> tuple[Path, str]:
    """Debian's static busybox binary, from the cached .deb (downloaded once per version)."""
    version = busybox_version()
    cache = cache_dir()
    deb = cache / f"busybox-static_{version.replace(':', '%3a')}_amd64.deb"
    if not deb.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            download = ["apt-get", "download", f"busybox-static={version}"]
            try:
                run(download, "downloading busybox-static", cwd=Path(tmp))
            except BuildError:
                # Lists present but stale (the version moved on): refresh and retry once.
                log("apt-get download failed: apt-get update, then again")
                run(["apt-get", "update", "-q"], "apt-get update")
                run(download, "downloading busybox-static", cwd=Path(tmp))
            (got,) = Path(tmp).glob("*.deb")
            got.replace(deb)
        log(f"downloaded busybox-static {version} into {cache}")
    unpacked = work / "busybox-deb"
    run(["dpkg-deb", "-x", str(deb), str(unpacked)], "unpacking busybox-static")
    binary = unpacked / "bin" / "busybox"
    if not binary.is_file():
        raise BuildError(f"{deb} has no bin/busybox")
    return binary, version


def find_node() -> Path:
    found = shutil.which("node") or "/usr/bin/node"
    node = Path(found).resolve()
    if not node.is_file():
        raise BuildError("node is not installed (the node:20-alpine stand-in copies it)")
    return node


def shared_libraries(binary: Path) -> list[str]:
    """The absolute paths `ldd` names: the libraries and the dynamic loader."""
    paths = []
    for line in run(["ldd", str(binary)], f"listing {binary.name}'s libraries").splitlines():
        if "not found" in line:
            raise BuildError(f"ldd {binary}: {line.strip()}")
        # "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)", "/lib64/ld-linux-x86-64.so.2
        # (0x...)", or the vDSO, which has no file.
        words = line.split("=>")[-1].split()
        if words and words[0].startswith("/"):
            paths.append(words[0])
    return paths


def gcc_version() -> str:
    return run(["gcc", "--version"], "gcc's version").splitlines()[0]


def compile_pause(work: Path) -> Path:
    libc_a = run(["gcc", "-print-file-name=libc.a"], "finding static libc").strip()
    if not os.path.isabs(libc_a) or not os.path.isfile(libc_a):
        raise BuildError("static libc (libc.a) is missing, needed for `gcc -static`: "
                         "apt-get install libc6-dev")
    source = work / "pause.c"
    source.write_text(PAUSE_C)
    binary = work / "pause"
    # -s: no symbols, which would hold the temporary directory's name.
    run(["gcc", "-static", "-Os", "-s", "-Wall", "-o", str(binary), str(source)],
        "compiling pause")
    return binary


def key() -> str:
    """Everything that decides an archive's bytes, hashed."""
    node = find_node()
    parts = [
        hashlib.sha256(Path(__file__).read_bytes()).hexdigest(),
        "busybox-static " + busybox_version(),
        run([str(node), "--version"], "node's version").strip(),
        sha256_file(node),
        gcc_version(),
        # Beyond the brief's list: the libraries copied beside node, glibc (pause links its
        # libc.a statically) and zlib (the gzip bytes).
        *(f"{lib} {sha256_file(Path(lib))}" for lib in shared_libraries(node)),
        run(["ldd", "--version"], "glibc's version").splitlines()[0],
        "zlib " + zlib.ZLIB_RUNTIME_VERSION,
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


# --- Layers -------------------------------------------------------------------------------


@dataclass
class Layer:
    """The files of one layer by path (no leading slash); written as a tar in path order."""

    entries: dict[str, tarfile.TarInfo] = field(default_factory=dict)
    sources: dict[str, Path | bytes] = field(default_factory=dict)

    def _add(self, path: str, kind: bytes, mode: int) -> tarfile.TarInfo:
        info = tarfile.TarInfo(path.strip("/"))
        info.type, info.mode, info.mtime = kind, mode, EPOCH
        info.uid = info.gid = 0
        self.entries[info.name] = info
        return info

    def dir(self, path: str, mode: int = 0o755) -> None:
        self._add(path, tarfile.DIRTYPE, mode)

    def data(self, path: str, content: str | bytes, mode: int = 0o644) -> None:
        content = content.encode() if isinstance(content, str) else content
        info = self._add(path, tarfile.REGTYPE, mode)
        info.size = len(content)
        self.sources[info.name] = content

    def copy(self, path: str, source: Path, mode: int = 0o755) -> None:
        info = self._add(path, tarfile.REGTYPE, mode)
        info.size = source.stat().st_size
        self.sources[info.name] = source

    def symlink(self, path: str, target: str) -> None:
        self._add(path, tarfile.SYMTYPE, 0o777).linkname = target

    def write(self, out) -> None:
        # Every parent directory gets its own entry, as in images docker builds.
        for name in list(self.entries):
            parent = os.path.dirname(name)
            while parent and parent not in self.entries:
                self.dir(parent)
                parent = os.path.dirname(parent)
        with tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT) as tar:
            for name in sorted(self.entries):
                source = self.sources.get(name)
                if isinstance(source, Path):
                    with source.open("rb") as f:
                        tar.addfile(self.entries[name], f)
                else:
                    tar.addfile(self.entries[name], io.BytesIO(source) if source else None)


@dataclass
class Inputs:
    busybox: Path
    busybox_version: str
    node: Path
    pause: Path


def busybox_layer(inputs: Inputs) -> Layer:
    layer = Layer()
    layer.copy("bin/busybox", inputs.busybox)
    listing = run([str(inputs.busybox), "--list-full"], "listing busybox's applets")
    for applet in listing.split():
        if applet != "bin/busybox":
            layer.symlink(applet, "/bin/busybox")
    layer.data("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
                             "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n")
    layer.data("etc/group", "root:x:0:\nnobody:x:65534:\n")
    # The kubelet mounts its own over these; empty files give the mounts a place.
    for name in ("etc/hosts", "etc/hostname", "etc/resolv.conf"):
        layer.data(name, b"")
    for name in ("dev", "proc", "sys", "home", "var", "var/log", "usr/local/bin"):
        layer.dir(name)
    layer.dir("tmp", 0o1777)
    layer.dir("root", 0o700)
    return layer


def node_layer(inputs: Inputs) -> Layer:
    layer = busybox_layer(inputs)
    layer.copy("usr/local/bin/node", inputs.node)
    layer.symlink("usr/bin/node", "/usr/local/bin/node")
    for lib in shared_libraries(inputs.node):
        # resolve(): libstdc++.so.6 is a link to libstdc++.so.6.0.30; the soname is enough.
        layer.copy(lib, Path(lib).resolve(), 0o755)
    return layer


def nginx_layer(inputs: Inputs) -> Layer:
    layer = busybox_layer(inputs)
    root = "/usr/share/nginx/html"
    layer.data("usr/sbin/nginx", SERVE_SCRIPT.format(what="nginx", root=root), 0o755)
    layer.data(f"{root}/index.html", NGINX_INDEX)
    layer.dir("etc/nginx")
    layer.dir("var/log/nginx")
    return layer


def httpd_layer(inputs: Inputs) -> Layer:
    layer = busybox_layer(inputs)
    root = "/usr/local/apache2/htdocs"
    layer.data("usr/local/bin/httpd-foreground",
               SERVE_SCRIPT.format(what="Apache httpd", root=root), 0o755)
    layer.data(f"{root}/index.html", HTTPD_INDEX)
    return layer


def pause_layer(inputs: Inputs) -> Layer:
    layer = Layer()
    layer.copy("pause", inputs.pause)
    return layer


@dataclass
class Image:
    archive: str  # the file name in OUT_DIR, without .tar
    refs: tuple[str, ...]
    holds: str  # for `describe`
    layer: Callable[[Inputs], Layer]
    config: dict


IMAGES = [
    Image("busybox", ("docker.io/library/busybox:1.36", "docker.io/library/busybox:latest"),
          "Debian's busybox-static (not busybox.net's build), a link per applet, "
          "/etc/passwd and /etc/group (root, nobody), /tmp, /root",
          busybox_layer, {"Env": [PATH_ENV], "Cmd": ["sh"]}),
    Image("node-20-alpine", ("docker.io/library/node:20-alpine",),
          "this machine's `node` (glibc, not Alpine's musl build; its `--version` may not be "
          "20) at /usr/local/bin/node, the libraries `ldd` names and the loader, "
          "plus the busybox files",
          node_layer, {"Env": [PATH_ENV], "Cmd": ["node"], "WorkingDir": "/"}),
    Image("nginx-1.27", ("docker.io/library/nginx:1.27", "docker.io/library/nginx:1.27-alpine"),
          "busybox; /usr/sbin/nginx is a script running busybox `httpd -f -p 80` on "
          "/usr/share/nginx/html (\"Welcome to nginx!\"), its arguments ignored, each request "
          "logged to stdout",
          nginx_layer,
          {"Env": [PATH_ENV], "Cmd": ["nginx", "-g", "daemon off;"],
           "ExposedPorts": {"80/tcp": {}}}),
    Image("httpd-2.4", ("docker.io/library/httpd:2.4",),
          "busybox; /usr/local/bin/httpd-foreground runs busybox `httpd -f -p 80` on "
          "/usr/local/apache2/htdocs (\"It works!\"); `httpd` is busybox's applet",
          httpd_layer,
          {"Env": [PATH_ENV], "Cmd": ["httpd-foreground"], "WorkingDir": "/usr/local/apache2",
           "ExposedPorts": {"80/tcp": {}}}),
    Image("pause-3.10.1", ("registry.k8s.io/pause:3.10.1",),
          "/pause, a static C program built here: waits for signals, exits 0 on SIGTERM "
          "or SIGINT, reaps children",
          pause_layer, {"Entrypoint": ["/pause"], "WorkingDir": "/"}),
]


# --- OCI image layout ---------------------------------------------------------------------


def canonical(obj: dict) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


class _HashingWriter:
    """Passes the uncompressed layer tar on to gzip, hashing it: its digest is the diff_id."""

    def __init__(self, sink):
        self.sink, self.sha = sink, hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.sha.update(data)
        return self.sink.write(data)


def write_archive(image: Image, inputs: Inputs, work: Path, out: Path) -> None:
    blobs: dict[str, Path] = {}  # digest -> file

    def add_blob(path: Path) -> dict:
        digest = "sha256:" + sha256_file(path)
        blobs[digest] = path
        return {"digest": digest, "size": path.stat().st_size}

    layer_gz = work / "layer.tar.gz"
    with layer_gz.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw,
                                                   mtime=0, compresslevel=GZIP_LEVEL) as gz:
        plain = _HashingWriter(gz)
        image.layer(inputs).write(plain)
    diff_id = "sha256:" + plain.sha.hexdigest()

    config = {
        "architecture": "amd64",
        "os": "linux",
        "created": CREATED,
        "config": image.config,
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created": CREATED, "created_by": "sandbox/images.py",
                     "comment": image.holds}],
    }
    config_file = work / "config.json"
    config_file.write_bytes(canonical(config))
    manifest = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": OCI_CONFIG, **add_blob(config_file)},
        "layers": [{"mediaType": OCI_LAYER_GZIP, **add_blob(layer_gz)}],
    }
    manifest_file = work / "manifest.json"
    manifest_file.write_bytes(canonical(manifest))
    manifest_desc = {"mediaType": OCI_MANIFEST, **add_blob(manifest_file),
                     "platform": {"architecture": "amd64", "os": "linux"}}
    index = {
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": [
            {**manifest_desc, "annotations": {"io.containerd.image.name": ref,
                                              "org.opencontainers.image.ref.name":
                                                  ref.rsplit(":", 1)[1]}}
            for ref in image.refs
        ],
    }

    archive = Layer()
    archive.data("oci-layout", canonical({"imageLayoutVersion": "1.0.0"}))
    archive.data("index.json", canonical(index))
    for digest, path in blobs.items():
        archive.copy("blobs/sha256/" + digest.removeprefix("sha256:"), path, 0o644)
    with out.open("wb") as f:
        archive.write(f)


# --- Commands -----------------------------------------------------------------------------


def listing() -> str:
    return "".join(f"{ref}\t{image.archive}.tar\n" for image in IMAGES for ref in image.refs)


def complete(out: Path) -> bool:
    listed = out / "images.txt"
    return listed.is_file() and all(
        (out / line.split("\t")[1]).is_file() for line in listed.read_text().splitlines())


def build(out: Path) -> None:
    if complete(out):
        log(f"images already built in {out}")
        return
    if platform.machine() != "x86_64":
        raise BuildError(f"the images are linux/amd64; this machine is {platform.machine()}")
    start = time.monotonic()
    partial = out.with_name(out.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    work = partial / ".work"
    work.mkdir(parents=True)
    busybox, version = fetch_busybox(work)
    inputs = Inputs(busybox, version, find_node(), compile_pause(work))
    for image in IMAGES:
        write_archive(image, inputs, work, partial / f"{image.archive}.tar")
    shutil.rmtree(work)
    (partial / "images.txt").write_text(listing())
    shutil.rmtree(out, ignore_errors=True)
    partial.rename(out)
    sizes = ", ".join(f"{image.archive} {(out / (image.archive + '.tar')).stat().st_size >> 10} KiB"
                      for image in IMAGES)
    log(f"built in {time.monotonic() - start:.1f} s into {out}: {sizes}")


def describe() -> str:
    lines = ["| image | what it really holds |", "|---|---|"]
    for image in IMAGES:
        refs = ", ".join(f"`{ref}`" for ref in image.refs)
        lines.append(f"| {refs} | {image.holds} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    try:
        if argv[1:2] == ["build"] and len(argv) == 3:
            build(Path(argv[2]).absolute())
        elif argv[1:] == ["key"]:
            print(key())
        elif argv[1:] == ["describe"]:
            print(describe(), end="")
        else:
            print(__doc__.split("\n\n")[1], file=sys.stderr)
            return 2
    except BuildError as err:
        print(f"images: error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
