#!/bin/bash
# Benchmarks `run --rm <busybox> true` on containerd shim v2 runtimes:
#
#   pod-shim driver  the shimv2 driver's create/start/wait/delete (go test -bench),
#                    per installed runc shim (Debian's 1.6 = task API v2, 2.2.1 = v3)
#   pod run          `pod run --rm --runtime io.containerd.runc.v2 --rootfs R true`,
#                    when $POD_BIN/pod (or pod on $PATH) supports shim runtimes
#   ctr run          `ctr run --rm --rootfs R` against a containerd daemon started
#                    here in a temporary root (when containerd and ctr are installed)
#
# Needs root. RUNS (default 20) sets the iterations. Uses hyperfine when present.
set -euo pipefail

RUNS=${RUNS:-20}
here=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/pod-shim-bench.XXXXXX)
ctrd_pid=""
cleanup() {
	if [ -n "$ctrd_pid" ]; then kill "$ctrd_pid" 2>/dev/null || true; wait "$ctrd_pid" 2>/dev/null || true; fi
	rmdir /run/containerd/runc/podbench 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || { echo "shim.sh: needs root" >&2; exit 1; }

rootfs=$tmp/rootfs
mkdir -p "$rootfs"/{bin,proc,dev,sys,tmp}
cp "$(command -v busybox)" "$rootfs/bin/busybox"
for a in sh true; do ln -s busybox "$rootfs/bin/$a"; done

echo "== pod-shim driver (create + start + wait exit file + delete), $RUNS runs"
for shim in /usr/bin/containerd-shim-runc-v2 /usr/local/lib/pod-test/shims/containerd-shim-runc-v2; do
	[ -x "$shim" ] || continue
	echo "-- $shim ($("$shim" -v | sed -n 's/.*Version: *//p'))"
	(cd "$here" && POD_BENCH_SHIM=$shim go test -run XXX -bench BenchmarkRunRmTrue -benchtime "${RUNS}x" ./pkg/ocirt/shimv2/ |
		grep Benchmark)
done

pod=${POD_BIN:+$POD_BIN/pod}
pod=${pod:-$(command -v pod || true)}
if [ -n "$pod" ] && "$pod" run --rm --runtime io.containerd.runc.v2 --rootfs "$rootfs" true 2>/dev/null; then
	echo "== pod run --rm --runtime io.containerd.runc.v2"
	if command -v hyperfine >/dev/null; then
		hyperfine -N -w 2 -r "$RUNS" "$pod run --rm --runtime io.containerd.runc.v2 --rootfs $rootfs true" \
			"$pod run --rm --rootfs $rootfs true"
	fi
else
	echo "== pod run: skipped (no pod binary with shim runtime support)"
fi

if command -v containerd >/dev/null && command -v ctr >/dev/null; then
	cat >"$tmp/containerd.toml" <<TOML
version = 2
root = "$tmp/ctrd/root"
state = "$tmp/ctrd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$tmp/ctrd/containerd.sock"
[ttrpc]
  address = "$tmp/ctrd/containerd.sock.ttrpc"
TOML
	mkdir -p "$tmp/ctrd"
	containerd --config "$tmp/containerd.toml" >"$tmp/containerd.log" 2>&1 &
	ctrd_pid=$!
	for _ in $(seq 50); do [ -S "$tmp/ctrd/containerd.sock" ] && break; sleep 0.1; done
	echo "== ctr run --rm (containerd $(containerd --version | awk '{print $3}'), daemon already running)"
	ctr="ctr -a $tmp/ctrd/containerd.sock -n podbench run --rm --fifo-dir $tmp/fifo --rootfs $rootfs bench /bin/true"
	if command -v hyperfine >/dev/null; then
		hyperfine -N -w 2 -r "$RUNS" "$ctr"
	else
		s=$(date +%s%N)
		for _ in $(seq "$RUNS"); do $ctr; done
		echo "mean $(( ($(date +%s%N) - s) / RUNS / 1000000 )) ms"
	fi
else
	echo "== ctr run: skipped (containerd or ctr not installed)"
fi
