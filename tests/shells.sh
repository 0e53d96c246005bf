#!/usr/bin/env bash
# Prints a directory holding zsh and fish for the completion tests (tests/integration/
# test_completion.py), to put first on PATH: `make test` runs the suite with it. A shell the
# machine has is used as it is; a missing one is Debian's package unpacked into a cache
# outside the checkout (as sandbox/node.sh does for libseccomp), keyed by the package's
# version, never installed: the machine is left as it was.
set -euo pipefail

CACHE="${PODTUI_SHELLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/podtui-shells}"
die() { printf 'tests/shells.sh: %s\n' "$*" >&2; exit 1; }

# The version apt would fetch (its lists are read once if missing).
debian_version() {
    local v
    v="$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2 }')"
    if [ -z "$v" ] || [ "$v" = "(none)" ]; then
        apt-get update -q >/dev/null 2>&1 || true
        v="$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2 }')"
    fi
    [ -n "$v" ] && [ "$v" != "(none)" ] || die "apt knows no package $1 (apt-get update, then apt-cache policy $1)"
    echo "$v"
}

# Packages unpacked together into one directory named by their versions.
debian_unpacked() { # name package... -> directory
    local name="$1" key="" p v; shift
    for p in "$@"; do v="$(debian_version "$p")"; key="${key}_${p}-${v//[:~]/_}"; done
    local dir="$CACHE/$name$key"
    if [ ! -d "$dir" ]; then
        local tmp; tmp="$(mktemp -d)"
        for p in "$@"; do
            (cd "$tmp" && apt-get download "$p=$(debian_version "$p")" >/dev/null 2>&1) \
                || die "could not download the Debian package $p (apt-get download $p)"
        done
        mkdir -p "$dir.partial"
        for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$dir.partial"; done
        mv "$dir.partial" "$dir"
        rm -rf "$tmp"
    fi
    echo "$dir"
}

bin="$CACHE/bin"
mkdir -p "$bin"
if ! command -v zsh >/dev/null || [ "$(command -v zsh)" = "$bin/zsh" ]; then
    root="$(debian_unpacked zsh zsh zsh-common)"
    printf '#!/bin/sh\nexec %s/bin/zsh "$@"\n' "$root" > "$bin/zsh.new"
    chmod +x "$bin/zsh.new" && mv "$bin/zsh.new" "$bin/zsh"
fi
if ! command -v fish >/dev/null || [ "$(command -v fish)" = "$bin/fish" ]; then
    # fish finds its functions beside its executable (../share/fish); libpcre2-32 is its
    # one library a Debian base lacks.
    root="$(debian_unpacked fish fish fish-common libpcre2-32-0)"
    lib="$(dirname "$(find "$root" -name 'libpcre2-32.so.0' | head -n 1)")"
    printf '#!/bin/sh\nLD_LIBRARY_PATH=%s${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} exec %s/usr/bin/fish "$@"\n' \
        "$lib" "$root" > "$bin/fish.new"
    chmod +x "$bin/fish.new" && mv "$bin/fish.new" "$bin/fish"
fi
echo "$bin"
