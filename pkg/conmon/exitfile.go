package conmon

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// ExitStatus is what an exit file says about a finished container or exec.
type ExitStatus struct {
	Code     int       // exit code; 128+N when killed by signal N; -1 when unknown
	Finished time.Time // the exit file's change time (what Podman reports)
	OOM      bool      // an oom file exists in the persist dir
}

// WriteExitFile writes code to path atomically (a temp file in the same
// directory, renamed over path), so a reader sees either nothing or the
// whole code. The file is mode 0644 like conmon's.
//
// Like conmon (GLib's g_file_set_contents) it fsyncs only when it replaces
// an existing file: exit files are new and live on a tmpfs (the run root),
// where there is nothing to make durable, and each fsync on a disk costs
// the waiting caller half a millisecond or more.
func WriteExitFile(path string, code int) error {
	return writeNumber(path, code, "exit file", true)
}

// writeNumber writes n to path through a temp file next to it, renamed
// over path; what is a name for errors. With syncReplaced it fsyncs when
// path already exists.
func writeNumber(path string, n int, what string, syncReplaced bool) error {
	tmp := tempName(path)
	fd, err := syscall.Open(tmp, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_TRUNC|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0o644)
	if err != nil {
		return &os.PathError{Op: "create " + what, Path: path, Err: err}
	}
	var buf [24]byte
	data := strconv.AppendInt(buf[:0], int64(n), 10)
	werr := syscall.Fchmod(fd, 0o644) // whatever the umask
	for len(data) > 0 && werr == nil {
		var k int
		k, werr = syscall.Write(fd, data)
		if werr == syscall.EINTR {
			werr = nil
		}
		if k > 0 {
			data = data[k:]
		}
	}
	if werr == nil && syncReplaced {
		var st syscall.Stat_t
		if syscall.Stat(path, &st) == nil {
			werr = syscall.Fsync(fd)
		}
	}
	if cerr := syscall.Close(fd); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = syscall.Rename(tmp, path)
	}
	if werr != nil {
		_ = syscall.Unlink(tmp)
		return &os.PathError{Op: "write " + what, Path: path, Err: werr}
	}
	return nil
}

// tempName is ".<name>.tmp<pid>" next to path: one writer per process.
func tempName(path string) string {
	i := strings.LastIndexByte(path, '/')
	return path[:i+1] + "." + path[i+1:] + ".tmp" + strconv.Itoa(os.Getpid())
}

// ReadExitFile reads an exit file written by a monitor. A missing file is
// reported with an error satisfying errors.Is(err, os.ErrNotExist).
// persistDir may be empty; when set, an "oom" file in it marks an OOM kill.
func ReadExitFile(path, persistDir string) (ExitStatus, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return ExitStatus{}, err
	}
	code, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		return ExitStatus{}, errors.New("exit file " + path + " holds " + strconv.Quote(string(data)) + ", not an exit code")
	}
	st := ExitStatus{Code: code, Finished: time.Now()}
	var fi syscall.Stat_t
	if syscall.Stat(path, &fi) == nil {
		st.Finished = time.Unix(fi.Ctim.Sec, fi.Ctim.Nsec)
	}
	if persistDir != "" {
		if _, err := os.Stat(filepath.Join(persistDir, "oom")); err == nil {
			st.OOM = true
		}
	}
	return st, nil
}

// IsNotExist reports whether err means the exit file is not there (yet).
func IsNotExist(err error) bool { return errors.Is(err, os.ErrNotExist) }

// ErrMonitorDead means the monitor is gone without writing an exit file, so
// the exit code cannot be known.
var ErrMonitorDead = errors.New("the container's monitor died without writing an exit file: exit code unknown")

// WaitExitFile blocks until the exit file at path exists and returns it. It
// watches the directory with inotify (no polling delay when the file
// appears). alive, when set, is asked every 250 ms whether the writer (the
// monitor) still lives; when it does not and there is still no file, the
// result is ErrMonitorDead.
func WaitExitFile(ctx context.Context, path, persistDir string, alive func() bool) (ExitStatus, error) {
	// The file usually lands within milliseconds (a foreground run waits
	// right after the container's output ended): poll first. inotify comes
	// second because closing an inotify instance waits for the kernel's
	// fsnotify grace period, 7-15 ms here, which a short wait must not pay.
	d := 250 * time.Microsecond
	for start := time.Now(); time.Since(start) < 100*time.Millisecond; {
		if st, err := ReadExitFile(path, persistDir); err == nil || !IsNotExist(err) {
			return st, err
		}
		if ctx.Err() != nil {
			return ExitStatus{}, ctx.Err()
		}
		time.Sleep(d)
		d = min(2*d, 5*time.Millisecond)
	}
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err == nil {
		if _, werr := unix.InotifyAddWatch(fd, filepath.Dir(path), unix.IN_CREATE|unix.IN_MOVED_TO|unix.IN_CLOSE_WRITE); werr != nil {
			unix.Close(fd)
			fd = -1
		} else {
			defer unix.Close(fd)
		}
	} else {
		fd = -1
	}
	buf := make([]byte, 4096)
	lastAlive := time.Now()
	for {
		st, err := ReadExitFile(path, persistDir)
		if err == nil {
			return st, nil
		}
		if !IsNotExist(err) {
			return ExitStatus{}, err
		}
		if ctx.Err() != nil {
			return ExitStatus{}, ctx.Err()
		}
		if alive != nil && time.Since(lastAlive) >= 250*time.Millisecond {
			lastAlive = time.Now()
			if !alive() {
				// The file may have landed just before the writer exited.
				if st, err := ReadExitFile(path, persistDir); err == nil {
					return st, nil
				}
				return ExitStatus{Code: -1}, ErrMonitorDead
			}
		}
		wait := 50
		if fd >= 0 {
			wait = 250
			fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
			if n, _ := unix.Poll(fds, wait); n > 0 {
				_, _ = unix.Read(fd, buf) // drain; the loop re-checks the file
			}
			continue
		}
		time.Sleep(time.Duration(wait) * time.Millisecond)
	}
}
