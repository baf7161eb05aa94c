// Package monitor is pod-conmon: a container monitor that speaks conmon's
// protocol (command line, start/sync/attach pipes, attach socket, ctl FIFO,
// exit files, k8s-file logs) so that pod, Podman or CRI-O can use it in
// place of conmon 2.1.6.
//
// Process model, as conmon's: the process the caller starts parses its
// arguments, waits for the start pipe, then daemonizes and exits; the
// daemon (setsid, child subreaper) runs `runtime create` (or `exec`, or
// with --run, pod-conmon's own flag, `run --detach`), reports the
// container pid on the sync pipe, relays the container's stdio to the log
// and to attach clients in one epoll loop, writes the exit files
// once the container is reaped, runs the exit command and exits when it
// ends. Go cannot fork without exec, so the daemon is this binary
// re-executed with an environment marker; the fds and the handshake stay
// exactly as conmon's. pod itself skips that re-exec (conmon.EnvDirect,
// runDirect): it starts the monitor as a session leader and does not wait
// for it, so the first process is the daemon and each create or exec costs
// one process start less.
//
// To keep each monitor small and quick (one runs per container) the package
// uses the standard library and golang.org/x/sys only, no goroutine besides
// main (signals arrive through an assembly handler that wakes the epoll
// loop, see signal_handler_amd64.go), buffers in the zero-filled data
// segment, no allocation in the steady state, and no fmt or encoding/json.
package monitor
