package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// proc is a process found by the env's token.
type proc struct {
	pid  int
	comm string
	cmd  string
}

func (p proc) String() string { return fmt.Sprintf("%d %s (%s)", p.pid, p.comm, excerpt(p.cmd)) }

// procs returns the live (non-zombie) processes that carry the env's token or
// name its base directory on their command line, the driver excluded.
func (e *podEnv) procs() []proc {
	ents, _ := os.ReadDir("/proc")
	self := os.Getpid()
	var out []proc
	for _, ent := range ents {
		pid, err := strconv.Atoi(ent.Name())
		if err != nil || pid == self {
			continue
		}
		dir := filepath.Join("/proc", ent.Name())
		stat, err := os.ReadFile(filepath.Join(dir, "stat"))
		if err != nil {
			continue
		}
		if i := bytes.LastIndexByte(stat, ')'); i > 0 && i+2 < len(stat) && (stat[i+2] == 'Z' || stat[i+2] == 'X') {
			continue
		}
		environ, _ := os.ReadFile(filepath.Join(dir, "environ"))
		cmdline, _ := os.ReadFile(filepath.Join(dir, "cmdline"))
		cmd := string(bytes.ReplaceAll(bytes.TrimRight(cmdline, "\x00"), []byte{0}, []byte{' '}))
		if !bytes.Contains(environ, []byte(e.tokenEnv()+"\x00")) && !strings.Contains(cmd, e.base+"/") {
			continue
		}
		comm, _ := os.ReadFile(filepath.Join(dir, "comm"))
		out = append(out, proc{pid: pid, comm: strings.TrimSpace(string(comm)), cmd: cmd})
	}
	return out
}

// procKind sorts a process of the env: the pod CLI (exit commands included),
// a monitor, a shim, or a container's own process.
func procKind(p proc) string {
	switch {
	case p.comm == "pod":
		return "pod"
	case p.comm == "pod-conmon" || p.comm == "pod-shim" || p.comm == "conmon":
		return "monitor"
	case strings.HasPrefix(p.comm, "containerd-shim"), strings.HasPrefix(p.comm, "runsc"), p.comm == "crun", p.comm == "runc":
		return "shim"
	}
	return "container"
}

// mounts returns the mount points under the env's base directory, excluding
// the tmpfs mounts the suite made itself (listed in own).
func (e *podEnv) mounts(own ...string) []string {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return []string{"reading mountinfo: " + err.Error()}
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		mp := unescapeMount(fields[4])
		if mp != e.base && !strings.HasPrefix(mp, e.base+"/") {
			continue
		}
		if contains(own, mp) {
			continue
		}
		out = append(out, mp)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// unescapeMount undoes mountinfo's octal escapes (\040 for a space...).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// files lists every path under the env's store, runroot and tmp dir,
// relative to base.
func (e *podEnv) files() map[string]bool {
	out := map[string]bool{}
	for _, top := range []string{e.root, e.runroot, e.tmpdir} {
		_ = filepath.WalkDir(top, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil //nolint:nilerr // a file removed while walking is not a leak
			}
			rel, _ := filepath.Rel(e.base, p)
			out[rel] = true
			return nil
		})
	}
	return out
}

// transient are files that come and go with any pod command and are not a
// container's leftovers: SQLite's WAL and shared-memory files exist while a
// process has the state database open, and crun's compiled seccomp filters
// are a cache bounded by pkg/ocirt/oci (a new crun binary adds an entry).
func transient(rel string) bool {
	return strings.HasSuffix(rel, "-wal") || strings.HasSuffix(rel, "-shm") || strings.HasSuffix(rel, "-journal") ||
		strings.Contains(rel, "/.pod-seccomp/")
}

// leaks counts what the env has left once every container was removed:
// containers, pod processes, monitors, shims, container processes, mounts
// and files that were not there in baseline.
type leaks struct {
	Containers   int `json:"containers"`
	PodProcesses int `json:"pod_processes"`
	Monitors     int `json:"monitors"`
	Shims        int `json:"shims"`
	CtrProcesses int `json:"container_processes"`
	Mounts       int `json:"mounts"`
	Files        int `json:"files"`
	// Network leftovers: namespaces left in the runroot (not counted as
	// files or mounts too), and, counted by the netns fault on its own
	// network, host veths on its bridge, firewall rules naming its
	// containers or subnet, and addresses its IPAM still holds.
	Netns         int `json:"netns"`
	Veths         int `json:"veths"`
	FirewallRules int `json:"firewall_rules"`
	IPAM          int `json:"ipam_addresses"`
	// KilledWriterTmp counts temp files of go.podman.io/storage's atomic
	// writes (".tmp-<name><random>") left by a pod SIGKILLed between the
	// write and the rename. Only the faults that kill pod set it; it is
	// reported, not counted in total (a storage library limitation).
	KilledWriterTmp int      `json:"killed_writer_tmp_files,omitempty"`
	Examples        []string `json:"examples,omitempty"`
	ContainerList   []string `json:"container_list,omitempty"`
}

func (l *leaks) total() int {
	return l.Containers + l.PodProcesses + l.Monitors + l.Shims + l.CtrProcesses + l.Mounts + l.Files +
		l.Netns + l.Veths + l.FirewallRules + l.IPAM
}

func (l *leaks) add(o *leaks) {
	l.Containers += o.Containers
	l.PodProcesses += o.PodProcesses
	l.Monitors += o.Monitors
	l.Shims += o.Shims
	l.CtrProcesses += o.CtrProcesses
	l.Mounts += o.Mounts
	l.Files += o.Files
	l.Netns += o.Netns
	l.Veths += o.Veths
	l.FirewallRules += o.FirewallRules
	l.IPAM += o.IPAM
	l.KilledWriterTmp += o.KilledWriterTmp
	l.Examples = append(l.Examples, o.Examples...)
	l.ContainerList = append(l.ContainerList, o.ContainerList...)
}

func (l *leaks) example(format string, args ...any) {
	if len(l.Examples) < 30 {
		l.Examples = append(l.Examples, fmt.Sprintf(format, args...))
	}
}

// checkLeaks counts the env's leftovers against baseline (the files after
// setup). Monitors of the last containers may still run their exit
// commands (held back about a second): it waits up to settle for pod
// processes and monitors to end first.
func (e *podEnv) checkLeaks(baseline map[string]bool, settle time.Duration, podKilled bool, ownMounts ...string) *leaks {
	l := &leaks{}
	deadline := time.Now().Add(settle)
	for time.Now().Before(deadline) {
		busy := false
		for _, p := range e.procs() {
			busy = busy || procKind(p) == "pod" || procKind(p) == "monitor"
		}
		if !busy {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if r := e.run("ps", "-a", "--format", "{{.ID}} {{.Names}} {{.Status}}"); r.code != 0 {
		l.Containers++
		l.example("ps -a failed: %s", r)
	} else if out := strings.TrimSpace(r.stdout); out != "" {
		for _, line := range strings.Split(out, "\n") {
			l.Containers++
			l.ContainerList = append(l.ContainerList, line)
		}
	}
	for _, p := range e.procs() {
		switch procKind(p) {
		case "pod":
			l.PodProcesses++
		case "monitor":
			l.Monitors++
		case "shim":
			l.Shims++
		default:
			l.CtrProcesses++
		}
		l.example("process left: %s", p)
	}
	netnsDir := filepath.Join(e.runroot, "pod", "netns")
	for _, m := range e.mounts(ownMounts...) {
		if strings.HasPrefix(m, netnsDir+"/") {
			continue // counted below
		}
		l.Mounts++
		l.example("mount left: %s", m)
	}
	if ents, err := os.ReadDir(netnsDir); err == nil {
		for _, ent := range ents {
			l.Netns++
			l.example("network namespace left: %s", filepath.Join(netnsDir, ent.Name()))
		}
	}
	netnsRel, _ := filepath.Rel(e.base, netnsDir)
	var extra []string
	for f := range e.files() {
		switch {
		case baseline[f] || transient(f), strings.HasPrefix(f, netnsRel+"/"):
		case podKilled && strings.HasPrefix(filepath.Base(f), ".tmp-"):
			l.KilledWriterTmp++
			l.example("temp file of a killed writer: %s", f)
		default:
			extra = append(extra, f)
		}
	}
	extra = append(extra, e.shimRuncState()...)
	sort.Strings(extra)
	l.Files = len(extra)
	for i, f := range extra {
		if i == 10 {
			l.example("... and %d more files", len(extra)-10)
			break
		}
		l.example("file left: %s", f)
	}
	return l
}

// purge kills what checkLeaks found left and unmounts it, so that the next
// fault starts clean and a leak is counted once.
func (e *podEnv) purge(ownMounts ...string) {
	for _, p := range e.procs() {
		_ = syscall.Kill(p.pid, syscall.SIGKILL)
	}
	ms := e.mounts(ownMounts...)
	for i := len(ms) - 1; i >= 0; i-- {
		_ = syscall.Unmount(ms[i], syscall.MNT_DETACH)
	}
	// Namespace files left (unmounted above), so they are counted once.
	netnsDir := filepath.Join(e.runroot, "pod", "netns")
	if ents, err := os.ReadDir(netnsDir); err == nil {
		for _, ent := range ents {
			_ = os.Remove(filepath.Join(netnsDir, ent.Name()))
		}
	}
}

// shimRuncState lists the runc state directories the runc shim keeps outside
// the runroot (/run/containerd/runc/<namespace>/<id>) for this env's
// containers: those whose state.json names a root file system under base.
func (e *podEnv) shimRuncState() []string {
	dirs, _ := filepath.Glob("/run/containerd/runc/*/*")
	var out []string
	for _, d := range dirs {
		data, err := os.ReadFile(filepath.Join(d, "state.json"))
		if err == nil && bytes.Contains(data, []byte(`"rootfs":"`+e.base+"/")) {
			out = append(out, d)
		}
	}
	return out
}
