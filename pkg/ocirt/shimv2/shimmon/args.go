package shimmon

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/errdefs"
)

// parseArgs parses the conmon command line conmon.Args.Argv renders: flags
// with separate or "="-joined values; "--api-version 1" leaves a stray "1",
// which is ignored as conmon's option parser does.
func parseArgs(argv []string) (*conmon.Args, error) {
	a := &conmon.Args{}
	str := map[string]*string{
		"-c": &a.CID, "--cid": &a.CID, "-u": &a.CUUID, "--cuuid": &a.CUUID, "-n": &a.Name, "--name": &a.Name,
		"-r": &a.Runtime, "--runtime": &a.Runtime, "-b": &a.Bundle, "--bundle": &a.Bundle,
		"-p": &a.ContainerPidFile, "--container-pidfile": &a.ContainerPidFile, "--pidfile": &a.ContainerPidFile,
		"-P": &a.ConmonPidFile, "--conmon-pidfile": &a.ConmonPidFile, "--log-level": &a.LogLevel, "--log-tag": &a.LogTag,
		"--exit-dir": &a.ExitDir, "-0": &a.PersistDir, "--persist-dir": &a.PersistDir, "--exit-command": &a.ExitCommand,
		"--socket-dir-path": &a.SocketDirPath, "--exec-process-spec": &a.ExecProcessSpec, "--restore": &a.Restore,
		"--sdnotify-socket": &a.SdNotifySocket,
	}
	list := map[string]*[]string{
		"-l": &a.LogPaths, "--log-path": &a.LogPaths, "--exit-command-arg": &a.ExitCommandArgs,
		"--runtime-arg": &a.RuntimeArgs, "--runtime-opt": &a.RuntimeOpts,
	}
	boolean := map[string]*bool{
		"--api-version": &a.APIVersion, "--full-attach": &a.FullAttach, "-t": &a.Terminal, "--terminal": &a.Terminal,
		"-i": &a.Stdin, "--stdin": &a.Stdin, "--leave-stdin-open": &a.LeaveStdinOpen, "--syslog": &a.Syslog,
		"-s": &a.SystemdCgroup, "--systemd-cgroup": &a.SystemdCgroup, "--no-pivot": &a.NoPivot,
		"--no-new-keyring": &a.NoNewKeyring, "-e": &a.Exec, "--exec": &a.Exec, "--exec-attach": &a.ExecAttach,
		"--sync": &a.Sync, "--no-sync-log": &a.NoSyncLog,
	}
	num := map[string]func(int64){
		"--log-size-max": func(n int64) { a.LogSizeMax = n },
		"--exit-delay":   func(n int64) { a.ExitDelay = int(n) },
		"-T":             func(n int64) { a.Timeout = int(n) },
		"--timeout":      func(n int64) { a.Timeout = int(n) },
	}
	for i := 0; i < len(argv); i++ {
		arg := argv[i]
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			continue // stray positional ("--api-version 1")
		}
		name, val, hasVal := strings.Cut(arg, "=")
		if !strings.HasPrefix(name, "--") {
			name, val, hasVal = arg, "", false
		}
		if p, ok := boolean[name]; ok {
			*p = true
			continue
		}
		if !hasVal {
			if i+1 >= len(argv) {
				return nil, fmt.Errorf("pod-shim: missing argument for %s: %w", name, errdefs.ErrInvalidArgument)
			}
			i++
			val = argv[i]
		}
		switch {
		case str[name] != nil:
			*str[name] = val
		case list[name] != nil:
			*list[name] = append(*list[name], val)
		case num[name] != nil:
			n, err := strconv.ParseInt(val, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("pod-shim: cannot parse integer value %q for %s: %w", val, name, errdefs.ErrInvalidArgument)
			}
			num[name](n)
		default:
			return nil, fmt.Errorf("pod-shim: unknown option %s: %w", name, errdefs.ErrInvalidArgument)
		}
	}
	return a, nil
}
