package shimmon

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// diagMax caps the diagnostics file; a runaway shim cannot fill the disk.
const diagMax = 1 << 20

// diagLog is pod-shim's own log (and the shim's, from its log FIFO): a text
// file in the shim bundle, at most diagMax bytes.
type diagLog struct {
	mu      sync.Mutex
	f       *os.File
	written int
	debug   bool
}

var diag = &diagLog{}

func (d *diagLog) open(path string, debug bool) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return
	}
	d.mu.Lock()
	d.f, d.debug = f, debug
	d.mu.Unlock()
}

func (d *diagLog) line(level, msg string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.f == nil || d.written >= diagMax {
		return
	}
	s := time.Now().Format(time.RFC3339Nano) + " " + level + " " + strings.TrimRight(msg, "\n") + "\n"
	n, _ := d.f.WriteString(s)
	d.written += n
}

func (d *diagLog) warn(format string, a ...any) { d.line("warn", fmt.Sprintf(format, a...)) }
func (d *diagLog) debugf(format string, a ...any) {
	if d.debug {
		d.line("debug", fmt.Sprintf(format, a...))
	}
}

// drainShimLog creates the shim's mandatory log FIFO at path and copies
// what the shim writes to it into the diagnostics file. Without a reader the
// shim's open of the FIFO would block; without the FIFO the shim dies.
func drainShimLog(path string) (*os.File, error) {
	_ = os.Remove(path)
	if err := mkfifo(path); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	go func() {
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 4096), 64<<10)
		for sc.Scan() {
			diag.line("shim", sc.Text())
		}
	}()
	return f, nil
}
