"""sandbox/images.py builds the real node's images as OCI archives `ctr images import` takes.

Without containerd here, the archives are checked the way an importer reads them: index.json,
manifest, config and layer digests, the files each layer must hold. As root, the layers are
also run: node in a chroot, the nginx/httpd stand-ins as PID 1 of their own PID and network
namespaces, pause reaping an orphan. The build needs the busybox-static .deb (apt-get download,
cached), node, and gcc with static libc."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import shutil
import signal
import stat
import struct
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "sandbox" / "images.py"
REFS = {
    "docker.io/library/busybox:1.36", "docker.io/library/busybox:latest",
    "docker.io/library/node:20-alpine",
    "docker.io/library/nginx:1.27", "docker.io/library/nginx:1.27-alpine",
    "docker.io/library/httpd:2.4",
    "registry.k8s.io/pause:3.10.1",
}
# The images' PATH, also what finds chroot, unshare and nsenter here.
ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="chroot and namespaces need root")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("images") / "out"
    subprocess.run([sys.executable, str(SCRIPT), "build", str(out)], check=True, timeout=600)
    return out


def listed(built: Path) -> dict[str, str]:
    lines = (built / "images.txt").read_text().splitlines()
    return dict(line.split("\t") for line in lines)


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


class Image:
    """One image read from its archive as an importer would, checking each digest on the way."""

    def __init__(self, archive: tarfile.TarFile, descriptor: dict):
        def blob(desc: dict) -> bytes:
            data = archive.extractfile("blobs/sha256/" + desc["digest"].split(":")[1]).read()
            assert sha256(data) == desc["digest"] and len(data) == desc["size"]
            return data

        manifest = json.loads(blob(descriptor))
        assert manifest["schemaVersion"] == 2
        assert manifest["mediaType"] == descriptor["mediaType"] == (
            "application/vnd.oci.image.manifest.v1+json")
        assert manifest["config"]["mediaType"] == "application/vnd.oci.image.config.v1+json"
        self.config = json.loads(blob(manifest["config"]))
        assert (self.config["architecture"], self.config["os"]) == ("amd64", "linux")
        (layer,) = manifest["layers"]
        assert layer["mediaType"] == "application/vnd.oci.image.layer.v1.tar+gzip"
        self.layer_tar = gzip.decompress(blob(layer))
        # What the snapshotter checks after unpacking: the uncompressed tar's digest.
        assert self.config["rootfs"] == {"type": "layers", "diff_ids": [sha256(self.layer_tar)]}
        self.layer = tarfile.open(fileobj=io.BytesIO(self.layer_tar))  # noqa: SIM115 (in memory)
        self.members = {member.name: member for member in self.layer.getmembers()}

    def read(self, path: str) -> bytes:
        return self.layer.extractfile(self.members[path]).read()

    def unpack(self, into: Path) -> Path:
        self.layer.extractall(into, filter="tar")
        return into


@pytest.fixture(scope="module")
def images(built: Path) -> dict[str, Image]:
    found = {}
    for name in sorted(set(listed(built).values())):
        with tarfile.open(built / name) as archive:
            assert json.load(archive.extractfile("oci-layout")) == {"imageLayoutVersion": "1.0.0"}
            for member in archive.getmembers():
                if member.name.startswith("blobs/sha256/") and member.isfile():
                    data = archive.extractfile(member).read()
                    assert sha256(data) == "sha256:" + member.name.rsplit("/", 1)[1]
            index = json.load(archive.extractfile("index.json"))
            assert index["schemaVersion"] == 2
            for descriptor in index["manifests"]:
                ref = descriptor["annotations"]["io.containerd.image.name"]
                assert descriptor["annotations"]["org.opencontainers.image.ref.name"] == (
                    ref.rsplit(":", 1)[1])
                assert descriptor["platform"] == {"architecture": "amd64", "os": "linux"}
                assert listed(built)[ref] == name, f"{ref} is in {name}, not where images.txt says"
                found[ref] = Image(archive, descriptor)
    return found


def elf_program_headers(elf: bytes) -> dict[int, bytes]:
    """Program header type -> the bytes it points at (only the first 64 KiB are needed)."""
    assert elf[:4] == b"\x7fELF" and elf[4:6] == b"\x02\x01", "not a 64-bit little-endian ELF"
    (phoff,) = struct.unpack_from("<Q", elf, 0x20)
    size, count = struct.unpack_from("<HH", elf, 0x36)
    headers = {}
    for i in range(count):
        kind, _flags, offset, _vaddr, _paddr, filesz = struct.unpack_from(
            "<IIQQQQ", elf, phoff + i * size)
        headers[kind] = elf[offset:offset + filesz]
    return headers


PT_DYNAMIC, PT_INTERP = 2, 3


def wait_until_catches(pid: int, sig: int, timeout: float = 10) -> None:
    """Polls the signal mask: signalling before the handler is in place would kill the process."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = Path(f"/proc/{pid}/status").read_text()
        caught = int(re.search(r"^SigCgt:\s*(\w+)", status, re.M).group(1), 16)
        if caught >> (sig - 1) & 1:
            return
        time.sleep(0.005)
    pytest.fail(f"PID {pid} set no handler for signal {sig} in {timeout} s")


def children(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def namespace_init(unshare: subprocess.Popen, timeout: float = 10) -> int:
    """The PID (as seen here) of what `unshare --fork` started: PID 1 of the new namespace."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if kids := children(unshare.pid):
            return kids[0]
        time.sleep(0.005)
    pytest.fail("unshare started nothing")


def test_images_txt_names_every_image_and_its_archive(built: Path):
    assert set(listed(built)) == REFS
    assert all((built / name).is_file() for name in listed(built).values())
    assert not built.with_name(built.name + ".partial").exists()


def test_every_listed_image_is_in_its_archive_index(images: dict[str, Image]):
    assert set(images) == REFS


def test_busybox_has_its_applets_users_and_tmp(images: dict[str, Image]):
    for ref in ("docker.io/library/busybox:1.36", "docker.io/library/busybox:latest"):
        image = images[ref]
        assert image.config["config"]["Cmd"] == ["sh"]
        assert image.config["config"]["Env"] == ["PATH=" + ENV["PATH"]]
        busybox = image.members["bin/busybox"]
        assert busybox.isfile() and busybox.mode == 0o755 and busybox.uid == busybox.gid == 0
        assert image.read("bin/busybox")[:4] == b"\x7fELF"
        for applet in ("bin/sh", "usr/bin/tail", "bin/ps", "usr/sbin/httpd", "bin/sleep"):
            assert image.members[applet].issym()
            assert image.members[applet].linkname == "/bin/busybox"
        passwd = image.read("etc/passwd").decode()
        assert passwd.startswith("root:x:0:0:") and "\nnobody:x:65534:65534:" in passwd
        assert image.read("etc/group").decode().startswith("root:x:0:")
        assert stat.S_IMODE(image.members["tmp"].mode) == 0o1777
        assert {m.mtime for m in image.members.values()} == {1704067200}


def test_node_holds_this_machines_node_and_its_loader(images: dict[str, Image]):
    image = images["docker.io/library/node:20-alpine"]
    assert image.config["config"]["Cmd"] == ["node"]
    assert image.config["config"]["WorkingDir"] == "/"
    node = Path(shutil.which("node")).resolve()
    assert image.members["usr/local/bin/node"].size == node.stat().st_size
    assert hashlib.sha256(image.read("usr/local/bin/node")).digest() == (
        hashlib.sha256(node.read_bytes()).digest())
    loader = elf_program_headers(node.read_bytes()[:65536])[PT_INTERP].rstrip(b"\0").decode()
    assert image.members[loader.lstrip("/")].isfile(), f"no loader {loader}"
    assert any(name.endswith("/libc.so.6") for name in image.members)
    assert image.members["usr/bin/tail"].issym() and image.members["bin/sh"].issym()


def test_nginx_and_httpd_stand_ins(images: dict[str, Image]):
    for ref in ("docker.io/library/nginx:1.27", "docker.io/library/nginx:1.27-alpine"):
        nginx = images[ref]
        assert nginx.config["config"]["Cmd"] == ["nginx", "-g", "daemon off;"]
        assert nginx.config["config"]["ExposedPorts"] == {"80/tcp": {}}
        assert nginx.members["usr/sbin/nginx"].mode == 0o755
        assert b"httpd -f" in nginx.read("usr/sbin/nginx")
        assert b"Welcome to nginx!" in nginx.read("usr/share/nginx/html/index.html")
    httpd = images["docker.io/library/httpd:2.4"]
    assert httpd.config["config"]["Cmd"] == ["httpd-foreground"]
    assert httpd.members["usr/local/bin/httpd-foreground"].mode == 0o755
    assert httpd.read("usr/local/apache2/htdocs/index.html") == (
        b"<html><body><h1>It works!</h1></body></html>\n")
    assert httpd.members["usr/sbin/httpd"].linkname == "/bin/busybox"


@pytest.fixture
def pause(images: dict[str, Image], tmp_path: Path) -> Path:
    image = images["registry.k8s.io/pause:3.10.1"]
    assert image.config["config"]["Entrypoint"] == ["/pause"]
    assert set(image.members) == {"pause"}
    return image.unpack(tmp_path) / "pause"


def test_pause_is_a_static_executable(pause: Path):
    headers = elf_program_headers(pause.read_bytes())
    assert PT_INTERP not in headers and PT_DYNAMIC not in headers
    assert os.access(pause, os.X_OK)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_pause_exits_0_on_a_stop_signal(pause: Path, sig: int):
    process = subprocess.Popen([str(pause)])
    try:
        wait_until_catches(process.pid, sig)
        process.send_signal(sig)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@as_root
def test_pause_as_pid_1_reaps_orphans(pause: Path):
    sandbox = subprocess.Popen(["unshare", "--pid", "--fork", "--kill-child", str(pause)])
    try:
        pid1 = namespace_init(sandbox)
        wait_until_catches(pid1, signal.SIGCHLD)
        # The shell exits at once; its `sleep` is re-parented to the namespace's PID 1.
        subprocess.run(["nsenter", f"--pid=/proc/{pid1}/ns/pid", "--",
                        "sh", "-c", "sleep 0.1 & exit 0"], check=True, timeout=10)
        deadline = time.monotonic() + 10
        while children(pid1) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert children(pid1) == [], "the orphan was not reaped (a zombie is left)"
        os.kill(pid1, signal.SIGTERM)
        assert sandbox.wait(timeout=10) == 0
    finally:
        if sandbox.poll() is None:
            sandbox.kill()
            sandbox.wait()


@as_root
def test_node_runs_in_its_own_image(images: dict[str, Image], tmp_path: Path):
    root = images["docker.io/library/node:20-alpine"].unpack(tmp_path)
    node = subprocess.run(["chroot", str(root), "node", "-e", "console.log(6 * 7)"],
                          capture_output=True, text=True, env=ENV, timeout=60)
    assert node.stdout == "42\n", node.stderr
    shell = subprocess.run(["chroot", str(root), "sh", "-c", "echo a; echo b | tail -n 1"],
                           capture_output=True, text=True, env=ENV, timeout=60)
    assert shell.stdout == "a\nb\n", shell.stderr


# Inside the server's network namespace: loopback up, then ask until the server answers.
FETCH = ("ip link set lo up; for i in $(seq 200); do wget -qO- http://127.0.0.1/ && exit 0; "
         "usleep 50000; done; exit 1")


@as_root
@pytest.mark.parametrize(("ref", "command", "page"), [
    ("docker.io/library/nginx:1.27", ["nginx", "-g", "daemon off;"], "Welcome to nginx!"),
    ("docker.io/library/httpd:2.4", ["httpd-foreground"], "It works!"),
])
def test_server_stand_in_serves_logs_and_stops_as_pid_1(
        images: dict[str, Image], tmp_path: Path, ref: str, command: list[str], page: str):
    root = images[ref].unpack(tmp_path)
    os.mknod(root / "dev/null", 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # runc would mount /dev
    server = subprocess.Popen(
        ["unshare", "--net", "--pid", "--fork", "--kill-child", "chroot", str(root), *command],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    try:
        pid1 = namespace_init(server)
        fetched = subprocess.run(
            ["nsenter", f"--net=/proc/{pid1}/ns/net", "chroot", str(root), "sh", "-c", FETCH],
            capture_output=True, text=True, env=ENV, timeout=30)
        assert page in fetched.stdout, fetched.stderr
        # The kubelet's stop: SIGTERM to PID 1, which ignores signals it has no handler for.
        wait_until_catches(pid1, signal.SIGTERM)
        os.kill(pid1, signal.SIGTERM)
        assert server.wait(timeout=10) == 0
        out, err = server.communicate()
        assert "url:/" in out and "response:200" in out, (out, err)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_describe_names_every_image():
    table = subprocess.run([sys.executable, str(SCRIPT), "describe"], capture_output=True,
                           text=True, check=True).stdout
    assert table.startswith("| image | what it really holds |\n|---|---|\n")
    assert all(f"`{ref}`" in table for ref in REFS)
    assert "this machine's `node`" in table


def test_key_is_short_and_stable():
    def key() -> str:
        return subprocess.run([sys.executable, str(SCRIPT), "key"], capture_output=True,
                              text=True, check=True, timeout=120).stdout

    first = key()
    assert re.fullmatch(r"[0-9a-f]{16}\n", first)
    assert key() == first
