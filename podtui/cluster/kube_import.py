"""Import the parts of the official `kubernetes` client podtui uses, not the whole package.

`import kubernetes` runs the package's `__init__`, which imports every API and model class
(~700 modules: 0.5-1.0 s on the bench machine, against 0.23-0.36 s for what podtui uses),
though podtui only needs `ApiClient.call_api` (raw JSON) and the kubeconfig loader. So the
packages `kubernetes`, `kubernetes.client` and `kubernetes.client.models` are registered
without running their `__init__`: their submodules import alone, and the first other
attribute asked of such a package runs the real `__init__` (tests and `Connection.core`
still get the whole client, just later). The same holds for `kubernetes.utils`, and for
what the kubeconfig loader imports for two auth-providers only: google-auth's requests
transport (gcp), oauthlib and requests-oauthlib (oidc).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
from types import ModuleType

_DEFERRED = ("kubernetes", "kubernetes.client", "kubernetes.client.models",
             # The client's transport imports two helper modules from it; its __init__
             # imports the YAML and watch helpers too.
             "kubernetes.utils",
             # kube_config imports it for the gcp auth-provider only: ~12 MB of RSS and
             # ~0.1 s (it loads cryptography's OpenSSL bindings) for every other user.
             "google.auth.transport.requests",
             # kube_config imports these for the oidc auth-provider only (with requests:
             # ~40 ms of CPU at every start); it names OAuth2Session, loaded when called.
             "oauthlib.oauth2", "requests_oauthlib",
             # The client's ApiClient imports them for typed dates and `async_req` only.
             "dateutil.parser", "multiprocessing.pool")
#: What the client takes by name from a deferred module: stand-ins that load it when called.
_CALLED = {"requests_oauthlib": ("OAuth2Session",), "dateutil.parser": ("parse",),
           "multiprocessing.pool": ("ThreadPool",)}
_lock = threading.RLock()


def _register_deferred(name: str) -> None:
    try:
        spec = importlib.util.find_spec(name)
    except ModuleNotFoundError:  # its parent is missing: google-auth is optional from client 35
        return
    if spec is None:
        return
    module = importlib.util.module_from_spec(spec)
    package = spec.submodule_search_locations is not None
    loaded = False

    def run_module() -> None:
        nonlocal loaded
        with _lock:
            if not loaded:
                loaded = True
                del module.__getattr__
                spec.loader.exec_module(module)  # replaces the stand-ins with the real names

    def __getattr__(attr: str):  # PEP 562: only for attributes the module lacks
        if attr == "__path__" and not package:  # `from module import name` asks for it
            raise AttributeError(attr)
        with _lock:
            if not loaded and package and importlib.util.find_spec(f"{name}.{attr}") is not None:
                return importlib.import_module(f"{name}.{attr}")  # `from pkg import submodule`
            run_module()
        return getattr(module, attr)

    def stand_in(attr: str):
        def call(*args, **kwargs):
            run_module()
            return getattr(module, attr)(*args, **kwargs)

        return call

    module.__getattr__ = __getattr__
    for attr in _CALLED.get(name, ()):
        setattr(module, attr, stand_in(attr))
    sys.modules[name] = module
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)


def load() -> ModuleType:
    """`kubernetes.client` with ApiClient and Configuration, and `kubernetes.config` loaded."""
    with _lock:
        if "kubernetes" not in sys.modules:
            for name in _DEFERRED:
                _register_deferred(name)
        client = sys.modules["kubernetes.client"]
        if "ApiClient" not in vars(client):
            # kube_config.py does `from kubernetes.client import ApiClient, Configuration`:
            # give it those two without running the package's __init__.
            from kubernetes.client.api_client import ApiClient
            from kubernetes.client.configuration import Configuration

            client.ApiClient, client.Configuration = ApiClient, Configuration
        importlib.import_module("kubernetes.config")
        return client
