package oci

import (
	"os/exec"
	"strconv"
	"syscall"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/conmon/client"
	"github.com/pod-engine/pod/pkg/ocirt"
	"github.com/pod-engine/pod/pkg/ocirt/launch"
)

// startTimer runs the container's periodic command (its healthcheck) when
// its monitor cannot: the real conmon has no periodic command, so
// pod-conmon runs beside it as a timer only (`--periodic-pid`), until the
// container's init process pid ends. Without pod-conmon the healthcheck is
// not scheduled, with a warning; `pod healthcheck run` still works.
func (r *runtime) startTimer(req *ocirt.CreateRequest, pid int) {
	p := req.Periodic
	if len(p.Command) == 0 || p.Interval <= 0 {
		return
	}
	bin := ""
	if r.timer != nil {
		bin = r.timer()
	}
	if bin == "" {
		logrus.Warnf("container %s: its healthcheck is not scheduled: the monitor %s runs no periodic command and pod-conmon was not found to run it", req.Name, r.h.Monitor)
		return
	}
	a := conmon.Args{
		PeriodicCommand: p.Command[0], PeriodicCommandArgs: p.Command[1:],
		PeriodicInterval: int64(p.Interval / time.Millisecond), PeriodicPid: pid,
	}
	cmd := exec.Command(bin, a.Argv()...)
	cmd.Env = client.DirectEnv(launch.Env(req.Env))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		logrus.Warnf("container %s: its healthcheck is not scheduled: starting %s: %v", req.Name, bin, err)
		return
	}
	go func() { _ = cmd.Wait() }() // reaped by us while we live, by init or a subreaper after
	logrus.Debugf("container %s: healthcheck timer pid %d (pod-conmon --periodic-pid %s)", req.Name, cmd.Process.Pid, strconv.Itoa(pid))
}
