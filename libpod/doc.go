// Package libpod is pod's engine: containers, their state and their
// lifecycle, with no CLI and no daemon. Every pod process builds a Runtime,
// does one thing, and exits; what must outlive it (the container's stdio,
// exit code, cleanup) is the monitor's job (package conmon's contract).
//
// # Object model
//
// A Container has an immutable ContainerConfig (what it was created with,
// including the ocirt.Handle of the runtime it asked for) and a mutable
// ContainerState, both stored as JSON in one SQLite row (internal/store).
// Every later operation rebuilds the container's runtime from the stored
// Handle, never from the current configuration, so containers keep working
// when containers.conf changes; when the recorded binary is gone, stop and
// rm -f still end the container by signalling its processes.
//
// # Invariants
//
//   - Which state changes are legal is decided only by the table in
//     state.go (canTransition); verbs ask it, they do not re-implement it.
//     Which states a verb accepts is decided only by the precondition
//     table beside it (checkVerb in libpod, Status.Allows for the CLI's
//     --all selection).
//   - The monitor's exit file (<tmp_dir>/exits/<id>) is the truth about a
//     container's end. syncExit folds it into the state whenever a container
//     is read; a monitor that died without one leaves exit code -1 and an
//     error. Exit files are removed only when a container is started again
//     or removed, so a foreground `run` never races cleanup for the code;
//     codes of removed containers stay in the exit_codes table for five
//     minutes, found by ID or name (`run -d --rm --name x`, then `wait x`).
//   - Cleanup (runtime delete, unmount) is idempotent and safe to run from
//     the monitor's exit command and from the foreground pod at once. A
//     foreground pod (run, start --attach) holds <exit-dir>/<id>.fg locked
//     and says when its cleanup is done, so the monitor skips the exit
//     command (docs/monitor.md).
//   - Nothing here assumes root, cgroup v1 or one runtime kind: paths come
//     from containers.conf/storage.conf (XDG paths for rootless users), and
//     runtimes are reached only through the ocirt interfaces.
//
// # Lock order
//
// Locks are flock(2) files under <runroot>/pod/locks (internal/lock); they
// die with their process. Take them in this order and never the other way:
//
//  1. the runtime lock (engine-wide changes, such as a reboot refresh);
//  2. pod locks ("pod-<ID>" files), by ascending pod ID: a pod verb holds
//     its pod's lock while it runs the container verbs on the members, and
//     creating a container in a pod holds the pod's lock (pod_*.go);
//  3. container locks, by ascending container ID (lock.LockOrdered).
//
// The verbs on many containers (stop -a, rm -af…) run one goroutine per
// container (package parallel); each goroutine holds at most one container
// lock at a time, so they cannot deadlock with each other or with other
// processes.
//
// A verb holds a container's lock while it changes that container's state
// and releases it while it waits for something slow (stop waits for the exit
// file unlocked, in the "stopping" state), then re-locks and re-reads the
// state, which may have changed meanwhile. The state database is never
// written for a container without holding that container's lock, except
// when a new container is inserted (its ID is new, its name is guarded by
// the database's UNIQUE constraint).
//
// # What comes next
//
// Rootless users run in a user namespace kept by package rootless (see
// docs/rootless.md); libpod only reads the ids it maps (--userns keep-id).
// Systemd units (sd_notify through the monitor's --sdnotify-socket, the
// systemd cgroup manager) fit this model. Pods do: a Pod row and lock
// between the runtime and container levels, members naming their pod in
// ContainerConfig.Pod, namespaces joined by path in the spec at each start
// (docs/pods.md).
package libpod
