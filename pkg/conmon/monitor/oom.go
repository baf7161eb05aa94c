package monitor

import (
	"bytes"
	"os"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/pod-engine/pod/pkg/conmon"
)

// oomWatch notices the kernel's OOM killer in the container's memory
// cgroup: an eventfd on memory.oom_control (cgroup v1) or inotify on
// memory.events (v2). A kill creates the "oom" file in the persist dir.
type oomWatch struct {
	fd      int    // eventfd (v1) or inotify fd (v2), in the epoll set
	counter string // file holding the oom counter
	key     string // its line: "oom_kill" (v1) or "oom" (v2)
	base    uint64 // counter when watching started
	hasBase bool
	dir     string // where to create "oom"
	fired   bool
}

const cgroup2Magic = 0x63677270

// watchOOM starts watching pid's memory cgroup. started says the process
// already ran before the watch (--run): a kill in a cgroup of its own (not
// the monitor's) then counts from 0, not from the counter found now; and
// when an OOM kill at start ended the process before its pid was known,
// its /proc entry is gone or names the root cgroup, so the cgroup is taken
// from bundle's config.json instead.
func watchOOM(pid int, persistDir string, started bool, bundle string) *oomWatch {
	w := &oomWatch{fd: -1, dir: persistDir}
	var st syscall.Statfs_t
	v2 := syscall.Statfs("/sys/fs/cgroup", &st) == nil && st.Type == cgroup2Magic
	path := cgroupPath(pid, v2)
	if started && (path == "" || path[len(path)-1] == '/') {
		path = specCgroupPath(bundle, v2)
	}
	if path == "" {
		warnf("Failed to get memory cgroup path. Container may have exited")
		return w
	}
	if v2 {
		w.counter, w.key = path+"/memory.events", "oom"
		ifd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
		if err != nil {
			warnf("Failed to create inotify fd: " + err.Error())
			return w
		}
		if _, err := unix.InotifyAddWatch(ifd, w.counter, unix.IN_MODIFY); err != nil {
			warnf("Failed to add inotify watch for " + w.counter + ": " + err.Error())
			syscall.Close(ifd)
			return w
		}
		w.fd = ifd
	} else {
		w.counter, w.key = path+"/memory.oom_control", "oom_kill"
		cfd, err := syscall.Open(path+"/cgroup.event_control", syscall.O_WRONLY|syscall.O_CLOEXEC, 0)
		if err != nil {
			warnf("Failed to open " + path + "/cgroup.event_control: " + err.Error())
			return w
		}
		defer syscall.Close(cfd)
		ofd, err := syscall.Open(w.counter, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err != nil {
			warnf("Failed to open " + w.counter + ": " + err.Error())
			return w
		}
		efd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
		if err != nil {
			syscall.Close(ofd)
			return w
		}
		if _, err := syscall.Write(cfd, []byte(itoa(efd)+" "+itoa(ofd))); err != nil {
			warnf("Failed to write to cgroup.event_control: " + err.Error())
			syscall.Close(ofd)
			syscall.Close(efd)
			return w
		}
		// ofd stays open for the life of the registration.
		w.fd = efd
	}
	w.base, w.hasBase = w.read()
	if started && w.hasBase && path != cgroupPath(syscall.Getpid(), v2) {
		w.base = 0
	}
	return w
}

// specCgroupPath is the memory cgroup directory of an absolute (cgroupfs)
// linux.cgroupsPath in bundle/config.json, where runc, crun and runsc all
// put the container; "" for a systemd-style or missing path. A scan for
// the key, not a JSON decoder: the monitor does not link encoding/json.
func specCgroupPath(bundle string, v2 bool) string {
	data, err := os.ReadFile(bundle + "/config.json")
	if err != nil {
		return ""
	}
	p := jsonStringField(data, "cgroupsPath")
	if len(p) == 0 || p[0] != '/' || bytes.IndexByte(p, ':') >= 0 || bytes.Contains(p, []byte("..")) {
		return ""
	}
	if v2 {
		return "/sys/fs/cgroup" + string(p)
	}
	return "/sys/fs/cgroup/memory" + string(p)
}

// jsonStringField returns the value of the first "key": "value" in data,
// nil when there is none or it holds escapes.
func jsonStringField(data []byte, key string) []byte {
	i := bytes.Index(data, []byte(`"`+key+`"`))
	if i < 0 {
		return nil
	}
	rest := bytes.TrimLeft(data[i+len(key)+2:], " \t\r\n")
	if len(rest) == 0 || rest[0] != ':' {
		return nil
	}
	rest = bytes.TrimLeft(rest[1:], " \t\r\n")
	if len(rest) == 0 || rest[0] != '"' {
		return nil
	}
	end := bytes.IndexByte(rest[1:], '"')
	if end < 0 || bytes.IndexByte(rest[1:1+end], '\\') >= 0 {
		return nil
	}
	return rest[1 : 1+end]
}

// cgroupPath finds the container's memory cgroup directory.
func cgroupPath(pid int, v2 bool) string {
	data, err := readSmall("/proc/" + itoa(pid) + "/cgroup")
	if err != nil {
		return ""
	}
	path := ""
	eachLine(data, func(line []byte) bool {
		// hierarchy-ID:controller-list:cgroup-path
		a := bytes.IndexByte(line, ':')
		if a < 0 {
			return true
		}
		b := bytes.IndexByte(line[a+1:], ':')
		if b < 0 {
			return true
		}
		id, ctrls, p := line[:a], line[a+1:a+1+b], line[a+2+b:]
		if v2 {
			if string(id) == "0" {
				path = "/sys/fs/cgroup" + string(p)
				return false
			}
			return true
		}
		for len(ctrls) > 0 {
			c := ctrls
			if k := bytes.IndexByte(ctrls, ','); k >= 0 {
				c, ctrls = ctrls[:k], ctrls[k+1:]
			} else {
				ctrls = nil
			}
			if string(c) == "memory" {
				path = "/sys/fs/cgroup/memory" + string(p)
				return false
			}
		}
		return true
	})
	return path
}

// read returns the OOM counter, if the kernel has one.
func (w *oomWatch) read() (uint64, bool) {
	data, err := readSmall(w.counter)
	if err != nil {
		return 0, false
	}
	var n int
	found := false
	eachLine(data, func(line []byte) bool {
		if len(line) > len(w.key) && string(line[:len(w.key)]) == w.key && line[len(w.key)] == ' ' {
			n, found = atoiBytes(line[len(w.key)+1:])
			return false
		}
		return true
	})
	return uint64(n), found
}

// event handles a wakeup of the eventfd or inotify fd.
func (w *oomWatch) event() {
	var b [512]byte
	n, _ := syscall.Read(w.fd, b[:])
	if n <= 0 {
		return
	}
	w.verify(true)
}

// check looks at the counter once more (at exit: the kill and the
// container's exit race).
func (w *oomWatch) check() {
	if w == nil {
		return
	}
	w.verify(false)
}

// verify creates the oom file if the counter grew (or, on a kernel
// without one, when the v1 eventfd fired).
func (w *oomWatch) verify(fromEvent bool) {
	if w.fired || w.counter == "" {
		return
	}
	if !fromEvent && w.fd >= 0 {
		var b [512]byte
		if n, _ := syscall.Read(w.fd, b[:]); n > 0 {
			fromEvent = true // an event we had not seen yet
		}
	}
	n, ok := w.read()
	grew := ok && w.hasBase && n > w.base
	if !grew && !(fromEvent && !w.hasBase && w.key == "oom_kill") {
		return
	}
	w.fired = true
	infof("OOM received")
	if err := conmon.WriteOOMFile(w.dir); err != nil {
		warnf("Failed to write oom file: " + err.Error())
	}
}
