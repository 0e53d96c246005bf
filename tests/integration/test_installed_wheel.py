"""What we ship works once installed: the wheel built from this checkout goes into a fresh
venv outside it, and the installed `podtui` runs there: --version, templates, every theme
of themes/ from the installed package, and the dashboard under a pseudo-terminal against
the sandbox, showing the seed pod."""

from __future__ import annotations

import fcntl
import json
import os
import re
import select
import shutil
import struct
import subprocess
import sys
import termios
import time
import tomllib
from pathlib import Path

import pytest

import podtui
from tests.conftest import SEED_POD

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
#: CSI, OSC and the other escape sequences a terminal app writes.
ANSI = re.compile(r"\x1b(\[[0-9;?<=>!]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|.)")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv (outside the checkout) with the wheel built from the checkout."""
    tmp = tmp_path_factory.mktemp("installed")
    # Built from a copy: setuptools builds in the source tree, and a build/ left there by
    # an earlier build would put modules deleted since into the wheel.
    source = tmp / "source"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis"))
    dist = tmp / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist),
                    str(source)], check=True, cwd=tmp, timeout=600)
    (wheel,) = dist.glob("podtui-*.whl")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(wheel)], check=True,
                   cwd=tmp, timeout=600)
    (tmp / "config").mkdir()  # an empty config dir: no user themes or templates
    return venv


def env(venv: Path) -> dict[str, str]:
    values = {k: v for k, v in os.environ.items()
              if k not in ("PYTHONPATH", "VIRTUAL_ENV", "KUBECONFIG", "NO_COLOR")}
    values.update(PATH=f"{venv / 'bin'}{os.pathsep}/usr/bin:/bin", TERM="xterm-256color",
                  XDG_CONFIG_HOME=str(venv.parent / "config"), HOME=str(venv.parent))
    return values


def run(venv: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(argv), capture_output=True, text=True, env=env(venv),
                          cwd=venv.parent, timeout=120)


def test_the_package_comes_from_the_venv_not_the_checkout(installed):
    result = run(installed, str(installed / "bin" / "python"), "-c",
                 "import podtui; print(podtui.__file__)")
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).is_relative_to(installed)


@pytest.mark.parametrize("script", ["podtui", "kubectl-podtui"])
def test_version(installed, script):
    result = run(installed, script, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"podtui {podtui.__version__}"


def test_templates_are_the_checkouts(installed):
    from podtui.templates import load_templates

    result = run(installed, "podtui", "templates")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    listed = [line.split()[0] for line in result.stdout.splitlines()]
    assert listed == [t.name for t in load_templates()[0] if t.builtin]
    assert len(listed) >= 7


def test_every_theme_of_the_checkout_loads_from_the_installed_package(installed):
    code = ("import json; from podtui.settings.theme_files import BUILTIN_DIR; "
            "from podtui.ui.themes import load_themes; "
            "themes, errors = load_themes(); "
            "print(json.dumps([str(BUILTIN_DIR), [t.name for t in themes], errors]))")
    result = run(installed, str(installed / "bin" / "python"), "-c", code)
    assert result.returncode == 0, result.stderr
    directory, names, errors = json.loads(result.stdout)
    assert Path(directory).is_relative_to(installed)
    assert errors == []
    files = sorted((REPO / "themes").glob("*.toml"))
    expected = [tomllib.loads(f.read_text()).get("name") or f.stem for f in files]
    assert len(files) >= 4 and sorted(names) == sorted(expected)


def test_the_installed_dashboard_shows_the_seed_pod(installed, admin_kubeconfig):
    """... in the theme --theme names: podtui-high-contrast's black background and yellow
    primary (#000000, #FFFF00 in themes/podtui-high-contrast.toml) are what it draws with."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))
    proc = subprocess.Popen(["podtui", "--kubeconfig", admin_kubeconfig, "-n", "default",
                             "--theme", "podtui-high-contrast"],
                            stdin=slave, stdout=slave, stderr=slave,
                            env={**env(installed), "COLORTERM": "truecolor"},
                            cwd=installed.parent, start_new_session=True)
    os.close(slave)
    screen = raw = ""

    def read_until(done, seconds: float) -> bool:
        nonlocal screen, raw
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not done():
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the app closed the terminal
                    return done()
                raw += chunk.decode("utf-8", "replace")
                screen += ANSI.sub("", chunk.decode("utf-8", "replace"))
        return done()

    try:
        shown = read_until(lambda: SEED_POD in screen, 60)
        assert shown, f"the seed pod never showed; the screen said: {screen[-2000:]!r}"
        assert re.search(r"\b48;2;0;0;0[;m]", raw), raw[-2000:]  # black background
        assert re.search(r"\b[34]8;2;255;255;0[;m]", raw), raw[-2000:]  # yellow primary
        os.write(master, b"q")
        read_until(lambda: proc.poll() is not None, 20)
        assert proc.wait(timeout=10) == 0
        assert "Traceback" not in screen
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)


def test_drill_list_names_every_drill_of_the_checkout(installed):
    import yaml

    files = sorted((REPO / "podtui" / "drills" / "builtin").glob("*.yaml"))
    expected = [yaml.safe_load(f.read_text())["id"] for f in files]
    result = run(installed, "podtui", "drill", "list")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert [line.split()[0] for line in result.stdout.splitlines()] == expected
    assert len(expected) >= 32  # the whole curriculum, not a part of it


def test_kubectl_runs_the_installed_plugin_and_its_completion(installed, conn,
                                                               admin_kubeconfig):
    """kubectl finds `kubectl-podtui` and `kubectl_complete-podtui` on the PATH (as krew
    installs them): `kubectl podtui --version`, and `kubectl __complete podtui logs seed-`
    lists the API server's pods of that name."""
    from tests.conftest import KUBECTL

    values = {**env(installed), "KUBECONFIG": admin_kubeconfig}
    version = subprocess.run([KUBECTL, "podtui", "--version"], capture_output=True,
                             text=True, env=values, timeout=60)
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"podtui {podtui.__version__}"
    completed = subprocess.run([KUBECTL, "__complete", "podtui", "logs", "seed-"],
                               capture_output=True, text=True, env=values, timeout=60)
    assert completed.returncode == 0, completed.stderr
    assert "kubectl_complete-podtui" in completed.stderr  # kubectl's [Debug] lines
    names = [line for line in completed.stdout.splitlines() if not line.startswith(":")]
    pods = sorted(p.metadata.name for p in conn.core.list_namespaced_pod("default").items
                  if p.metadata.name.startswith("seed-"))
    assert SEED_POD in names and names == pods
