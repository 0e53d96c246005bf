# Debian packages unpacked into a cache, never installed: what reads them finds them there,
# and the machine is left as it was. Sourced by sandbox/node.sh (libseccomp for runc) and
# tests/shells.sh (zsh and fish for the completion tests); the caller defines die.

# The version apt would fetch of a Debian package (its lists are read once if missing).
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

# A version as a file name's part: 1:2.5.4-1~deb12u1 -> 1_2.5.4-1_deb12u1.
debian_key() { # package -> its version, as a file name's part
    local v; v="$(debian_version "$1")"
    echo "${v//[:~]/_}"
}

# The packages (the versions apt would fetch) unpacked together into `directory`, unless it
# is there already: the caller names it by the versions, so a new version is a new one.
debian_unpack() { # directory package...
    local dir="$1" tmp p deb; shift
    [ -d "$dir" ] && return 0
    tmp="$(mktemp -d)"
    for p in "$@"; do
        (cd "$tmp" && apt-get download "$p=$(debian_version "$p")" >/dev/null 2>&1) \
            || die "could not download the Debian package $p (apt-get download $p)"
    done
    mkdir -p "$dir.partial"
    for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$dir.partial"; done
    mv "$dir.partial" "$dir"
    rm -rf "$tmp"
}
