package sealedexe

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestOpenIsSealedAndRuns(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip(err)
	}
	f, err := Open(sh)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seals, err := unix.FcntlInt(f.Fd(), unix.F_GET_SEALS, 0)
	if err != nil || seals != Seals {
		t.Fatalf("seals %#x, %v; want %#x", seals, err, Seals)
	}
	if _, err := f.Write([]byte("x")); err == nil {
		t.Fatal("a sealed copy took a write")
	}
	want, _ := os.ReadFile(sh)
	st, _ := f.Stat()
	if st.Size() != int64(len(want)) {
		t.Fatalf("copy has %d bytes, the binary %d", st.Size(), len(want))
	}
	// The exec'd process sees a sealed memfd as /proc/self/exe, and the
	// copy does not leak into it (close-on-exec).
	cmd := exec.Command(Path(f), "-c", `readlink /proc/$$/exe; for f in /proc/$$/fd/*; do readlink "$f"; done; true`)
	cmd.Args[0] = "sh"
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if !strings.HasPrefix(lines[0], "/memfd:sealed:"+sh) {
		t.Fatalf("exe of the exec'd copy: %q", out)
	}
	for _, l := range lines[1:] {
		if strings.Contains(l, "memfd:") {
			t.Fatalf("the copy leaked into the exec'd process as an open file: %q", out)
		}
	}
}

func TestOpenRefusesWhatIsNotELF(t *testing.T) {
	if _, err := Open("/no/such/binary"); err == nil {
		t.Fatal("no error for a missing binary")
	}
	script := filepath.Join(t.TempDir(), "crun")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(script); !errors.Is(err, ErrNotELF) {
		t.Fatalf("a script: %v, want ErrNotELF", err)
	}
}
