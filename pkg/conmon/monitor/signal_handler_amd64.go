//go:build !pod_ossignal

package monitor

import (
	"sync/atomic"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// On amd64 the monitor catches its signals with a handler of its own,
// written in assembly (signal_handler_amd64.s): it sets the signal's bit in
// sigPending and writes to the loop's eventfd, nothing else, so it is
// async-signal-safe and needs no Go runtime. os/signal would cost two
// threads (its mask thread and the blocked receiver) and a goroutine per
// monitor, and signalfd cannot work in Go: the runtime unblocks SIGCHLD,
// SIGTERM, SIGINT and SIGQUIT on every thread it starts, so a signal could
// reach the runtime's own handler, which drops SIGCHLD and exits on SIGTERM.
//
// The handler runs on the thread's signal stack (SA_ONSTACK; the runtime
// gives every thread one before it unblocks signals). A child forked by
// syscall.ForkExec resets these signals to SIG_DFL before it unblocks
// them (the runtime believes they are its own), as exec would anyway.

var (
	sigPending uint32      // bits set by the handler
	sigWakeFd  int32  = -1 // the loop's eventfd
	sigWakeVal uint64 = 1  //nolint:unused // read by sigHandler (assembly): what it writes
	sigSaved   [len(handledSignals)]sigaction
	sigHooked  bool
)

// sigHandler and sigRestorer are never called from Go: the kernel calls
// them, with the C ABI.
func sigHandler()  //nolint:unused // see above
func sigRestorer() //nolint:unused // see above

// sigHandlerPC and sigRestorerPC return their entry addresses.
func sigHandlerPC() uintptr
func sigRestorerPC() uintptr

// sigaction is the kernel's struct sigaction on amd64.
type sigaction struct {
	handler  uintptr
	flags    uint64
	restorer uintptr
	mask     uint64
}

const (
	saOnstack  = 0x08000000
	saRestart  = 0x10000000
	saRestorer = 0x04000000
)

func rtSigaction(sig syscall.Signal, act, old *sigaction) error {
	_, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(act)), uintptr(unsafe.Pointer(old)), 8, 0, 0)
	if e != 0 {
		return e
	}
	return nil
}

// startSignals installs the handler; each handled signal then sets its bit
// and makes wake readable.
func startSignals(wake int) error {
	atomic.StoreInt32(&sigWakeFd, int32(wake))
	act := sigaction{handler: sigHandlerPC(), flags: saOnstack | saRestart | saRestorer, restorer: sigRestorerPC(), mask: ^uint64(0)}
	for i, sig := range handledSignals {
		if err := rtSigaction(sig, &act, &sigSaved[i]); err != nil {
			stopSignals()
			return err
		}
		sigHooked = true
	}
	return nil
}

// takeSignals returns and clears the bits of the signals that arrived.
func takeSignals() uint32 { return atomic.SwapUint32(&sigPending, 0) }

// stopSignals puts the Go runtime's handlers back.
func stopSignals() {
	if !sigHooked {
		return
	}
	for i, sig := range handledSignals {
		if sigSaved[i].handler != 0 {
			_ = rtSigaction(sig, &sigSaved[i], nil)
		}
	}
	sigHooked = false
	atomic.StoreInt32(&sigWakeFd, -1)
}
