package procps

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/moby/sys/capability"
)

// clockTicks is USER_HZ: /proc counts CPU time and start times in it. It is
// 100 on every Linux architecture Go supports.
const clockTicks = 100

// process is what /proc says about one process.
type process struct {
	pid     int
	comm    string
	fields  []string // /proc/PID/stat after the command, from field 3 (state)
	status  map[string]string
	cmdline []byte
}

func readProcess(pid int) (*process, error) {
	dir := "/proc/" + strconv.Itoa(pid)
	stat, err := os.ReadFile(dir + "/stat")
	if err != nil {
		return nil, err
	}
	open, end := bytes.IndexByte(stat, '('), bytes.LastIndexByte(stat, ')')
	if open < 0 || end < open {
		return nil, fmt.Errorf("unparsable %s/stat", dir)
	}
	p := &process{pid: pid, comm: string(stat[open+1 : end]), fields: strings.Fields(string(stat[end+1:]))}
	if len(p.fields) < 20 {
		return nil, fmt.Errorf("short %s/stat", dir)
	}
	p.status, err = readStatus(dir + "/status")
	if err != nil {
		return nil, err
	}
	p.cmdline, _ = os.ReadFile(dir + "/cmdline")
	return p, nil
}

func readStatus(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok {
			m[k] = strings.TrimSpace(v)
		}
	}
	return m, sc.Err()
}

// stat returns stat field i counted from the state (field 3 of proc(5)).
func (p *process) stat(i int) string {
	if i < len(p.fields) {
		return p.fields[i]
	}
	return ""
}

func (p *process) statInt(i int) int {
	n, _ := strconv.Atoi(p.stat(i))
	return n
}

func (p *process) statUint(i int) uint64 {
	n, _ := strconv.ParseUint(p.stat(i), 10, 64)
	return n
}

// id returns field i (0 real, 1 effective) of the Uid: or Gid: line.
func (p *process) id(key string, i int) int {
	f := strings.Fields(p.status[key])
	if i >= len(f) {
		return -1
	}
	n, err := strconv.Atoi(f[i])
	if err != nil {
		return -1
	}
	return n
}

// nsPid is the process's PID in its innermost PID namespace.
func (p *process) nsPid() int {
	f := strings.Fields(p.status["NSpid"])
	if len(f) == 0 {
		return p.pid
	}
	n, _ := strconv.Atoi(f[len(f)-1])
	return n
}

// nsPPid is the parent's PID as the process's namespace sees it: 0 when the
// parent is outside it (the runtime or the monitor).
func (p *process) nsPPid() int {
	ppid := p.statInt(1)
	parent, err := readProcess(ppid)
	if err != nil {
		return 0
	}
	if depth(parent) != depth(p) {
		return 0
	}
	return parent.nsPid()
}

func depth(p *process) int { return len(strings.Fields(p.status["NSpid"])) }

// nsPid maps a host PID (a process group leader) into its namespace.
func nsPid(hostPid int) int {
	p, err := readProcess(hostPid)
	if err != nil {
		return hostPid
	}
	return p.nsPid()
}

func (p *process) args() string {
	if len(p.cmdline) == 0 {
		return "[" + p.comm + "]"
	}
	return strings.ReplaceAll(string(p.cmdline), "\x00", " ")
}

func (p *process) cpuTicks() uint64 { return p.statUint(11) + p.statUint(12) }

func (p *process) cpuTime() time.Duration {
	return time.Duration(p.cpuTicks()) * time.Second / clockTicks
}

// started is when the process started, from its start time after boot.
func (p *process) started() time.Time {
	return bootTime().Add(time.Duration(p.statUint(19)) * time.Second / clockTicks)
}

func (p *process) elapsed() time.Duration { return now().Sub(p.started()) }

// pcpu is ps(1)'s %CPU: CPU time over the time since the process started.
func (p *process) pcpu() string {
	e := p.elapsed().Seconds()
	if e <= 0 {
		return "0.000"
	}
	return strconv.FormatFloat(p.cpuTime().Seconds()/e*100, 'f', 3, 64)
}

func (p *process) label() string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(p.pid) + "/attr/current")
	l := strings.TrimRight(string(b), "\x00\n")
	if err != nil || l == "" {
		return "?"
	}
	return l
}

// bootTime is when the system booted (btime in /proc/stat).
func bootTime() time.Time {
	data, err := os.ReadFile("/proc/stat")
	if err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(l, "btime "); ok {
				if s, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
					return time.Unix(s, 0)
				}
			}
		}
	}
	return time.Unix(0, 0)
}

// capNames turns a capability mask (hex) into names: "full" for all the
// kernel knows, "none" for none.
func capNames(hex string) string {
	mask, err := strconv.ParseUint(hex, 16, 64)
	if err != nil {
		return "?"
	}
	if mask == 0 {
		return "none"
	}
	last, _ := capability.LastCap()
	var names []string
	all := true
	for _, c := range capability.ListKnown() {
		if c > last {
			continue
		}
		if mask&(1<<uint(c)) != 0 {
			names = append(names, strings.ToUpper(c.String()))
		} else {
			all = false
		}
	}
	if all {
		return "full"
	}
	sortStrings(names)
	return strings.Join(names, ",")
}

func sortStrings(s []string) { sort.Strings(s) }

// NamespacePids lists, by host PID, the processes in the PID namespace of
// pid (pid among them): a container's processes when it has no cgroup to
// list them (rootless on cgroup v1), as Podman's psgo finds them by joining
// that namespace. Processes whose namespace cannot be read are left out;
// pid alone when its own cannot be, or when it shares the caller's PID
// namespace (no namespace of its own to list: runsc's sandbox process).
func NamespacePids(pid int) []int {
	want, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/ns/pid")
	if err != nil {
		return []int{pid}
	}
	if self, err := os.Readlink("/proc/self/ns/pid"); err != nil || self == want {
		return []int{pid}
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return []int{pid}
	}
	var pids []int
	for _, e := range entries {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ns, err := os.Readlink("/proc/" + e.Name() + "/ns/pid"); err == nil && ns == want {
			pids = append(pids, n)
		}
	}
	sort.Ints(pids)
	return pids
}
