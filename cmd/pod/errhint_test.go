package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"syscall"
	"testing"
)

func TestWithHint(t *testing.T) {
	plain := errors.New("boom")
	if withHint(plain) != plain {
		t.Error("an error without EROFS changed")
	}
	// /proc is a mount point of its own; a missing file under it is named
	// by its mount point.
	err := fmt.Errorf("opening lock: %w", &fs.PathError{Op: "open", Path: "/proc/nonexistent/x", Err: syscall.EROFS})
	got := withHint(err).Error()
	if !strings.Contains(got, "the file system under /proc is mounted read-only") || !errors.Is(withHint(err), syscall.EROFS) {
		t.Errorf("hint: %s", got)
	}
	if mp := mountPoint(os.TempDir()); mp == "" {
		t.Error("no mount point for the temp dir")
	}
}
