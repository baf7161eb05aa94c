package quadlet

import (
	"path/filepath"
	"strings"

	"github.com/coreos/go-systemd/v22/unit"
)

// .kube files (podman-systemd.unit(5)): NAME.service plays the YAML with
// `pod kube play --replace` and takes it down with `pod kube down` when it
// stops. pod has no service container (Podman's --service-container, a
// process that stands for the whole play as MAINPID), so the service is a
// oneshot that remains active: its pods run under their own monitors.
// Relative Yaml= and ConfigMap= paths are the unit file's directory's.

var kubeKeys = map[string]keyRule{
	"Network":   {flag: "--network", kind: each},
	"ConfigMap": {flag: "--configmap", kind: each},
	"LogDriver": {flag: "--log-driver", kind: single},
	"UserNS":    {flag: "--userns", kind: single},
}

// Kube converts a parsed .kube file into its service.
func Kube(f *File, o Options) (*Unit, error) {
	dir := filepath.Dir(f.Path)
	abs := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	r := newReader(f, ".kube", "Kube")
	yaml := ""
	err := r.read(func(e *Entry) error {
		switch e.Key {
		case "Yaml":
			if e.Value == "" {
				return r.errAt(*e, "empty value")
			}
			yaml = abs(e.Value)
			return nil
		case "PublishPort", "AutoUpdate", "ExitCodePropagation", "SetWorkingDirectory", "KubeDownForce":
			return r.errAt(*e, "not supported by pod: %s of a .kube file (pod's kube play has no service container)", e.Key)
		case "ConfigMap":
			e = &Entry{Section: e.Section, Key: e.Key, Value: abs(e.Value), Line: e.Line}
		}
		k, ok := kubeKeys[e.Key]
		if !ok {
			return r.errAt(*e, "unknown key in [Kube] (see podman-systemd.unit(5))")
		}
		return r.rule(k, e, o.objects)
	})
	if err != nil {
		return nil, err
	}
	if yaml == "" {
		return nil, &Error{File: f.Path, Key: "Yaml", Msg: "Yaml= is required"}
	}
	r.singles(kubeKeys)
	pod := append([]string{o.Pod}, r.globalArgs...)
	play := append(append([]string{}, pod...), "kube", "play", "--replace")
	play = append(play, r.flags...)
	play = append(play, r.podmanArgs...)
	play = append(play, yaml)
	down := append(append([]string{}, pod...), "kube", "down", yaml)

	out := append(r.head(),
		unit.NewUnitOption("Service", "Environment", "PODMAN_SYSTEMD_UNIT=%n"),
		unit.NewUnitOption("Service", "Type", "oneshot"),
		unit.NewUnitOption("Service", "RemainAfterExit", "yes"),
		unit.NewUnitOption("Service", "SyslogIdentifier", "%N"),
	)
	out = append(out, r.serviceOpts...)
	out = append(out,
		unit.NewUnitOption("Service", "ExecStart", joinWords(play)),
		unit.NewUnitOption("Service", "ExecStopPost", joinWords(down)),
	)
	out = append(out, r.installOpts...)
	return r.unit(strings.TrimSuffix(filepath.Base(f.Path), ".kube")+".service", out)
}
