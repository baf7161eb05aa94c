package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/systemd/generate"
)

func init() { commands = append(commands, generateCommand) }

func generateCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "generate", Short: "Generate structured data based on containers", RunE: subcommandRequired, Args: cobra.ArbitraryArgs}
	cmd.AddCommand(generateSystemdCommand())
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
		Use:   "systemd [options] CONTAINER",
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
			c, err := rt.LookupContainer(args[0])
			if err != nil {
				return fmt.Errorf("%s does not refer to a container: %w", args[0], err)
			}
			exe, err := os.Executable()
			if err != nil {
				return err
			}
			cfg := c.Config()
			gc := &generate.Container{
				ID: cfg.ID, Name: cfg.Name, StopTimeout: cfg.StopTimeout, CreateCommand: cfg.CreateCommand,
				RunRoot: rt.Paths().RunRoot, PIDFile: c.MonitorPidFile(), Executable: exe,
			}
			pf := cmd.Root().PersistentFlags()
			for _, name := range unitRootFlags {
				if f := pf.Lookup(name); f != nil && f.Changed {
					vals := []string{f.Value.String()}
					if sv, ok := f.Value.(interface{ GetSlice() []string }); ok {
						vals = sv.GetSlice()
					}
					for _, v := range vals {
						gc.RootFlags = append(gc.RootFlags, "--"+name, v)
					}
				}
			}
			u, err := generate.ContainerUnit(gc, &o)
			if err != nil {
				return fmt.Errorf("%w: %w", err, errdefs.ErrInvalidArgument)
			}
			out := map[string]string{u.Name: u.Content}
			if files {
				wd, err := os.Getwd()
				if err != nil {
					return err
				}
				path := filepath.Join(wd, u.Name+".service")
				if err := os.WriteFile(path, []byte(u.Content), 0o644); err != nil {
					return err
				}
				out[u.Name] = path
				if format == "" {
					fmt.Println(path)
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
			fmt.Print(u.Content)
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
	fl.StringVar(&o.Separator, "separator", "-", "Systemd unit name separator between name/id and prefix")
	fl.StringVar(&o.RestartPolicy, "restart-policy", "on-failure", "Systemd restart-policy")
	fl.UintVar(&o.RestartSec, "restart-sec", 0, "Configures the time to sleep before restarting a service (in seconds)")
	fl.UintVarP(&stopTime, "time", "t", 10, "Stop timeout override")
	fl.StringArrayVar(&o.Wants, "wants", nil, "Add (weak) requirement dependencies to the generated unit file")
	fl.StringArrayVar(&o.After, "after", nil, "Add dependencies order to the generated unit file")
	fl.StringArrayVar(&o.Requires, "requires", nil, "Similar to wants, but declares stronger requirement dependencies")
	return cmd
}
