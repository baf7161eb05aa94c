package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/secret"
)

// createFlags are the flags `create` and `run` share.
type createFlags struct {
	o           libpod.CreateOptions
	env         []string
	envFile     []string
	labels      []string
	annotations []string
	secrets     []string
	sysctls     []string
	entrypoint  string
	rootfs      bool
	stopTimeout uint
	pidsLimit   int64
	oomScoreAdj int
	readOnlyTmp bool
	runtime     string
	labelFiles  []string
	kernelMem   string
	platform    string
	timeout     uint
	systemd     string
	blkioWeight uint16
	swappiness  int64
	httpProxy   bool
	passwd      bool
	tlsVerify   bool
	authfile    string
	imageVolume string
	volumesFrom []string
	seccompPol  string
	podIDFile   string
	networks    []string // --network, --net: the first is Spec.Network, the others NetworkFlags.MoreNetworks
}

func (f *createFlags) register(fs *pflag.FlagSet) {
	s := &f.o.Spec
	fs.SetInterspersed(false)
	fs.Bool("help", false, "Help for this command") // -h is --hostname, as in Podman
	fs.StringVar(&s.Name, "name", "", "Assign a name to the container")
	fs.StringArrayVarP(&f.env, "env", "e", nil, "Set environment variables in container")
	fs.StringArrayVar(&f.envFile, "env-file", nil, "Read in a file of environment variables")
	fs.StringVarP(&s.WorkDir, "workdir", "w", "", "Working directory inside the container")
	fs.StringVarP(&s.User, "user", "u", "", "Username or UID (format: <name|uid>[:<group|gid>])")
	fs.StringVar(&f.entrypoint, "entrypoint", "", "Overwrite the default ENTRYPOINT of the image")
	fs.StringVarP(&s.Hostname, "hostname", "h", "", "Set container hostname")
	fs.StringArrayVarP(&f.labels, "label", "l", nil, "Set metadata on container")
	fs.StringArrayVar(&f.annotations, "annotation", nil, "Add annotations to container (key=value)")
	fs.StringArrayVar(&f.secrets, "secret", nil, "Add secret to container")
	fs.StringArrayVarP(&s.Volumes, "volume", "v", nil, "Bind mount a volume into the container")
	fs.StringArrayVar(&s.Mounts, "mount", nil, "Attach a filesystem mount to the container")
	fs.StringArrayVar(&s.Tmpfs, "tmpfs", nil, "Mount a temporary filesystem (tmpfs) into a container")
	fs.StringArrayVar(&f.volumesFrom, "volumes-from", nil, "Mount volumes from the specified container(s)")
	fs.BoolVar(&s.ReadOnly, "read-only", false, "Make containers root filesystem read-only")
	fs.BoolVar(&f.readOnlyTmp, "read-only-tmpfs", true, "When running containers in read-only mode mount a read-write tmpfs on /run, /tmp and /var/tmp")
	fs.StringSliceVar(&s.CapAdd, "cap-add", nil, "Add capabilities to the container")
	fs.StringSliceVar(&s.CapDrop, "cap-drop", nil, "Drop capabilities from the container")
	fs.BoolVar(&s.Privileged, "privileged", false, "Give extended privileges to container")
	fs.StringArrayVar(&s.SecurityOpt, "security-opt", nil, "Security Options")
	fs.StringArrayVar(&s.Ulimits, "ulimit", nil, "Ulimit options")
	fs.StringVarP(&s.Memory, "memory", "m", "", "Memory limit (format: <number>[<unit>], where unit = b (bytes), k (kibibytes), m (mebibytes), or g (gibibytes))")
	fs.StringVar(&s.MemorySwap, "memory-swap", "", "Swap limit equal to memory plus swap: '-1' to enable unlimited swap")
	fs.StringVar(&s.CPUs, "cpus", "", "Number of CPUs. The default is 0.000 which means no limit")
	fs.Uint64VarP(&s.CPUShares, "cpu-shares", "c", 0, "CPU shares (relative weight)")
	fs.StringVar(&s.CPUSetCPUs, "cpuset-cpus", "", "CPUs in which to allow execution (0-3, 0,1)")
	fs.Int64Var(&f.pidsLimit, "pids-limit", 0, "Tune container pids limit (set -1 for unlimited)")
	fs.BoolVar(&s.Init, "init", false, "Run an init binary inside the container that forwards signals and reaps processes")
	fs.StringVar(&s.InitPath, "init-path", "", "Path to the container-init binary")
	fs.StringVar(&s.StopSignal, "stop-signal", "", "Signal to stop a container. Default is SIGTERM")
	fs.UintVar(&f.stopTimeout, "stop-timeout", 0, "Timeout (in seconds) that containers stopped by user command have to exit. If exceeded, the container will be forcibly stopped via SIGKILL.")
	fs.StringArrayVar(&f.networks, "network", nil, "Connect a container to a network (bridge, NAME[:ip=,alias=,mac=], none, host, ns:PATH, container:ID, private)")
	fs.StringArrayVar(&f.networks, "net", nil, "Connect a container to a network")
	_ = fs.MarkHidden("net")
	fs.StringVar(&s.PID, "pid", "", "PID namespace to use")
	fs.StringVar(&s.IPC, "ipc", "", "IPC namespace to use")
	fs.StringVar(&s.UTS, "uts", "", "UTS namespace to use")
	fs.StringVar(&s.UserNS, "userns", os.Getenv("PODMAN_USERNS"), "User namespace to use")
	fs.StringArrayVar(&s.UIDMap, "uidmap", nil, "UID map to use for the user namespace")
	fs.StringArrayVar(&s.GIDMap, "gidmap", nil, "GID map to use for the user namespace")
	fs.StringVar(&s.SubUIDName, "subuidname", "", "Name of range listed in /etc/subuid for use in user namespace")
	fs.StringVar(&s.SubGIDName, "subgidname", "", "Name of range listed in /etc/subgid for use in user namespace")
	fs.StringArrayVar(&s.Devices, "device", nil, "Add a host device to the container")
	fs.StringSliceVar(&s.GroupAdd, "group-add", nil, "Add additional groups to the primary container process. 'keep-groups' allows container processes to use supplementary groups.")
	fs.StringVar(&s.ShmSize, "shm-size", "", "Size of /dev/shm (format: <number>[<unit>], where unit = b (bytes), k (kibibytes), m (mebibytes), or g (gibibytes))")
	fs.StringVar(&s.Cgroups, "cgroups", "", "control container cgroup configuration (\"enabled\"|\"disabled\"|\"no-conmon\"|\"split\")")
	fs.StringVar(&s.CgroupParent, "cgroup-parent", "", "Optional parent cgroup for the container")
	fs.StringArrayVar(&f.sysctls, "sysctl", nil, "Sysctl options")
	fs.IntVar(&f.oomScoreAdj, "oom-score-adj", 0, "Tune the host's OOM preferences (-1000 to 1000)")
	fs.StringVar(&s.Umask, "umask", "", "Set umask in container")
	fs.BoolVarP(&s.Stdin, "interactive", "i", false, "Keep STDIN open even if not attached")
	fs.BoolVarP(&s.Terminal, "tty", "t", false, "Allocate a pseudo-TTY for container")
	fs.StringVar(&f.o.LogDriver, "log-driver", "", "Logging driver for the container")
	fs.StringArrayVar(&f.o.LogOpts, "log-opt", nil, "Logging driver options")
	fs.BoolVar(&f.rootfs, "rootfs", false, "The first argument is not an image but the rootfs to the exploded container")
	fs.StringVar(&f.o.Pull, "pull", "missing", "Pull image policy (\"always\"|\"missing\"|\"never\"|\"newer\")")
	fs.BoolVarP(&f.o.PullQuiet, "quiet", "q", false, "Suppress output information when pulling images")
	fs.BoolVar(&f.o.Remove, "rm", false, "Remove container (and pod if created) after exit")
	fs.StringVar(&f.o.DetachKeys, "detach-keys", "", "Override the key sequence for detaching a container. Format is a single character [a-Z] or a comma separated sequence of `ctrl-<value>`, where `<value>` is one of: `a-cf`, `@`, `^`, `[`, `\\`, `]`, `^` or `_`")
	fs.StringVar(&f.o.SdNotify, "sdnotify", "container", "control sd-notify behavior (\"container\"|\"conmon\"|\"healthy\"|\"ignore\")")
	fs.StringVar(&f.runtime, "runtime", "", "Path or name of the OCI runtime or shim to use for this container")
	f.registerPolicyFlags(fs)
	f.registerRunFlags(fs)
}

// registerRunFlags adds the flags of Podman 4.3's run and create beyond the
// basic set (docs/cli.md, "run and create").
func (f *createFlags) registerRunFlags(fs *pflag.FlagSet) {
	s, o := &f.o.Spec, &f.o
	fs.StringVar(&o.Pod, "pod", "", "Run container in an existing pod (new:NAME creates it)")
	fs.StringVar(&f.podIDFile, "pod-id-file", "", "Read the pod ID from the file")
	fs.StringVar(&o.CIDFile, "cidfile", "", "Write the container ID to the file")
	fs.StringVar(&o.PidFile, "pidfile", "", "Write the container process ID to the file")
	fs.StringVar(&o.ConmonPidFile, "conmon-pidfile", "", "Path to the file that will receive the PID of conmon")
	fs.StringVar(&s.Timezone, "tz", "", "Set timezone in container")
	fs.BoolVar(&s.EnvHost, "env-host", false, "Use all current host environment variables in container")
	fs.StringArrayVar(&s.UnsetEnv, "unsetenv", nil, "Unset environment default variables in container")
	fs.BoolVar(&s.UnsetEnvAll, "unsetenv-all", false, "Unset all default environment variables in container")
	fs.StringArrayVar(&f.labelFiles, "label-file", nil, "Read in a line delimited file of labels")
	fs.StringVar(&f.kernelMem, "kernel-memory", "", "DEPRECATED: Option is just here for compatibility with Docker")
	_ = fs.MarkHidden("kernel-memory") // hidden in Podman's --help too
	fs.StringArrayVar(&s.DeviceCgroupRules, "device-cgroup-rule", nil, "Add a rule to the cgroup allowed devices list")
	fs.StringArrayVar(&s.DeviceReadBps, "device-read-bps", nil, "Limit read rate (bytes per second) from a device (e.g. --device-read-bps=/dev/sda:1mb)")
	fs.StringArrayVar(&s.DeviceReadIOps, "device-read-iops", nil, "Limit read rate (IO per second) from a device (e.g. --device-read-iops=/dev/sda:1000)")
	fs.StringArrayVar(&s.DeviceWriteBps, "device-write-bps", nil, "Limit write rate (bytes per second) to a device (e.g. --device-write-bps=/dev/sda:1mb)")
	fs.StringArrayVar(&s.DeviceWriteIOps, "device-write-iops", nil, "Limit write rate (IO per second) to a device (e.g. --device-write-iops=/dev/sda:1000)")
	fs.Uint16Var(&f.blkioWeight, "blkio-weight", 0, "Block IO weight (relative weight) accepts a weight value between 10 and 1000.")
	fs.StringArrayVar(&s.BlkioWeightDevice, "blkio-weight-device", nil, "Block IO weight (relative device weight, format: DEVICE_NAME:WEIGHT)")
	fs.StringSliceVar(&o.Requires, "requires", nil, "Add one or more requirement containers that must be started before this container will start")
	fs.BoolVar(&o.Replace, "replace", false, "If a container with the same name exists, replace it")
	fs.StringVar(&s.PasswdEntry, "passwd-entry", "", "Entry to write to /etc/passwd")
	fs.StringVar(&s.GroupEntry, "group-entry", "", "Entry to write to /etc/group")
	fs.StringArrayVar(&s.ChrootDirs, "chrootdirs", nil, "Chroot directories inside the container")
	fs.StringVar(&s.Personality, "personality", "", "Configure execution domain using personality (e.g., LINUX/LINUX32)")
	fs.StringVar(&f.platform, "platform", "", "Specify the platform for selecting the image.  (Conflicts with --arch and --os)")
	fs.StringVar(&o.Arch, "arch", "", "use ARCH instead of the architecture of the machine for choosing images")
	fs.StringVar(&o.OS, "os", "", "use OS instead of the running OS for choosing images")
	fs.StringVar(&o.Variant, "variant", "", "Use VARIANT instead of the running architecture variant for choosing images")
	fs.StringVar(&f.systemd, "systemd", "true", `Run container in systemd mode ("true"|"false"|"always")`)
	fs.StringSliceVar(&s.AddHosts, "add-host", nil, "Add a custom host-to-IP mapping (host:ip)")
	fs.BoolVar(&s.NoHosts, "no-hosts", false, "Do not create /etc/hosts within the container, instead use the version from the image")
	fs.StringSliceVar(&s.DNS, "dns", nil, "Set custom DNS servers")
	fs.StringSliceVar(&s.DNSSearch, "dns-search", nil, "Set custom DNS search domains")
	fs.StringSliceVar(&s.DNSOptions, "dns-option", nil, "Set custom DNS options")
	fs.Uint64Var(&s.CPUPeriod, "cpu-period", 0, "Limit the CPU CFS (Completely Fair Scheduler) period")
	fs.Int64Var(&s.CPUQuota, "cpu-quota", 0, "Limit the CPU CFS (Completely Fair Scheduler) quota")
	fs.Uint64Var(&s.CPURtPeriod, "cpu-rt-period", 0, "Limit the CPU real-time period in microseconds")
	fs.Int64Var(&s.CPURtRuntime, "cpu-rt-runtime", 0, "Limit the CPU real-time runtime in microseconds")
	fs.StringVar(&s.CPUSetMems, "cpuset-mems", "", "Memory nodes (MEMs) in which to allow execution (0-3, 0,1). Only effective on NUMA systems.")
	fs.StringVar(&s.MemoryReservation, "memory-reservation", "", "Memory soft limit (format: <number>[<unit>], where unit = b (bytes), k (kibibytes), m (mebibytes), or g (gibibytes))")
	fs.Int64Var(&f.swappiness, "memory-swappiness", -1, "Tune container memory swappiness (0 to 100, or -1 for system default)")
	fs.BoolVar(&s.OOMKillDisable, "oom-kill-disable", false, "Disable OOM Killer")
	fs.StringVar(&s.CgroupNS, "cgroupns", "", "cgroup namespace to use")
	fs.BoolVar(&f.httpProxy, "http-proxy", true, "Set proxy environment variables in the container based on the host proxy vars")
	fs.StringArrayVar(&s.EnvMerge, "env-merge", nil, "Preprocess environment variables from image before injecting them into the container")
	fs.BoolVar(&f.passwd, "passwd", true, "add entries to /etc/passwd and /etc/group")
	fs.BoolVar(&f.tlsVerify, "tls-verify", true, "Require HTTPS and verify certificates when contacting registries for pulling images")
	fs.StringVar(&f.authfile, "authfile", "", "Path of the authentication file. Use REGISTRY_AUTH_FILE environment variable to override")
	fs.Bool("disable-content-trust", false, "This is a Docker specific option and is a NOOP")
	fs.StringVar(&f.imageVolume, "image-volume", "bind", `Tells podman how to handle the builtin image volumes ("bind"|"tmpfs"|"ignore")`)
	fs.StringVar(&f.seccompPol, "seccomp-policy", "default", "Policy for selecting a seccomp profile (experimental)")
	fs.StringArrayVar(&s.CgroupConf, "cgroup-conf", nil, "Configure cgroup v2 (key=value)")
	fs.StringSliceVar(&s.HostUsers, "hostuser", nil, "Host user account to add to /etc/passwd within container")
	n := &f.o.Net
	fs.StringArrayVarP(&n.Publish, "publish", "p", nil, "Publish a container's port, or a range of ports, to the host")
	fs.BoolVarP(&n.PublishAll, "publish-all", "P", false, "Publish all exposed ports to random ports on the host interface")
	fs.StringArrayVar(&n.Expose, "expose", nil, "Expose a port or a range of ports")
	fs.StringVar(&n.IP, "ip", "", "Specify a static IPv4 address for the container")
	fs.StringVar(&n.IP6, "ip6", "", "Specify a static IPv6 address for the container")
	fs.StringVar(&n.MAC, "mac-address", "", "Container MAC address (e.g. 92:d0:c6:0a:29:33)")
	fs.StringArrayVar(&n.Aliases, "network-alias", nil, "Add network-scoped alias for the container")
	fs.UintVar(&f.timeout, "timeout", 0, "Maximum length of time a container is allowed to run. The container will be killed automatically after the time expires.")
}

// runOptions applies the flags of registerRunFlags that need more than a
// variable: files read on the client, the platform, warnings.
func (f *createFlags) runOptions(cmd *cobra.Command, o *libpod.CreateOptions) error {
	fl := cmd.Flags()
	if len(f.networks) > 0 {
		o.Spec.Network, o.Net.MoreNetworks = f.networks[0], f.networks[1:]
	}
	if fl.Changed("kernel-memory") {
		logrus.Warn("The --kernel-memory flag is no longer supported. This flag is a noop.")
	}
	if f.systemd != "true" {
		o.Spec.Systemd = f.systemd
	}
	o.Spec.BlkioWeight = f.blkioWeight
	if f.platform != "" {
		if o.OS != "" || o.Arch != "" {
			return fmt.Errorf("--platform option can not be specified with --arch or --os: %w", errdefs.ErrInvalidArgument)
		}
		parts := strings.Split(f.platform, "/")
		if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
			return fmt.Errorf("invalid platform syntax for --platform=%q: want OS/ARCH[/VARIANT]: %w", f.platform, errdefs.ErrInvalidArgument)
		}
		o.OS, o.Arch = parts[0], parts[1]
		if len(parts) == 3 {
			o.Variant = parts[2]
		}
	}
	policyOptions(fl, o)
	if f.podIDFile != "" {
		if o.Pod != "" {
			return fmt.Errorf("cannot specify both --pod and --pod-id-file: %w", errdefs.ErrInvalidArgument)
		}
		data, err := os.ReadFile(f.podIDFile)
		if err != nil {
			return fmt.Errorf("reading pod ID file: %w", err)
		}
		o.Pod = strings.TrimSpace(string(data))
	}
	if fl.Changed("memory-swappiness") {
		v := f.swappiness
		o.Spec.MemorySwappiness = &v
	}
	o.Spec.NoHTTPProxy, o.Spec.NoPasswd = !f.httpProxy, !f.passwd
	if fl.Changed("tls-verify") {
		o.PullFlags = append(o.PullFlags, "--tls-verify="+strconv.FormatBool(f.tlsVerify))
	}
	if f.authfile != "" {
		// As Podman: a missing auth file is an error before anything is
		// made, whether or not a pull needs it.
		if _, err := os.Stat(f.authfile); err != nil {
			return fmt.Errorf("--authfile: %w: %w", err, errdefs.ErrInvalidArgument)
		}
		o.PullFlags = append(o.PullFlags, "--authfile="+f.authfile)
	}
	switch f.imageVolume {
	case "bind", "tmpfs", "ignore":
		o.ImageVolume = f.imageVolume
	default:
		return fmt.Errorf("invalid image volume type %q: must be bind, tmpfs or ignore: %w", f.imageVolume, errdefs.ErrInvalidArgument)
	}
	o.VolumesFrom = f.volumesFrom
	switch f.seccompPol {
	case "default":
	case "image":
		return fmt.Errorf("--seccomp-policy image: seccomp profiles from image annotations are not supported yet: %w", errdefs.ErrNotImplemented)
	default:
		return fmt.Errorf("invalid seccomp policy %q: valid policies are default and image: %w", f.seccompPol, errdefs.ErrInvalidArgument)
	}
	var labels []string
	for _, name := range f.labelFiles {
		data, err := os.ReadFile(name)
		if err != nil {
			return fmt.Errorf("--label-file %s: %w", name, errdefs.ErrInvalidArgument)
		}
		l, err := libpod.ParseLabelFile(name, data)
		if err != nil {
			return err
		}
		labels = append(labels, l...)
	}
	if len(labels) > 0 {
		fromFiles, err := keyValues("--label-file", labels)
		if err != nil {
			return err
		}
		if o.Spec.Labels == nil {
			o.Spec.Labels = map[string]string{}
		}
		for k, v := range fromFiles {
			if _, set := o.Spec.Labels[k]; !set {
				o.Spec.Labels[k] = v
			}
		}
	}
	return nil
}

// options turns the parsed flags and positional arguments (IMAGE|ROOTFS
// [COMMAND [ARG...]]) into create options.
func (f *createFlags) options(cmd *cobra.Command, args []string) (*libpod.CreateOptions, error) {
	if len(args) == 0 {
		return nil, fmt.Errorf("%s requires at least 1 argument: an image (or a root filesystem with --rootfs): %w", cmd.CommandPath(), errdefs.ErrInvalidArgument)
	}
	o := f.o
	o.CreateCommand = os.Args
	s := &o.Spec
	if f.rootfs {
		// PATH:O: an overlay over PATH, as Podman's --rootfs takes it
		s.Rootfs, s.RootfsOverlay = strings.CutSuffix(args[0], ":O")
	} else {
		o.Image = args[0]
	}
	s.Command = append([]string(nil), args[1:]...)
	env, err := readEnvFiles(f.envFile)
	if err != nil {
		return nil, err
	}
	s.Env = append(env, f.env...)
	if s.Labels, err = keyValues("--label", f.labels); err != nil {
		return nil, err
	}
	// As Podman: a container created by a systemd unit (generate systemd
	// --new, pod-quadlet set PODMAN_SYSTEMD_UNIT=%n) records its unit, so
	// `pod auto-update` knows what to restart.
	if unit := os.Getenv("PODMAN_SYSTEMD_UNIT"); unit != "" {
		if _, set := s.Labels["PODMAN_SYSTEMD_UNIT"]; !set {
			if s.Labels == nil {
				s.Labels = map[string]string{}
			}
			s.Labels["PODMAN_SYSTEMD_UNIT"] = unit
		}
	}
	if s.Annotations, err = keyValues("--annotation", f.annotations); err != nil {
		return nil, err
	}
	for _, v := range f.secrets {
		ref, err := secret.ParseRef(v)
		if err != nil {
			return nil, err
		}
		o.Secrets = append(o.Secrets, ref)
	}
	if s.Sysctls, err = keyValues("--sysctl", f.sysctls); err != nil {
		return nil, err
	}
	fl := cmd.Flags()
	if fl.Changed("entrypoint") {
		// Stored as given; specgen decodes "" and the JSON array form.
		s.Entrypoint = &[]string{f.entrypoint}
	}
	if fl.Changed("stop-timeout") {
		t := f.stopTimeout
		o.StopTimeout = &t
	}
	o.Timeout = f.timeout
	if fl.Changed("pids-limit") {
		p := f.pidsLimit
		s.PidsLimit = &p
	}
	if fl.Changed("oom-score-adj") {
		v := f.oomScoreAdj
		s.OOMScoreAdj = &v
	}
	if fl.Changed("read-only-tmpfs") {
		v := f.readOnlyTmp
		s.ReadOnlyTmpfs = &v
	}
	switch o.Pull {
	case "missing", "always", "never", "newer":
	default:
		return nil, fmt.Errorf("invalid --pull %q: use always, missing, never or newer: %w", o.Pull, errdefs.ErrInvalidArgument)
	}
	if err := f.runOptions(cmd, &o); err != nil {
		return nil, err
	}
	o.Runtime = f.runtime
	if o.Runtime == "" {
		o.Runtime = globals.Runtime
	}
	return &o, nil
}

// keyValues parses KEY=VALUE (or KEY, meaning an empty value) flags.
func keyValues(flag string, vals []string) (map[string]string, error) {
	if len(vals) == 0 {
		return nil, nil
	}
	m := make(map[string]string, len(vals))
	for _, v := range vals {
		k, val, _ := strings.Cut(v, "=")
		if k == "" {
			return nil, fmt.Errorf("invalid %s %q: expected KEY=VALUE: %w", flag, v, errdefs.ErrInvalidArgument)
		}
		m[k] = val
	}
	return m, nil
}

// readEnvFiles reads --env-file files: KEY=VALUE or KEY lines, '#' comments.
func readEnvFiles(paths []string) ([]string, error) {
	var env []string
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("--env-file %s: %w", p, errdefs.ErrInvalidArgument)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		line := 0
		for sc.Scan() {
			line++
			l := strings.TrimLeft(sc.Text(), " \t")
			if l == "" || strings.HasPrefix(l, "#") {
				continue
			}
			if strings.HasPrefix(l, "=") {
				f.Close()
				return nil, fmt.Errorf("--env-file %s line %d: variable name is empty: %w", p, line, errdefs.ErrInvalidArgument)
			}
			env = append(env, l)
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("--env-file %s: %w", p, err)
		}
	}
	return env, nil
}
