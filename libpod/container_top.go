package libpod

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/user"
	"strconv"
	"strings"

	"github.com/pod-engine/pod/libpod/internal/specgen"
	"github.com/pod-engine/pod/pkg/conmon/client"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/procps"
)

// Top describes the processes of a running container, one tab-separated
// line each after a header line, with ps(1)-style descriptors (package
// procps; none means Podman's default set). As in Podman, a descriptor
// procps does not know makes it run ps(1) inside the container with the
// descriptors as arguments and return ps's lines instead.
func (c *Container) Top(ctx context.Context, descriptors []string) ([]string, error) {
	if err := c.lockAndSync(); err != nil {
		return nil, err
	}
	status, rootfs := c.state.Status, c.state.Mountpoint
	var cgroupsPath string
	if spec := c.readSpec(); spec != nil && spec.Linux != nil {
		cgroupsPath = spec.Linux.CgroupsPath
	}
	initPid := c.state.Task.Pid
	c.unlock()
	if c.config.Spec.Cgroups == "disabled" {
		return nil, fmt.Errorf("cannot use top on containers created with --cgroups=disabled: %w", errdefs.ErrInvalidArgument)
	}
	if status != StatusRunning {
		return nil, errdefs.WithClass(errors.New("top can only be used on running containers"), errdefs.ErrConflict) // Podman's words
	}
	pids := cgroupPids(cgroupsPath)
	if len(pids) == 0 && initPid > 0 {
		// no cgroup (rootless on cgroup v1): the processes of its PID namespace
		pids = procps.NamespacePids(initPid)
	}
	users, groups := specgen.IDNames(rootfs)
	rows, err := procps.Table(pids, descriptors, procps.Names{
		User:      func(id int) string { return users[id] },
		Group:     func(id int) string { return groups[id] },
		HostUser:  hostUserName,
		HostGroup: hostGroupName,
	})
	if errors.Is(err, procps.ErrUnknownDescriptor) {
		return c.execPS(ctx, descriptors)
	}
	if err != nil {
		return nil, err
	}
	lines := make([]string, len(rows))
	for i, r := range rows {
		lines[i] = strings.Join(r, "\t")
	}
	return lines, nil
}

// execPS runs ps(1) with args in the container and returns its output
// lines, without the line of the ps process itself.
func (c *Container) execPS(ctx context.Context, args []string) ([]string, error) {
	var out, errOut bytes.Buffer
	code, _, err := c.Exec(ctx, ExecOptions{Cmd: append([]string{"ps"}, args...)},
		&Attach{Options: client.AttachOptions{Stdout: &out, Stderr: &errOut}})
	if err != nil {
		return nil, fmt.Errorf("executing ps(1) in container %s: %w", c.config.Name, err)
	}
	if code != 0 {
		return nil, fmt.Errorf("executing ps(1) in container %s: exit status %d: %s: %w", c.config.Name, code,
			strings.TrimSpace(errOut.String()), errdefs.ErrInvalidArgument)
	}
	self := strings.Join(args, " ")
	var lines []string
	for _, l := range strings.Split(strings.TrimRight(out.String(), "\n"), "\n") {
		if !strings.Contains(l, self) {
			lines = append(lines, l)
		}
	}
	return lines, nil
}

func hostUserName(id int) string {
	u, err := user.LookupId(strconv.Itoa(id))
	if err != nil {
		return ""
	}
	return u.Username
}

func hostGroupName(id int) string {
	g, err := user.LookupGroupId(strconv.Itoa(id))
	if err != nil {
		return ""
	}
	return g.Name
}
