"""Broken kubeconfigs for fault tests, written into a test's tmp_path from the sandbox's own."""

from __future__ import annotations

import base64
import copy
import subprocess
from pathlib import Path

import yaml

from tests.conftest import ADMIN_KUBECONFIG, LIMITED_KUBECONFIG

UNREACHABLE = "https://127.0.0.1:1"
#: A well-formed token the API server does not know (as if expired or revoked).
BAD_TOKEN = "5e1f0c0ffee0" + "a7" * 14


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def limited_token() -> str:
    return load(LIMITED_KUBECONFIG)["users"][0]["user"]["token"]


def admin_key_data() -> str:
    """The admin's client-key-data (base64 PEM) as it sits in the kubeconfig."""
    return load(ADMIN_KUBECONFIG)["users"][0]["user"]["client-key-data"]


def admin_key_pem_body() -> str:
    """A line from the middle of the admin's private key, in PEM (base64 DER) form."""
    pem = base64.b64decode(admin_key_data()).decode()
    return pem.splitlines()[5]


def secrets() -> list[str]:
    """Strings that must never appear in output, errors, screenshots or saved files."""
    key = admin_key_data()
    return [limited_token(), BAD_TOKEN, key, key[40:100], admin_key_pem_body()]


def write(tmp_path: Path, name: str, config: dict) -> str:
    path = tmp_path / f"{name}.kubeconfig"
    path.write_text(yaml.safe_dump(config))
    path.chmod(0o600)
    return str(path)


def other_ca(tmp_path: Path) -> bytes:
    """A self-signed CA that did not sign the sandbox's server certificate."""
    key, crt = tmp_path / "other-ca.key", tmp_path / "other-ca.crt"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=not-the-sandbox-ca", "-keyout", str(key), "-out", str(crt)],
        check=True, capture_output=True, timeout=60,
    )
    return crt.read_bytes()


def variant(tmp_path: Path, name: str, base: Path = LIMITED_KUBECONFIG, *,
            server: str | None = None, ca: bytes | None = None, token: str | None = None,
            insecure: bool = False) -> str:
    """A copy of `base` with its server, CA, token or TLS verification changed."""
    config = copy.deepcopy(load(base))
    cluster = config["clusters"][0]["cluster"]
    if server:
        cluster["server"] = server
    if ca is not None:
        cluster["certificate-authority-data"] = base64.b64encode(ca).decode()
    if insecure:
        cluster.pop("certificate-authority-data", None)
        cluster["insecure-skip-tls-verify"] = True
    if token is not None:
        config["users"][0]["user"]["token"] = token
    return write(tmp_path, name, config)


def bad_set(tmp_path: Path) -> dict[str, str]:
    """name -> kubeconfig path for each broken setup (the limited user's, and the admin's
    with its client key, behind the wrong CA)."""
    ca = other_ca(tmp_path)
    return {
        "wrong-ca": variant(tmp_path, "wrong-ca", ca=ca),
        "wrong-ca-admin": variant(tmp_path, "wrong-ca-admin", ADMIN_KUBECONFIG, ca=ca),
        "bad-token": variant(tmp_path, "bad-token", token=BAD_TOKEN),
        "unreachable": variant(tmp_path, "unreachable", server=UNREACHABLE),
        "unreachable-admin": variant(tmp_path, "unreachable-admin", ADMIN_KUBECONFIG,
                                     server=UNREACHABLE),
    }
