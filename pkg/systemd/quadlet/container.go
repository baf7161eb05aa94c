package quadlet

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/coreos/go-systemd/v22/unit"
)

// flagKind says how a [Container] key becomes pod run flags.
type flagKind int

const (
	each    flagKind = iota // every value is one flag argument: Volume=a:b → -v a:b
	words                   // every word of every value is one: Label=a=1 b=2 → --label a=1 --label b=2
	single                  // the last value wins
	boolean                 // "yes" adds the flag alone
)

type keyRule struct {
	flag string
	kind flagKind
	arg  string // boolean: the flag's argument; single: its value's prefix
}

// containerKeys are the podman-systemd.unit(5) [Container] keys pod runs.
var containerKeys = map[string]keyRule{
	"AddCapability":        {flag: "--cap-add", kind: words},
	"DropCapability":       {flag: "--cap-drop", kind: words},
	"AddDevice":            {flag: "--device", kind: each},
	"AddHost":              {flag: "--add-host", kind: each},
	"Annotation":           {flag: "--annotation", kind: words},
	"AutoUpdate":           {flag: "--label", kind: single, arg: "io.containers.autoupdate="},
	"DNS":                  {flag: "--dns", kind: each},
	"Entrypoint":           {flag: "--entrypoint", kind: single},
	"Environment":          {flag: "--env", kind: words},
	"EnvironmentFile":      {flag: "--env-file", kind: each},
	"EnvironmentHost":      {flag: "--env-host", kind: boolean},
	"HostName":             {flag: "--hostname", kind: single},
	"Label":                {flag: "--label", kind: words},
	"LogDriver":            {flag: "--log-driver", kind: single},
	"Mount":                {flag: "--mount", kind: each},
	"Network":              {flag: "--network", kind: each},
	"PidsLimit":            {flag: "--pids-limit", kind: single},
	"Pull":                 {flag: "--pull", kind: single},
	"ReadOnly":             {flag: "--read-only", kind: boolean},
	"RunInit":              {flag: "--init", kind: boolean},
	"Secret":               {flag: "--secret", kind: each},
	"SeccompProfile":       {flag: "--security-opt", kind: single, arg: "seccomp="},
	"ShmSize":              {flag: "--shm-size", kind: single},
	"StopTimeout":          {flag: "--stop-timeout", kind: single},
	"Sysctl":               {flag: "--sysctl", kind: words},
	"Timezone":             {flag: "--tz", kind: single},
	"Tmpfs":                {flag: "--tmpfs", kind: each},
	"Ulimit":               {flag: "--ulimit", kind: each},
	"Volume":               {flag: "--volume", kind: each},
	"WorkingDir":           {flag: "--workdir", kind: single},
	"NoNewPrivileges":      {flag: "--security-opt", kind: boolean, arg: "no-new-privileges"},
	"SecurityLabelDisable": {flag: "--security-opt", kind: boolean, arg: "label=disable"},
	"PublishPort":          {flag: "--publish", kind: each},
	"ExposeHostPort":       {flag: "--expose", kind: each},
	"IP":                   {flag: "--ip", kind: single},
	"NetworkAlias":         {flag: "--network-alias", kind: each},
	"UserNS":               {flag: "--userns", kind: single},
	"UIDMap":               {flag: "--uidmap", kind: each},
	"GIDMap":               {flag: "--gidmap", kind: each},
	"SubUIDMap":            {flag: "--subuidname", kind: single},
	"SubGIDMap":            {flag: "--subgidname", kind: single},
	"HealthCmd":            {flag: "--health-cmd", kind: single},
	"HealthInterval":       {flag: "--health-interval", kind: single},
	"HealthOnFailure":      {flag: "--health-on-failure", kind: single},
	"HealthRetries":        {flag: "--health-retries", kind: single},
	"HealthStartPeriod":    {flag: "--health-start-period", kind: single},
	"HealthTimeout":        {flag: "--health-timeout", kind: single},
	"Runtime":              {flag: "--runtime", kind: single}, // pod's own key
}

// unsupported are Podman's keys whose subsystem pod lacks, with the reason.
var unsupported = map[string]string{
	"IP6":                   "static IPv6 addresses (use Network=NAME:ip6=)",
	"RemapUsers":            "RemapUsers= (use UserNS=, UIDMap=, GIDMap=)",
	"RemapUid":              "RemapUsers= (use UserNS=, UIDMap=, GIDMap=)",
	"RemapGid":              "RemapUsers= (use UserNS=, UIDMap=, GIDMap=)",
	"RemapUidSize":          "RemapUsers= (use UserNS=, UIDMap=, GIDMap=)",
	"HealthStartupCmd":      "startup healthchecks (not in pod)",
	"SecurityLabelType":     "SELinux labels other than disable",
	"SecurityLabelLevel":    "SELinux labels other than disable",
	"SecurityLabelFileType": "SELinux labels other than disable",
	"SecurityLabelNested":   "SELinux labels other than disable",
	"Mask":                  "--security-opt mask",
	"Unmask":                "--security-opt unmask",
	"LogOpt":                "LogOpt (use PodmanArgs=--log-opt)",
}

// Options are how units are generated.
type Options struct {
	Pod      string // absolute path of the pod binary the units run
	SysUnits bool   // system units (not --user): nothing changes yet but is kept for messages
	objects  objects
}

// Unit is one generated service.
type Unit struct {
	Name     string   // foo.service
	Source   string   // the .container file
	Content  string   // the unit text
	WantedBy []string // [Install] WantedBy= targets (symlinks the generator makes)
	Required []string // [Install] RequiredBy=
}

// Container converts a parsed .container file into its service.
func Container(f *File, o Options) (*Unit, error) {
	base := filepath.Base(f.Path)
	name := strings.TrimSuffix(base, ".container") + ".service"
	r := newReader(f, ".container", "Container")
	errAt := r.errAt
	var (
		image, rootfs, exec, ctrName, user, group, notify *Entry
		podDep                                            string // the service of the .pod file joined
	)
	err := r.read(func(e *Entry) error {
		if why, ok := unsupported[e.Key]; ok {
			return errAt(*e, "not supported by pod: %s", why)
		}
		switch e.Key {
		case "Image":
			image = e
		case "Rootfs":
			rootfs = e
		case "Exec":
			exec = e
		case "ContainerName":
			ctrName = e
		case "User":
			user = e
		case "Group":
			group = e
		case "Notify":
			notify = e
		case "Pod":
			obj, ok := o.objects[e.Value]
			if !strings.HasSuffix(e.Value, ".pod") || !ok {
				return errAt(*e, "%s: no such .pod file in the unit directories (Pod= names a .pod file next to the .container files)", e.Value)
			}
			r.flags = append(r.flags, "--pod-id-file", "%t/"+strings.TrimSuffix(obj.service, ".service")+".pod-id")
			podDep = obj.service
		default:
			k, ok := containerKeys[e.Key]
			if !ok {
				return errAt(*e, "unknown key in [Container] (see podman-systemd.unit(5); pod adds Runtime=)")
			}
			if e.Key == "Runtime" {
				if err := checkRuntime(e.Value); err != nil {
					return errAt(*e, "%v", err)
				}
			}
			return r.rule(k, e, o.objects)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if (image == nil) == (rootfs == nil) {
		return nil, &Error{File: f.Path, Key: "Image", Msg: "exactly one of Image= and Rootfs= is required"}
	}
	r.singles(containerKeys)
	flags := r.flags
	cname := "systemd-%N"
	if ctrName != nil {
		if ctrName.Value == "" {
			return nil, errAt(*ctrName, "empty value")
		}
		cname = ctrName.Value
	}
	sdnotify := "conmon"
	if notify != nil && strings.TrimSpace(notify.Value) == "healthy" {
		sdnotify = "healthy" // READY once the healthcheck passes (Podman 5's Notify=healthy)
	} else if notify != nil {
		b, err := parseBool(notify.Value)
		if err != nil {
			return nil, errAt(*notify, "%v", err)
		}
		if b {
			sdnotify = "container"
		}
	}
	if user != nil || group != nil {
		if user == nil {
			return nil, errAt(*group, "Group= needs User=")
		}
		u := user.Value
		if group != nil {
			u += ":" + group.Value
		}
		flags = append(flags, "--user", u)
	}
	cid := "--cidfile=%t/%N.cid"
	run := []string{o.Pod}
	run = append(run, r.globalArgs...)
	run = append(run, "run", "--name="+cname, cid, "--replace", "--rm", "--cgroups=no-conmon", "--sdnotify="+sdnotify, "-d")
	run = append(run, flags...)
	run = append(run, r.podmanArgs...)
	if rootfs != nil {
		run = append(run, "--rootfs", rootfs.Value)
	} else {
		if image.Value == "" {
			return nil, errAt(*image, "empty value")
		}
		run = append(run, image.Value)
	}
	if exec != nil {
		w, err := SplitWords(exec.Value)
		if err != nil {
			return nil, errAt(*exec, "%v", err)
		}
		run = append(run, w...)
	}
	stop := []string{o.Pod}
	stop = append(stop, r.globalArgs...)
	stop = append(stop, "rm", "-f", "-i", cid)

	var bind []*unit.UnitOption
	if podDep != "" {
		bind = []*unit.UnitOption{unit.NewUnitOption("Unit", "BindsTo", podDep), unit.NewUnitOption("Unit", "After", podDep)}
	}
	out := append(r.head(bind...), r.main...)
	out = append(out,
		unit.NewUnitOption("Service", "Environment", "PODMAN_SYSTEMD_UNIT=%n"),
		// The monitor is the main process (MAINPID); the container's
		// processes live in their own cgroup, outside the unit, and are
		// ended by ExecStop: KillMode=mixed signals only the monitor first.
		unit.NewUnitOption("Service", "KillMode", "mixed"),
		unit.NewUnitOption("Service", "ExecStop", joinWords(stop)),
		unit.NewUnitOption("Service", "ExecStopPost", "-"+joinWords(stop)),
		unit.NewUnitOption("Service", "Delegate", "no"),
		unit.NewUnitOption("Service", "Type", "notify"),
		unit.NewUnitOption("Service", "NotifyAccess", "all"),
		unit.NewUnitOption("Service", "SyslogIdentifier", "%N"),
	)
	out = append(out, r.serviceOpts...)
	out = append(out, unit.NewUnitOption("Service", "ExecStart", joinWords(run)))
	out = append(out, r.installOpts...)
	return r.unit(name, out)
}

// install records the [Install] section's WantedBy= and RequiredBy=
// targets (the generator makes their symlinks).
func (u *Unit) install(f *File) error {
	for _, e := range f.Entries {
		if e.Section != "Install" {
			continue
		}
		w, err := SplitWords(e.Value)
		if err != nil {
			return &Error{File: f.Path, Line: e.Line, Key: e.Key, Msg: err.Error()}
		}
		switch e.Key {
		case "WantedBy":
			u.WantedBy = append(u.WantedBy, w...)
		case "RequiredBy":
			u.Required = append(u.Required, w...)
		}
	}
	return nil
}

func joinWords(w []string) string {
	q := make([]string, len(w))
	for i, x := range w {
		q[i] = QuoteWord(x)
	}
	return strings.Join(q, " ")
}

// checkRuntime accepts a runtime name (resolved by pod at start) or an
// absolute path; relative paths depend on the unit's working directory.
func checkRuntime(v string) error {
	switch {
	case v == "":
		return fmt.Errorf("empty value: give a runtime name (crun, runc, runsc, io.containerd.runc.v2) or an absolute path")
	case strings.ContainsAny(v, " \t\n"):
		return fmt.Errorf("runtime %q: a name or an absolute path has no blanks", v)
	case strings.Contains(v, "/") && !filepath.IsAbs(v):
		return fmt.Errorf("runtime %q: a path must be absolute", v)
	}
	return nil
}

func parseBool(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "1", "yes", "true", "on":
		return true, nil
	case "0", "no", "false", "off":
		return false, nil
	}
	return false, fmt.Errorf("%q is not a boolean (yes/no, true/false, 1/0, on/off)", v)
}
