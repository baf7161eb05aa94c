// Joining a user namespace must happen while the process is single-threaded
// (setns(2) with CLONE_NEWUSER fails in a multithreaded process), so it runs
// here, in a constructor, before the Go runtime starts its threads. Podman
// does the same in C (pkg/rootless/rootless_linux.c); go.podman.io/storage's
// pkg/unshare only creates namespaces, it cannot join one.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int pod_open_ns(const char *pid, const char *kind)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%s/ns/%s", pid, kind);
	return open(path, O_RDONLY | O_CLOEXEC);
}

__attribute__((constructor)) static void pod_rootless_join(void)
{
	const char *pid = getenv("_POD_ROOTLESS_JOIN");
	char msg[32];
	char *cwd;
	int userfd = -1, mntfd = -1;

	if (pid == NULL || *pid == '\0')
		return;
	if (strspn(pid, "0123456789") != strlen(pid) || strlen(pid) > 10)
		goto fail;
	/* Open both first: a process that went away leaves nothing half-joined. */
	userfd = pod_open_ns(pid, "user");
	if (userfd < 0)
		goto fail;
	mntfd = pod_open_ns(pid, "mnt");
	if (mntfd < 0)
		goto fail;
	/* setns(CLONE_NEWNS) moves the process to the namespace's root: keep
	 * the caller's working directory, or relative paths (-v ./dir, save -o
	 * file, generate systemd --files) would resolve against "/". */
	cwd = getcwd(NULL, 0);
	if (setns(userfd, CLONE_NEWUSER) < 0) {
		free(cwd);
		goto fail;
	}
	/* In the user namespace now: there is no way back, so failing
	 * further is fatal rather than a retry. */
	if (setns(mntfd, CLONE_NEWNS) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
		fprintf(stderr, "Error: joining the mount namespace of pod's rootless pause process %s: %m\n", pid);
		_exit(125);
	}
	/* A deleted working directory has no path: stay at "/" (a relative
	 * path could not be found there either). */
	if (cwd != NULL && chdir(cwd) < 0) {
		fprintf(stderr, "Error: changing to the current working directory %s in pod's rootless user namespace: %m\n", cwd);
		_exit(125);
	}
	free(cwd);
	close(userfd);
	close(mntfd);
	unsetenv("_POD_ROOTLESS_JOIN");
	return;
fail:
	if (userfd >= 0)
		close(userfd);
	if (mntfd >= 0)
		close(mntfd);
	/* Leave the reason for the Go side, which starts a new pause process. */
	snprintf(msg, sizeof(msg), "%d", errno);
	setenv("_POD_ROOTLESS_JOIN_ERRNO", msg, 1);
	unsetenv("_POD_ROOTLESS_JOIN");
}
