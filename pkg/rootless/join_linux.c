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

static int pod_join_ns(const char *pid, const char *kind, int nstype)
{
	char path[64];
	int fd, ret;

	snprintf(path, sizeof(path), "/proc/%s/ns/%s", pid, kind);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = setns(fd, nstype);
	close(fd);
	return ret;
}

__attribute__((constructor)) static void pod_rootless_join(void)
{
	const char *pid = getenv("_POD_ROOTLESS_JOIN");
	char msg[32];

	if (pid == NULL || *pid == '\0')
		return;
	if (strspn(pid, "0123456789") != strlen(pid) || strlen(pid) > 10)
		goto fail;
	if (pod_join_ns(pid, "user", CLONE_NEWUSER) < 0)
		goto fail;
	if (pod_join_ns(pid, "mnt", CLONE_NEWNS) < 0)
		goto fail;
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		goto fail;
	unsetenv("_POD_ROOTLESS_JOIN");
	return;
fail:
	/* Leave the reason for the Go side, which starts a new pause process. */
	snprintf(msg, sizeof(msg), "%d", errno);
	setenv("_POD_ROOTLESS_JOIN_ERRNO", msg, 1);
	unsetenv("_POD_ROOTLESS_JOIN");
}
