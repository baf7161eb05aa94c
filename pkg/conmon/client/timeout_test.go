package client

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/conmon/conmontest"
	"github.com/pod-engine/pod/pkg/errdefs"
)

// A sync pipe read gives up when ctx ends, and leaves no goroutine behind.
func TestMsgPipeTimeout(t *testing.T) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fds[1])
	p, err := newMsgPipe(fds[0], "sync")
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	before := runtime.NumGoroutine()
	for i := 0; i < 20; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
		_, err := p.read(ctx)
		cancel()
		if !errors.Is(err, errdefs.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("read: %v, want a timeout", err)
		}
	}
	// Cancellation works too, and the pipe stays usable afterwards.
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(10 * time.Millisecond); cancel() }()
	if _, err := p.read(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("read after cancel: %v", err)
	}
	unix.Write(fds[1], []byte("{\"data\": 7}\n"))
	if v, err := p.read(context.Background()); err != nil || v != 7 {
		t.Fatalf("read after timeouts: %d %v", v, err)
	}
	time.Sleep(20 * time.Millisecond)
	if after := runtime.NumGoroutine(); after > before {
		t.Errorf("goroutines %d → %d", before, after)
	}
	// Two messages in one packet and one split over two packets.
	unix.Write(fds[1], []byte("{\"data\": 1}\n{\"data\": 2}\n"))
	unix.Write(fds[1], []byte("{\"data\":"))
	unix.Write(fds[1], []byte(" 3}\n"))
	for want := 1; want <= 3; want++ {
		if v, err := p.read(context.Background()); err != nil || v != want {
			t.Fatalf("message %d: %d %v", want, v, err)
		}
	}
	unix.Close(fds[1])
	if _, err := p.read(context.Background()); err == nil || !errors.Is(err, errdefs.ErrRuntime) {
		t.Fatalf("read after the monitor closed the pipe: %v", err)
	}
}

// Start gives up on a monitor that never daemonizes, kills its process
// group and reports a timeout; a monitor that fails reports its output.
func TestStartTimeoutAndFailure(t *testing.T) {
	dir := t.TempDir()
	hang := filepath.Join(dir, "hang")
	os.WriteFile(hang, []byte("#!/bin/sh\necho $$ > "+dir+"/pid\nsleep 100 &\nwait\n"), 0o755)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := Start(ctx, &Options{Monitor: hang, Args: conmon.Args{CID: "x"}})
	if !errors.Is(err, errdefs.ErrTimeout) {
		t.Fatalf("hanging monitor: %v", err)
	}
	data, _ := os.ReadFile(dir + "/pid")
	var pid int
	for _, c := range data {
		if c >= '0' && c <= '9' {
			pid = pid*10 + int(c-'0')
		}
	}
	// Killed processes may linger as zombies until their new parent reaps
	// them; give that a moment.
	for i := 0; pid > 0 && i < 200 && syscall.Kill(-pid, 0) == nil; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if pid > 0 && syscall.Kill(-pid, 0) == nil && !conmontest.WaitGone(pid, 0) {
		t.Errorf("monitor process group %d still alive", pid)
	}

	fail := filepath.Join(dir, "fail")
	os.WriteFile(fail, []byte("#!/bin/sh\necho 'option parsing failed: Unknown option --x'\nexit 1\n"), 0o755)
	_, err = Start(context.Background(), &Options{Monitor: fail, Args: conmon.Args{CID: "x"}})
	if err == nil || !contains(err.Error(), "Unknown option --x") {
		t.Fatalf("failing monitor: %v", err)
	}
	if _, err := Start(context.Background(), &Options{}); !errors.Is(err, errdefs.ErrInvalidArgument) {
		t.Fatalf("no monitor: %v", err)
	}
}
