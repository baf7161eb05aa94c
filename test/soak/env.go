package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// podEnv is one private pod installation: its own store, runroot and tmp
// dir under base, one runtime, and a token that every process it starts
// carries in its environment (pod CLIs, monitors, shims, and the container
// processes through -e), so leftovers can be found without guessing.
type podEnv struct {
	pod     string // the pod binary
	runtime string
	base    string
	root    string
	runroot string
	tmpdir  string
	token   string
	timeout time.Duration // per command; a command that takes longer is hung
}

func newPodEnv(pod, runtime, base, token string) (*podEnv, error) {
	e := &podEnv{
		pod: pod, runtime: runtime, base: base, token: token,
		root:    filepath.Join(base, "root"),
		runroot: filepath.Join(base, "run"),
		tmpdir:  filepath.Join(base, "tmp"),
		timeout: 2 * time.Minute,
	}
	for _, d := range []string{e.root, e.runroot, e.tmpdir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// tokenEnv is the environment variable that marks this env's processes.
func (e *podEnv) tokenEnv() string { return "POD_SOAK_TOKEN=" + e.token }

// result is one finished pod command.
type result struct {
	args   []string
	code   int // exit code; -1 when killed by a signal or not started
	stdout string
	stderr string
	dur    time.Duration
	hung   bool
}

func (r *result) String() string {
	return fmt.Sprintf("pod %s: exit %d after %s; stdout %q; stderr %q",
		strings.Join(r.args, " "), r.code, r.dur.Round(time.Millisecond), excerpt(r.stdout), excerpt(r.stderr))
}

func excerpt(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 400 {
		s = s[:400] + "…"
	}
	return s
}

// command builds the exec.Cmd of a pod command against this env.
func (e *podEnv) command(ctx context.Context, args ...string) *exec.Cmd {
	full := append([]string{"--root", e.root, "--runroot", e.runroot, "--tmpdir", e.tmpdir, "--runtime", e.runtime}, args...)
	cmd := exec.CommandContext(ctx, e.pod, full...)
	cmd.Env = append(os.Environ(), e.tokenEnv())
	// Its own process group: a SIGKILL fault hits pod alone, as kill -9 would.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// run runs a pod command to its end (or its timeout).
func (e *podEnv) run(args ...string) *result {
	ctx, cancel := context.WithTimeout(context.Background(), e.timeout)
	defer cancel()
	cmd := e.command(ctx, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	r := &result{args: args, stdout: out.String(), stderr: errb.String(), dur: time.Since(start)}
	r.code = exitCode(err)
	r.hung = ctx.Err() != nil
	return r
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return -1
}

// image is the image every container of the suite runs.
const image = "localhost/busybox"

// importImage makes the busybox image in this env's store from tarball.
func (e *podEnv) importImage(tarball string) error {
	if r := e.run("import", tarball, image); r.code != 0 {
		return fmt.Errorf("importing the busybox image: %s", r)
	}
	return nil
}

// ctrArgs is the part of run/create every container gets: the token in its
// environment, so its processes are found at the end.
func (e *podEnv) ctrArgs() []string { return []string{"-e", e.tokenEnv()} }

// prime runs one foreground --rm container and one detached container
// removed with rm -f, and returns the files the store has then: the
// baseline. Files every store has after its first containers (storage's
// containers.json, directories, lock files) are not leaks.
func (e *podEnv) prime() (map[string]bool, error) {
	if r := e.run(append(append([]string{"run", "--rm"}, e.ctrArgs()...), image, "true")...); r.code != 0 {
		return nil, fmt.Errorf("the first container does not run: %s", r)
	}
	if r := e.run(append(append([]string{"run", "-d", "--name", "prime"}, e.ctrArgs()...), image, "sleep", "1000")...); r.code != 0 {
		return nil, fmt.Errorf("the first detached container does not run: %s", r)
	}
	if r := e.run("rm", "-f", "-t", "0", "prime"); r.code != 0 {
		return nil, fmt.Errorf("removing the first detached container: %s", r)
	}
	// The monitors' exit commands.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		busy := false
		for _, p := range e.procs() {
			busy = busy || procKind(p) == "pod" || procKind(p) == "monitor"
		}
		if !busy {
			break
		}
	}
	return e.files(), nil
}
