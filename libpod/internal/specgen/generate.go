package specgen

import (
	"fmt"
	"os"
	"path"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pod-engine/pod/pkg/errdefs"
)

// OCIVersion is the ociVersion written into every spec: crun 1.8.1 refuses
// any version string without "1.0", and runc and runsc accept this one.
const OCIVersion = "1.0.2-dev"

// DefaultPath is the PATH a container gets unless the image or the user sets one.
const DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// InitMountPath is where --init's binary is bind-mounted in the container.
const InitMountPath = "/run/podman-init"

// gen carries the inputs of one Generate call.
type gen struct {
	id     string
	o      *Options
	img    *Image
	d      *Defaults
	h      *Host
	rootfs string
	p      *parsed
	spec   *specs.Spec
	res    *Result
	home   string // the user's home directory from /etc/passwd ("/" if unknown)
	eu     execUser
}

func (g *gen) warn(format string, a ...any) {
	g.res.Warnings = append(g.res.Warnings, fmt.Sprintf(format, a...))
}

// Generate builds the spec for container id with its root filesystem at
// rootfs (a host path, already mounted). It resolves -u/--group-add names
// through rootfs's /etc/passwd and /etc/group; numeric ids need no file.
// Nil img, d or h are treated as empty. Besides rootfs it reads the host only
// for what options name: bind sources, devices (/dev for --privileged), the
// seccomp profile, the init binary and namespace paths.
func Generate(id string, o *Options, img *Image, d *Defaults, h *Host, rootfs string) (*specs.Spec, *Result, error) {
	if rootfs == "" || !strings.HasPrefix(rootfs, "/") {
		return nil, nil, fmt.Errorf("container %s: root filesystem path %q is not absolute: %w", id, rootfs, errdefs.ErrInvalidArgument)
	}
	if o != nil {
		for _, v := range []string{o.PID, o.IPC, o.UTS} {
			if other, ok := strings.CutPrefix(v, "container:"); ok {
				// libpod resolves it to ns:PATH of the running container first.
				return nil, nil, fmt.Errorf("container %s: internal error: the namespace of container %s was not resolved to a path", id, other)
			}
		}
	}
	spec, res, err := build(id, o, img, d, h, rootfs)
	if err == nil {
		if err = CheckSpec(spec); err != nil {
			return nil, nil, fmt.Errorf("container %s: %w", id, err)
		}
	}
	return spec, res, err
}

// ValidateHost is Validate plus every check of Generate that needs the image
// config, the engine defaults and the host but not the container's root
// filesystem (which -u/--group-add/-w names need): limits above what pod may
// set, capabilities pod does not hold, the cgroup parent for the cgroup
// manager, keep-groups, the seccomp profile's content, the
// init binary, containers.conf values. libpod calls it at create time so
// these fail before the container exists.
func ValidateHost(o *Options, img *Image, d *Defaults, h *Host) error {
	_, _, err := build("validate", o, img, d, h, "")
	return err
}

// Preview is the spec Generate would make, without what needs the root
// filesystem: `inspect` of a container not started yet shows its
// capabilities, environment and limits from it, as Podman does.
func Preview(id string, o *Options, img *Image, d *Defaults, h *Host) (*specs.Spec, error) {
	spec, _, err := build(id, o, img, d, h, "")
	return spec, err
}

// build is Generate; an empty rootfs skips what needs the root filesystem.
func build(id string, o *Options, img *Image, d *Defaults, h *Host, rootfs string) (*specs.Spec, *Result, error) {
	if id == "" || strings.ContainsAny(id, "/:\x00") {
		return nil, nil, fmt.Errorf("container id %q is not valid: %w", id, errdefs.ErrInvalidArgument)
	}
	if o == nil {
		o = &Options{}
	}
	if img == nil {
		img = &Image{}
	}
	if d == nil {
		d = &Defaults{}
	}
	if h == nil {
		h = &Host{}
	}
	p, err := parse(o, d)
	if err != nil {
		return nil, nil, err
	}
	if err := p.checkHostPaths(o); err != nil {
		return nil, nil, err
	}
	g := &gen{id: id, o: o, img: img, d: d, h: h, rootfs: rootfs, p: p, res: &Result{}}
	g.spec = &specs.Spec{
		Version: OCIVersion,
		Process: &specs.Process{Terminal: o.Terminal, OOMScoreAdj: o.OOMScoreAdj},
		Root:    &specs.Root{Path: rootfs, Readonly: o.ReadOnly || d.ReadOnly},
		Linux:   &specs.Linux{},
	}
	if adj := o.OOMScoreAdj; adj != nil && h.OOMScoreAdj != nil && !h.CanRaiseRlimits && *adj < *h.OOMScoreAdj {
		return nil, nil, flagError(flagOOMScoreAdj, strconv.Itoa(*adj), "below pod's own oom_score_adj %d; lowering it needs CAP_SYS_RESOURCE, which pod does not have", *h.OOMScoreAdj)
	}
	g.res.Systemd = SystemdMode(o, combineCommand(p.Entrypoint, p.EntrypointSet, o.Command, img))
	steps := []func() error{
		g.stopSignal, g.hostname, g.command, g.user, g.passwdEntries, g.env, g.mounts, g.runMounts, g.workdir,
		g.capabilities, g.rlimits, g.selinux, g.otherSecurity, g.seccomp,
		g.namespaces, g.devices, g.resources, g.moreResources, g.runResources, g.personality, g.sysctls, g.annotations,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, nil, err
		}
	}
	return g.spec, g.res, nil
}

func (g *gen) stopSignal() error {
	switch {
	case g.p.StopSignal != 0:
		g.res.StopSignal = g.p.StopSignal
	case g.img.StopSignal != "":
		n, err := parseSignal(g.img.StopSignal)
		if err != nil {
			return fmt.Errorf("image StopSignal %q: %v: %w", g.img.StopSignal, err, errdefs.ErrInvalidArgument)
		}
		g.res.StopSignal = n
	case g.res.Systemd:
		g.res.StopSignal = SystemdStopSignal
	default:
		g.res.StopSignal = 15
	}
	return nil
}

func (g *gen) hostname() error {
	switch g.p.NS.UTS.Kind {
	case nsHost:
		return nil
	case nsPath:
		g.spec.Hostname = g.o.Hostname
		return nil
	}
	g.spec.Hostname = g.o.Hostname
	if g.spec.Hostname == "" {
		g.spec.Hostname = g.id
		if len(g.id) > 12 {
			g.spec.Hostname = g.id[:12]
		}
	}
	return nil
}

// combineCommand combines entrypoint and command as Podman does: the user's
// --entrypoint (ep, when set) replaces the image's and, unless empty, also
// drops the image's Cmd; arguments after the image replace the image's Cmd.
func combineCommand(ep []string, set bool, command []string, img *Image) []string {
	entry := img.Entrypoint
	if set {
		entry = ep
	}
	var args []string
	if !(len(entry) == 1 && entry[0] == "") {
		args = append(args, entry...)
	}
	cmd := command
	if len(cmd) == 0 && len(ep) == 0 {
		cmd = img.Cmd
	}
	return append(args, cmd...)
}

// command combines entrypoint and command as Podman does: the user's
// --entrypoint replaces the image's and, unless empty, also drops the image's
// Cmd; arguments after the image replace the image's Cmd.
func (g *gen) command() error {
	args := combineCommand(g.p.Entrypoint, g.p.EntrypointSet, g.o.Command, g.img)
	if len(args) == 0 {
		return fmt.Errorf("container %s: no command or entrypoint provided, and no CMD or ENTRYPOINT from image: %w", g.id, errdefs.ErrInvalidArgument)
	}
	if g.o.Init {
		initPath := g.o.InitPath
		if initPath == "" {
			initPath = g.d.InitPath
		}
		if initPath == "" {
			initPath = findInitBinary()
		}
		if initPath == "" {
			return fmt.Errorf("--init: no init binary found (looked for catatonit in %s); give --init-path or set init_path in containers.conf: %w",
				strings.Join(initSearchPath, ", "), errdefs.ErrInvalidArgument)
		}
		if err := checkInitBinary(flagInitPath, initPath); err != nil {
			return err
		}
		args = append([]string{InitMountPath, "--"}, args...)
		g.spec.Mounts = append(g.spec.Mounts, specs.Mount{
			Destination: InitMountPath, Type: "bind", Source: initPath,
			Options: []string{"bind", "ro", "rprivate"},
		})
	}
	g.spec.Process.Args = args
	return nil
}

func (g *gen) user() error {
	userName, groupName, spec, flag := g.p.UserName, g.p.GroupName, g.o.User, flagUser
	var err error
	if g.o.User == "" && g.img.User != "" {
		flag, spec = "image User", g.img.User
		if userName, groupName, err = parseUserSpec(flag, g.img.User); err != nil {
			return err
		}
	}
	eu := execUser{Home: "/", AdditionalGids: []uint32{0}}
	if g.rootfs != "" { // ValidateHost has no rootfs to look names up in
		if eu, err = resolveUser(g.rootfs, flag, spec, userName, groupName, g.o.GroupAdd); err != nil {
			return err
		}
	}
	umask := uint32(0o022)
	switch {
	case g.p.Umask != nil:
		umask = *g.p.Umask
	case g.d.Umask != "":
		if umask, err = parseUmask("containers.conf umask", g.d.Umask); err != nil {
			return err
		}
	}
	g.spec.Process.User = specs.User{UID: eu.UID, GID: eu.GID, Umask: &umask, AdditionalGids: eu.AdditionalGids}
	g.home = eu.Home
	g.eu = eu
	if len(g.o.GroupAdd) == 1 && g.o.GroupAdd[0] == keepGroups {
		// Only some runtimes honour it: a capability the runtime's kind
		// reports, refused at create (ocirt.CapKeepGroups).
		g.annotate("run.oci.keep_original_groups", "1")
	}
	return nil
}

// initSearchPath is where Podman's helper_binaries_dir default looks for
// catatonit when no init_path is configured.
var initSearchPath = []string{
	"/usr/local/libexec/podman", "/usr/local/lib/podman", "/usr/libexec/podman", "/usr/lib/podman",
	"/usr/libexec/catatonit", "/usr/local/bin", "/usr/bin",
}

// findInitBinary returns the first executable catatonit on initSearchPath.
func findInitBinary() string {
	for _, dir := range initSearchPath {
		p := dir + "/catatonit"
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0 {
			return p
		}
	}
	return ""
}

func (g *gen) annotate(k, v string) {
	if g.spec.Annotations == nil {
		g.spec.Annotations = map[string]string{}
	}
	g.spec.Annotations[k] = v
}

func (g *gen) workdir() error {
	cwd := g.o.WorkDir
	if cwd == "" {
		cwd = g.img.WorkingDir
		if cwd != "" && !strings.HasPrefix(cwd, "/") {
			cwd = "/" + cwd
		}
		if cwd == "" {
			cwd = "/"
		}
		// A missing image working directory is created by the runtime.
		g.spec.Process.Cwd = cleanPath(cwd)
		return nil
	}
	cwd = cleanPath(cwd)
	g.spec.Process.Cwd = cwd
	for _, m := range g.spec.Mounts {
		if cwd == m.Destination || strings.HasPrefix(cwd, m.Destination+"/") {
			return nil
		}
	}
	if g.rootfs != "" && !rootfsDirExists(g.rootfs, cwd) {
		return flagError(flagWorkDir, g.o.WorkDir, "directory does not exist in the container's root filesystem")
	}
	return nil
}

func (g *gen) annotations() error {
	for _, a := range g.d.Annotations {
		k, v, ok := strings.Cut(a, "=")
		if !ok || k == "" {
			return fmt.Errorf("containers.conf annotations %q: want KEY=VALUE: %w", a, errdefs.ErrInvalidArgument)
		}
		if _, set := g.o.Annotations[k]; !set {
			g.annotate(k, v)
		}
	}
	for k, v := range g.o.Annotations {
		g.annotate(k, v)
	}
	for k, v := range map[string]string{
		"io.container.manager":                "pod",
		"org.opencontainers.image.stopSignal": strconv.Itoa(g.res.StopSignal),
	} {
		if _, set := g.spec.Annotations[k]; !set {
			g.annotate(k, v)
		}
	}
	return nil
}

func cleanPath(p string) string { return path.Clean(p) }

// hostHostname is the host's name, for HOSTNAME with --uts host.
func hostHostname() string {
	name, _ := os.Hostname()
	return name
}
