package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/systemd/generate"
)

func init() { commands = append(commands, generateCommand) }

func generateCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "generate", Short: "Generate structured data based on containers, pods or volumes", RunE: subcommandRequired, Args: cobra.ArbitraryArgs}
	cmd.AddCommand(generateSystemdCommand(), generateKubeCommand(), generateSpecCommand())
	return cmd
}

// unitRootFlags are the global flags a unit's commands repeat when they were
// given (pod's own addition to Podman's units without --new, which lose
// them: such a unit would act on the default store).
var unitRootFlags = []string{"root", "runroot", "tmpdir", "storage-driver", "storage-opt", "conmon", "cgroup-manager", "module"}

func generateSystemdCommand() *cobra.Command {
	var (
		o        generate.Options
		files    bool
		format   string
		stopTime uint
	)
	cmd := &cobra.Command{
		Use:   "systemd [options] {CONTAINER|POD}",
		Short: "Generate systemd units",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "" && format != "json" {
				return fmt.Errorf("unknown --format argument: %s: %w", format, errdefs.ErrInvalidArgument)
			}
			if cmd.Flags().Changed("time") {
				o.StopTimeout = &stopTime
			}
			if !cmd.Flags().Changed("restart-policy") {
				o.RestartPolicy = ""
			}
			if err := o.Validate(); err != nil {
				return fmt.Errorf("%w: %w", err, errdefs.ErrInvalidArgument)
			}
			o.Version = version
			o.Now = time.Now()
			rt, err := newRuntime()
			if err != nil {
				return err
			}
			defer rt.Shutdown()
			units, err := systemdUnits(cmd, rt, args[0], &o)
			if err != nil {
				return err
			}
			out := map[string]string{}
			for _, u := range units {
				out[u.Name] = u.Content
			}
			if files {
				wd, err := os.Getwd()
				if err != nil {
					return err
				}
				for _, u := range units {
					path := filepath.Join(wd, u.Name+".service")
					if err := os.WriteFile(path, []byte(u.Content), 0o644); err != nil {
						return err
					}
					out[u.Name] = path
					if format == "" {
						fmt.Println(path)
					}
				}
				if format == "" {
					return nil
				}
			}
			if format == "json" {
				b, err := generate.JSON(out)
				if err != nil {
					return err
				}
				fmt.Println(string(b))
				return nil
			}
			for _, u := range units {
				fmt.Print(u.Content)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&files, "files", "f", false, "Generate .service files instead of printing to stdout")
	fl.StringVar(&format, "format", "", "Print the created units in specified format (json)")
	fl.BoolVarP(&o.UseName, "name", "n", false, "Use container/pod names instead of IDs")
	fl.BoolVar(&o.New, "new", false, "Create a new container or pod instead of starting an existing one")
	fl.BoolVar(&o.NoHeader, "no-header", false, "Skip header generation")
	fl.StringVar(&o.ContainerPrefix, "container-prefix", "container", "Systemd unit name prefix for containers")
	fl.StringVar(&o.PodPrefix, "pod-prefix", "pod", "Systemd unit name prefix for pods")
	fl.StringVar(&o.Separator, "separator", "-", "Systemd unit name separator between name/id and prefix")
	fl.StringVar(&o.RestartPolicy, "restart-policy", "on-failure", "Systemd restart-policy")
	fl.UintVar(&o.RestartSec, "restart-sec", 0, "Configures the time to sleep before restarting a service (in seconds)")
	fl.UintVarP(&stopTime, "time", "t", 10, "Stop timeout override")
	fl.StringArrayVar(&o.Wants, "wants", nil, "Add (weak) requirement dependencies to the generated unit file")
	fl.StringArrayVar(&o.After, "after", nil, "Add dependencies order to the generated unit file")
	fl.StringArrayVar(&o.Requires, "requires", nil, "Similar to wants, but declares stronger requirement dependencies")
	return cmd
}

// systemdUnits generates the unit of a container or, as Podman looks for a
// container first, the units of a pod (its own, then its members').
func systemdUnits(cmd *cobra.Command, rt *libpod.Runtime, nameOrID string, o *generate.Options) ([]*generate.Unit, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	var rootFlags []string
	pf := cmd.Root().PersistentFlags()
	for _, name := range unitRootFlags {
		if f := pf.Lookup(name); f != nil && f.Changed {
			vals := []string{f.Value.String()}
			if sv, ok := f.Value.(interface{ GetSlice() []string }); ok {
				vals = sv.GetSlice()
			}
			for _, v := range vals {
				rootFlags = append(rootFlags, "--"+name, v)
			}
		}
	}
	unitOf := func(c *libpod.Container) *generate.Container {
		cfg := c.Config()
		return &generate.Container{
			ID: cfg.ID, Name: cfg.Name, StopTimeout: cfg.StopTimeout, CreateCommand: cfg.CreateCommand,
			RunRoot: rt.Paths().RunRoot, PIDFile: c.MonitorPidFile(), Executable: exe, RootFlags: rootFlags,
		}
	}
	invalid := func(err error) error { return fmt.Errorf("%w: %w", err, errdefs.ErrInvalidArgument) }
	c, cerr := rt.LookupContainer(nameOrID)
	if cerr == nil {
		u, err := generate.ContainerUnit(unitOf(c), o)
		if err != nil {
			return nil, invalid(err)
		}
		return []*generate.Unit{u}, nil
	}
	p, err := rt.LookupPod(nameOrID)
	if err != nil {
		return nil, fmt.Errorf("%s does not refer to a container or pod: %w: %w", nameOrID, err, cerr)
	}
	ctrs, err := p.Containers()
	if err != nil {
		return nil, err
	}
	cfg := p.Config()
	gp := &generate.Pod{ID: cfg.ID, Name: cfg.Name, CreateCommand: cfg.CreateCommand}
	for _, c := range ctrs {
		if c.ID() == cfg.InfraID {
			gp.Infra = unitOf(c)
			continue
		}
		gp.Members = append(gp.Members, unitOf(c))
	}
	units, err := generate.PodUnits(gp, o)
	if err != nil {
		return nil, invalid(err)
	}
	return units, nil
}
