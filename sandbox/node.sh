# The sandbox's real node: a kubelet, containerd with runc, and the CNI bridge plugin.
# Sourced by sandbox/sandbox (it uses STATE, CACHE, HERE, API_PORT, log, die, sign, start).
#
# Pods scheduled here really run: their containers are processes in their own namespaces
# and cgroups, on a bridge with no NAT and no route off the machine; their images come
# from images.py through registry.py on loopback (nothing is ever pulled from outside).

KUBELET_PORT="${PODTUI_SANDBOX_KUBELET_PORT:-$((API_PORT - 6193))}"   # 10250 for 16443
REGISTRY_PORT="${PODTUI_SANDBOX_REGISTRY_PORT:-$((API_PORT - 6195))}" # 10248 for 16443
NODE_NAME=localhost          # the API server reaches the kubelet by this name (see below)
# Per instance, so that a second sandbox beside the first gets its own.
BRIDGE="podtui$API_PORT"
# One /24 per API port (the port's two bytes), so two instances' bridges never overlap.
POD_SUBNET="10.$((64 + (API_PORT >> 8) % 192)).$((API_PORT & 255)).0/24"
CGROUP="podtui-$API_PORT"    # the kubelet's cgroupRoot; the sandbox's processes in CGROUP/sandbox
PAUSE_IMAGE="registry.k8s.io/pause:3.10.1"

node_bin_dir() {
    local key
    key="$(cat "$HERE"/node/*/go.mod "$HERE"/node/*/go.sum <(go version) <(debian_version libseccomp-dev) \
        <(declare -f cmd_build_node libseccomp_pc) | sha256sum | cut -c1-16)"
    echo "$CACHE/node-$key"
}

# shellcheck source=debian.sh
. "$HERE/debian.sh"

# A Debian package unpacked into the cache, not installed: the build reads it.
debian_unpacked() { # package -> directory
    local dir; dir="$CACHE/deb/$1_$(debian_key "$1")"
    debian_unpack "$dir" "$1"
    echo "$dir"
}

# runc's seccomp support (RuntimeDefault profiles, which containerd also gives every pod
# sandbox) links libseccomp: statically, from Debian's libseccomp-dev unpacked in the cache.
libseccomp_pc() { # unpacked-dir pc-dir
    mkdir -p "$2"
    printf 'Name: libseccomp\nDescription: libseccomp (unpacked)\nVersion: 2.5\nCflags: -I%s\nLibs: %s\n' \
        "$1/usr/include" "$(find "$1" -name libseccomp.a | head -n 1)" > "$2/libseccomp.pc"
}

node_bins_present() {
    local b
    for b in containerd containerd-shim-runc-v2 ctr runc cni/bridge cni/host-local cni/loopback cni/portmap; do
        [ -x "$1/$b" ] || return 1
    done
}

module_version() { (cd "$HERE/node/$1" && go list -m -f '{{.Version}}' "$2"); }

# containerd, its runc shim and ctr without cgo (as its static release is built); runc with
# cgo (its nsenter is C) and seccomp; the CNI plugins as their release script builds them.
cmd_build_node() {
    local out; out="$(node_bin_dir)"
    if node_bins_present "$out"; then log "node binaries cached in $out"; return 0; fi
    command -v gcc >/dev/null || die "gcc is not installed (runc is built with cgo)"
    local start=$SECONDS tmp="$out.partial" v
    rm -rf "$tmp"; mkdir -p "$tmp/cni"
    v="$(module_version containerd github.com/containerd/containerd/v2)"
    log "building containerd $v (first time: ~5 min on 2 cores)"
    local cv="-X github.com/containerd/containerd/v2/version.Version=$v -X github.com/containerd/containerd/v2/version.Package=github.com/containerd/containerd"
    (cd "$HERE/node/containerd" && CGO_ENABLED=0 go build -trimpath \
        -tags "urfave_cli_no_docs no_btrfs no_devmapper no_zfs" -ldflags "-s -w $cv" -o "$tmp/" \
        github.com/containerd/containerd/v2/cmd/containerd github.com/containerd/containerd/v2/cmd/ctr \
        && CGO_ENABLED=0 go build -trimpath -tags "urfave_cli_no_docs no_grpc" -ldflags "-s -w $cv" \
        -o "$tmp/" github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2)
    v="$(module_version runc github.com/opencontainers/runc)"
    log "building runc $v"
    libseccomp_pc "$(debian_unpacked libseccomp-dev)" "$tmp/pkgconfig"
    (cd "$HERE/node/runc" && CGO_ENABLED=1 PKG_CONFIG_PATH="$tmp/pkgconfig" go build -trimpath \
        -tags "seccomp urfave_cli_no_docs" -ldflags "-s -w -X main.version=${v#v}" \
        -o "$tmp/runc" github.com/opencontainers/runc)
    rm -rf "$tmp/pkgconfig"
    v="$(module_version cni github.com/containernetworking/plugins)"
    log "building CNI plugins $v"
    (cd "$HERE/node/cni" && CGO_ENABLED=0 go build -trimpath \
        -ldflags "-s -w -X github.com/containernetworking/plugins/pkg/utils/buildversion.BuildVersion=$v" \
        -o "$tmp/cni/" github.com/containernetworking/plugins/plugins/main/bridge \
        github.com/containernetworking/plugins/plugins/main/loopback \
        github.com/containernetworking/plugins/plugins/ipam/host-local \
        github.com/containernetworking/plugins/plugins/meta/portmap)
    rm -rf "$out"; mv "$tmp" "$out"
    log "built the node's binaries in $((SECONDS - start)) s into $out"
}

images_dir() { echo "$CACHE/images-$(python3 "$HERE/images.py" key)"; }

cmd_build_images() {
    local out; out="$(images_dir)"
    [ -f "$out/images.txt" ] && return 0
    log "building the images (busybox, node, nginx, httpd, pause) into $out"
    python3 "$HERE/images.py" build "$out" || die "could not build the images (sandbox/images.py)"
}

# One line naming what this machine lacks to run containers, before anything starts.
check_node_host() {
    [ "$(id -u)" = 0 ] || die "the real node needs root (kubelet, containerd and runc run as root)"
    grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null \
        || die "the kernel has no overlay filesystem (containerd's overlayfs snapshotter needs it)"
    local c
    for c in cpu memory pids freezer devices cpuset; do
        [ -d "/sys/fs/cgroup/$c" ] && [ -w "/sys/fs/cgroup/$c" ] && continue
        if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
            die "this machine mounts cgroup v2 only; the sandbox's node is configured for cgroup v1 (hybrid): see docs/sandbox.md"
        fi
        die "no writable cgroup v1 '$c' hierarchy at /sys/fs/cgroup/$c (the kubelet needs it)"
    done
    command -v ip >/dev/null || die "iproute2's 'ip' is missing (the pods' bridge is made with it)"
    # The kubelet's deepest socket (pod-resources/<10 digits>) must fit a socket path's 107 bytes.
    [ ${#STATE} -le 64 ] || die "PODTUI_SANDBOX_DIR is too long for the kubelet's sockets (${#STATE} > 64 characters): $STATE"
    log "cgroup v1 (hybrid) here: kubelet failCgroupV1=false, cgroupDriver=cgroupfs; runc SystemdCgroup=false"
    command -v mount >/dev/null || die "'mount' is missing (the kubelet mounts pod volumes)"
}

# Every cgroup v1 hierarchy, by its directory under /sys/fs/cgroup.
cgroup_hierarchies() {
    awk '$3 == "cgroup" { print $2 }' /proc/self/mounts
}

# The kubelet's cgroupRoot must exist in every hierarchy; the sandbox's own processes join
# CGROUP/sandbox, so `down` finds every process it started (containers included: they live
# in CGROUP/kubepods) and no other.
make_cgroups() {
    local h
    for h in $(cgroup_hierarchies); do
        mkdir -p "$h/$CGROUP/sandbox"
        if [ -f "$h/cpuset.cpus" ]; then  # a new cpuset is empty: give it the parent's
            cat "$h/cpuset.cpus" > "$h/$CGROUP/cpuset.cpus"; cat "$h/cpuset.mems" > "$h/$CGROUP/cpuset.mems"
            cat "$h/cpuset.cpus" > "$h/$CGROUP/sandbox/cpuset.cpus"; cat "$h/cpuset.mems" > "$h/$CGROUP/sandbox/cpuset.mems"
        fi
    done
}

# Kill every process in the sandbox's cgroups: the freezer holds them still (no exit, so no
# reused number, and no fork) between reading their numbers and signalling them.
kill_cgroup_tree() {
    local freezer="/sys/fs/cgroup/freezer/$CGROUP" pids="/sys/fs/cgroup/pids/$CGROUP" deadline
    [ -d "$pids" ] || return 0
    if [ -d "$freezer" ]; then echo FROZEN > "$freezer/freezer.state"; fi
    deadline=$((SECONDS + 5))
    while [ -d "$freezer" ] && ! grep -q FROZEN "$freezer/freezer.state" && [ $SECONDS -lt $deadline ]; do
        sleep 0.05
    done
    find "$pids" -name cgroup.procs -exec cat {} + 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
    if [ -d "$freezer" ]; then echo THAWED > "$freezer/freezer.state"; fi
    deadline=$((SECONDS + 10))
    while [ -n "$(find "$pids" -name cgroup.procs -exec cat {} + 2>/dev/null)" ]; do
        [ $SECONDS -lt $deadline ] || { log "processes still in $pids after 10 s"; break; }
        sleep 0.05
    done
}

remove_cgroups() {
    local h  # runc also makes the containers' cgroups in the hybrid's unified (v2) hierarchy
    for h in $(cgroup_hierarchies) $(awk '$3 == "cgroup2" { print $2 }' /proc/self/mounts); do
        if [ -d "$h/$CGROUP" ]; then find "$h/$CGROUP" -depth -type d -exec rmdir {} + || true; fi
    done
    return 0
}

# Mounts the kubelet and containerd made under STATE (volumes, rootfs, /dev/shm, netns), the
# deepest first.
unmount_state() {
    local m
    awk -v under="$STATE/" 'index($5, under) == 1 { print $5 }' /proc/self/mountinfo | sort -r \
        | while read -r m; do
            umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "could not unmount $m"
        done
}

node_down() {
    unmount_state
    if ip link show "$BRIDGE" >/dev/null 2>&1; then ip link delete "$BRIDGE"; fi
    rm -rf /var/lib/cni/results/"podtui-$API_PORT"-*
    remove_cgroups
}

gen_node_certs() {
    sign kubelet-serving "/CN=$NODE_NAME" "subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth"
    sign kubelet-client "/O=system:nodes/CN=system:node:$NODE_NAME" "extendedKeyUsage=clientAuth"
    chmod 600 "$STATE/pki"/*.key
}

write_node_configs() {
    local n="$STATE/node" nbin="$1"
    mkdir -p "$n/certs.d/_default" "$n/net.d" "$n/kubelet" "$n/pod-logs" "$n/containerd" \
        "$n/manifests"
    # Every registry is the sandbox's own (registry.py): a pull never leaves the machine.
    cat > "$n/certs.d/_default/hosts.toml" <<EOF
server = "http://127.0.0.1:$REGISTRY_PORT"

[host."http://127.0.0.1:$REGISTRY_PORT"]
  capabilities = ["pull", "resolve"]
EOF
    cat > "$n/containerd.toml" <<EOF
version = 3
root = "$n/containerd/root"
state = "$n/containerd/state"

[grpc]
  address = "$n/containerd.sock"

[plugins."io.containerd.grpc.v1.cri"]
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"

[plugins."io.containerd.cri.v1.runtime"]
  # Root lacks CAP_SYS_RESOURCE here: a negative oom_score_adj cannot be set.
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  enable_selinux = false
  disable_apparmor = true
  [plugins."io.containerd.cri.v1.runtime".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
        BinaryName = "$nbin/runc"
        SystemdCgroup = false
  [plugins."io.containerd.cri.v1.runtime".cni]
    bin_dirs = ["$nbin/cni"]
    conf_dir = "$n/net.d"

[plugins."io.containerd.cri.v1.images"]
  snapshotter = "overlayfs"
  [plugins."io.containerd.cri.v1.images".pinned_images]
    sandbox = "$PAUSE_IMAGE"
  [plugins."io.containerd.cri.v1.images".registry]
    config_path = "$n/certs.d"
EOF
    # A bridge with the gateway address on this machine (the kubelet's probes reach the pods)
    # and no default route in the pods: nothing they send can leave the bridge.
    cat > "$n/net.d/10-podtui.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "podtui-$API_PORT",
  "plugins": [
    {"type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": false,
     "hairpinMode": true,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": "$POD_SUBNET"}]], "routes": [],
              "dataDir": "$n/ipam"}}
  ]
}
EOF
    local p="$STATE/pki"
    cat > "$n/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 127.0.0.1
port: $KUBELET_PORT
readOnlyPort: 0
healthzPort: 0
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: "$p/ca.crt"}
authorization: {mode: Webhook}
tlsCertFile: "$p/kubelet-serving.crt"
tlsPrivateKeyFile: "$p/kubelet-serving.key"
containerRuntimeEndpoint: "unix://$n/containerd.sock"
# cgroup v1 (hybrid) here: the kubelet refuses to start on it unless told.
failCgroupV1: false
cgroupDriver: cgroupfs
cgroupRoot: "/$CGROUP"
failSwapOn: false
podLogsDir: "$n/pod-logs"
# No DNS: pods have no route off the bridge, so there is nothing to resolve.
resolvConf: ""
maxPods: 250
serializeImagePulls: false
# The images are the sandbox's own: never collected, whatever the disk holds.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
nodeStatusUpdateFrequency: 4s
shutdownGracePeriod: 0s
# Static pods, as a kubeadm node's /etc/kubernetes/manifests (for the static-pod drill);
# the directory is watched, and read every 5 s too.
staticPodPath: "$n/manifests"
fileCheckFrequency: 5s
EOF
    kubeconfig "$n/kubelet.kubeconfig" "system:node:$NODE_NAME" cert kubelet-client kubelet
}

# Each image is pulled once at `up` from the sandbox's registry, as a kubelet would pull it:
# the first pod starts at once, and images keep their registry digest (a container's
# imageID is docker.io/library/busybox@sha256:..., as on any cluster). Pinned: never collected.
pull_images() {
    local imgs="$1" nbin="$2" ref archive digest
    local ctr=("$nbin/ctr" --address "$STATE/node/containerd.sock" -n k8s.io)
    while IFS=$'\t' read -r ref archive; do
        [ -n "$ref" ] || continue
        "${ctr[@]}" images pull --hosts-dir "$STATE/node/certs.d" "$ref" >/dev/null 2>&1 \
            || die "could not pull $ref from the sandbox's registry (see $STATE/logs/registry.log)"
        # The CRI plugin names a pulled image by its digest too (what imageID reports);
        # ctr's pull names it by tag only.
        # ctr warns on every call that cgroup v1 is deprecated (docs/sandbox.md says so once).
        digest="$("${ctr[@]}" images ls "name==$ref" 2> >(grep -v DEPRECATION >&2) | awk 'NR == 2 { print $3 }')"
        "${ctr[@]}" images tag --force "$ref" "${ref%:*}@$digest" >/dev/null 2> >(grep -v DEPRECATION >&2)
        "${ctr[@]}" images label "$ref" io.cri-containerd.pinned=pinned >/dev/null 2> >(grep -v DEPRECATION >&2)
    done < "$imgs/images.txt"
}

node_ready() {
    kube GET "/api/v1/nodes/$NODE_NAME" | python3 -c '
import json, sys
node = json.load(sys.stdin)
sys.exit(0 if any(c["type"] == "Ready" and c["status"] == "True"
                  for c in node.get("status", {}).get("conditions", [])) else 1)'
}

start_node() {
    local nbin imgs
    nbin="$(node_bin_dir)"; imgs="$(images_dir)"
    gen_node_certs
    write_node_configs "$nbin"
    start registry python3 "$HERE/registry.py" "$imgs" "$REGISTRY_PORT"
    # containerd finds its shim by name on PATH.
    start containerd env "PATH=$nbin:$PATH" "$nbin/containerd" --config "$STATE/node/containerd.toml"
    wait_for containerd 30 "$nbin/ctr" --address "$STATE/node/containerd.sock" version
    wait_for registry 10 curl -sf "http://127.0.0.1:$REGISTRY_PORT/v2/"
    pull_images "$imgs" "$nbin"
    # The kubelet refuses a loopback node IP, so the node is named localhost: the API server
    # prefers the Hostname address and reaches the kubelet at localhost:KUBELET_PORT.
    start kubelet env "PATH=$nbin:$PATH" "$BIN/kubelet" --config="$STATE/node/kubelet.yaml" \
        --kubeconfig="$STATE/node/kubelet.kubeconfig" --hostname-override="$NODE_NAME" \
        --root-dir="$STATE/node/kubelet" --node-labels=sandbox.podtui.dev/node=real
    wait_for "the real node (kubelet)" 90 node_ready
    # The API server proxies to no loopback address, so the kubelet's configz cannot be read
    # through it here: the node says where its static pod manifests are, and where drills
    # keep hostPath volumes (under the state directory; podtui.drills.attempts.node_facts).
    kube PATCH "/api/v1/nodes/$NODE_NAME" "{\"metadata\":{\"annotations\":{\"podtui.dev/static-pod-path\":\"$STATE/node/manifests\",\"podtui.dev/data-path\":\"$STATE/node/drill-data\"}}}" >/dev/null \
        || die "could not annotate node $NODE_NAME"
}
