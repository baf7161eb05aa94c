//go:build !podlean

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/build"
	"github.com/pod-engine/pod/pkg/errdefs"
)

// buildMore are the flags of Podman 4.3.1's build beyond the basic set
// (docs/build.md): the RUN containers' settings (into run.Spec, validated
// by libpod as `pod run` validates them), the image's platform and
// metadata, outputs, contexts and pull options.
type buildMore struct {
	run libpod.CreateOptions // Spec: --cap-add, --device, --ulimit, … of every RUN

	env, unsetenv, annotations      []string
	arch, os, variant, platform     []string
	osFeatures                      []string
	osVersion                       string
	timestamp                       int64
	omitHistory, identityLabel      bool
	output, manifest, ignorefile    string
	logfile                         string
	logsplit                        bool
	jobs                            int
	skipUnused, stdin               bool
	from                            string
	buildContexts, cppFlags         []string
	retry                           int
	retryDelay, authfile, certDir   string
	creds                           string
	tlsVerify                       bool
	decryptionKeys                  []string
	cacheFrom, cacheTo, cacheTTL    string
	compress, disableCompression    bool
	disableContentTrust, allPlatf   bool
	signBy                          string
	ssh                             []string
	httpProxy                       bool
	isolation                       string
	userns, uidMapUser, gidMapGroup string
	uidMap, gidMap                  []string
	ipc, pid, uts, cgroupns         string
	runtimeFlags, hooksDirs         []string
}

func (m *buildMore) register(fl *pflag.FlagSet) {
	s := &m.run.Spec
	fl.StringSliceVar(&s.AddHosts, "add-host", nil, "add a custom host-to-IP mapping (`host:ip`) (default [])")
	fl.StringSliceVar(&s.CapAdd, "cap-add", nil, "add the specified capability when running (default [])")
	fl.StringSliceVar(&s.CapDrop, "cap-drop", nil, "drop the specified capability when running (default [])")
	fl.StringVar(&s.CgroupParent, "cgroup-parent", "", "optional parent cgroup for the container")
	fl.StringVar(&m.cgroupns, "cgroupns", "", "'private', or 'host'")
	fl.Uint64Var(&s.CPUPeriod, "cpu-period", 0, "limit the CPU CFS (Completely Fair Scheduler) period")
	fl.Int64Var(&s.CPUQuota, "cpu-quota", 0, "limit the CPU CFS (Completely Fair Scheduler) quota")
	fl.Uint64VarP(&s.CPUShares, "cpu-shares", "c", 0, "CPU shares (relative weight)")
	fl.StringVar(&s.CPUSetCPUs, "cpuset-cpus", "", "CPUs in which to allow execution (0-3, 0,1)")
	fl.StringVar(&s.CPUSetMems, "cpuset-mems", "", "memory nodes (MEMs) in which to allow execution (0-3, 0,1). Only effective on NUMA systems.")
	fl.StringArrayVar(&s.Devices, "device", nil, "additional devices to be used within containers (default [])")
	fl.StringSliceVar(&s.DNS, "dns", nil, "set custom DNS servers or disable it completely by setting it to 'none', which prevents the automatic creation of `/etc/resolv.conf`.")
	fl.StringSliceVar(&s.DNSOptions, "dns-option", nil, "set custom DNS options")
	fl.StringSliceVar(&s.DNSSearch, "dns-search", nil, "set custom DNS search domains")
	fl.StringArrayVar(&m.env, "env", nil, "set environment variable for the image")
	fl.StringSliceVar(&m.unsetenv, "unsetenv", nil, "unset environment variable from final image")
	fl.StringVar(&m.ipc, "ipc", "", "'private', `path` of IPC namespace to join, or 'host'")
	fl.StringVar(&m.pid, "pid", "", "private, `path` of PID namespace to join, or 'host'")
	fl.StringVar(&m.uts, "uts", "", "private, :`path` of UTS namespace to join, or 'host'")
	fl.StringVarP(&s.Memory, "memory", "m", "", "memory limit (format: <number>[<unit>], where unit = b, k, m or g)")
	fl.StringVar(&s.MemorySwap, "memory-swap", "", "swap limit equal to memory plus swap: '-1' to enable unlimited swap")
	fl.BoolVar(&s.NoHosts, "no-hosts", false, "do not create new /etc/hosts files for RUN instructions, use the one from the base image.")
	fl.StringArrayVar(&s.SecurityOpt, "security-opt", nil, "security options (default [])")
	fl.StringVar(&s.ShmSize, "shm-size", "", "size of '/dev/shm'. The format is `<number><unit>`.")
	fl.StringSliceVar(&s.Ulimits, "ulimit", nil, "ulimit options")
	fl.StringVar(&m.userns, "userns", "", "'container', `path` of user namespace to join, or 'host'")
	fl.StringSliceVar(&m.uidMap, "userns-uid-map", nil, "`containerUID:hostUID:length` UID mapping to use in user namespace")
	fl.StringSliceVar(&m.gidMap, "userns-gid-map", nil, "`containerGID:hostGID:length` GID mapping to use in user namespace")
	fl.StringVar(&m.uidMapUser, "userns-uid-map-user", "", "`name` of entries from /etc/subuid to use to set user namespace UID mapping")
	fl.StringVar(&m.gidMapGroup, "userns-gid-map-group", "", "`name` of entries from /etc/subgid to use to set user namespace GID mapping")
	fl.StringArrayVarP(&s.Volumes, "volume", "v", nil, "bind mount a volume into the container")
	fl.BoolVar(&m.httpProxy, "http-proxy", true, "pass through HTTP Proxy environment variables")
	fl.StringVar(&m.isolation, "isolation", envOr("BUILDAH_ISOLATION", "oci"), "`type` of process isolation to use. Use BUILDAH_ISOLATION environment variable to override.")
	fl.StringSliceVar(&m.runtimeFlags, "runtime-flag", nil, "add global flags for the container runtime")
	fl.StringArrayVar(&m.hooksDirs, "hooks-dir", nil, "set the OCI hooks directory path (may be set multiple times)")

	fl.StringArrayVar(&m.annotations, "annotation", nil, "set metadata for an image (default [])")
	fl.StringSliceVar(&m.arch, "arch", nil, "set the ARCH of the image to the provided value instead of the architecture of the host")
	fl.StringSliceVar(&m.os, "os", nil, "set the OS to the provided value instead of the current operating system of the host")
	fl.StringSliceVar(&m.variant, "variant", nil, "override the `variant` of the specified image")
	fl.StringSliceVar(&m.platform, "platform", nil, "set the OS/ARCH/VARIANT of the image to the provided value instead of the current operating system and architecture of the host (for example `linux/arm`)")
	fl.StringSliceVar(&m.osFeatures, "os-feature", nil, "set required OS `feature` for the target image in addition to values from the base image")
	fl.StringVar(&m.osVersion, "os-version", "", "set required OS `version` for the target image instead of the value from the base image")
	fl.Int64Var(&m.timestamp, "timestamp", 0, "set created timestamp to the specified epoch seconds to allow for deterministic builds, defaults to current time")
	fl.BoolVar(&m.omitHistory, "omit-history", false, "omit build history information from built image")
	fl.BoolVar(&m.identityLabel, "identity-label", true, "add default identity label")
	fl.StringVarP(&m.output, "output", "o", "", "output destination (format: type=local,dest=path)")
	fl.StringVar(&m.manifest, "manifest", "", "add the image to the specified manifest list. Creates manifest list if it does not exist")
	fl.StringVar(&m.ignorefile, "ignorefile", "", "path to an alternate .dockerignore file")
	fl.StringVar(&m.logfile, "logfile", "", "log to `file` instead of stdout/stderr")
	fl.BoolVar(&m.logsplit, "logsplit", false, "split logfile to different files for each platform")
	fl.IntVar(&m.jobs, "jobs", 1, "how many stages to run in parallel")
	fl.BoolVar(&m.skipUnused, "skip-unused-stages", true, "skips stages in multi-stage builds which do not affect the final target")
	fl.BoolVar(&m.stdin, "stdin", false, "pass stdin into containers")
	fl.StringVar(&m.from, "from", "", "image name used to replace the value in the first FROM instruction in the Containerfile")
	fl.StringArrayVar(&m.buildContexts, "build-context", nil, "`argument=value` to supply additional build context to the builder")
	fl.StringArrayVar(&m.cppFlags, "cpp-flag", nil, "set additional flag to pass to C preprocessor (cpp)")
	fl.IntVar(&m.retry, "retry", 3, "number of times to retry in case of failure when performing push/pull")
	fl.StringVar(&m.retryDelay, "retry-delay", "2s", "delay between retries in case of push/pull failures")
	fl.StringVar(&m.authfile, "authfile", os.Getenv("REGISTRY_AUTH_FILE"), "path of the authentication file.")
	fl.StringVar(&m.certDir, "cert-dir", "", "use certificates at the specified path to access the registry")
	fl.StringVar(&m.creds, "creds", "", "use `[username[:password]]` for accessing the registry")
	fl.BoolVar(&m.tlsVerify, "tls-verify", true, "require HTTPS and verify certificates when accessing the registry")
	fl.StringSliceVar(&m.decryptionKeys, "decryption-key", nil, "key needed to decrypt the image")
	fl.StringVar(&m.cacheFrom, "cache-from", "", "remote repository to utilise as potential cache source.")
	fl.StringVar(&m.cacheTo, "cache-to", "", "remote repository to utilise as potential cache destination.")
	fl.StringVar(&m.cacheTTL, "cache-ttl", "", "only consider cache images under specified duration.")
	fl.BoolVar(&m.compress, "compress", false, "this is a legacy option, which has no effect on the image")
	fl.BoolVarP(&m.disableCompression, "disable-compression", "D", true, "don't compress layers by default")
	fl.BoolVar(&m.disableContentTrust, "disable-content-trust", false, "this is a Docker specific option and is a NOOP")
	fl.BoolVar(&m.allPlatf, "all-platforms", false, "attempt to build for all base image platforms")
	fl.StringVar(&m.signBy, "sign-by", "", "sign the image using a GPG key with the specified `FINGERPRINT`")
	fl.StringArrayVar(&m.ssh, "ssh", nil, "SSH agent socket or keys to expose to the build. (format: default|<id>[=<socket>|<key>[,<key>]])")
}

func badFlag(flag, val, why string) error {
	return &errdefs.ExitCodeError{Code: errdefs.ExitEngine, Err: fmt.Errorf("%s %q: %s: %w", flag, val, why, errdefs.ErrInvalidArgument)}
}

// nsValue maps Buildah's namespace values to pod run's: private and
// container are the default (a new namespace).
func nsValue(v string) string {
	switch v {
	case "private", "container":
		return ""
	}
	if strings.HasPrefix(v, "/") {
		return "ns:" + v
	}
	return v
}

// apply checks the flags and fills o, the RUN containers' options and the
// engine's pull flags. It returns a function to run when the build ends
// (an ssh-agent started for --ssh keys is stopped).
func (m *buildMore) apply(cmd *cobra.Command, o *build.Options, e *buildEngine) (func(), error) {
	done := func() {}
	fl := cmd.Flags()
	s := &m.run.Spec
	switch m.isolation {
	case "oci", "", "default", "rootless":
		// rootless: Buildah's OCI isolation without privileges; pod runs
		// each RUN as its own container, in a user namespace when pod
		// runs rootless.
	case "chroot":
		return done, badFlag("--isolation", m.isolation, "pod build runs every RUN in an OCI container under pod's runtime and has no chroot isolation: use oci")
	default:
		return done, badFlag("--isolation", m.isolation, "unrecognized isolation type: use oci, rootless or chroot")
	}
	for _, v := range []struct {
		flag string
		val  string
		dst  *string
	}{{"--ipc", m.ipc, &s.IPC}, {"--pid", m.pid, &s.PID}, {"--uts", m.uts, &s.UTS}, {"--cgroupns", m.cgroupns, &s.CgroupNS}} {
		*v.dst = nsValue(v.val)
	}
	if s.CgroupNS == "" && m.cgroupns != "" {
		s.CgroupNS = "private"
	}
	// A private user namespace for RUN: the working containers are
	// ID-mapped by storage to its maps (libpod.ResolveBuildUserNS).
	uids, gids, err := libpod.ResolveBuildUserNS(&m.run, libpod.BuildUserNS{Mode: m.userns, UIDMap: m.uidMap, GIDMap: m.gidMap,
		SubUIDName: m.uidMapUser, SubGIDName: m.gidMapGroup})
	if err != nil {
		return done, &errdefs.ExitCodeError{Code: errdefs.ExitEngine, Err: err}
	}
	o.UIDMap, o.GIDMap = uids, gids
	s.NoHTTPProxy = !m.httpProxy
	if err := libpod.ValidateBuildRun(&m.run); err != nil {
		return done, &errdefs.ExitCodeError{Code: errdefs.ExitEngine, Err: err}
	}
	e.base = &m.run
	for _, v := range s.Volumes {
		parts := strings.Split(v, ":")
		if len(parts) >= 2 {
			o.VolumeTargets = append(o.VolumeTargets, parts[1])
		}
	}
	globals.RuntimeFlags = append(globals.RuntimeFlags, m.runtimeFlags...)
	globals.HooksDirs = append(globals.HooksDirs, m.hooksDirs...)

	for _, kv := range m.env {
		k, v, ok := strings.Cut(kv, "=")
		if k == "" {
			return done, badFlag("--env", kv, "want KEY=VALUE or KEY")
		}
		if !ok {
			if v, ok = os.LookupEnv(k); !ok {
				continue
			}
		}
		o.Env = append(o.Env, k+"="+v)
	}
	o.UnsetEnv = m.unsetenv
	if len(m.annotations) > 0 {
		o.Annotations = map[string]string{}
		for _, a := range m.annotations {
			k, v, _ := strings.Cut(a, "=")
			if k == "" {
				return done, badFlag("--annotation", a, "want KEY=VALUE")
			}
			o.Annotations[k] = v
		}
	}
	if err := m.platformFlags(o, e); err != nil {
		return done, err
	}
	o.OSFeatures, o.OSVersion = m.osFeatures, m.osVersion
	if fl.Changed("timestamp") {
		t := time.Unix(m.timestamp, 0).UTC()
		o.Timestamp = &t
	}
	o.OmitHistory, o.IdentityLabel = m.omitHistory, m.identityLabel
	if m.output != "" {
		out, err := build.ParseOutput(m.output)
		if err != nil {
			return done, &errdefs.ExitCodeError{Code: errdefs.ExitEngine, Err: err}
		}
		o.Output = out
	}
	if m.ignorefile != "" {
		if _, err := os.Stat(m.ignorefile); err != nil {
			return done, badFlag("--ignorefile", m.ignorefile, err.Error())
		}
		o.IgnoreFile = m.ignorefile
	}
	if m.logsplit && m.logfile == "" {
		return done, badFlag("--logsplit", "true", "cannot be used without --logfile")
	}
	if m.logfile != "" {
		name := m.logfile
		if m.logsplit {
			// As Buildah: one file per platform, suffixed with it.
			name = fmt.Sprintf("%s_%s_%s", m.logfile, orStr(o.OS, "linux"), orStr(o.Arch, runtime.GOARCH))
		}
		f, err := os.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return done, badFlag("--logfile", m.logfile, err.Error())
		}
		prev := done
		done = func() { prev(); f.Close() }
		o.Out, o.Err = f, f
	}
	if m.jobs < 0 {
		return done, badFlag("--jobs", strconv.Itoa(m.jobs), "must be 0 (unlimited) or more")
	}
	o.SkipUnusedStages = m.skipUnused
	if m.stdin {
		o.Stdin = os.Stdin
	}
	o.From = m.from
	if err := m.contexts(o); err != nil {
		return done, err
	}
	if err := m.pullFlags(e); err != nil {
		return done, err
	}
	for _, c := range []struct {
		flag, val string
		dst       *string
	}{{"--cache-from", m.cacheFrom, &o.CacheFrom}, {"--cache-to", m.cacheTo, &o.CacheTo}} {
		if c.val == "" {
			continue
		}
		repo, err := build.CacheRepo(c.flag, c.val)
		if err != nil {
			return done, &errdefs.ExitCodeError{Code: errdefs.ExitEngine, Err: err}
		}
		*c.dst = repo
	}
	if m.cacheTTL != "" {
		d, err := time.ParseDuration(m.cacheTTL)
		if err != nil || d < 0 {
			return done, badFlag("--cache-ttl", m.cacheTTL, "want a duration such as 10m or 1h")
		}
		o.CacheTTL = d
		if d == 0 {
			o.NoCache = true // as Buildah: a TTL of 0 uses no cache
		}
	}
	if m.signBy != "" {
		return done, badFlag("--sign-by", m.signBy, "pod cannot sign images (no GPG signing): build, then sign with skopeo or podman")
	}
	if m.allPlatf {
		return done, badFlag("--all-platforms", "true", "pod builds one platform per build: use --platform OS/ARCH")
	}
	stop, err := m.sshAgents(o)
	if err != nil {
		return done, err
	}
	prev := done
	return func() { stop(); prev() }, nil
}

func orStr(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// platformFlags reads --platform, --os, --arch and --variant: the image's
// platform and the one its base images are pulled for.
func (m *buildMore) platformFlags(o *build.Options, e *buildEngine) error {
	if len(m.platform) > 1 {
		return badFlag("--platform", strings.Join(m.platform, ","), "pod builds one platform per build")
	}
	for _, l := range [][]string{m.os, m.arch, m.variant} {
		if len(l) > 1 {
			return badFlag("--arch/--os/--variant", strings.Join(l, ","), "only one value is supported")
		}
	}
	one := func(l []string) string {
		if len(l) == 1 {
			return l[0]
		}
		return ""
	}
	o.OS, o.Arch, o.Variant = one(m.os), one(m.arch), one(m.variant)
	if len(m.platform) == 1 {
		if o.OS != "" || o.Arch != "" {
			return badFlag("--platform", m.platform[0], "cannot be used with --arch or --os")
		}
		parts := strings.Split(m.platform[0], "/")
		if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
			return badFlag("--platform", m.platform[0], "want OS/ARCH[/VARIANT]")
		}
		o.OS, o.Arch = parts[0], parts[1]
		if len(parts) == 3 {
			o.Variant = parts[2]
		}
	}
	for _, v := range []struct{ f, v string }{{"--os", o.OS}, {"--arch", o.Arch}, {"--variant", o.Variant}} {
		if strings.ContainsAny(v.v, "/ \t\n") {
			return badFlag(v.f, v.v, "not a single name")
		}
	}
	if o.OS != "" {
		e.pullFlags = append(e.pullFlags, "--os="+o.OS)
	}
	if o.Arch != "" {
		e.pullFlags = append(e.pullFlags, "--arch="+o.Arch)
	}
	if o.Variant != "" {
		e.pullFlags = append(e.pullFlags, "--variant="+o.Variant)
	}
	return nil
}

// contexts reads --build-context NAME=DIR|docker-image://IMG|container-image://IMG.
func (m *buildMore) contexts(o *build.Options) error {
	for _, c := range m.buildContexts {
		name, v, ok := strings.Cut(c, "=")
		if !ok || name == "" || v == "" {
			return badFlag("--build-context", c, "want NAME=PATH or NAME=docker-image://IMAGE")
		}
		if o.Contexts == nil {
			o.Contexts = map[string]string{}
		}
		switch {
		case strings.HasPrefix(v, "docker-image://"), strings.HasPrefix(v, "container-image://"):
			_, img, _ := strings.Cut(v, "://")
			o.Contexts[name] = "image:" + img
		case strings.HasPrefix(v, "http://"), strings.HasPrefix(v, "https://"), strings.HasPrefix(v, "git@"):
			return badFlag("--build-context", c, "URLs are not supported: give a directory or docker-image://IMAGE")
		default:
			abs, err := filepath.Abs(v)
			if err != nil {
				return badFlag("--build-context", c, err.Error())
			}
			if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
				return badFlag("--build-context", c, "not a directory")
			}
			o.Contexts[name] = abs
		}
	}
	return nil
}

// pullFlags turns the registry flags into pod-image pull's (as pod pull
// has them); FROM and COPY --from images are pulled with them, cache
// images pulled and pushed (--cache-from, --cache-to).
func (m *buildMore) pullFlags(e *buildEngine) error {
	if m.retry < 0 {
		return badFlag("--retry", strconv.Itoa(m.retry), "must be 0 or more")
	}
	if _, err := time.ParseDuration(m.retryDelay); err != nil {
		return badFlag("--retry-delay", m.retryDelay, "want a duration such as 2s")
	}
	e.regFlags = append(e.regFlags, "--retry="+strconv.Itoa(m.retry), "--retry-delay="+m.retryDelay)
	if m.authfile != "" {
		if _, err := os.Stat(m.authfile); err != nil {
			return badFlag("--authfile", m.authfile, err.Error())
		}
		e.regFlags = append(e.regFlags, "--authfile="+m.authfile)
	}
	if m.certDir != "" {
		if fi, err := os.Stat(m.certDir); err != nil || !fi.IsDir() {
			return badFlag("--cert-dir", m.certDir, "not a directory")
		}
		e.regFlags = append(e.regFlags, "--cert-dir="+m.certDir)
	}
	if m.creds != "" {
		e.regFlags = append(e.regFlags, "--creds="+m.creds)
	}
	e.regFlags = append(e.regFlags, "--tls-verify="+strconv.FormatBool(m.tlsVerify))
	e.pullFlags = append(e.pullFlags, e.regFlags...)
	if len(m.decryptionKeys) > 0 {
		return badFlag("--decryption-key", strings.Join(m.decryptionKeys, ","), "pod pulls no encrypted images: decrypt it with skopeo copy --decryption-key first")
	}
	return nil
}

// sshAgents reads --ssh ID[=SOCKET|KEY[,KEY]]: a socket is forwarded as is;
// keys are loaded into an ssh-agent started for the build (stop ends it).
func (m *buildMore) sshAgents(o *build.Options) (func(), error) {
	var stops []func()
	stop := func() {
		for _, f := range stops {
			f()
		}
	}
	for _, v := range m.ssh {
		id, src, _ := strings.Cut(v, "=")
		if id == "" {
			stop()
			return nil, badFlag("--ssh", v, "want default|ID[=SOCKET|KEY[,KEY]]")
		}
		if o.SSH == nil {
			o.SSH = map[string]string{}
		}
		if src == "" {
			src = os.Getenv("SSH_AUTH_SOCK")
			if src == "" {
				stop()
				return nil, badFlag("--ssh", v, "SSH_AUTH_SOCK is not set: give a socket or key, ID=PATH")
			}
		}
		paths := strings.Split(src, ",")
		if fi, err := os.Stat(paths[0]); err == nil && fi.Mode()&os.ModeSocket != 0 && len(paths) == 1 {
			o.SSH[id] = paths[0]
			continue
		}
		sock, kill, err := startAgent(paths)
		if err != nil {
			stop()
			return nil, badFlag("--ssh", v, err.Error())
		}
		stops = append(stops, kill)
		o.SSH[id] = sock
	}
	return stop, nil
}

// startAgent runs ssh-agent on a private socket with the keys added.
func startAgent(keys []string) (string, func(), error) {
	for _, k := range keys {
		if fi, err := os.Stat(k); err != nil || !fi.Mode().IsRegular() {
			return "", nil, fmt.Errorf("%s is neither an agent socket nor a key file", k)
		}
	}
	dir, err := os.MkdirTemp("", "pod-build-ssh-")
	if err != nil {
		return "", nil, err
	}
	sock := filepath.Join(dir, "agent.sock")
	agent := exec.Command("ssh-agent", "-D", "-a", sock)
	if err := agent.Start(); err != nil {
		os.RemoveAll(dir)
		return "", nil, fmt.Errorf("starting ssh-agent: %v", err)
	}
	kill := func() {
		_ = agent.Process.Kill()
		_ = agent.Wait()
		os.RemoveAll(dir)
	}
	for i := 0; i < 200; i++ {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	add := exec.Command("ssh-add", keys...)
	add.Env = append(os.Environ(), "SSH_AUTH_SOCK="+sock)
	if out, err := add.CombinedOutput(); err != nil {
		kill()
		return "", nil, fmt.Errorf("ssh-add: %v: %s", err, strings.TrimSpace(string(out)))
	}
	return sock, kill, nil
}

// preprocess runs a Containerfile whose name ends in .in through cpp, as
// Buildah (with --cpp-flag values; #include is relative to its directory).
func preprocess(name string, data []byte, flags []string) ([]byte, error) {
	args := append([]string{"-E", "-iquote", filepath.Dir(name), "-traditional-cpp", "-undef", "-P"}, flags...)
	args = append(args, "-")
	c := exec.Command("cpp", args...)
	c.Stdin = strings.NewReader(string(data))
	var stderr strings.Builder
	c.Stderr = &stderr
	out, err := c.Output()
	if err != nil {
		return nil, &errdefs.ExitCodeError{Code: errdefs.ExitEngine, Err: fmt.Errorf("preprocessing %s with cpp %s: %v: %s", name, strings.Join(flags, " "), err, strings.TrimSpace(stderr.String()))}
	}
	return out, nil
}
