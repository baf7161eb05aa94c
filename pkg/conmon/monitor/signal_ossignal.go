//go:build !amd64 || pod_ossignal

package monitor

import (
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"
)

// Where there is no assembly handler (not amd64, or built with the
// pod_ossignal tag, which tests this variant) the signals come through
// os/signal: one goroutine turns them into bits and a write on the loop's
// eventfd. It costs two more threads (see signal_handler_amd64.go).

var (
	sigPending atomic.Uint32
	sigCh      chan os.Signal
)

func startSignals(wake int) error {
	sigCh = make(chan os.Signal, 8)
	signal.Notify(sigCh, handledSignals[0], handledSignals[1], handledSignals[2], handledSignals[3])
	go func() {
		one := [8]byte{1}
		for s := range sigCh {
			if sig, ok := s.(syscall.Signal); ok && sig < 32 {
				sigPending.Or(sigBit(sig))
			}
			_, _ = unix.Write(wake, one[:])
		}
	}()
	return nil
}

func takeSignals() uint32 { return sigPending.Swap(0) }

func stopSignals() {
	if sigCh != nil {
		signal.Reset(handledSignals[0], handledSignals[1], handledSignals[2], handledSignals[3])
	}
}
