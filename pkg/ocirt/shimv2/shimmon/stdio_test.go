package shimmon

import (
	"bytes"
	"testing"
	"time"
)

// TestStdinWriteEndsOnClose: input for a process that stopped reading (or
// is gone: pod-shim is then the FIFO's only reader) blocks its writer, the
// attach goroutine; closing stdin at the session's end must free it, or the
// session's close, which waits for that goroutine, hangs for ever.
func TestStdinWriteEndsOnClose(t *testing.T) {
	s, err := newStdio(t.TempDir(), "io-", true, false)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	done := make(chan error, 1)
	go func() { done <- s.writeStdin(bytes.Repeat([]byte("y\n"), 1<<20)) }()
	select {
	case err := <-done:
		t.Fatalf("2 MiB went into a FIFO nobody reads: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	if !s.closeStdin() {
		t.Fatal("stdin was not open")
	}
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("the write reported success")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the write is still blocked after stdin was closed")
	}
	if err := s.writeStdin([]byte("x")); err != errStdinClosed {
		t.Fatalf("write after close: %v, want errStdinClosed", err)
	}
}
