package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/pod-engine/pod/libpod"
)

func init() {
	commands = append(commands, psCommand)
	containerCommands = append(containerCommands, func() *cobra.Command {
		c := psCommand()
		c.Use = "list [options]"
		c.Aliases = []string{"ls", "ps"}
		return c
	})
}

// psOptions are ps's flags.
type psOptions struct {
	all, external, noTrunc, noHeading, ns, pod, quiet, size, sync, latest bool
	format, sort                                                          string
	filters                                                               []string
	last                                                                  int
	watch                                                                 uint
}

// psSortKeys are the values of --sort, as Podman lists them.
var psSortKeys = []string{"command", "created", "id", "image", "names", "runningfor", "size", "status"}

func psCommand() *cobra.Command {
	o := psOptions{sort: "created"}
	cmd := &cobra.Command{
		Use:   "ps [options]",
		Short: "List containers",
		Long:  "Prints out information about the containers",
		Example: `  pod ps -a
  pod ps -a --format "{{.ID}}  {{.Image}}  {{.Labels}}  {{.Mounts}}"
  pod ps --size --sort names`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error { return runPs(cmd, &o) },
	}
	fl := cmd.Flags()
	fl.BoolVarP(&o.all, "all", "a", false, "Show all the containers, default is only running containers")
	fl.BoolVar(&o.external, "external", false, "Show containers in storage not controlled by pod")
	fl.StringSliceVarP(&o.filters, "filter", "f", nil, "Filter output based on conditions given")
	fl.StringVar(&o.format, "format", "", "Pretty-print containers to JSON or using a Go template")
	fl.IntVarP(&o.last, "last", "n", -1, "Print the n last created containers (all states)")
	fl.BoolVarP(&o.latest, "latest", "l", false, "Act on the latest container pod is aware of")
	fl.BoolVar(&o.noTrunc, "no-trunc", false, "Display the extended information")
	fl.BoolVar(&o.noHeading, "noheading", false, "Do not print headers")
	fl.BoolVar(&o.ns, "ns", false, "Display namespace information")
	fl.BoolVarP(&o.pod, "pod", "p", false, "Print the ID and name of the pod the containers are associated with")
	fl.BoolVarP(&o.quiet, "quiet", "q", false, "Print the numeric IDs of the containers only")
	fl.BoolVarP(&o.size, "size", "s", false, "Display the total file sizes")
	fl.Var(&choiceValue{value: &o.sort, choices: psSortKeys}, "sort", "Sort output by: "+strings.Join(psSortKeys, ", "))
	fl.BoolVar(&o.sync, "sync", false, "Sync container state with OCI runtime (pod has no daemon: the state is read fresh every time)")
	fl.UintVarP(&o.watch, "watch", "w", 0, "Watch the ps output on an interval in seconds")
	return cmd
}

func runPs(cmd *cobra.Command, o *psOptions) error {
	if err := o.check(cmd); err != nil {
		return err
	}
	rt, err := newRuntime()
	if err != nil {
		return err
	}
	defer rt.Shutdown()
	print := func(w io.Writer) error {
		rows, err := listPs(rt, o)
		if err != nil {
			return err
		}
		return writePs(w, o, rows)
	}
	// --quiet and JSON print once, as in Podman.
	if o.watch == 0 || isJSONFormat(o.format) || (o.quiet && o.format == "") {
		return print(os.Stdout)
	}
	clear := ""
	if term.IsTerminal(int(os.Stdout.Fd())) {
		clear = "\033[2J\033[1;1H" // clear the screen, cursor home
	}
	for {
		var b strings.Builder
		if err := print(&b); err != nil {
			return err
		}
		fmt.Fprint(os.Stdout, clear+b.String())
		select {
		case <-cmd.Context().Done():
			return nil
		case <-time.After(time.Duration(o.watch) * time.Second):
		}
	}
}

// check rejects flag combinations as Podman does.
func (o *psOptions) check(cmd *cobra.Command) error {
	bad := func(msg string) error { return usageError("%s", msg) }
	switch {
	case cmd.Flags().Changed("last") && o.latest:
		return bad("last and latest are mutually exclusive")
	case o.size && o.ns:
		return bad("size and namespace options conflict")
	case o.watch > 0 && o.latest:
		return bad("the watch and latest flags cannot be used together")
	}
	return nil
}

// listPs builds the rows: pod's containers, then with --external the
// storage's other containers; filtered, cut by --last/--latest, sorted.
func listPs(rt *libpod.Runtime, o *psOptions) ([]psRow, error) {
	f, err := rt.NewFilter(o.filters)
	if err != nil {
		return nil, err
	}
	cs, err := rt.Containers()
	if err != nil {
		return nil, err
	}
	// Without --all only running containers, as in Podman (paused ones too
	// are left out); a status filter, --last and --latest look at all.
	all := o.all || o.latest || o.last > 0 || hasFilterKey(o.filters, "status")
	var rows []psRow
	for _, c := range cs {
		if !all && c.Status() != libpod.StatusRunning {
			continue
		}
		if !f.Empty() && !f.Match(c.FilterView()) {
			continue
		}
		rows = append(rows, newPsRow(c, o))
	}
	if o.latest {
		o.last = 1
	}
	if o.last > 0 && len(rows) > o.last {
		rows = rows[len(rows)-o.last:]
	}
	// --last and --latest pick among pod's containers only, as in Podman.
	if o.external && o.last <= 0 {
		ext, err := rt.ExternalContainers()
		if err != nil {
			return nil, err
		}
		for _, sc := range ext {
			r := newExternalRow(sc)
			if f.Match(r.filterView()) {
				rows = append(rows, r)
			}
		}
	}
	sortPs(rows, o.sort)
	return rows, nil
}

func hasFilterKey(filters []string, key string) bool {
	for _, f := range filters {
		if k, _, _ := strings.Cut(f, "="); k == key {
			return true
		}
	}
	return false
}

// writePs prints rows as --format, --quiet, --ns, --pod and --size ask.
func writePs(w io.Writer, o *psOptions, rows []psRow) error {
	if isJSONFormat(o.format) {
		if rows == nil {
			rows = []psRow{}
		}
		return writeJSON(w, rows, "  ")
	}
	if o.quiet && o.format == "" {
		for _, r := range rows {
			fmt.Fprintln(w, shortID(r.ID, o.noTrunc))
		}
		return nil
	}
	if o.format != "" && !o.size && strings.Contains(o.format, ".Size") {
		logErrorf("Size format requires --size option")
	}
	views := make([]psReporter, len(rows))
	for i, r := range rows {
		views[i] = psReporter{psRow: r, noTrunc: o.noTrunc}
	}
	return printReport(w, reportSpec{
		Name:      "ps",
		Format:    nsFieldReplacer.Replace(o.format),
		Default:   psDefaultRow(o),
		HeaderOf:  psReporter{},
		Headers:   psHeaders,
		NoHeading: o.noHeading,
	}, views)
}

// psDefaultRow is ps's own table for the flags given.
func psDefaultRow(o *psOptions) string {
	if o.ns {
		return "{{.ID}}\t{{.Names}}\t{{.Pid}}\t{{.Cgroup}}\t{{.IPC}}\t{{.MNT}}\t{{.NET}}\t{{.PIDNS}}\t{{.User}}\t{{.UTS}}"
	}
	row := "{{.ID}}\t{{.Image}}\t{{.Command}}\t{{.CreatedHuman}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"
	if o.pod {
		row += "\t{{.Pod}}\t{{.PodName}}"
	}
	if o.size {
		row += "\t{{.Size}}"
	}
	return row
}

// nsFieldReplacer lets templates say {{.Namespaces.PIDNS}} as Podman's do,
// while the header line (a map) knows the short name.
var nsFieldReplacer = strings.NewReplacer(".Namespaces.", ".")

// psHeaders are the column names that are not the field name upper-cased.
var psHeaders = map[string]string{
	"ID": "CONTAINER ID", "Image": "IMAGE", "Command": "COMMAND", "CreatedAt": "CREATED AT",
	"CreatedHuman": "CREATED", "Created": "CREATED", "RunningFor": "RUNNING FOR", "Status": "STATUS",
	"State": "STATE", "Ports": "PORTS", "Names": "NAMES", "Networks": "NETWORKS", "Mounts": "MOUNTS",
	"Size": "SIZE", "Pod": "POD ID", "PodName": "PODNAME", "Pid": "PID", "ImageID": "IMAGE ID",
	"ExitCode": "EXIT CODE", "Labels": "LABELS", "Restarts": "RESTARTS", "Runtime": "RUNTIME",
	"Cgroup": "CGROUPNS", "IPC": "IPC", "MNT": "MNT", "NET": "NET", "PIDNS": "PIDNS", "User": "USERNS",
	"UTS": "UTS",
}

func shortID(id string, noTrunc bool) string {
	if noTrunc || len(id) <= 12 {
		return id
	}
	return id[:12]
}
