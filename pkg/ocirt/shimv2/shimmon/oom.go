package shimmon

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// oomWatch tells whether the kernel OOM-killed something in a process's
// memory cgroup between create and exit, by comparing the cgroup's oom_kill
// counter (cgroup v1 memory.oom_control, v2 memory.events). Shims report
// OOM only as events to containerd, which pod does not run; the cgroup
// still exists when Wait returns (the runtime removes it at Delete).
type oomWatch struct {
	file   string
	before int
}

// watchOOM finds pid's memory cgroup; an empty watch when it has none.
func watchOOM(pid int) *oomWatch {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cgroup")
	if err != nil {
		return &oomWatch{}
	}
	file := oomFile(string(data), "/sys/fs/cgroup")
	w := &oomWatch{file: file}
	w.before = w.count()
	return w
}

// oomFile picks the oom counter file for a /proc/<pid>/cgroup content.
func oomFile(procCgroup, root string) string {
	unified := ""
	for _, l := range strings.Split(procCgroup, "\n") {
		parts := strings.SplitN(l, ":", 3)
		if len(parts) != 3 || strings.Contains(parts[2], "..") {
			continue
		}
		for _, c := range strings.Split(parts[1], ",") {
			if c == "memory" {
				return filepath.Join(root, "memory", parts[2], "memory.oom_control")
			}
		}
		if parts[0] == "0" && parts[1] == "" {
			unified = parts[2]
		}
	}
	if unified == "" {
		return ""
	}
	// cgroup v2 mounted at root (pure v2) or at root/unified (hybrid).
	for _, r := range []string{root, filepath.Join(root, "unified")} {
		p := filepath.Join(r, unified, "memory.events")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return filepath.Join(root, unified, "memory.events")
}

// count reads the oom_kill counter (-1 when unknown).
func (w *oomWatch) count() int {
	if w.file == "" {
		return -1
	}
	f, err := os.Open(w.file)
	if err != nil {
		return -1
	}
	defer f.Close()
	return parseOOMKill(bufio.NewScanner(f))
}

func parseOOMKill(sc *bufio.Scanner) int {
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "oom_kill "); ok {
			if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
				return n
			}
		}
	}
	return -1
}

// killed reports whether the counter grew since watchOOM.
func (w *oomWatch) killed() bool {
	n := w.count()
	return n > 0 && w.before >= 0 && n > w.before
}
