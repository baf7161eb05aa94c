package monitor

import (
	"os"
	"strings"
	"syscall"

	"github.com/pod-engine/pod/pkg/conmon"
)

// journalSocket is where systemd-journald listens for native messages.
var journalSocket = "/run/systemd/journal/socket"

// config is the validated command line.
type config struct {
	conmon.Args
	k8sPath     string // k8s-file log path ("" = no k8s-file log)
	journald    bool
	passthrough bool
	apiKey      string // key of sync pipe messages
}

// newConfig checks the arguments the way conmon 2.1.6 does, in the same
// order and with the same messages, and fills in conmon's defaults.
func newConfig(a *conmon.Args) (*config, string) {
	c := &config{Args: *a}
	if c.LogLevel != "" {
		lvl, ok := levelByName(strings.ToLower(c.LogLevel))
		if !ok {
			return nil, "No such log level " + c.LogLevel
		}
		diag.level = lvl
	}
	diag.syslog = c.Syslog
	diag.cid = c.CID
	switch {
	case c.Restore != "" && c.Exec:
		return nil, "Cannot use 'exec' and 'restore' at the same time"
	case c.Run && (c.Exec || c.Restore != ""):
		return nil, "Cannot use 'run' with 'exec' or 'restore'"
	case !c.Exec && !c.Run && c.ExecAttach:
		return nil, "Attach can only be specified with exec"
	case !c.APIVersion && c.ExecAttach:
		return nil, "Attach can only be specified for a non-legacy exec session"
	case c.CUUID == "" && (!c.Exec || c.APIVersion):
		return nil, "Container UUID not provided. Use --cuuid"
	case c.Runtime == "":
		return nil, "Runtime path not provided. Use --runtime"
	}
	if err := syscall.Access(c.Runtime, 1 /* X_OK */); err != nil {
		return nil, "Runtime path " + c.Runtime + " is not valid: " + err.Error()
	}
	cwd, _ := os.Getwd()
	if c.Bundle == "" && !c.Exec {
		if cwd == "" {
			return nil, "Failed to get working directory"
		}
		c.Bundle = cwd
	}
	if c.Exec && c.ExecProcessSpec == "" {
		return nil, "Exec process spec path not provided. Use --exec-process-spec"
	}
	if c.ContainerPidFile == "" {
		c.ContainerPidFile = cwd + "/pidfile-" + c.CID
	}
	if c.ExitDelay < 0 {
		return nil, "Delay before invoking exit command must be greater than or equal to 0"
	}
	if c.SocketDirPath == "" {
		c.SocketDirPath = "/var/run/crio"
	}
	if msg := c.parseLogPaths(); msg != "" {
		return nil, msg
	}
	c.apiKey = conmon.SyncKey(&c.Args)
	return c, ""
}

// parseLogPaths reads the -l values: "k8s-file:PATH", ":PATH" or a bare
// PATH (k8s-file), "journald[:...]", "passthrough", "none"/"off"/"null".
// Unlike conmon, a PATH may itself contain ':'.
func (c *config) parseLogPaths() string {
	if len(c.LogPaths) == 0 {
		return "Log driver not provided. Use --log-path"
	}
	for _, spec := range c.LogPaths {
		if spec == "" {
			return "log-path must not be empty"
		}
		driver, path, hasColon := strings.Cut(spec, ":")
		if driver == "" {
			driver = conmon.LogDriverK8sFile
		}
		switch driver {
		case "off", "null", conmon.LogDriverNone:
		case conmon.LogDriverPassthrough:
			c.passthrough = true
		case conmon.LogDriverJournald:
			c.journald = true
		case conmon.LogDriverK8sFile:
			if path == "" {
				return "k8s-file requires a filename"
			}
			c.k8sPath = path
		default:
			if hasColon {
				return "No such log driver " + driver
			}
			c.k8sPath = spec
		}
	}
	if c.k8sPath != "" && !c.journald && c.LogTag != "" {
		return "k8s-file doesn't support --log-tag"
	}
	if c.journald {
		if len(c.CID) <= 12 {
			return "Container ID must be longer than 12 characters"
		}
		if !exists(journalSocket) {
			return "journald log driver: " + journalSocket + " is not available (is systemd-journald running?); use --log-path k8s-file:PATH instead"
		}
	}
	return ""
}
