package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/network"
)

func init() { commands = append(commands, networkCommand) }

func networkCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "network", Short: "Manage networks", RunE: subcommandRequired, Args: cobra.ArbitraryArgs}
	cmd.AddCommand(networkCreateCommand(), networkLsCommand(), networkInspectCommand(), networkRmCommand(),
		networkPruneCommand(), networkExistsCommand(), networkReloadCommand(), networkConnectCommand(true), networkConnectCommand(false))
	return cmd
}

func networkCreateCommand() *cobra.Command {
	var o network.CreateOptions
	var labels, opts []string
	var ignore bool
	cmd := &cobra.Command{
		Use:   "create [options] [NAME]",
		Short: "Create networks for containers",
		Long:  `Create a network for containers (the bridge driver by default; macvlan with -d macvlan -o parent=IFACE).`,
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if len(args) == 1 {
				o.Name = args[0]
				if err := network.CheckName(o.Name); err != nil {
					return err
				}
			}
			if o.Labels, err = keyValues("--label", labels); err != nil {
				return err
			}
			if o.Options, err = keyValues("--opt", opts); err != nil {
				return err
			}
			return withRuntime(func(rt *libpod.Runtime) error {
				if ignore && o.Name != "" {
					if n, err := rt.Networks().Inspect(o.Name); err == nil {
						fmt.Println(n.Name)
						return nil
					}
				}
				n, err := rt.Networks().Create(o)
				if err != nil {
					return err
				}
				fmt.Println(n.Name)
				return nil
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&o.Driver, "driver", "d", "bridge", "driver to manage the network")
	fl.StringArrayVar(&o.Subnets, "subnet", nil, "subnets in CIDR format")
	fl.StringArrayVar(&o.Gateways, "gateway", nil, "IPv4 or IPv6 gateway for the subnet")
	fl.StringArrayVar(&o.IPRanges, "ip-range", nil, "allocate container IP from range")
	fl.BoolVar(&o.Internal, "internal", false, "restrict external access from this network")
	fl.StringSliceVar(&o.DNS, "dns", nil, "DNS servers this network will use")
	fl.StringArrayVar(&labels, "label", nil, "set metadata on a network")
	fl.StringArrayVarP(&opts, "opt", "o", nil, "Set driver specific options (default [])")
	fl.BoolVar(&o.IPv6, "ipv6", false, "enable IPv6 networking")
	fl.BoolVar(&o.NoDNS, "disable-dns", false, "disable dns plugin")
	fl.BoolVar(&ignore, "ignore", false, "Don't fail if network already exists")
	return cmd
}

// networkRow is one line of `network ls`.
type networkRow struct {
	network.Network
	IDFull string
}

func networkLsCommand() *cobra.Command {
	var format string
	var filters []string
	var noHeading, quiet, noTrunc bool
	cmd := &cobra.Command{
		Use:     "ls [options]",
		Aliases: []string{"list"},
		Short:   "List networks",
		Args:    exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			match, err := networkFilter(filters)
			if err != nil {
				return err
			}
			return withRuntime(func(rt *libpod.Runtime) error {
				all, err := rt.Networks().List()
				if err != nil {
					return err
				}
				nets := selected(all, match)
				if quiet {
					for _, n := range nets {
						fmt.Println(n.Name)
					}
					return nil
				}
				if isJSONFormat(format) {
					return writeJSON(os.Stdout, nets, "     ")
				}
				rows := make([]any, 0, len(nets))
				for _, n := range nets {
					r := networkRow{Network: n, IDFull: n.ID}
					if !noTrunc && len(r.ID) > 12 {
						r.ID = r.ID[:12]
					}
					rows = append(rows, r)
				}
				f := format
				if f == "" {
					f = "table {{.ID}}\t{{.Name}}\t{{.Driver}}"
				}
				return writeListing(f, noHeading, func(w io.Writer) error {
					return renderTemplate(w, f, map[string]string{"ID": "NETWORK ID"}, rows)
				})
			})
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVarP(&filters, "filter", "f", nil, "Provide filter values (e.g. 'name=podman')")
	fl.StringVar(&format, "format", "", "Pretty-print networks to JSON or using a Go template")
	fl.BoolVar(&noHeading, "noheading", false, "Do not print headers")
	fl.BoolVar(&noTrunc, "no-trunc", false, "Do not truncate the network ID")
	fl.BoolVarP(&quiet, "quiet", "q", false, "display only names")
	return cmd
}

// networkFilter builds `network ls --filter`'s matcher: name=, id=, driver=,
// label=KEY[=VALUE]; values of one key are ORed, keys ANDed.
func networkFilter(filters []string) (func(network.Network) bool, error) {
	by := map[string][]string{}
	var until time.Time
	for _, f := range filters {
		k, v, ok := strings.Cut(f, "=")
		switch {
		case !ok:
			return nil, fmt.Errorf("invalid filter %q: use KEY=VALUE: %w", f, errdefs.ErrInvalidArgument)
		case k == "until":
			// Podman's until=: networks created before that time.
			t, err := parseFilterTime(v)
			if err != nil {
				return nil, err
			}
			until = t
			continue
		case k == "name" || k == "id" || k == "driver" || k == "label":
		default:
			return nil, fmt.Errorf("invalid filter %q: use name=, id=, driver=, label= or until=: %w", k, errdefs.ErrInvalidArgument)
		}
		by[k] = append(by[k], v)
	}
	one := func(n network.Network, k, v string) bool {
		switch k {
		case "name":
			return strings.Contains(n.Name, v)
		case "id":
			return strings.HasPrefix(n.ID, v)
		case "driver":
			return n.Driver == v
		}
		lk, lv, hasV := strings.Cut(v, "=")
		got, ok := n.Labels[lk]
		return ok && (!hasV || got == lv)
	}
	return func(n network.Network) bool {
		if !until.IsZero() && !n.Created.Before(until) {
			return false
		}
		for k, vs := range by {
			hit := false
			for _, v := range vs {
				hit = hit || one(n, k, v)
			}
			if !hit {
				return false
			}
		}
		return true
	}, nil
}

func networkInspectCommand() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "inspect [options] NETWORK [NETWORK...]",
		Short: "Displays the network configuration for one or more networks",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withRuntime(func(rt *libpod.Runtime) error {
				var out []any
				var errs []error
				for _, a := range args {
					n, err := rt.Networks().Inspect(a)
					if err != nil {
						errs = append(errs, fmt.Errorf("inspecting object: %w", err))
						continue
					}
					out = append(out, n)
				}
				if out == nil {
					out = []any{}
				}
				var err error
				if format == "" || isJSONFormat(format) {
					err = writeJSON(os.Stdout, out, "     ")
				} else {
					err = renderTemplate(os.Stdout, format, nil, out)
				}
				if err != nil {
					return err
				}
				return joinErrs(errs)
			})
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "", "Pretty-print network to JSON or using a Go template")
	return cmd
}

// joinErrs prints all but the last error and returns the last (the exit code).
func joinErrs(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	for _, e := range errs[:len(errs)-1] {
		fmt.Fprintf(os.Stderr, "Error: %v\n", e)
	}
	return errs[len(errs)-1]
}

func networkRmCommand() *cobra.Command {
	var force bool
	var timeout int
	cmd := &cobra.Command{
		Use:     "rm [options] NETWORK [NETWORK...]",
		Aliases: []string{"remove"},
		Short:   "Remove networks",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var t *uint
			if cmd.Flags().Changed("time") && timeout >= 0 {
				v := uint(timeout)
				t = &v
			}
			return withRuntime(func(rt *libpod.Runtime) error {
				var errs []error
				for _, a := range args {
					if err := rt.RemoveNetwork(cmd.Context(), a, force, t); err != nil {
						// With --force a missing network is no error and
						// prints nothing, as Podman 4.3.1 (exit 0).
						if force && errors.Is(err, errdefs.ErrNotFound) {
							continue
						}
						errs = append(errs, err)
						continue
					}
					fmt.Println(a)
				}
				err := joinErrs(errs)
				if errors.Is(err, errdefs.ErrNotFound) {
					// Podman exits 1 for a network it cannot find.
					return &errdefs.ExitCodeError{Code: 1, Err: err}
				}
				return err
			})
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "remove any containers using network")
	cmd.Flags().IntVarP(&timeout, "time", "t", -1, "Seconds to wait for running containers to stop before killing the container")
	return cmd
}

func networkPruneCommand() *cobra.Command {
	var force bool
	var filters []string
	cmd := &cobra.Command{
		Use:   "prune [options]",
		Short: "Prune unused networks",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			match, err := networkFilter(filters)
			if err != nil {
				return err
			}
			if !force {
				if ok, err := confirm("WARNING! This will remove all networks not used by at least one container.\n"); !ok {
					return err
				}
			}
			return withRuntime(func(rt *libpod.Runtime) error {
				removed, err := rt.PruneNetworks(match)
				for _, n := range removed {
					fmt.Println(n)
				}
				return err
			})
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "do not prompt for confirmation")
	cmd.Flags().StringArrayVar(&filters, "filter", nil, "Provide filter values (e.g. 'label=<key>=<value>')")
	return cmd
}

func networkExistsCommand() *cobra.Command {
	return objectExistsCommand("exists NETWORK", "network exists", func(name string) error {
		return withRuntime(func(rt *libpod.Runtime) error {
			_, err := rt.Networks().Inspect(name)
			return err
		})
	})
}

func networkReloadCommand() *cobra.Command {
	var all, latest bool
	cmd := &cobra.Command{
		Use:   "reload [options] [CONTAINER...]",
		Short: "Reload firewall rules for one or more containers",
		RunE: func(cmd *cobra.Command, args []string) error {
			if !latest && all == (len(args) > 0) {
				return usageError("`%s` needs --all or at least one container, not both", cmd.CommandPath())
			}
			return withRuntime(func(rt *libpod.Runtime) error {
				var err error
				if args, err = addLatest(rt, latest, all, args); err != nil {
					return err
				}
				var ctrs []*libpod.Container
				if all {
					var err error
					if ctrs, err = rt.Containers(); err != nil {
						return err
					}
				}
				for _, a := range args {
					c, err := rt.LookupContainer(a)
					if err != nil {
						return err
					}
					ctrs = append(ctrs, c)
				}
				var errs []error
				for _, c := range ctrs {
					if all && c.NetConfig() == nil {
						continue
					}
					if err := c.ReloadNetwork(); err != nil {
						errs = append(errs, err)
						continue
					}
					if len(c.NetStatus()) > 0 || !all {
						fmt.Println(c.ID())
					}
				}
				return joinErrs(errs)
			})
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "Reload network configuration of all containers")
	cmd.Flags().BoolVarP(&latest, "latest", "l", false, "Act on the latest container pod is aware of")
	return cmd
}

func networkConnectCommand(connect bool) *cobra.Command {
	use, short := "connect [options] NETWORK CONTAINER", "Add container to a network"
	if !connect {
		use, short = "disconnect [options] NETWORK CONTAINER", "Disconnect a container from a network"
	}
	var o network.ConnectOptions
	var ip, ip6 net.IP
	var force bool
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if ip != nil {
				o.IP = ip.String()
			}
			if ip6 != nil {
				o.IP6 = ip6.String()
			}
			return withRuntime(func(rt *libpod.Runtime) error {
				c, err := rt.LookupContainer(args[1])
				if err != nil {
					return err
				}
				if connect {
					return c.ConnectNetwork(args[0], o)
				}
				return c.DisconnectNetwork(args[0], force)
			})
		},
	}
	fl := cmd.Flags()
	if connect {
		fl.StringSliceVar(&o.Aliases, "alias", nil, "network scoped alias for container")
		fl.IPVar(&ip, "ip", nil, "set a static ipv4 address for this container network")
		fl.IPVar(&ip6, "ip6", nil, "set a static ipv6 address for this container network")
		fl.StringVar(&o.MAC, "mac-address", "", "set a static mac address for this container network")
	} else {
		fl.BoolVarP(&force, "force", "f", false, "force removal of container from network")
	}
	return cmd
}
