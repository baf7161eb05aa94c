// Package sealedexe runs a binary from a sealed in-memory copy.
//
// crun (1.8 and later releases alike) guards against CVE-2019-5736 in a
// library constructor that runs on every invocation, even `crun delete`
// and `crun state`: unless /proc/self/exe is already a sealed memfd, it
// bind-mounts its own binary read-only over a temporary file and re-execs
// itself from there, so each call pays for two execs, two rounds of dynamic
// linking (a dozen libraries), two mounts and a temporary file. A memfd
// holding a copy of the binary, sealed against every change (seal, shrink,
// grow, write), is what crun accepts as already cloned (its is_self_cloned
// checks exactly those seals), and it is as safe: nothing can write to it.
// Copying crun's half a megabyte costs less than one of those re-execs.
//
// Open makes such a copy; Path names it for exec. The file is
// close-on-exec, so the exec'd process does not keep it open, and the
// caller closes it once the exec is done. Nothing in go.podman.io or the
// standard library does this; runc does the same for its own `runc init`.
package sealedexe

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// Seals are the seals a copy carries: crun's and runc's CLONED seals.
const Seals = unix.F_SEAL_SEAL | unix.F_SEAL_SHRINK | unix.F_SEAL_GROW | unix.F_SEAL_WRITE

// ErrNotELF: only an ELF binary can run from a close-on-exec copy; a
// script's interpreter would find the copy closed (a wrapper script named
// crun runs as it is).
var ErrNotELF = errors.New("not an ELF binary")

// Open copies the binary at path into a new memfd and seals it.
func Open(path string) (*os.File, error) {
	src, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	var magic [4]byte
	if _, err := io.ReadFull(src, magic[:]); err != nil || string(magic[:]) != "\x7fELF" {
		return nil, fmt.Errorf("sealed copy of %s: %w", path, ErrNotELF)
	}
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	fd, err := unix.MemfdCreate("sealed:"+path, unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return nil, fmt.Errorf("sealed copy of %s: memfd_create: %w", path, err)
	}
	m := os.NewFile(uintptr(fd), "memfd:"+path)
	if _, err := io.Copy(m, src); err != nil {
		m.Close()
		return nil, fmt.Errorf("sealed copy of %s: %w", path, err)
	}
	if _, err := unix.FcntlInt(m.Fd(), unix.F_ADD_SEALS, Seals); err != nil {
		m.Close()
		return nil, fmt.Errorf("sealed copy of %s: sealing: %w", path, err)
	}
	return m, nil
}

// Path is the name under which this process can exec f (a path through
// /proc/self/fd, which a forked child resolves before its exec closes f).
func Path(f *os.File) string { return "/proc/self/fd/" + strconv.Itoa(int(f.Fd())) }
