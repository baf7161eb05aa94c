package main

import (
	"fmt"
	"os"
)

// errTail reports the errors of a verb on several objects as Podman does:
// each error is printed ("Error: …" on stderr) when the next one arrives,
// and the last is returned, to be printed by exitCode and to decide the
// exit code.
type errTail struct{ last error }

// add records err (nil is ignored), printing the previous one.
func (t *errTail) add(err error) {
	if err == nil {
		return
	}
	if t.last != nil {
		fmt.Fprintf(os.Stderr, "Error: %v\n", t.last)
	}
	t.last = err
}

// err is the last error recorded (nil when none).
func (t *errTail) err() error { return t.last }

// lastError prints every error of errs but the last, which it returns.
func lastError(errs []error) error {
	var t errTail
	for _, e := range errs {
		t.add(e)
	}
	return t.err()
}
