#!/usr/bin/env bash
# Prints a directory holding zsh and fish for the completion tests (tests/integration/
# test_completion.py), to put first on PATH: `make test` runs the suite with it. A shell the
# machine has is used as it is; a missing one is Debian's package unpacked into a cache
# outside the checkout by sandbox/debian.sh (as sandbox/node.sh unpacks libseccomp), keyed
# by the package's version, never installed: the machine is left as it was.
set -euo pipefail

CACHE="${PODTUI_SHELLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/podtui-shells}"
die() { printf 'tests/shells.sh: %s\n' "$*" >&2; exit 1; }

# shellcheck source=../sandbox/debian.sh
. "$(dirname "${BASH_SOURCE[0]}")/../sandbox/debian.sh"

# Packages unpacked together into one directory named by their versions.
debian_unpacked() { # name package... -> directory
    local name="$1" key="" p; shift
    for p in "$@"; do key="${key}_${p}-$(debian_key "$p")"; done
    debian_unpack "$CACHE/$name$key" "$@"
    echo "$CACHE/$name$key"
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
