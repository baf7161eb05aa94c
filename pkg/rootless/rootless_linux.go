package rootless

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/opencontainers/runtime-spec/specs-go"
	"go.podman.io/storage/pkg/unshare"
	"golang.org/x/sys/unix"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/inheritfd"
	"github.com/pod-engine/pod/pkg/pidwatch"
)

// Environment variables between the pod processes of one command.
const (
	envJoin      = "_POD_ROOTLESS_JOIN"       // pid whose namespaces the constructor joins
	envJoinErrno = "_POD_ROOTLESS_JOIN_ERRNO" // the constructor could not join
	envPause     = "_POD_ROOTLESS_PAUSE"      // this process is the pause process
	envNewPause  = "_POD_ROOTLESS_NEW_PAUSE"  // joined a monitor: start a new pause process
	envReady     = "_POD_ROOTLESS_READY_FD"   // fd the pause process closes when set up
)

// MinRange is the smallest subordinate range accepted: an image's files
// commonly belong to ids up to 65535 (Podman's documented minimum).
const MinRange = 65536

// PauseFile is the pause process's pid file in dir.
func PauseFile(dir string) string { return filepath.Join(dir, "pause.pid") }

// Options say where one user's namespace is kept.
type Options struct {
	// Dir holds pause.pid and its lock (containers.conf tmp_dir).
	Dir string
	// Candidates lists pid files of processes that may still live in the
	// namespace when the pause process is gone (the containers' monitors).
	Candidates func() []string
}

// Needed reports whether this process must enter the user namespace: it
// runs as an ordinary user and has not joined it yet.
func Needed() bool {
	return os.Geteuid() != 0
}

// InNamespace reports whether this process is a rootless pod inside its
// user namespace.
func InNamespace() bool {
	return os.Geteuid() == 0 && unshare.GetRootlessUID() > 0
}

// JoinFailed reports whether Enter's re-execution could not join the
// namespace (Enter then returns the error).
func JoinFailed() bool {
	return os.Getenv(envJoinErrno) != ""
}

// Enter re-executes pod inside the user's namespace, starting the pause
// process first when there is none. On success it does not return.
func Enter(o Options) error {
	if e := os.Getenv(envJoinErrno); e != "" {
		n, _ := strconv.Atoi(e)
		return fmt.Errorf("joining the rootless user namespace: %w (run `pod system migrate` to start a new one): %w", syscall.Errno(n), errdefs.ErrInvalidArgument)
	}
	if err := checkDir(o.Dir); err != nil {
		return err
	}
	unlock, err := lockDir(o.Dir)
	if err != nil {
		return err
	}
	pid, newPause := alivePause(o.Dir), false
	if pid == 0 && o.Candidates != nil {
		if pid = aliveCandidate(o.Candidates()); pid != 0 {
			newPause = true
		}
	}
	if pid == 0 {
		if pid, err = startPause(o.Dir); err != nil {
			unlock()
			return err
		}
	}
	unlock()
	return execJoin(pid, newPause)
}

// AfterJoin runs inside the namespace, after Enter's re-execution: when the
// namespace was joined through a monitor because the pause process had been
// killed, it starts a new pause process in it.
func AfterJoin(o Options) error {
	if os.Getenv(envNewPause) == "" {
		return nil
	}
	_ = os.Unsetenv(envNewPause)
	unlock, err := lockDir(o.Dir)
	if err != nil {
		return err
	}
	defer unlock()
	if alivePause(o.Dir) != 0 {
		return nil
	}
	return startPauseHere(o.Dir)
}

// StopPause kills the pause process of dir (system migrate): the next
// command starts a new namespace with the current subordinate ranges.
// It reports whether one was running.
func StopPause(dir string) (bool, error) {
	unlock, err := lockDir(dir)
	if err != nil {
		return false, err
	}
	defer unlock()
	pid := alivePause(dir)
	_ = os.Remove(PauseFile(dir))
	if pid == 0 {
		return false, nil
	}
	if err := unix.Kill(pid, unix.SIGKILL); err != nil && !errors.Is(err, unix.ESRCH) {
		return false, fmt.Errorf("killing the rootless pause process %d: %w", pid, err)
	}
	return true, nil
}

// CheckRuntimeDir refuses an unusable $XDG_RUNTIME_DIR before anything is
// created under it. Unset, storage.conf's rules pick /run/user/UID or a
// directory under /tmp, as for Podman.
func CheckRuntimeDir() error {
	dir := os.Getenv("XDG_RUNTIME_DIR")
	if dir == "" {
		return nil
	}
	fix := "set XDG_RUNTIME_DIR to a directory you own and can write (usually /run/user/UID, made by a login session or `loginctl enable-linger`), or unset it"
	var st unix.Stat_t
	if err := unix.Stat(dir, &st); err != nil {
		return fmt.Errorf("XDG_RUNTIME_DIR %q: %w: %s: %w", dir, err, fix, errdefs.ErrInvalidArgument)
	}
	switch {
	case st.Mode&unix.S_IFMT != unix.S_IFDIR:
		return fmt.Errorf("XDG_RUNTIME_DIR %q is not a directory: %s: %w", dir, fix, errdefs.ErrInvalidArgument)
	case int(st.Uid) != os.Geteuid():
		return fmt.Errorf("XDG_RUNTIME_DIR directory %q is not owned by the current user (uid %d): %s: %w", dir, os.Geteuid(), fix, errdefs.ErrInvalidArgument)
	case unix.Access(dir, unix.W_OK|unix.X_OK) != nil:
		return fmt.Errorf("XDG_RUNTIME_DIR directory %q is not writable: %s: %w", dir, fix, errdefs.ErrInvalidArgument)
	}
	return nil
}

// checkDir makes sure dir can hold the pause process's files.
func checkDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("rootless tmp dir %s: %w: make $XDG_RUNTIME_DIR (or --tmpdir) a directory you own and can write: %w", dir, err, errdefs.ErrInvalidArgument)
	}
	if err := unix.Access(dir, unix.W_OK|unix.X_OK); err != nil {
		return fmt.Errorf("rootless tmp dir %s is not writable: %w: make $XDG_RUNTIME_DIR (or --tmpdir) a directory you own and can write: %w", dir, err, errdefs.ErrInvalidArgument)
	}
	return nil
}

func lockDir(dir string) (func(), error) {
	f, err := os.OpenFile(filepath.Join(dir, "pause.lock"), os.O_RDWR|os.O_CREATE|syscall.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("rootless pause lock: %w: %w", err, errdefs.ErrInvalidArgument)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("rootless pause lock: %w", err)
	}
	return func() { f.Close() }, nil
}

// readPid reads a pid file; 0 when absent or garbage.
func readPid(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}

// inOtherNS reports whether pid is a live process of this user in pod's
// user namespace: another namespace than ours before joining, ours after.
func inOtherNS(pid int) bool {
	var st unix.Stat_t
	if unix.Stat(fmt.Sprintf("/proc/%d", pid), &st) != nil || int(st.Uid) != os.Geteuid() {
		return false
	}
	// A zombie (killed, not reaped yet) keeps its user namespace link but
	// has no mount namespace left to join.
	if !pidwatch.Running(pid, 0) {
		return false
	}
	if _, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/mnt", pid)); err != nil {
		return false
	}
	theirs, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/user", pid))
	if err != nil {
		return false
	}
	ours, err := os.Readlink("/proc/self/ns/user")
	if err != nil {
		return false
	}
	if InNamespace() {
		return theirs == ours
	}
	return theirs != ours
}

func alivePause(dir string) int {
	if pid := readPid(PauseFile(dir)); pid != 0 && inOtherNS(pid) {
		return pid
	}
	return 0
}

func aliveCandidate(files []string) int {
	for _, f := range files {
		if pid := readPid(f); pid != 0 && inOtherNS(pid) {
			return pid
		}
	}
	return 0
}

// Mappings returns the user's id mappings for a new namespace: its own
// uid/gid as 0, then its subordinate ranges, checked as Podman needs them.
func Mappings() (uids, gids []specs.LinuxIDMapping, err error) {
	me, err := user.Current()
	if err != nil {
		return nil, nil, fmt.Errorf("looking up the current user: %w", err)
	}
	for _, tool := range []string{"newuidmap", "newgidmap"} {
		if _, err := exec.LookPath(tool); err != nil {
			return nil, nil, fmt.Errorf("rootless containers need %s (Debian package uidmap): %w: %w", tool, err, errdefs.ErrInvalidArgument)
		}
	}
	subU, subG, err := unshare.GetSubIDMappings(me.Username, me.Username)
	if err != nil {
		return nil, nil, fmt.Errorf("user %q needs ranges in /etc/subuid and /etc/subgid for rootless containers (%w): add them as root, e.g. `usermod --add-subuids 100000-165535 --add-subgids 100000-165535 %s`: %w",
			me.Username, err, me.Username, errdefs.ErrInvalidArgument)
	}
	for _, c := range []struct {
		file string
		m    []specs.LinuxIDMapping
	}{{"/etc/subuid", subU}, {"/etc/subgid", subG}} {
		var n uint64
		for _, m := range c.m {
			n += uint64(m.Size)
		}
		if n == 0 {
			return nil, nil, fmt.Errorf("user %q has no range in %s: rootless containers need one, e.g. `usermod --add-subuids 100000-165535 --add-subgids 100000-165535 %s` as root: %w",
				me.Username, c.file, me.Username, errdefs.ErrInvalidArgument)
		}
		if n < MinRange {
			return nil, nil, fmt.Errorf("user %q has only %d ids in %s, rootless containers need at least %d: widen the range (usermod --add-subuids/--add-subgids) and run `pod system migrate`: %w",
				me.Username, n, c.file, MinRange, errdefs.ErrInvalidArgument)
		}
	}
	uid, _ := strconv.Atoi(me.Uid)
	gid, _ := strconv.Atoi(me.Gid)
	return stack(uid, subU), stack(gid, subG), nil
}

// stack maps id to 0 and the ranges after it.
func stack(id int, ranges []specs.LinuxIDMapping) []specs.LinuxIDMapping {
	out := []specs.LinuxIDMapping{{ContainerID: 0, HostID: uint32(id), Size: 1}}
	next := uint32(1)
	for _, r := range ranges {
		out = append(out, specs.LinuxIDMapping{ContainerID: next, HostID: r.HostID, Size: r.Size})
		next += r.Size
	}
	return out
}

// pauseFiles are the pause process's stdio and its readiness pipe.
type pauseFiles struct {
	devnull, readyR, readyW, errR, errW *os.File
}

func newPauseFiles() (*pauseFiles, error) {
	p := &pauseFiles{}
	var err error
	if p.devnull, err = os.OpenFile(os.DevNull, os.O_RDWR, 0); err != nil {
		return nil, err
	}
	if p.readyR, p.readyW, err = os.Pipe(); err != nil {
		p.devnull.Close()
		return nil, err
	}
	if p.errR, p.errW, err = os.Pipe(); err != nil {
		p.devnull.Close()
		p.readyR.Close()
		p.readyW.Close()
		return nil, err
	}
	return p, nil
}

// setup points cmd's stdio and environment at the pause process's files.
func (p *pauseFiles) setup(cmd *exec.Cmd) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	cmd.Path = exe
	cmd.Args = []string{"pod-rootless-pause"}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = p.devnull, p.devnull, p.errW
	cmd.ExtraFiles = append(cmd.ExtraFiles, p.readyW)
	cmd.Env = append(cleanEnv(), envPause+"=1", fmt.Sprintf("%s=%d", envReady, 2+len(cmd.ExtraFiles)))
	return nil
}

// started closes the child's ends once it runs.
func (p *pauseFiles) started() {
	p.devnull.Close()
	p.readyW.Close()
	p.errW.Close()
}

// stderr is what a pause process that failed to start said.
func (p *pauseFiles) stderr() string {
	_ = p.errR.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	b, _ := io.ReadAll(io.LimitReader(p.errR, 4096))
	return strings.TrimSpace(string(b))
}

func (p *pauseFiles) close() {
	p.readyR.Close()
	p.errR.Close()
}

// startPauseHere starts a pause process in this (already joined) namespace.
func startPauseHere(dir string) error {
	p, err := newPauseFiles()
	if err != nil {
		return err
	}
	defer p.close()
	cmd := &exec.Cmd{SysProcAttr: &syscall.SysProcAttr{Setsid: true}}
	if err := p.setup(cmd); err != nil {
		p.started()
		return err
	}
	err = cmd.Start()
	p.started()
	if err != nil {
		return fmt.Errorf("starting the rootless pause process: %w", err)
	}
	go func() { _ = cmd.Wait() }()
	return finishPause(dir, cmd.Process.Pid, p, func() { _ = cmd.Process.Kill() })
}

// startPause starts the pause process in a new user and mount namespace.
func startPause(dir string) (int, error) {
	uids, gids, err := Mappings()
	if err != nil {
		return 0, err
	}
	p, err := newPauseFiles()
	if err != nil {
		return 0, err
	}
	defer p.close()
	cmd := unshare.Command("pod-rootless-pause")
	if err := p.setup(cmd.Cmd); err != nil {
		p.started()
		return 0, err
	}
	cmd.UnshareFlags = syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS
	cmd.UseNewuidmap, cmd.UseNewgidmap = true, true
	cmd.UidMappings, cmd.GidMappings = uids, gids
	cmd.GidMappingsEnableSetgroups = true
	cmd.Setsid = true
	err = cmd.Start()
	p.started()
	if err != nil {
		return 0, fmt.Errorf("creating the rootless user namespace: %w: %s: %w", err, p.stderr(), errdefs.ErrInvalidArgument)
	}
	pid := cmd.Process.Pid
	go func() { _ = cmd.Wait() }()
	if err := finishPause(dir, pid, p, func() { _ = cmd.Process.Kill() }); err != nil {
		return 0, err
	}
	return pid, nil
}

// finishPause waits until the pause process is set up and records its pid.
func finishPause(dir string, pid int, p *pauseFiles, kill func()) error {
	var b [1]byte
	if _, err := p.readyR.Read(b[:]); !errors.Is(err, io.EOF) {
		kill()
		return fmt.Errorf("the rootless pause process %d did not start", pid)
	}
	if !inOtherNS(pid) {
		return fmt.Errorf("the rootless pause process %d did not start: %s", pid, p.stderr())
	}
	tmp := PauseFile(dir) + ".tmp"
	if err := os.WriteFile(tmp, []byte(strconv.Itoa(pid)), 0o600); err != nil {
		kill()
		return fmt.Errorf("writing the rootless pause pid file: %w", err)
	}
	if err := os.Rename(tmp, PauseFile(dir)); err != nil {
		kill()
		return fmt.Errorf("writing the rootless pause pid file: %w", err)
	}
	return nil
}

// cleanEnv is the environment without pod's rootless variables.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case envJoin, envJoinErrno, envPause, envNewPause, envReady, unshare.UsernsEnvName, "_CONTAINERS_ROOTLESS_UID", "_CONTAINERS_ROOTLESS_GID":
			continue
		}
		env = append(env, kv)
	}
	return env
}

// execJoin replaces this process by pod joining pid's namespaces.
func execJoin(pid int, newPause bool) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	env := append(cleanEnv(),
		fmt.Sprintf("%s=%d", envJoin, pid),
		unshare.UsernsEnvName+"=done",
		fmt.Sprintf("_CONTAINERS_ROOTLESS_UID=%d", os.Geteuid()),
		fmt.Sprintf("_CONTAINERS_ROOTLESS_GID=%d", os.Getegid()))
	if newPause {
		env = append(env, envNewPause+"=1")
	}
	return fmt.Errorf("re-executing %s in the rootless user namespace: %w", exe, syscall.Exec(exe, os.Args, env))
}

// MaybePause turns this process into the pause process when it was started
// as one; call it first thing in main.
func MaybePause() {
	if os.Getenv(envPause) == "" {
		return
	}
	signal.Ignore(syscall.SIGINT, syscall.SIGHUP, syscall.SIGTERM, syscall.SIGPIPE)
	if fd, err := strconv.Atoi(os.Getenv(envReady)); err == nil {
		_ = unix.Close(fd)
	}
	closeInherited()
	_ = os.Chdir("/")
	for {
		_ = unix.Pause()
	}
}

// closeInherited closes the fds ≥ 3 the pause process inherited (open
// across exec) from the pod command that started it: it lives on, and a
// caller's pipe must not stay open with it. The Go runtime's own files are
// close-on-exec and stay.
func closeInherited() {
	for _, fd := range inheritfd.List() {
		_ = unix.Close(fd)
	}
}
