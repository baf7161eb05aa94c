//go:build !podlean

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/kube"
)

// `pod kube play|down|generate` and `pod generate kube`: the CLI maps
// pkg/kube's plans onto libpod's pods and containers and back.

func init() {
	commands = append(commands, kubeCommand, playCommand)
}

func kubeCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "kube", Short: "Play containers, pods or volumes from a structured file", RunE: subcommandRequired, Args: cobra.ArbitraryArgs}
	cmd.AddCommand(withDownFlag(kubePlayCommand(), false), kubeDownCommand(), kubeGenerateCommand())
	return cmd
}

// withDownFlag gives a kube play command Podman's --down: `kube down` of
// the file instead of playing it (hidden on `play kube`, as in Podman).
func withDownFlag(k *cobra.Command, hidden bool) *cobra.Command {
	var down bool
	k.Flags().BoolVar(&down, "down", false, "Stop pods defined in the YAML file")
	if hidden {
		_ = k.Flags().MarkHidden("down")
	}
	play := k.RunE
	k.RunE = func(cmd *cobra.Command, args []string) error {
		if down {
			return kubeDown(cmd.Context(), args[0])
		}
		return play(cmd, args)
	}
	return k
}

// playCommand is `pod play kube`, Podman 4's name for `kube play`; its
// hidden --down is `kube down`.
func playCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "play", Short: "Play containers, pods or volumes from a structured file", RunE: subcommandRequired, Args: cobra.ArbitraryArgs}
	k := kubePlayCommand()
	k.Use, k.Aliases = "kube [options] KUBEFILE|-", nil
	cmd.AddCommand(withDownFlag(k, true))
	return cmd
}

// generateKubeCommand is `pod generate kube`, Podman 4's name for `kube generate`.
func generateKubeCommand() *cobra.Command {
	g := kubeGenerateCommand()
	g.Use = "kube [options] {CONTAINER...|POD...}"
	return g
}

func readKubeFile(name string) ([]byte, error) {
	if name == "-" {
		return kube.ReadAll(os.Stdin)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, errdefs.ErrNotFound)
	}
	defer f.Close()
	return kube.ReadAll(f)
}

func kubeDownCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "down KUBEFILE|-",
		Short: "Remove pods based on Kubernetes YAML",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return kubeDown(cmd.Context(), args[0])
		},
	}
}

// kubeDown stops and removes the pods a kube file names (kube down, play
// kube --down).
func kubeDown(ctx context.Context, file string) error {
	data, err := readKubeFile(file)
	if err != nil {
		return err
	}
	play, err := kube.ParseAll(data)
	if err != nil {
		return err
	}
	return withRuntime(func(rt *libpod.Runtime) error {
		var stopped, removed []string
		var errs []error
		for _, plan := range play.Plans {
			p, err := rt.LookupPod(plan.Name)
			if errors.Is(err, errdefs.ErrNotFound) {
				continue
			}
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if err := p.Stop(ctx, nil); err != nil {
				errs = append(errs, err)
				continue
			}
			stopped = append(stopped, p.ID())
			if err := p.Remove(ctx, libpod.PodRemoveOptions{Force: true}); err != nil {
				errs = append(errs, err)
				continue
			}
			removed = append(removed, p.ID())
		}
		if len(stopped) > 0 {
			fmt.Printf("Pods stopped:\n%s\n", strings.Join(stopped, "\n"))
		}
		if len(removed) > 0 {
			fmt.Printf("Pods removed:\n%s\n", strings.Join(removed, "\n"))
		}
		return errors.Join(errs...)
	})
}

func kubeGenerateCommand() *cobra.Command {
	var file string
	cmd := &cobra.Command{
		Use:   "generate [options] {CONTAINER...|POD...}",
		Short: "Generate Kubernetes YAML from containers or pods",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withRuntime(func(rt *libpod.Runtime) error {
				var docs []string
				for _, a := range args {
					out, err := generateOne(rt, a)
					if err != nil {
						return err
					}
					docs = append(docs, string(out))
				}
				text := strings.Join(docs, "---\n")
				if file != "" {
					if _, err := os.Stat(file); err == nil {
						return fmt.Errorf("cannot write to %q; file exists: %w", file, errdefs.ErrAlreadyExists)
					}
					return os.WriteFile(file, []byte(text), 0o644)
				}
				_, err := fmt.Print(text)
				return err
			})
		},
	}
	cmd.Flags().StringVarP(&file, "filename", "f", "", "Write output to the specified path")
	cmd.Flags().BoolP("service", "s", false, "Generate YAML for a Kubernetes service object")
	return cmd
}

// generateOne builds the YAML of one pod (its containers but the infra) or
// of one container (a pod named after it, as Podman does).
func generateOne(rt *libpod.Runtime, name string) ([]byte, error) {
	if p, err := rt.LookupPod(name); err == nil {
		cfg := p.Config()
		plan := kube.Plan{Name: cfg.Name, Labels: cfg.Labels, Hostname: cfg.Hostname}
		if cfg.Runtime.Name != "" {
			plan.RuntimeClass = cfg.Runtime.Name
		}
		for _, ns := range cfg.Share {
			plan.ShareProcess = plan.ShareProcess || ns == "pid"
		}
		ctrs, err := p.Containers()
		if err != nil {
			return nil, err
		}
		emptyDirs := map[string]bool{}
		var ports []kube.Port
		for _, c := range ctrs {
			if c.IsInfra() {
				plan.HostNetwork = c.Config().Spec.Network == "host"
				ports = kubePorts(c)
				continue
			}
			if plan.RestartPolicy == "" {
				plan.RestartPolicy = c.RestartPolicy() // the first member's, as Podman
				if plan.RestartPolicy == "" {
					plan.RestartPolicy = kube.RestartNever
				}
			}
			kc := kubeContainer(c, cfg.Name, p)
			for _, m := range kc.Mounts {
				if m.EmptyDir && !emptyDirs[m.Source] {
					emptyDirs[m.Source] = true
					plan.EmptyDirs = append(plan.EmptyDirs, m.Source)
				}
			}
			plan.Containers = append(plan.Containers, kc)
		}
		if len(plan.Containers) == 0 {
			return nil, fmt.Errorf("pod %s has no containers but its infra: add one with `pod run --pod %s`: %w", cfg.Name, cfg.Name, errdefs.ErrInvalidArgument)
		}
		// The pod's ports go on its first container, as Podman writes them.
		plan.Containers[plan.InitCount].Ports = ports
		return kube.Generate(&plan, cfg.Created)
	} else if !errors.Is(err, errdefs.ErrNotFound) {
		return nil, err
	}
	c, err := rt.LookupContainer(name)
	if errors.Is(err, errdefs.ErrNotFound) { // neither a pod nor a container: Podman's words
		return nil, errdefs.WithClass(fmt.Errorf("name or ID %q not found", name), errdefs.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	if c.IsInfra() {
		return nil, fmt.Errorf("%s is an infra container: generate its pod instead: %w", name, errdefs.ErrInvalidArgument)
	}
	kc := kubeContainer(c, "", nil)
	kc.Ports = kubePorts(c)
	plan := kube.Plan{Name: c.Name() + "-pod", Containers: []kube.Container{kc}, RestartPolicy: c.RestartPolicy()}
	plan.RuntimeClass = c.Config().Runtime.Name
	return kube.Generate(&plan, c.Config().Created)
}

// kubePublish turns the containers' hostPorts into the pod's -p values
// ([hostIP:]hostPort:containerPort/protocol); a containerPort without a
// hostPort is not published, as in Podman.
func kubePublish(plan *kube.Plan) []string {
	var out []string
	for _, c := range plan.Containers {
		for _, p := range c.Ports {
			if p.HostPort == 0 {
				continue
			}
			v := fmt.Sprintf("%d:%d/%s", p.HostPort, p.ContainerPort, p.Protocol)
			if p.HostIP != "" {
				ip := p.HostIP
				if strings.Contains(ip, ":") {
					ip = "[" + ip + "]"
				}
				v = ip + ":" + v
			}
			out = append(out, v)
		}
	}
	return out
}

// kubePorts are the ports a pod's infra publishes, for kube generate.
func kubePorts(infra *libpod.Container) []kube.Port {
	var out []kube.Port
	for _, pp := range infra.Ports(libpod.PortFilter{}) {
		hostIP := pp.HostIP
		if hostIP == "0.0.0.0" || hostIP == "::" {
			hostIP = ""
		}
		out = append(out, kube.Port{ContainerPort: int32(pp.ContainerPort), HostPort: int32(pp.HostPort), Protocol: pp.Protocol, HostIP: hostIP})
	}
	return out
}

// kubeContainer describes a container for Kubernetes: its name without the
// pod's prefix (kube play adds it), what the user gave at create.
func kubeContainer(c *libpod.Container, podName string, p *libpod.Pod) kube.Container {
	cfg := c.Config()
	s := &cfg.Spec
	image := cfg.ImageName
	if image == "" {
		image = cfg.Image
	}
	kc := kube.Container{Name: strings.TrimPrefix(cfg.Name, podName+"-"), Image: image, Command: s.Command, Env: s.Env,
		WorkDir: s.WorkDir, TTY: s.Terminal, Stdin: s.Stdin, Privileged: s.Privileged, ReadOnly: s.ReadOnly,
		CapAdd: s.CapAdd, CapDrop: s.CapDrop, Memory: s.Memory, CPUs: s.CPUs}
	if podName == "" || kc.Name == "" {
		kc.Name = cfg.Name
	}
	if s.Entrypoint != nil {
		kc.Entrypoint = *s.Entrypoint
		if len(kc.Entrypoint) == 0 {
			kc.Entrypoint = nil
		}
	}
	for _, v := range s.Volumes {
		parts := strings.Split(v, ":")
		if len(parts) < 2 || parts[0] == "" {
			continue
		}
		// A named volume is written as a persistentVolumeClaim, as Podman.
		m := kube.Mount{Source: parts[0], Destination: parts[1], Named: !strings.HasPrefix(parts[0], "/")}
		if len(parts) > 2 {
			for _, o := range strings.Split(parts[2], ",") {
				m.ReadOnly = m.ReadOnly || o == "ro"
			}
		}
		if p != nil {
			if name, ok := p.EmptyDirName(m.Source); ok {
				m.Source, m.EmptyDir = name, true
			}
		}
		kc.Mounts = append(kc.Mounts, m)
	}
	return kc
}
