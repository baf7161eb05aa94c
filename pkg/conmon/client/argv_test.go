package client

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pod-engine/pod/pkg/conmon"
)

// fakeRuntime is a shell script standing in for an OCI runtime: it records
// its argv, its pid and LISTEN_PID, prints an error and fails.
func fakeRuntime(t *testing.T, dir string) string {
	p := filepath.Join(dir, "fake-runtime")
	script := "#!/bin/sh\n" +
		"for a in \"$@\"; do printf '%s\\n' \"$a\"; done > " + dir + "/argv\n" +
		"echo \"$$ ${LISTEN_PID:-unset}\" > " + dir + "/pids\n" +
		"echo 'fake runtime failure: \"quoted\" \\\\ tab\there' >&2\nexit 3\n"
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// The runtime command line each monitor builds, for every mode, and the
// failure report, are identical under conmon and pod-conmon.
func TestRuntimeArgvParity(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	conmonPath, err := exec.LookPath("conmon")
	if err != nil || podConmon == "" {
		t.Skip("needs both conmon and pod-conmon")
	}
	cases := map[string]func(a *conmon.Args){
		"create": func(a *conmon.Args) {},
		"create-flags": func(a *conmon.Args) {
			a.NoPivot, a.NoNewKeyring, a.SystemdCgroup = true, true, true
			a.RuntimeArgs = []string{"--log-format=json", "--log", "/x/oci-log"}
			a.RuntimeOpts = []string{"--preserve-fds", "0"}
		},
		"tty":     func(a *conmon.Args) { a.Terminal = true },
		"restore": func(a *conmon.Args) { a.Restore = "/ckpt"; a.RuntimeOpts = []string{"--tcp-established"} },
		"exec": func(a *conmon.Args) {
			a.Exec, a.ExecProcessSpec, a.SystemdCgroup = true, "/x/process.json", true
			a.RuntimeOpts = []string{"--preserve-fds", "1"}
		},
		"listen-pid": func(a *conmon.Args) { a.ReplaceListenPid = true },
	}
	for name, mod := range cases {
		t.Run(name, func(t *testing.T) {
			type result struct {
				argv    []string
				code    int
				message string
			}
			got := map[string]result{}
			for _, mon := range []monitorBin{{name: "conmon", path: conmonPath}, {name: "pod-conmon", path: podConmon}, {name: "pod-conmon-direct", path: podConmon, direct: true}} {
				dir := t.TempDir()
				rt := fakeRuntime(t, dir)
				a := conmon.Args{APIVersion: true, CID: "ctr1234567890abc", CUUID: "ctr1234567890abc", Runtime: rt,
					Bundle: dir, ContainerPidFile: dir + "/pidfile", LogPaths: []string{"none"}, FullAttach: true,
					ExitDir: dir, PersistDir: dir}
				mod(&a)
				env := os.Environ()
				if name == "listen-pid" {
					env = append(env, "LISTEN_PID=1")
				}
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				m, err := Start(ctx, &Options{Monitor: mon.path, Direct: mon.direct, Args: a, Dir: dir, Env: env})
				if err != nil {
					cancel()
					t.Fatalf("%s: %v", mon.name, err)
				}
				_, err = m.ReadPid(ctx)
				m.Close()
				cancel()
				var se *SyncError
				if !errors.As(err, &se) {
					t.Fatalf("%s: %v, want a runtime failure", mon.name, err)
				}
				argvData, _ := os.ReadFile(dir + "/argv")
				argv := strings.Split(strings.TrimSpace(string(argvData)), "\n")
				for i, x := range argv {
					// The console socket is a random temp path.
					if i > 0 && argv[i-1] == "--console-socket" {
						x = filepath.Dir(x)
					}
					argv[i] = strings.ReplaceAll(x, dir, "$DIR")
				}
				pids, _ := os.ReadFile(dir + "/pids")
				pf := strings.Fields(string(pids))
				if name == "listen-pid" && (len(pf) != 2 || pf[0] != pf[1]) {
					t.Errorf("%s: LISTEN_PID not rewritten to the runtime's pid: %q", mon.name, pids)
				}
				got[mon.name] = result{argv: argv, code: se.Code, message: se.Message}
			}
			if !reflect.DeepEqual(got["conmon"], got["pod-conmon"]) {
				t.Errorf("conmon:     %+v\npod-conmon: %+v", got["conmon"], got["pod-conmon"])
			}
		})
	}
}
