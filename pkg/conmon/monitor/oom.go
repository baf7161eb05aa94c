package monitor

import (
	"os"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
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

func watchOOM(pid int, persistDir string) *oomWatch {
	w := &oomWatch{fd: -1, dir: persistDir}
	var st syscall.Statfs_t
	v2 := syscall.Statfs("/sys/fs/cgroup", &st) == nil && st.Type == cgroup2Magic
	path := cgroupPath(pid, v2)
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
	return w
}

// cgroupPath finds the container's memory cgroup directory.
func cgroupPath(pid int, v2 bool) string {
	data, err := os.ReadFile("/proc/" + itoa(pid) + "/cgroup")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		if v2 {
			if parts[0] == "0" {
				return "/sys/fs/cgroup" + parts[2]
			}
			continue
		}
		for _, ctrl := range strings.Split(parts[1], ",") {
			if ctrl == "memory" {
				return "/sys/fs/cgroup/memory" + parts[2]
			}
		}
	}
	return ""
}

// read returns the OOM counter, if the kernel has one.
func (w *oomWatch) read() (uint64, bool) {
	data, err := os.ReadFile(w.counter)
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, " "); ok && k == w.key {
			n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
			return n, err == nil
		}
	}
	return 0, false
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
	path := "oom"
	if w.dir != "" {
		path = w.dir + "/oom"
	}
	fd, err := syscall.Open(path, syscall.O_CREAT|syscall.O_WRONLY|syscall.O_CLOEXEC, 0o666)
	if err != nil {
		warnf("Failed to write oom file: " + err.Error())
		return
	}
	syscall.Close(fd)
}
