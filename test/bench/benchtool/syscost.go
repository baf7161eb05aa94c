package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// syscostMain times single kernel operations that pod's hot path does and
// whose cost depends on the machine, not on pod: closing an inotify
// instance that has seen an event (the kernel waits for an SRCU grace
// period when the group goes away), fsync of a small file in the
// directory pod keeps its exit files in, and fork+exec+wait of a static
// binary.
func syscostMain(args []string) error {
	fs := flag.NewFlagSet("syscost", flag.ContinueOnError)
	dir := fs.String("dir", "", "directory on the filesystem to test (e.g. pod's --tmpdir)")
	n := fs.Int("n", 30, "repetitions")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" || *n < 1 {
		return errors.New("need -dir DIR and -n ≥ 1")
	}
	work, err := os.MkdirTemp(*dir, "syscost")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	var inoClose, inoCloseIdle, fsyncs, renames []float64
	for i := 0; i < *n; i++ {
		d, err := inotifyClose(work, i, true)
		if err != nil {
			return err
		}
		inoClose = append(inoClose, d)
		if d, err = inotifyClose(work, i, false); err != nil {
			return err
		}
		inoCloseIdle = append(inoCloseIdle, d)
		f, r, err := writeFsyncRename(work, i)
		if err != nil {
			return err
		}
		fsyncs = append(fsyncs, f)
		renames = append(renames, r)
	}
	fmt.Printf("    %-62s %9s %9s %9s\n", "operation (in "+*dir+")", "median", "p90", "min")
	row := func(name string, v []float64) {
		fmt.Printf("    %-62s %9s %9s %9s\n", name, ms(median(v)), ms(quantile(v, 0.9)), ms(minOf(v)))
	}
	row("close(inotify fd) after a watched event", inoClose)
	row("close(inotify fd) with a watch but no event", inoCloseIdle)
	row("fsync of a 1-byte new file", fsyncs)
	row("rename of it into place (no fsync)", renames)
	return nil
}

// inotifyClose sets up a watch on dir the way an exit-file waiter does,
// optionally makes an event and reads it, and times the close.
func inotifyClose(dir string, i int, event bool) (float64, error) {
	fd, err := syscall.InotifyInit1(syscall.IN_CLOEXEC)
	if err != nil {
		return 0, fmt.Errorf("inotify_init1: %w", err)
	}
	if _, err := syscall.InotifyAddWatch(fd, dir, syscall.IN_CREATE|syscall.IN_MOVED_TO|syscall.IN_CLOSE_WRITE); err != nil {
		syscall.Close(fd)
		return 0, fmt.Errorf("inotify_add_watch %s: %w", dir, err)
	}
	if event {
		p := filepath.Join(dir, "ev"+strconv.Itoa(i))
		if err := os.WriteFile(p, []byte("0"), 0o600); err != nil {
			syscall.Close(fd)
			return 0, err
		}
		buf := make([]byte, 4096)
		if _, err := syscall.Read(fd, buf); err != nil {
			syscall.Close(fd)
			return 0, err
		}
		_ = os.Remove(p)
	}
	start := time.Now()
	err = syscall.Close(fd)
	return msOf(time.Since(start)), err
}

func writeFsyncRename(dir string, i int) (fsyncMs, renameMs float64, err error) {
	tmp := filepath.Join(dir, ".tmp"+strconv.Itoa(i))
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return 0, 0, err
	}
	if _, err := f.Write([]byte("0")); err != nil {
		f.Close()
		return 0, 0, err
	}
	start := time.Now()
	err = f.Sync()
	fsyncMs = msOf(time.Since(start))
	f.Close()
	if err != nil {
		return 0, 0, err
	}
	start = time.Now()
	err = os.Rename(tmp, filepath.Join(dir, "exit"+strconv.Itoa(i)))
	return fsyncMs, msOf(time.Since(start)), err
}
