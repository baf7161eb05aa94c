package monitor

import (
	"os"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestSignals checks the monitor's signal handling: every handled signal,
// sent to the process while other threads are busy, sets its bit and wakes
// the eventfd; a child started meanwhile gets the default dispositions; after
// stopSignals the runtime's handlers are back.
func TestSignals(t *testing.T) {
	wake, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(wake)
	if err := startSignals(wake); err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			stopSignals()
		}
	}()

	// Keep other threads busy so that signals also land on them.
	done := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
					runtime.Gosched()
				}
			}
		}()
	}
	defer func() { close(done); wg.Wait() }()

	waitWake := func() {
		t.Helper()
		fds := []unix.PollFd{{Fd: int32(wake), Events: unix.POLLIN}}
		if n, err := unix.Poll(fds, 5000); n != 1 || err != nil {
			t.Fatalf("eventfd not readable: %d %v", n, err)
		}
		var b [8]byte
		_, _ = unix.Read(wake, b[:])
	}
	for round := 0; round < 50; round++ {
		for _, sig := range handledSignals {
			if err := syscall.Kill(os.Getpid(), sig); err != nil {
				t.Fatal(err)
			}
			waitWake()
			got := uint32(0)
			for deadline := time.Now().Add(5 * time.Second); got&sigBit(sig) == 0 && time.Now().Before(deadline); {
				got |= takeSignals()
			}
			if got&sigBit(sig) == 0 {
				t.Fatalf("round %d: %v not reported (bits %#x)", round, sig, got)
			}
		}
	}

	// A child must not inherit the handler: SIGTERM kills it.
	pid, err := syscall.ForkExec("/bin/sh", []string{"sh", "-c", "kill -TERM $$; exit 3"}, &syscall.ProcAttr{})
	if err != nil {
		t.Fatal(err)
	}
	var ws syscall.WaitStatus
	if _, err := syscall.Wait4(pid, &ws, 0, nil); err != nil {
		t.Fatal(err)
	}
	if !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
		t.Errorf("child status %v, want killed by SIGTERM", ws)
	}
	_ = takeSignals() // the child's SIGCHLD

	stopSignals()
	stopped = true
	var b [8]byte
	_, _ = unix.Read(wake, b[:]) // the child's SIGCHLD may have come late
	// With the runtime's handler back, SIGCHLD is ignored by it: no wakeup.
	if err := syscall.Kill(os.Getpid(), syscall.SIGCHLD); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	fds := []unix.PollFd{{Fd: int32(wake), Events: unix.POLLIN}}
	if n, _ := unix.Poll(fds, 0); n != 0 {
		t.Error("handler still installed after stopSignals")
	}
}
