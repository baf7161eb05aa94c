// Package cgstats reads the resource usage of one cgroup: CPU time, memory,
// block I/O and the number of processes, from cgroup v2's unified files or
// cgroup v1's per-controller hierarchies (cpuacct, memory, blkio, pids), as
// `podman stats` reports them. It only reads files; it never changes a
// cgroup.
package cgstats

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Root is where cgroup hierarchies are mounted.
const Root = "/sys/fs/cgroup"

// Stats is one reading of a cgroup.
type Stats struct {
	CPUNano    uint64 // CPU time used by every process of the cgroup, in ns
	MemUsage   uint64 // memory in use, without the inactive page cache
	MemLimit   uint64 // the cgroup's memory limit (0: none)
	BlockRead  uint64 // bytes read from block devices
	BlockWrite uint64 // bytes written to block devices
	PIDs       uint64 // processes (and threads) in the cgroup
}

// ErrNoCgroup is returned when the cgroup does not exist (the container
// has no processes, or its runtime keeps them elsewhere).
var ErrNoCgroup = errors.New("cgroup not found")

// Unified reports whether the host runs cgroup v2 only.
func Unified(root string) bool {
	_, err := os.Stat(filepath.Join(root, "cgroup.controllers"))
	return err == nil
}

// RelPath turns an OCI spec's cgroupsPath into a path under the
// hierarchy root: "/a/b" as is, systemd's "parent.slice:prefix:name" into
// "parent.slice/prefix-name.scope" (with the slice's parents expanded).
func RelPath(cgroupsPath string) string {
	parts := strings.Split(cgroupsPath, ":")
	if len(parts) != 3 {
		return filepath.Clean("/" + cgroupsPath)
	}
	slice, prefix, name := parts[0], parts[1], parts[2]
	if slice == "" {
		slice = "system.slice"
	}
	dir := "/"
	if slice != "-.slice" {
		base := strings.TrimSuffix(slice, ".slice")
		acc := ""
		for _, comp := range strings.Split(base, "-") {
			if acc == "" {
				acc = comp
			} else {
				acc += "-" + comp
			}
			dir = filepath.Join(dir, acc+".slice")
		}
	}
	scope := name + ".scope"
	if prefix != "" {
		scope = prefix + "-" + scope
	}
	return filepath.Join(dir, scope)
}

// Read reads the stats of the cgroup at cgroupsPath (as in an OCI spec)
// below root (normally Root).
func Read(root, cgroupsPath string) (*Stats, error) {
	rel := RelPath(cgroupsPath)
	if Unified(root) {
		return readV2(filepath.Join(root, rel))
	}
	return readV1(root, rel)
}

func readV2(dir string) (*Stats, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("%s: %w", dir, ErrNoCgroup)
	}
	s := &Stats{}
	cpu, _ := keyValues(filepath.Join(dir, "cpu.stat"))
	s.CPUNano = cpu["usage_usec"] * 1000
	s.MemUsage, _ = readUint(filepath.Join(dir, "memory.current"))
	mem, _ := keyValues(filepath.Join(dir, "memory.stat"))
	s.MemUsage = minus(s.MemUsage, mem["inactive_file"])
	s.MemLimit, _ = readUint(filepath.Join(dir, "memory.max"))
	s.BlockRead, s.BlockWrite = ioStatV2(filepath.Join(dir, "io.stat"))
	s.PIDs, _ = readUint(filepath.Join(dir, "pids.current"))
	return s, nil
}

func readV1(root, rel string) (*Stats, error) {
	s := &Stats{}
	found := false
	at := func(controller, file string) string { return filepath.Join(root, controller, rel, file) }
	if v, err := readUint(at("cpuacct", "cpuacct.usage")); err == nil {
		s.CPUNano, found = v, true
	} else if v, err := readUint(at("cpu,cpuacct", "cpuacct.usage")); err == nil {
		s.CPUNano, found = v, true
	}
	if v, err := readUint(at("memory", "memory.usage_in_bytes")); err == nil {
		found = true
		mem, _ := keyValues(at("memory", "memory.stat"))
		s.MemUsage = minus(v, mem["total_inactive_file"])
		s.MemLimit, _ = readUint(at("memory", "memory.limit_in_bytes"))
	}
	for _, f := range []string{"blkio.throttle.io_service_bytes_recursive", "blkio.throttle.io_service_bytes", "blkio.io_service_bytes_recursive"} {
		if r, w, ok := blkioV1(at("blkio", f)); ok {
			s.BlockRead, s.BlockWrite = r, w
			if r+w > 0 {
				break
			}
		}
	}
	if v, err := readUint(at("pids", "pids.current")); err == nil {
		s.PIDs, found = v, true
	}
	if !found {
		return nil, fmt.Errorf("%s: %w", rel, ErrNoCgroup)
	}
	return s, nil
}

func minus(a, b uint64) uint64 {
	if b > a {
		return a
	}
	return a - b
}

// readUint reads a file holding one number ("max" reads as 0: no limit).
func readUint(path string) (uint64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	v := strings.TrimSpace(string(b))
	if v == "max" {
		return 0, nil
	}
	return strconv.ParseUint(v, 10, 64)
}

// keyValues reads "key value" lines (cpu.stat, memory.stat).
func keyValues(path string) (map[string]uint64, error) {
	f, err := os.Open(path)
	if err != nil {
		return map[string]uint64{}, err
	}
	defer f.Close()
	m := map[string]uint64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		if n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64); err == nil {
			m[k] = n
		}
	}
	return m, sc.Err()
}

// blkioV1 sums the Read and Write lines ("8:0 Read 4096") of a v1 blkio file.
func blkioV1(path string) (read, write uint64, ok bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, false
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) != 3 {
			continue
		}
		n, err := strconv.ParseUint(f[2], 10, 64)
		if err != nil {
			continue
		}
		switch f[1] {
		case "Read":
			read += n
		case "Write":
			write += n
		}
	}
	return read, write, true
}

// ioStatV2 sums rbytes and wbytes over the devices of io.stat.
func ioStatV2(path string) (read, write uint64) {
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return 0, 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		for _, kv := range strings.Fields(l) {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				continue
			}
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				continue
			}
			switch k {
			case "rbytes":
				read += n
			case "wbytes":
				write += n
			}
		}
	}
	return read, write
}
