package client

import (
	"errors"
	"fmt"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/errdefs"
)

// Resize asks the monitor to set the container terminal's size (ctl message
// type 1). ctlPath is <bundle>/ctl (an exec session's own bundle for execs).
func Resize(ctlPath string, height, width int) error {
	if height < 0 || width < 0 || height > 0xffff || width > 0xffff {
		return fmt.Errorf("resizing terminal to %dx%d: size out of range: %w", height, width, errdefs.ErrInvalidArgument)
	}
	return writeCtl(ctlPath, conmon.CtlResize, height, width)
}

// ReopenLog asks the monitor to reopen its k8s-file log (ctl message type 2),
// after an external rotator renamed it away.
func ReopenLog(ctlPath string) error {
	return writeCtl(ctlPath, conmon.CtlReopen, 0, 0)
}

// writeCtl opens the FIFO O_WRONLY|O_NONBLOCK, retrying EAGAIN/EINTR every
// 100 ms for up to a minute as Podman does, and writes one line.
func writeCtl(ctlPath string, typ, height, width int) error {
	var fd int
	var err error
	for i := 0; i < 600; i++ {
		fd, err = unix.Open(ctlPath, unix.O_WRONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
		if err != unix.EAGAIN && err != unix.EINTR {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		if errors.Is(err, unix.ENXIO) || errors.Is(err, unix.ENOENT) {
			return fmt.Errorf("opening ctl FIFO %s: no monitor is listening (container not running?): %w: %w", ctlPath, err, errdefs.ErrConflict)
		}
		return fmt.Errorf("opening ctl FIFO %s: %w", ctlPath, err)
	}
	defer unix.Close(fd)
	line := conmon.FormatCtl(typ, height, width)
	if _, err := unix.Write(fd, line); err != nil {
		return fmt.Errorf("writing to ctl FIFO %s: %w", ctlPath, err)
	}
	return nil
}
