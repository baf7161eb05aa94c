# test/bench/lib.sh — setup, teardown and helpers for run.sh (sourced).
# Everything lives under $W (a private mktemp directory): pod's and
# Podman's roots, the busybox rootfs and tarball, the raw runtime bundle.

say() { printf '%s\n' "$*"; }
section() { printf '\n=== %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }

# q WORD...: the words quoted for benchtool's shell-like splitter.
q() { printf '%q ' "$@"; }

# pod_g ROOTDIR: pod's global flags for a private root under ROOTDIR.
pod_g() { printf '%s ' --root "$1/root" --runroot "$1/run" --tmpdir "$1/tmp"; }

# podman_conf DIR: a containers.conf that Podman 4.3 can run with here (no
# CAP_SYS_RESOURCE: the default ulimits would fail) and with file locks in
# its own tmpdir instead of the host-wide /dev/shm/libpod_lock.
podman_conf() {
	mkdir -p "$1"
	cat >"$1/containers.conf" <<-'EOF'
	[containers]
	default_ulimits = ["nofile=20000:20000", "nproc=20000:20000"]
	[engine]
	lock_type = "file"
	EOF
}

# pm_g DIR: Podman's global flags for a private root under DIR.
pm_g() { printf '%s ' --root "$1/root" --runroot "$1/run" --tmpdir "$1/tmp"; }

# pm DIR ARGS...: run Podman on the private root under DIR.
pm() {
	local d=$1
	shift
	# shellcheck disable=SC2046
	CONTAINERS_CONF=$d/containers.conf podman $(pm_g "$d") "$@"
}

# pd DIR ARGS...: run pod on the private root under DIR.
pd() {
	local d=$1
	shift
	# shellcheck disable=SC2046
	"$POD" $(pod_g "$d") "$@"
}

# make_busybox: $W/busybox.tar and $W/rootfs (its extraction). Uses
# contrib/mkbusybox.sh when the checkout has it, so pod, Podman and the raw
# runtime all run the very files the image tests use.
make_busybox() {
	if [[ -x $TOP/contrib/mkbusybox.sh ]]; then
		"$TOP/contrib/mkbusybox.sh" -t -o "$W/busybox.tar" >/dev/null
	else
		local r=$W/mkrootfs
		mkdir -p "$r/bin" "$r/etc" "$r/dev" "$r/proc" "$r/sys" "$r/tmp" "$r/root" "$r/run"
		cp /bin/busybox "$r/bin/busybox"
		local a
		for a in sh true false echo cat sleep ls; do ln -s busybox "$r/bin/$a"; done
		printf 'root:x:0:0:root:/root:/bin/sh\n' >"$r/etc/passwd"
		printf 'root:x:0:\n' >"$r/etc/group"
		tar -C "$r" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$W/busybox.tar" .
		rm -rf "$r"
	fi
	mkdir -p "$W/rootfs" "$W/rootfs-podman"
	tar -C "$W/rootfs" -xf "$W/busybox.tar"
	# Podman's --rootfs writes mount points (etc/hosts, run/.containerenv)
	# into the tree: give it its own copy.
	tar -C "$W/rootfs-podman" -xf "$W/busybox.tar"
}

# pod_target: what `pod run` runs. Imports the tarball into pod's private
# root when pod has `import`, and switches to the image once
# `pod image exists localhost/busybox` and a run of it work; otherwise the
# rootfs. Sets POD_TARGET (words) and POD_MODE (image|rootfs).
pod_target() {
	POD_MODE=rootfs
	POD_TARGET="--rootfs $W/rootfs"
	if pd "$W/pod" import --help >/dev/null 2>&1; then
		pd "$W/pod" import --quiet "$W/busybox.tar" localhost/busybox >/dev/null 2>"$W/pod-import.err" || true
	fi
	if pd "$W/pod" image exists localhost/busybox >/dev/null 2>&1; then
		if pd "$W/pod" run --rm localhost/busybox true >/dev/null 2>"$W/pod-image-run.err"; then
			POD_MODE=image
			POD_TARGET=localhost/busybox
		else
			POD_MODE_WHY="pod has the image but cannot run it yet: $(tail -n1 "$W/pod-image-run.err")"
		fi
	else
		POD_MODE_WHY="pod cannot import/find images yet ($(pd "$W/pod" image exists localhost/busybox 2>&1 | head -n1))"
	fi
}

# podman_setup: private root with localhost/busybox imported from the same
# tarball. Sets HAVE_PODMAN.
podman_setup() {
	HAVE_PODMAN=
	have podman || return 0
	[[ ${BENCH_PODMAN:-1} == 0 ]] && return 0
	podman_conf "$W/podman"
	if pm "$W/podman" import --quiet "$W/busybox.tar" localhost/busybox >/dev/null 2>"$W/podman-import.err" &&
		pm "$W/podman" run --rm --network none localhost/busybox true >/dev/null 2>"$W/podman-run.err"; then
		HAVE_PODMAN=1
	else
		note "podman is installed but does not work here; skipping it:"
		sed 's/^/        /' "$W/podman-import.err" "$W/podman-run.err" | tail -n5
	fi
}

# raw_bundle: $W/bundle/config.json, the spec pod generated for a `true`
# container (its root pointed at $W/rootfs, its cgroup under podbench-$$),
# so the raw runtime does the same work pod asks of it. The container that
# produced it stays until teardown, because the spec may bind-mount files
# from its directories.
raw_bundle() {
	local id cfg
	id=$(pd "$W/pod" create --name bench-spec --network none $POD_TARGET true)
	pd "$W/pod" start "$id" >/dev/null
	pd "$W/pod" wait "$id" >/dev/null 2>&1 || true
	# The exit command's cleanup may still unmount the rootfs, which can
	# make find give up halfway: look again.
	for _ in 1 2 3 4 5; do
		cfg=$(find "$W/pod/root" -path "*$id*" -name config.json 2>/dev/null | head -n1)
		[[ -n $cfg ]] && break
		sleep 0.2
	done
	if [[ -z $cfg ]]; then
		note "cannot find the spec pod generated for $id; the raw runtime rows are skipped"
		return 1
	fi
	mkdir -p "$W/bundle" "$W/bundle-bpf"
	# bundle: the spec as the runtime gets it from any engine, so the raw
	# runtime compiles the seccomp profile itself. bundle-bpf: with the
	# filter pod cached and handed to crun (run.oci.seccomp_bpf_data).
	# pod makes the network namespace of --network none itself and removes
	# it with the container: the raw runtime gets a new one instead.
	jq --arg root "$W/rootfs" --arg cg "/podbench-$$/raw" \
		'.root.path = $root | .root.readonly = false | .linux.cgroupsPath = $cg | .process.terminal = false
		 | .linux.namespaces |= map(if .type == "network" then del(.path) else . end)' \
		"$cfg" >"$W/bundle-bpf/config.json"
	jq 'del(.annotations["run.oci.seccomp_bpf_data"])' "$W/bundle-bpf/config.json" >"$W/bundle/config.json"
}

# stray_processes: PIDs of processes whose command line mentions $W.
stray_processes() {
	local p
	for p in /proc/[0-9]*; do
		[[ ${p#/proc/} == "$$" || ${p#/proc/} == "$BASHPID" ]] && continue
		{ tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null | grep -qF "$W/" && echo "${p#/proc/}"
	done
}

# teardown: remove every container (pod, Podman, raw runtimes), every
# mount, stray monitor and cgroup we made, then $W itself.
teardown() {
	local rc=$? d pids
	trap - EXIT INT TERM
	[[ -n ${W:-} && -d $W ]] || exit "$rc"
	declare -F rootless_teardown >/dev/null && rootless_teardown
	for d in "$W"/pod "$W"/ps-pod "$W"/many-pod; do
		[[ -d $d/root ]] && pd "$d" rm -af -t 0 >/dev/null 2>&1
	done
	if have podman; then
		for d in "$W"/podman "$W"/ps-podman "$W"/many-podman; do
			[[ -f $d/containers.conf && -d $d/root ]] || continue
			pm "$d" rm -af -t 0 >/dev/null 2>&1
			pm "$d" system reset -f >/dev/null 2>&1
		done
	fi
	for r in crun runc runsc; do
		[[ -d $W/rt-$r ]] || continue
		for id in $("$r" --root "$W/rt-$r" list -q 2>/dev/null); do
			"$r" --root "$W/rt-$r" delete -f "$id" >/dev/null 2>&1
		done
	done
	pids=$(stray_processes)
	if [[ -n $pids ]]; then
		say "teardown: killing stray processes $(echo $pids)" >&2
		# shellcheck disable=SC2086
		kill -KILL $pids 2>/dev/null
		sleep 0.5
	fi
	grep -F " $W/" /proc/self/mounts | awk '{print $2}' | sort -r | while read -r m; do
		umount -l "$m" 2>/dev/null
	done
	rmdir /sys/fs/cgroup/*/podbench-$$/* /sys/fs/cgroup/*/podbench-$$ 2>/dev/null
	# profile.sh's perf record mounts tracefs when the host had not.
	if [[ ${TRACEFS_WAS_MOUNTED-unset} == "" ]] && grep -q ' /sys/kernel/tracing tracefs ' /proc/self/mounts; then
		umount /sys/kernel/tracing 2>/dev/null
	fi
	rm -rf "$W"
	exit "$rc"
}

# load_line: the load averages, for the record.
load_line() { cut -d' ' -f1-3 /proc/loadavg; }
