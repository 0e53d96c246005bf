"""The floor of a whole pod list: every page fetched as raw bytes, nothing decoded.

Run as its own process, the way podtui runs: Python starts, the official client's
kubeconfig loader and transport load (podtui.cluster.connection.connect, the same code
podtui uses), then the pages of the list are fetched one after the other over one
connection (podtui/cluster/transport.py), with podtui's own page sizes, and thrown away
after counting their bytes. podtui cannot show the whole list sooner than this process
has it: what podtui takes beyond it is decoding, summarising, sorting and drawing.

    .venv/bin/python bench/floor.py NAMESPACE      # or -A for every namespace

prints one JSON line: when the last byte came (`done`), the fetch alone (`fetch_s`), the
pages, the bytes as the server sent them (`bytes`), the process's user+system CPU.
`measure(namespace)` runs it and adds `whole_list_s`: process creation -> the last byte.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

STARTED = time.time()  # before the imports below, as podtui's start includes its own


def _fetch_all(namespace: str | None) -> dict:
    from podtui.cluster import pods
    from podtui.cluster.connection import CONNECT_TIMEOUT, connect
    from podtui.cluster.list_pages import continue_token

    conn = connect(namespace=namespace)
    path = pods._path("pods", namespace)
    ready = time.time()
    token, asked, pages, size = "", 0, 0, 0
    while True:
        # podtui's own steps: a small first page, then bigger ones (pods.PodWatcher._list).
        limit = (pods.BIG_PAGE_SIZE if asked >= pods.BIG_AFTER else pods.NEXT_PAGE_SIZE) \
            if token else pods.PAGE_SIZE
        asked += limit
        query = [("limit", limit)] + ([("continue", token)] if token else [])
        response = conn.request("GET", path, query, timeout=(CONNECT_TIMEOUT, 120))
        try:
            page = response.data
        finally:
            response.release_conn()
        pages += 1
        size += len(page)
        token = continue_token(page)  # reads the page's head only
        if not token:
            break
    done = time.time()
    usage = os.times()
    return {"done": done, "client_ready_s": ready - STARTED, "fetch_s": done - ready,
            "pages": pages, "bytes": size, "cpu_s": usage.user + usage.system}


def measure(namespace: str | None, env: dict[str, str] | None = None) -> dict:
    """One floor run in a fresh process (KUBECONFIG from `env`, else the sandbox's)."""
    from common import KUBECONFIG, PYTHON, ROOT, compile_bytecode

    compile_bytecode()  # it imports podtui's connection, as an installed podtui has it
    argv = [PYTHON, str(ROOT / "bench" / "floor.py"), namespace or "-A"]
    started = time.time()
    out = subprocess.run(argv, capture_output=True, text=True, timeout=600,
                         env={**os.environ, "KUBECONFIG": str(KUBECONFIG), **(env or {})})
    if out.returncode:
        raise RuntimeError(f"bench/floor.py exited {out.returncode}: {out.stderr[-300:]}")
    got = json.loads(out.stdout.strip().splitlines()[-1])
    # From before the process was created, as podtui's runs are timed (bench/realproc.py).
    got["whole_list_s"] = got.pop("done") - started
    return got


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else "-A"
    result = _fetch_all(None if target in ("-A", "--all-namespaces") else target)
    print(json.dumps(result))
