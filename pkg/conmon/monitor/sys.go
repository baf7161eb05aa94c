package monitor

import (
	"bytes"
	"syscall"

	"github.com/pod-engine/pod/pkg/conmon"

	"golang.org/x/sys/unix"
)

// The monitor is long-lived and one runs per container, so the helpers
// below read small files and directories into one reused buffer instead of
// allocating (each new allocation size costs the Go heap a span).
var scratch [4096]byte

// The output buffer lives in the zero-filled data segment: a page of it
// costs memory only once it was written to (a big buffer in a struct on the
// stack would be zeroed, so touched, on every start, and would grow the
// goroutine stack through every size up to it).
var outBuf [conmon.AttachReadBuf]byte // stream byte + one read of container output

// readSmall reads up to len(scratch) bytes of path into scratch.
func readSmall(path string) ([]byte, error) {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer syscall.Close(fd)
	n := 0
	for n < len(scratch) {
		r, err := syscall.Read(fd, scratch[n:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		if r == 0 {
			break
		}
		n += r
	}
	return scratch[:n], nil
}

// eachLine calls fn for every line of b (without "\n").
func eachLine(b []byte, fn func(line []byte) bool) {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			fn(b)
			return
		}
		if !fn(b[:i]) {
			return
		}
		b = b[i+1:]
	}
}

// atoiBytes parses a non-negative decimal, ignoring surrounding blanks.
func atoiBytes(b []byte) (int, bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// inherited lists the fds >= 3 the process was started with (read from
// /proc/self/fd before the process opens any of its own).
func inherited() []int {
	dfd, err := syscall.Open("/proc/self/fd", syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil
	}
	var fds []int
	for {
		n, err := unix.Getdents(dfd, scratch[:])
		if err != nil || n <= 0 {
			break
		}
		for off := 0; off < n; {
			// struct linux_dirent64: ino u64, off s64, reclen u16, type u8, name.
			reclen := int(scratch[off+16]) | int(scratch[off+17])<<8
			name := scratch[off+19 : off+reclen]
			if i := bytes.IndexByte(name, 0); i >= 0 {
				name = name[:i]
			}
			// A close-on-exec fd was not inherited: the Go runtime opened
			// it (it keeps the cgroup CPU limit files open).
			if fd, ok := atoiBytes(name); ok && fd >= 3 && fd != dfd && !cloexec(fd) {
				fds = append(fds, fd)
			}
			off += reclen
		}
	}
	syscall.Close(dfd)
	// Getdents lists in numeric order on procfs, but make sure.
	for i := 1; i < len(fds); i++ {
		for j := i; j > 0 && fds[j] < fds[j-1]; j-- {
			fds[j], fds[j-1] = fds[j-1], fds[j]
		}
	}
	return fds
}

// cloexec reports whether fd has FD_CLOEXEC set.
func cloexec(fd int) bool {
	flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
	return err == nil && flags&unix.FD_CLOEXEC != 0
}

// exists reports whether path exists.
func exists(path string) bool {
	var st syscall.Stat_t
	return syscall.Stat(path, &st) == nil
}
