// Package oci drives OCI runtimes (runc, crun, runsc, youki…) through their
// command line. Containers are created under a conmon-protocol monitor
// (pod-conmon or the real conmon) so they outlive pod; the other verbs call
// the runtime directly. Each verb's argv is rendered from one options struct
// (args), so the command lines are table-tested.
package oci

import "strconv"

// Global are the flags placed before the subcommand of every call.
type Global struct {
	Flags     []string // the runtime's configured flags ("--root=/run/x", "--debug"…)
	Extra     []string // per-container flags that must repeat on every call (runsc --network)
	Log       string   // --log FILE
	LogFormat string   // --log-format json
}

func (g Global) args() []string {
	var a []string
	a = append(a, g.Flags...)
	a = append(a, g.Extra...)
	if g.Log != "" {
		a = append(a, "--log", g.Log)
	}
	if g.LogFormat != "" {
		a = append(a, "--log-format", g.LogFormat)
	}
	return a
}

// StartArgs renders `start ID`.
type StartArgs struct{ ID string }

func (o StartArgs) args() []string { return []string{"start", o.ID} }

// KillArgs renders `kill [--all] ID SIGNAL`.
type KillArgs struct {
	ID     string
	Signal int
	All    bool
}

func (o KillArgs) args() []string {
	a := []string{"kill"}
	if o.All {
		a = append(a, "--all")
	}
	return append(a, o.ID, strconv.Itoa(o.Signal))
}

// DeleteArgs renders `delete [--force] ID`.
type DeleteArgs struct {
	ID    string
	Force bool
}

func (o DeleteArgs) args() []string {
	a := []string{"delete"}
	if o.Force {
		a = append(a, "--force")
	}
	return append(a, o.ID)
}

// StateArgs renders `state ID`.
type StateArgs struct{ ID string }

func (o StateArgs) args() []string { return []string{"state", o.ID} }

// PauseArgs renders `pause ID`.
type PauseArgs struct{ ID string }

func (o PauseArgs) args() []string { return []string{"pause", o.ID} }

// ResumeArgs renders `resume ID`.
type ResumeArgs struct{ ID string }

func (o ResumeArgs) args() []string { return []string{"resume", o.ID} }

// UpdateArgs renders `update --resources FILE ID`.
type UpdateArgs struct {
	ID        string
	Resources string // path of a LinuxResources JSON file, or "-" for stdin
}

func (o UpdateArgs) args() []string {
	return []string{"update", "--resources", o.Resources, o.ID}
}

// FeaturesArgs renders `features`.
type FeaturesArgs struct{}

func (FeaturesArgs) args() []string { return []string{"features"} }

// CreateArgs renders `create --bundle B --pid-file P … ID` as run by a
// monitor; it is used when the monitor is bypassed in tests and documents
// what the monitor runs.
type CreateArgs struct {
	ID            string
	Bundle        string
	PidFile       string
	ConsoleSocket string
	NoPivot       bool
	NoNewKeyring  bool
	PreserveFDs   int
}

func (o CreateArgs) args() []string {
	a := []string{"create", "--bundle", o.Bundle, "--pid-file", o.PidFile}
	if o.ConsoleSocket != "" {
		a = append(a, "--console-socket", o.ConsoleSocket)
	}
	if o.NoPivot {
		a = append(a, "--no-pivot")
	}
	if o.NoNewKeyring {
		a = append(a, "--no-new-keyring")
	}
	if o.PreserveFDs > 0 {
		a = append(a, "--preserve-fds", strconv.Itoa(o.PreserveFDs))
	}
	return append(a, o.ID)
}

// CheckpointArgs renders `checkpoint --image-path I --work-path W … ID`
// (runc's and crun's flags; Podman passes the same).
type CheckpointArgs struct {
	ID        string
	ImagePath string
	WorkPath  string
	// ParentPath, relative to ImagePath, is a pre-dump's images.
	ParentPath                                       string
	LeaveRunning, PreDump, TCPEstablished, FileLocks bool
}

func (o CheckpointArgs) args() []string {
	a := []string{"checkpoint", "--image-path", o.ImagePath, "--work-path", o.WorkPath}
	if o.ParentPath != "" {
		a = append(a, "--parent-path", o.ParentPath)
	}
	for _, f := range []struct {
		on   bool
		flag string
	}{{o.LeaveRunning, "--leave-running"}, {o.PreDump, "--pre-dump"}, {o.TCPEstablished, "--tcp-established"}, {o.FileLocks, "--file-locks"}} {
		if f.on {
			a = append(a, f.flag)
		}
	}
	return append(a, o.ID)
}

// command renders a whole runtime argv (without the binary): global flags,
// then the verb's own.
func command(g Global, verb interface{ args() []string }) []string {
	return append(g.args(), verb.args()...)
}
