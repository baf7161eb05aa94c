package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/errdefs"
)

// `pod pod VERB`: Podman's `podman pod VERB` (the binary is also called pod).

func init() {
	commands = append(commands, podCommand)
}

// podVerbs are the subcommands of `pod pod`; each file adds its own.
var podVerbs []func() *cobra.Command

func podCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "pod", Short: "Manage pods", RunE: subcommandRequired, Args: cobra.ArbitraryArgs}
	for _, c := range podVerbs {
		cmd.AddCommand(c())
	}
	return cmd
}

func init() {
	podVerbs = append(podVerbs, podCreateCommand, podStartCommand, podStopCommand, podKillCommand,
		podRestartCommand, podPauseCommand, podUnpauseCommand, podRmCommand)
}

// podCreateFlags are `pod pod create`'s flags.
type podCreateFlags struct {
	o            libpod.PodCreateOptions
	labels       []string
	infraCommand string
	podIDFile    string
	network      []string
	publish      []string
	cpus         string
	labelFiles   []string
	shareParent  bool
	sysctls      []string
}

func podCreateCommand() *cobra.Command {
	var f podCreateFlags
	cmd := &cobra.Command{
		Use:   "create [options] [NAME]",
		Short: "Create a new empty pod",
		Long:  "After creating the pod, the pod ID is printed to stdout.",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				if f.o.Name != "" && f.o.Name != args[0] {
					return usageError("cannot specify --name and give a NAME argument")
				}
				f.o.Name = args[0]
			}
			p, err := f.create(cmd)
			if err != nil {
				return err
			}
			fmt.Println(p.ID())
			return nil
		},
	}
	registerFlags(cmd, func() { f.register(cmd.Flags()) })
	return cmd
}

// register registers pod create's flags into fl.
func (f *podCreateFlags) register(fl *pflag.FlagSet) {
	fl.Bool("help", false, "Help for this command") // -h is --hostname, as in Podman
	fl.StringVarP(&f.o.Name, "name", "n", "", "Assign a name to the pod")
	fl.StringArrayVarP(&f.labels, "label", "l", nil, "Set metadata on the pod")
	fl.StringVarP(&f.o.Hostname, "hostname", "h", "", "Set the pod's hostname")
	fl.StringVar(&f.o.CgroupParent, "cgroup-parent", "", "Optional parent cgroup for the pod")
	fl.StringVar(&f.o.Share, "share", "ipc,net,uts", "A comma delimited list of kernel namespaces the pod will share")
	fl.BoolVar(&f.o.Infra, "infra", true, "Create an infra container associated with the pod to share namespaces with")
	fl.StringVar(&f.o.InfraImage, "infra-image", "", "Image to use to override builtin infra container")
	fl.StringVar(&f.infraCommand, "infra-command", "", "Overwrite the default ENTRYPOINT of the image")
	fl.StringVar(&f.o.InfraName, "infra-name", "", "Assign a name to the container")
	fl.StringVar(&f.o.InfraConmonPidFile, "infra-conmon-pidfile", "", "Path to the file that will receive the PID of conmon")
	fl.StringVar(&f.o.ExitPolicy, "exit-policy", "continue", "Behaviour when the last container exits")
	fl.BoolVar(&f.o.Replace, "replace", false, "If a pod with the same name exists, replace it")
	fl.StringVar(&f.podIDFile, "pod-id-file", "", "Write the pod ID to the file")
	fl.StringVar(&f.cpus, "cpus", "", "Number of CPUs. The default is 0.000 which means no limit")
	fl.StringVarP(&f.o.Memory, "memory", "m", "", "Memory limit (format: <number>[<unit>], where unit = b (bytes), k (kibibytes), m (mebibytes), or g (gibibytes))")
	fl.StringArrayVar(&f.network, "network", nil, "Connect the pod to a network")
	fl.StringSliceVarP(&f.publish, "publish", "p", nil, "Publish a container's port, or a range of ports, to the host")
	fl.StringVar(&f.o.IP, "ip", "", "Specify a static IPv4 address for the pod")
	fl.StringVar(&f.o.IP6, "ip6", "", "Specify a static IPv6 address for the pod")
	fl.StringVar(&f.o.MAC, "mac-address", "", "Pod MAC address (e.g. 92:d0:c6:0a:29:33)")
	fl.StringArrayVar(&f.o.Aliases, "network-alias", nil, "Add network-scoped alias for the pod")
	fl.StringVar(&f.o.Runtime, "runtime", "", "Path or name of the OCI runtime or shim the pod's containers use")
	fl.StringArrayVar(&f.labelFiles, "label-file", nil, "Read in a line delimited file of labels")
	fl.BoolVar(&f.shareParent, "share-parent", true, "Set the pod's cgroup as the cgroup parent for all containers joining the pod")
	e := &f.o.EtcFiles
	fl.StringSliceVar(&e.AddHosts, "add-host", nil, "Add a custom host-to-IP mapping (host:ip)")
	fl.BoolVar(&e.NoHosts, "no-hosts", false, "Do not create /etc/hosts within the pod's containers, instead use the version from the image")
	fl.StringSliceVar(&e.DNS, "dns", nil, "Set custom DNS servers")
	fl.StringSliceVar(&e.DNSSearch, "dns-search", nil, "Set custom DNS search domains")
	fl.StringSliceVar(&e.DNSOptions, "dns-option", nil, "Set custom DNS options")
	f.registerContainerFlags(fl)
}

// create validates the flags and creates the pod (also for --pod new:NAME).
func (f *podCreateFlags) create(cmd *cobra.Command) (*libpod.Pod, error) {
	if err := f.options(cmd); err != nil {
		return nil, err
	}
	if f.podIDFile != "" {
		if _, err := os.Stat(f.podIDFile); err == nil {
			return nil, fmt.Errorf("pod id file exists. Ensure another pod is not using it or delete %s: %w", f.podIDFile, errdefs.ErrAlreadyExists)
		}
	}
	var p *libpod.Pod
	err := withRuntime(func(rt *libpod.Runtime) error {
		var err error
		ctx := context.Background()
		if cmd != nil {
			ctx = cmd.Context()
			f.o.CreateCommand = os.Args // `pod pod create` itself, not run's --pod new:
		}
		p, err = rt.CreatePod(ctx, &f.o)
		if err != nil {
			return err
		}
		if f.podIDFile != "" {
			if err := os.WriteFile(f.podIDFile, []byte(p.ID()), 0o644); err != nil {
				_ = p.Remove(context.WithoutCancel(ctx), libpod.PodRemoveOptions{Force: true})
				return fmt.Errorf("writing the pod ID to %s: %w", f.podIDFile, err)
			}
		}
		return nil
	})
	return p, err
}

// options turns the flags kept apart from f.o (networks, labels, --cpus,
// --sysctl…) into f.o.
func (f *podCreateFlags) options(cmd *cobra.Command) error {
	f.o.Publish = f.publish
	if len(f.network) > 0 {
		f.o.Network, f.o.MoreNetworks = f.network[0], f.network[1:]
	}
	f.o.ShareGiven = cmd == nil || cmd.Flags().Changed("share")
	f.o.NoShareParent = cmd != nil && !f.shareParent
	if cmd == nil {
		f.o.ShareGiven = false
	}
	var err error
	if f.o.Spec.Sysctls, err = keyValues("--sysctl", f.sysctls); err != nil {
		return err
	}
	if f.cpus != "" && f.cpus != "0" {
		f.o.CPUs = f.cpus
	}
	if f.o.Memory == "0" {
		f.o.Memory = ""
	}
	if f.infraCommand != "" {
		f.o.InfraCommand = strings.Fields(f.infraCommand)
	}
	if len(f.labels) > 0 {
		f.o.Labels = map[string]string{}
		for _, l := range f.labels {
			k, v, _ := strings.Cut(l, "=")
			f.o.Labels[k] = v
		}
	}
	for _, name := range f.labelFiles {
		data, err := os.ReadFile(name)
		if err != nil {
			return fmt.Errorf("--label-file %s: %w", name, errdefs.ErrInvalidArgument)
		}
		lines, err := libpod.ParseLabelFile(name, data)
		if err != nil {
			return err
		}
		if f.o.Labels == nil {
			f.o.Labels = map[string]string{}
		}
		for _, l := range lines {
			k, v, _ := strings.Cut(l, "=")
			if _, set := f.o.Labels[k]; !set { // --label wins
				f.o.Labels[k] = v
			}
		}
	}
	return nil
}

// podManyFlags are the --all/--latest/--pod-id-file selection of the pod verbs.
type podManyFlags struct {
	all, latest bool
	idFiles     []string
}

func (f *podManyFlags) register(cmd *cobra.Command, idFile bool) {
	fl := cmd.Flags()
	fl.BoolVarP(&f.all, "all", "a", false, "Act on all pods")
	fl.BoolVarP(&f.latest, "latest", "l", false, "Act on the latest pod pod is aware of")
	if idFile {
		fl.StringArrayVar(&f.idFiles, "pod-id-file", nil, "Read the pod ID from the file")
	}
}

// pods resolves the pods the verb acts on.
func (f *podManyFlags) pods(rt *libpod.Runtime, args []string) ([]*libpod.Pod, error) {
	n := 0
	for _, b := range []bool{f.all, f.latest, len(args) > 0 || len(f.idFiles) > 0} {
		if b {
			n++
		}
	}
	if n == 0 {
		return nil, usageError("you must provide at least one name or id")
	}
	if n > 1 {
		return nil, usageError("--all, --latest and pods cannot be used together")
	}
	for _, file := range f.idFiles {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("reading pod ID file: %w", err)
		}
		args = append(args, strings.TrimSpace(string(data)))
	}
	if f.all || f.latest {
		all, err := rt.Pods()
		if err != nil {
			return nil, err
		}
		if f.latest {
			if len(all) == 0 {
				return nil, fmt.Errorf("no pods to act on: %w", errdefs.ErrNoSuchPod)
			}
			all = all[len(all)-1:]
		}
		return all, nil
	}
	var out []*libpod.Pod
	for _, a := range args {
		p, err := rt.LookupPod(a)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// podVerb is a pod verb that prints each pod's ID when it succeeded. With
// --ignore (when extra registers it in ignore), missing pods are skipped.
func podVerb(use, short string, idFile bool, extra func(*cobra.Command), fn func(context.Context, *libpod.Pod) error) *cobra.Command {
	var f podManyFlags
	var ignore bool
	cmd := &cobra.Command{
		Use:   use + " [options] POD [POD...]",
		Short: short,
		RunE: func(cmd *cobra.Command, args []string) error {
			return withRuntime(func(rt *libpod.Runtime) error {
				var ps []*libpod.Pod
				var err error
				if ignore && !f.all && !f.latest {
					for _, a := range args {
						p, err := rt.LookupPod(a)
						if errors.Is(err, errdefs.ErrNotFound) {
							continue
						}
						if err != nil {
							return err
						}
						ps = append(ps, p)
					}
					if len(f.idFiles) > 0 {
						more, err := (&podManyFlags{idFiles: f.idFiles}).pods(rt, nil)
						if err != nil && !errors.Is(err, errdefs.ErrNotFound) && !errors.Is(err, os.ErrNotExist) {
							return err
						}
						ps = append(ps, more...)
					}
				} else if ps, err = f.pods(rt, args); err != nil {
					if use == "rm" && errors.Is(err, errdefs.ErrNoSuchPod) {
						return &errdefs.ExitCodeError{Code: 1, Err: err} // Podman's pod rm exits 1 there
					}
					return err
				}
				var last error
				for _, p := range ps {
					if err := fn(cmd.Context(), p); err != nil {
						if ignore && errors.Is(err, errdefs.ErrNoSuchPod) {
							continue
						}
						if last != nil {
							logErrorf("%v", last)
						}
						last = err
						continue
					}
					fmt.Println(p.ID())
				}
				return last
			})
		},
	}
	f.register(cmd, idFile)
	if extra != nil {
		extra(cmd)
	}
	if cmd.Flags().Lookup("ignore") == nil && (use == "stop" || use == "rm") {
		cmd.Flags().BoolVarP(&ignore, "ignore", "i", false, "Ignore errors when a specified pod is missing")
	}
	return cmd
}

func podStartCommand() *cobra.Command {
	return podVerb("start", "Start one or more pods", true, nil, func(ctx context.Context, p *libpod.Pod) error { return p.Start(ctx) })
}

func podStopCommand() *cobra.Command {
	var timeout uint
	var cmd *cobra.Command
	cmd = podVerb("stop", "Stop one or more pods", true, func(c *cobra.Command) {
		c.Flags().UintVarP(&timeout, "time", "t", 10, "Seconds to wait for pod stop before killing the container")
	}, func(ctx context.Context, p *libpod.Pod) error {
		var t *uint
		if cmd.Flags().Changed("time") {
			t = &timeout
		}
		return p.Stop(ctx, t)
	})
	return cmd
}

func podKillCommand() *cobra.Command {
	var sig string
	return podVerb("kill", "Send the specified signal or SIGKILL to containers in pod", false, func(c *cobra.Command) {
		c.Flags().StringVarP(&sig, "signal", "s", "KILL", "Signal to send to the containers in the pod")
	}, func(ctx context.Context, p *libpod.Pod) error {
		s, err := libpod.ParseSignal(sig)
		if err != nil {
			return err
		}
		return p.Kill(ctx, s)
	})
}

func podRestartCommand() *cobra.Command {
	return podVerb("restart", "Restart one or more pods", false, nil, func(ctx context.Context, p *libpod.Pod) error { return p.Restart(ctx) })
}

func podPauseCommand() *cobra.Command {
	return podVerb("pause", "Pause one or more pods", false, nil, func(ctx context.Context, p *libpod.Pod) error { return p.Pause(ctx) })
}

func podUnpauseCommand() *cobra.Command {
	return podVerb("unpause", "Unpause one or more pods", false, nil, func(ctx context.Context, p *libpod.Pod) error { return p.Unpause(ctx) })
}

func podRmCommand() *cobra.Command {
	var force bool
	var timeout uint
	var cmd *cobra.Command
	cmd = podVerb("rm", "Remove one or more stopped pods and containers", true, func(c *cobra.Command) {
		c.Flags().BoolVarP(&force, "force", "f", false, "Force removal of a running pod by first stopping all containers, then removing all containers in the pod.")
		c.Flags().UintVarP(&timeout, "time", "t", 10, "Seconds to wait for pod stop before killing the container")
	}, func(ctx context.Context, p *libpod.Pod) error {
		o := libpod.PodRemoveOptions{Force: force}
		if cmd.Flags().Changed("time") {
			o.Timeout = &timeout
		}
		return p.Remove(ctx, o)
	})
	cmd.Aliases = []string{"remove"}
	return cmd
}

// newPodFor creates the pod of `--pod new:NAME` (with its infra, on the
// container's runtime) and points o at it; undo removes it again when the
// container cannot be created, so nothing is left half-created.
func newPodFor(cmd *cobra.Command, o *libpod.CreateOptions) (undo func(), err error) {
	undo = func() {}
	name, ok := strings.CutPrefix(o.Pod, "new:")
	if !ok {
		return undo, nil
	}
	if name == "" {
		return undo, fmt.Errorf("--pod new: needs a pod name (new:NAME): %w", errdefs.ErrInvalidArgument)
	}
	f := podCreateFlags{o: libpod.PodCreateOptions{Name: name, Infra: true, Runtime: o.Runtime}}
	p, err := f.create(nil)
	if err != nil {
		return undo, err
	}
	o.Pod = p.ID()
	return func() {
		_ = withRuntime(func(rt *libpod.Runtime) error {
			if p, err := rt.LookupPod(o.Pod); err == nil {
				return p.Remove(context.WithoutCancel(cmd.Context()), libpod.PodRemoveOptions{Force: true})
			}
			return nil
		})
	}, nil
}
