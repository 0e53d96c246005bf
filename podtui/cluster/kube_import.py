"""Import the parts of the official `kubernetes` client podtui uses, not the whole package.

`import kubernetes` runs the package's `__init__`, which imports every API and model class
(~700 modules: 0.5-1.0 s on the bench machine, against 0.23-0.36 s for what podtui uses),
though podtui only needs `ApiClient.call_api` (raw JSON) and the kubeconfig loader. So the
packages `kubernetes`, `kubernetes.client` and `kubernetes.client.models` are registered
without running their `__init__`: their submodules import alone, and the first other
attribute asked of such a package runs the real `__init__` (tests and `Connection.core`
still get the whole client, just later). The same holds for `kubernetes.utils`, for what
the kubeconfig loader imports for two auth-providers only (google-auth's requests
transport for gcp; oauthlib and requests-oauthlib for oidc) and for what the client's
ApiClient imports for typed answers only (pydantic, dateutil's parser, multiprocessing's
pool). A name the client takes from one of them is a stand-in that loads it when used.
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
             "dateutil.parser", "multiprocessing.pool",
             # Client 37's ApiClient names pydantic's SecretStr (an isinstance test when it
             # serialises a body) and ApiResponse (a pydantic model, for typed answers):
             # pydantic's import is ~65 ms of CPU at every start, and podtui's raw JSON
             # calls never need it.
             "pydantic", "kubernetes.client.api_response")
#: What the client takes by name from a deferred module: stand-ins that load it when used.
_NAMED = {"requests_oauthlib": ("OAuth2Session",), "dateutil.parser": ("parse",),
          "multiprocessing.pool": ("ThreadPool",), "pydantic": ("SecretStr",),
          "kubernetes.client.api_response": ("ApiResponse", "T")}
_lock = threading.RLock()


class _StandIn(type):
    """The class of a stand-in for a name of a deferred module: calling it loads the module
    and calls the real one; `isinstance(x, it)` is False while the module is not loaded (no
    instance of the real class can exist yet); `it[T]` is itself (annotations)."""

    def __call__(cls, *args, **kwargs):
        return cls._real()(*args, **kwargs)

    def __instancecheck__(cls, obj) -> bool:
        real = cls._loaded()
        return real is not None and isinstance(obj, real)

    def __getitem__(cls, item):
        return cls


def _register_deferred(name: str) -> None:
    if name in sys.modules:  # already imported (by the caller, a test, another library)
        return
    try:
        spec = importlib.util.find_spec(name)
    except ModuleNotFoundError:  # its parent is missing: google-auth is optional from client 35
        return
    if spec is None:
        return
    module = importlib.util.module_from_spec(spec)
    package = spec.submodule_search_locations is not None
    loaded = False
    named = _NAMED.get(name, ())

    def run_module() -> None:
        nonlocal loaded
        with _lock:
            if not loaded:
                loaded = True
                del module.__getattr__
                for attr in named:  # the real module's own (or its own lazy __getattr__'s)
                    delattr(module, attr)
                spec.loader.exec_module(module)

    def __getattr__(attr: str):  # PEP 562: only for attributes the module lacks
        if attr == "__path__" and not package:  # `from module import name` asks for it
            raise AttributeError(attr)
        with _lock:
            if not loaded and package and importlib.util.find_spec(f"{name}.{attr}") is not None:
                return importlib.import_module(f"{name}.{attr}")  # `from pkg import submodule`
            run_module()
        return getattr(module, attr)

    def stand_in(attr: str) -> type:
        def real(_cls):
            run_module()
            return getattr(module, attr)

        def if_loaded(_cls):
            with _lock:  # not while another thread runs the module
                return getattr(module, attr) if loaded else None

        return _StandIn(attr, (), {"_real": classmethod(real), "_loaded": classmethod(if_loaded),
                                   "__module__": name})

    module.__getattr__ = __getattr__
    for attr in named:
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
