package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/errdefs"
)

func init() {
	podVerbs = append(podVerbs, podPsCommand, podInspectCommand, podExistsCommand, podPruneCommand,
		podTopCommand, podLogsCommand, podStatsCommand)
}

// podPsCtr is one container in `pod pod ps --format json`.
type podPsCtr struct {
	ID     string `json:"Id"`
	Names  string `json:"Names"`
	Status string `json:"Status"`
}

// podPsRow is one pod as `pod pod ps --format json` prints it (Podman's keys).
type podPsRow struct {
	Cgroup     string            `json:"Cgroup"`
	Containers []podPsCtr        `json:"Containers"`
	Created    time.Time         `json:"Created"`
	ID         string            `json:"Id"`
	InfraID    string            `json:"InfraId"`
	Name       string            `json:"Name"`
	Namespace  string            `json:"Namespace"`
	Networks   []string          `json:"Networks"`
	Status     string            `json:"Status"`
	Labels     map[string]string `json:"Labels"`
	noTrunc    bool
}

func (r podPsRow) short(id string) string { return shortID(id, r.noTrunc) }

// The template view: Podman's column fields.
func (r podPsRow) PodID() string           { return r.short(r.ID) }
func (r podPsRow) InfraIDShort() string    { return r.short(r.InfraID) }
func (r podPsRow) CreatedHuman() string    { return humanAgo(r.Created) }
func (r podPsRow) NumberOfContainers() int { return len(r.Containers) }
func (r podPsRow) ContainerIds() string {
	var ids []string
	for _, c := range r.Containers {
		ids = append(ids, r.short(c.ID))
	}
	return strings.Join(ids, ",")
}
func (r podPsRow) ContainerNames() string {
	var n []string
	for _, c := range r.Containers {
		n = append(n, c.Names)
	}
	return strings.Join(n, ",")
}
func (r podPsRow) ContainerStatuses() string {
	var n []string
	for _, c := range r.Containers {
		n = append(n, c.Status)
	}
	return strings.Join(n, ",")
}

func podRowOf(p *libpod.Pod, noTrunc bool) (podPsRow, error) {
	ctrs, err := p.Containers()
	if err != nil {
		return podPsRow{}, err
	}
	cfg := p.Config()
	r := podPsRow{Cgroup: cfg.CgroupParent, Created: cfg.Created, ID: cfg.ID, InfraID: cfg.InfraID, Name: cfg.Name,
		Networks: []string{}, Labels: cfg.Labels, Containers: []podPsCtr{}, noTrunc: noTrunc}
	states := make([]string, 0, len(ctrs))
	for _, c := range ctrs {
		st := c.Status()
		// Podman's state words ("created", not pod's "configured").
		r.Containers = append(r.Containers, podPsCtr{ID: c.ID(), Names: c.Name(), Status: st.PodmanState()})
		states = append(states, string(st))
	}
	// Podman 4.3 lists a pod's containers in ID order (its state DB's key
	// order): --ctr-ids/--ctr-names/--ctr-status and JSON keep that order.
	sort.SliceStable(r.Containers, func(i, j int) bool { return r.Containers[i].ID < r.Containers[j].ID })
	r.Status = libpod.PodStatusOf(states)
	if r.Labels == nil {
		r.Labels = map[string]string{}
	}
	return r, nil
}

// podFilter matches pods against Podman's pod ps filters.
func podFilter(filters []string) (func(podPsRow) bool, error) {
	type cond struct{ key, val string }
	var cs []cond
	for _, f := range filters {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return nil, fmt.Errorf("invalid filter %q: want KEY=VALUE: %w", f, errdefs.ErrInvalidArgument)
		}
		switch k {
		case "id", "name", "label", "status", "ctr-names", "ctr-ids", "ctr-status", "ctr-number":
		default:
			return nil, fmt.Errorf("%s is an invalid filter: supported are id, name, label, status, ctr-names, ctr-ids, ctr-status and ctr-number: %w", k, errdefs.ErrInvalidArgument)
		}
		cs = append(cs, cond{k, v})
	}
	match := func(r podPsRow, c cond) bool {
		switch c.key {
		case "id":
			return strings.HasPrefix(r.ID, c.val)
		case "name":
			return strings.Contains(r.Name, c.val)
		case "label":
			k, v, hasV := strings.Cut(c.val, "=")
			got, ok := r.Labels[k]
			return ok && (!hasV || got == v)
		case "status":
			return strings.EqualFold(r.Status, c.val)
		case "ctr-number":
			return fmt.Sprint(len(r.Containers)) == c.val
		}
		for _, ctr := range r.Containers {
			switch {
			case c.key == "ctr-names" && ctr.Names == c.val,
				c.key == "ctr-ids" && strings.HasPrefix(ctr.ID, c.val),
				c.key == "ctr-status" && ctr.Status == c.val:
				return true
			}
		}
		return false
	}
	return func(r podPsRow) bool {
		// Podman: values of one key are ORed, different keys ANDed.
		byKey := map[string]bool{}
		seen := map[string]bool{}
		for _, c := range cs {
			seen[c.key] = true
			byKey[c.key] = byKey[c.key] || match(r, c)
		}
		for k := range seen {
			if !byKey[k] {
				return false
			}
		}
		return true
	}, nil
}

func podPsCommand() *cobra.Command {
	var ctrNames, ctrIDs, ctrStatus, latest, noTrunc, noHeading, ns, quiet bool
	var format, sortBy string
	var filters []string
	cmd := &cobra.Command{
		Use:     "ps [options]",
		Aliases: []string{"ls", "list"},
		Short:   "List pods",
		Args:    exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			match, err := podFilter(filters)
			if err != nil {
				return err
			}
			return withRuntime(func(rt *libpod.Runtime) error {
				ps, err := rt.Pods()
				if err != nil {
					return err
				}
				if latest && len(ps) > 0 {
					ps = ps[len(ps)-1:]
				}
				rows := []podPsRow{}
				for _, p := range ps {
					r, err := podRowOf(p, noTrunc)
					if errors.Is(err, errdefs.ErrNotFound) {
						continue // removed meanwhile
					}
					if err != nil {
						return err
					}
					if match(r) {
						rows = append(rows, r)
					}
				}
				switch sortBy {
				case "id":
					sort.SliceStable(rows, func(i, j int) bool { return rows[i].ID < rows[j].ID })
				case "name":
					sort.SliceStable(rows, func(i, j int) bool { return rows[i].Name < rows[j].Name })
				case "number":
					sort.SliceStable(rows, func(i, j int) bool { return len(rows[i].Containers) < len(rows[j].Containers) })
				case "status":
					sort.SliceStable(rows, func(i, j int) bool { return rows[i].Status < rows[j].Status })
				case "created", "":
					sort.SliceStable(rows, func(i, j int) bool { return rows[i].Created.After(rows[j].Created) })
				default:
					return usageError("invalid option for --sort, options are: id, names, status, created, or number")
				}
				if isJSONFormat(format) {
					return writeJSON(os.Stdout, rows, "  ")
				}
				if quiet && format == "" {
					for _, r := range rows {
						fmt.Println(r.PodID())
					}
					return nil
				}
				def := podPsDefault(ctrIDs, ctrNames, ctrStatus, ns)
				views := make([]any, len(rows))
				for i := range rows {
					views[i] = rows[i]
				}
				return printReport(os.Stdout, reportSpec{
					Name: "pod ps", Format: format, Default: def, HeaderOf: podPsRow{}, NoHeading: noHeading,
					Headers: map[string]string{"PodID": "POD ID", "ID": "POD ID", "Name": "NAME", "Status": "STATUS",
						"CreatedHuman": "CREATED", "Created": "CREATED", "InfraIDShort": "INFRA ID", "InfraID": "INFRA ID",
						"NumberOfContainers": "# OF CONTAINERS", "ContainerIds": "IDS", "ContainerNames": "NAMES",
						"ContainerStatuses": "STATUS", "Cgroup": "CGROUP", "Namespace": "NAMESPACES", "Labels": "LABELS", "Networks": "NETWORKS"},
				}, views)
			})
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&ctrIDs, "ctr-ids", false, "Display the container UUIDs. If no-trunc is not set they will be truncated")
	fl.BoolVar(&ctrNames, "ctr-names", false, "Display the container names")
	fl.BoolVar(&ctrStatus, "ctr-status", false, "Display the container status")
	fl.StringSliceVarP(&filters, "filter", "f", nil, "Filter output based on conditions given")
	fl.StringVar(&format, "format", "", "Pretty-print pods to JSON or using a Go template")
	fl.BoolVarP(&latest, "latest", "l", false, "Act on the latest pod pod is aware of")
	fl.BoolVar(&noTrunc, "no-trunc", false, "Do not truncate pod and container IDs")
	fl.BoolVar(&noHeading, "noheading", false, "Do not print headers")
	fl.BoolVar(&ns, "ns", false, "Display namespace information of the pod")
	fl.BoolVarP(&quiet, "quiet", "q", false, "Print the numeric IDs of the pods only")
	fl.StringVar(&sortBy, "sort", "created", "Sort output by created, id, name, or number")
	return cmd
}

// podPsDefault is pod ps's table as Podman 4.3 builds it: the pod columns,
// then --ctr-ids, --ctr-names, --ctr-status in that order, then --ns's
// CGROUP and NAMESPACES; "# OF CONTAINERS" when no --ctr-* flag is given.
func podPsDefault(ctrIDs, ctrNames, ctrStatus, ns bool) string {
	def := "{{.PodID}}\t{{.Name}}\t{{.Status}}\t{{.CreatedHuman}}\t{{.InfraIDShort}}"
	if ctrIDs {
		def += "\t{{.ContainerIds}}"
	}
	if ctrNames {
		def += "\t{{.ContainerNames}}"
	}
	if ctrStatus {
		def += "\t{{.ContainerStatuses}}"
	}
	if ns {
		def += "\t{{.Cgroup}}\t{{.Namespace}}"
	}
	if !ctrIDs && !ctrNames && !ctrStatus {
		def += "\t{{.NumberOfContainers}}"
	}
	return def
}

func podInspectCommand() *cobra.Command {
	var format string
	var latest bool
	cmd := &cobra.Command{
		Use:   "inspect [options] POD [POD...]",
		Short: "Displays a pod configuration",
		RunE: func(cmd *cobra.Command, args []string) error {
			return withRuntime(func(rt *libpod.Runtime) error {
				var ps []*libpod.Pod
				var errs []error
				if latest {
					f := podManyFlags{latest: latest}
					var err error
					if ps, err = f.pods(rt, args); err != nil {
						return err
					}
				}
				for _, a := range args {
					p, err := rt.LookupPod(a)
					if errors.Is(err, errdefs.ErrNotFound) {
						// Podman's words; the pods found are still shown
						errs = append(errs, errdefs.WithClass(fmt.Errorf("inspecting object: no such pod %s", a), errdefs.ErrNoSuchPod))
						continue
					}
					if err != nil {
						return err
					}
					ps = append(ps, p)
				}
				if len(ps) == 0 && len(errs) == 0 {
					return usageError("you must provide at least one name or id")
				}
				var objs []any
				for _, p := range ps {
					in, err := p.Inspect()
					if err != nil {
						return err
					}
					objs = append(objs, in)
				}
				var err error
				switch {
				case len(objs) == 1 && (format == "" || isJSONFormat(format)):
					err = writeJSON(os.Stdout, objs[0], "     ") // Podman 4.3: one pod is an object
				case objs == nil && (format == "" || isJSONFormat(format)):
					err = writeJSON(os.Stdout, []any{}, "     ")
				default:
					err = printInspect(objs, format)
				}
				if err != nil {
					return err
				}
				return lastError(errs)
			})
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "json", "Format the output to a Go template or json")
	cmd.Flags().BoolVarP(&latest, "latest", "l", false, "Act on the latest pod pod is aware of")
	return cmd
}

func podExistsCommand() *cobra.Command {
	return objectExistsCommand("exists POD", "Check if a pod exists in local storage", func(name string) error {
		return withRuntime(func(rt *libpod.Runtime) error { return notFoundUnless(rt.PodExists(name)) })
	})
}

func podPruneCommand() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "prune [options]",
		Short: "Remove all stopped pods and their containers",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !force {
				if ok, err := confirm("WARNING! This will remove all stopped/exited pods..\n"); !ok {
					return err
				}
			}
			return withRuntime(func(rt *libpod.Runtime) error {
				ps, err := rt.Pods()
				if err != nil {
					return err
				}
				var last error
				for _, p := range ps {
					st, err := p.Status()
					if err != nil {
						last = err
						continue
					}
					if st != "Exited" && st != "Stopped" && st != "Created" {
						continue
					}
					if st == "Created" {
						// Podman prunes pods none of whose containers runs.
						if n, _ := p.Containers(); len(n) > 0 && st != "Created" {
							continue
						}
					}
					if err := p.Remove(cmd.Context(), libpod.PodRemoveOptions{}); err != nil {
						last = err
						continue
					}
					fmt.Println(p.ID())
				}
				return last
			})
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "Do not prompt for confirmation.  The default is false")
	return cmd
}

func podTopCommand() *cobra.Command {
	var latest bool
	cmd := &cobra.Command{
		Use:   "top [options] POD [FORMAT-DESCRIPTORS|ARGS...]",
		Short: "Display the running processes of containers in a pod",
		RunE: func(cmd *cobra.Command, args []string) error {
			if !latest && len(args) == 0 {
				return usageError("you must provide the name or id of a running pod")
			}
			return withRuntime(func(rt *libpod.Runtime) error {
				f := podManyFlags{latest: latest}
				var pargs []string
				if !latest {
					pargs, args = args[:1], args[1:]
				}
				ps, err := f.pods(rt, pargs)
				if err != nil {
					return fmt.Errorf("unable to look up requested container: %w", err) // Podman's words
				}
				ctrs, err := ps[0].Containers()
				if err != nil {
					return err
				}
				w := tabwriter.NewWriter(os.Stdout, 12, 2, 2, ' ', 0)
				header := false
				for _, c := range ctrs {
					if c.Status() != libpod.StatusRunning {
						continue
					}
					lines, err := c.Top(cmd.Context(), args)
					if err != nil {
						return err
					}
					for i, l := range lines {
						if i == 0 && header {
							continue
						}
						fmt.Fprintln(w, l)
					}
					header = header || len(lines) > 0
				}
				return w.Flush()
			})
		},
	}
	cmd.Flags().SetInterspersed(false)
	cmd.Flags().BoolVarP(&latest, "latest", "l", false, "Act on the latest pod pod is aware of")
	return cmd
}

// podMembersCommand reuses a container verb (logs, stats) on a pod's
// containers: the pod argument becomes its members' IDs (not the infra's),
// or the one given with --container.
func podMembersCommand(base func() *cobra.Command, use, short string, withInfra bool) func() *cobra.Command {
	return func() *cobra.Command {
		cmd := base()
		cmd.Use, cmd.Short = use, short
		var ctr string
		if cmd.Flags().Lookup("container") == nil {
			cmd.Flags().StringVarP(&ctr, "container", "c", "", "Filter logs by container name or id which belongs to pod")
		}
		run := cmd.RunE
		cmd.RunE = func(c *cobra.Command, args []string) error {
			var ids []string
			err := withRuntime(func(rt *libpod.Runtime) error {
				for _, a := range args {
					p, err := rt.LookupPod(a)
					if err != nil {
						return err
					}
					ctrs, err := p.Containers()
					if err != nil {
						return err
					}
					for _, m := range ctrs {
						if ctr != "" && m.Name() != ctr && !strings.HasPrefix(m.ID(), ctr) {
							continue
						}
						if m.Config().Infra && !withInfra {
							continue
						}
						ids = append(ids, m.ID())
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
			if len(args) > 0 && len(ids) == 0 {
				if ctr != "" {
					return fmt.Errorf("no container %s in pod %s: %w", ctr, strings.Join(args, ", "), errdefs.ErrNoSuchContainer)
				}
				return nil
			}
			return run(c, ids)
		}
		return cmd
	}
}

var (
	podLogsCommand = podMembersCommand(logsCommand, "logs [options] POD", "Fetch logs for pod with one or more containers", false)
)

var _ io.Writer = os.Stdout
