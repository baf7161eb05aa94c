package monitor

import (
	"bytes"
	"os"
	"strconv"
	"syscall"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/sealedexe"
)

// envTrampoline marks this binary re-executed as a trampoline that sets
// LISTEN_PID to its own pid and then execs the runtime (a Go program cannot
// run code between fork and exec, conmon does it there).
const envTrampoline = "_POD_CONMON_EXEC_RUNTIME"

// runtimeArgv is conmon's runtime command line: global args, then create
// (or exec, or restore) with its flags, --runtime-opt values, the console
// socket, and the container ID last. --run makes it `run --detach`, with
// the flags of create (runc, crun and runsc take the same ones).
func (m *mon) runtimeArgv() []string {
	c := m.c
	argv := []string{c.Runtime}
	if !c.Exec && c.SystemdCgroup {
		argv = append(argv, "--systemd-cgroup")
	}
	argv = append(argv, c.RuntimeArgs...)
	if c.Exec {
		argv = append(argv, "exec", "--pid-file", c.ContainerPidFile, "--process", c.ExecProcessSpec, "--detach")
	} else {
		cmd := "create"
		if c.Restore != "" {
			cmd = "restore"
		} else if c.Run {
			cmd = "run"
		}
		argv = append(argv, cmd, "--bundle", c.Bundle, "--pid-file", c.ContainerPidFile)
		if c.Run {
			argv = append(argv, "--detach")
		}
		if c.NoPivot {
			argv = append(argv, "--no-pivot")
		}
		if c.NoNewKeyring {
			argv = append(argv, "--no-new-keyring")
		}
		if c.Restore != "" {
			argv = append(argv, "--detach", "--image-path", c.Restore, "--work-path", c.Bundle)
		}
	}
	argv = append(argv, c.RuntimeOpts...)
	if m.consolePath != "" {
		argv = append(argv, "--console-socket", m.consolePath)
	}
	return append(argv, c.CID)
}

// spawnRuntime forks the OCI runtime with the container's stdio and the
// caller's preserved fds, killed if the monitor dies.
func (m *mon) spawnRuntime() string {
	c := m.c
	argv := m.runtimeArgv()
	if diag.on(levelDebug) {
		debugf("calling runtime args: " + joinSpace(argv))
	}
	var files []uintptr
	if c.passthrough {
		files = []uintptr{0, 1, 2}
	} else {
		files = []uintptr{uintptr(m.devnull), uintptr(m.devnull), uintptr(m.devnull)}
		if len(m.workerFds) == 3 {
			for i, fd := range m.workerFds {
				if fd >= 0 {
					files[i] = uintptr(fd)
				}
			}
		}
	}
	// m.others reach the runtime at their numbers: they are the only fds
	// without close-on-exec.
	env := os.Environ()
	path := c.Runtime
	if lp, ok := os.LookupEnv("LISTEN_PID"); ok {
		n, err := strconv.Atoi(lp)
		if err != nil || n <= 0 {
			return "Invalid LISTEN_PID " + lp
		}
		if c.ReplaceListenPid || n == os.Getpid() {
			env = append(env, envTrampoline+"="+c.Runtime)
			if self, err := os.Executable(); err == nil {
				path = self
			} else {
				path = "/proc/self/exe"
			}
		}
	}
	if c.SealedRuntime && path == c.Runtime {
		// crun takes a sealed copy as already cloned and skips its
		// re-exec; without one it only costs that re-exec.
		if f, err := sealedexe.Open(path); err == nil {
			defer f.Close()
			path = sealedexe.Path(f)
		} else if diag.on(levelDebug) {
			debugf(err.Error())
		}
	}
	lowered := m.oomOrig != "" && m.oomOrig != "-1000" && readOOM() == "-1000"
	if lowered {
		adjustOOM("0") // the runtime and the container must stay killable
	}
	pid, err := syscall.ForkExec(path, argv, &syscall.ProcAttr{
		Env:   env,
		Files: files,
		Sys:   &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL},
	})
	if lowered {
		adjustOOM("-1000")
	}
	for _, fd := range m.workerFds {
		if fd >= 0 {
			syscall.Close(fd)
		}
	}
	m.workerFds = nil
	if c.passthrough {
		for fd := 0; fd < 3; fd++ {
			_ = syscall.Dup3(m.devnull, fd, 0)
		}
	}
	if err != nil {
		return "Failed to fork the runtime " + c.Runtime + ": " + err.Error()
	}
	m.runtimePid = pid
	return ""
}

func readOOM() string {
	b, _ := readSmall("/proc/self/oom_score_adj")
	return string(bytes.TrimSpace(b))
}

// trampoline sets LISTEN_PID to this process's pid and execs the runtime
// (argv as given, environment minus the marker).
func trampoline(runtimePath string) int {
	os.Unsetenv(envTrampoline)
	os.Setenv("LISTEN_PID", strconv.Itoa(os.Getpid()))
	err := syscall.Exec(runtimePath, os.Args, os.Environ())
	writeStderr("pod-conmon: exec " + runtimePath + ": " + err.Error() + "\n")
	return 127
}

// readRuntimeError returns what the runtime wrote to its stderr (at most
// 8191 bytes, as conmon), without blocking.
func (m *mon) readRuntimeError() string {
	if m.stderrFd < 0 {
		return ""
	}
	_ = syscall.SetNonblock(m.stderrFd, true)
	buf := outBuf[:conmon.AttachReadBuf-2] // 8191 bytes, as conmon
	n := 0
	for n < len(buf) {
		r, err := syscall.Read(m.stderrFd, buf[n:])
		if err == syscall.EINTR {
			continue
		}
		if r <= 0 || err != nil {
			break
		}
		n += r
	}
	return string(buf[:n])
}

func joinSpace(s []string) string {
	n := 0
	for _, x := range s {
		n += len(x) + 1
	}
	b := make([]byte, 0, n)
	for i, x := range s {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, x...)
	}
	return string(b)
}
