// Package rootless owns what lets an ordinary user run pod: the user
// namespace built from the user's /etc/subuid and /etc/subgid ranges, and
// the pause process that keeps that namespace (and its mount namespace)
// alive between pod commands, as Podman does.
//
// The first pod command of a user (per tmp dir) starts the pause process in
// a new user and mount namespace with go.podman.io/storage's pkg/unshare
// (unshare.Command: CLONE_NEWUSER|CLONE_NEWNS, newuidmap/newgidmap with the
// ranges from unshare.GetSubIDMappings), writes its pid to
// <tmp_dir>/pause.pid (0600) and re-executes itself joining it. Every later
// command joins the same namespaces, so the storage mounts, the runtimes'
// state and the monitors of one command are those of the next.
//
// Written by hand, because the libraries lack it:
//   - joining an existing user namespace (join_linux.c): setns(2) into a user
//     namespace needs a single-threaded process, so it runs in a C
//     constructor before the Go runtime starts, keyed by an environment
//     variable (Podman's rootless_linux.c does the same); storage's
//     pkg/unshare only creates namespaces;
//   - the pause process itself and its recovery: when it was killed, the
//     namespace lives on in the containers' monitors, so the next command
//     joins one of them (pid files given by the caller) and starts a new
//     pause process inside it;
//   - the checks that turn a missing newuidmap, a missing or too small
//     subordinate range, or an unusable runtime dir into a clear error
//     before anything is created (pkg/unshare would fall back to a
//     single-id mapping with a warning).
//
// Root never gets here: cmd/pod calls Enter only when the effective uid is
// not 0, and the constructor only reads one environment variable.
package rootless
