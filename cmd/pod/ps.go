package main

import (
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	units "github.com/docker/go-units"
	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/errdefs"
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

// psRow is one container as `ps` shows it; the field names are Podman's
// (--format templates and JSON keys).
type psRow struct {
	AutoRemove bool              `json:"AutoRemove"`
	Command    []string          `json:"Command"`
	CreatedAt  string            `json:"CreatedAt"`
	Exited     bool              `json:"Exited"`
	ExitedAt   int64             `json:"ExitedAt"`
	ExitCode   int               `json:"ExitCode"`
	ID         string            `json:"Id"`
	Image      string            `json:"Image"`
	ImageID    string            `json:"ImageID"`
	IsInfra    bool              `json:"IsInfra"`
	Labels     map[string]string `json:"Labels"`
	Mounts     []string          `json:"Mounts"`
	Names      []string          `json:"Names"`
	Networks   []string          `json:"Networks"`
	Pid        int               `json:"Pid"`
	Pod        string            `json:"Pod"`
	PodName    string            `json:"PodName"`
	Ports      []string          `json:"Ports"`
	Runtime    string            `json:"Runtime"`
	StartedAt  int64             `json:"StartedAt"`
	State      string            `json:"State"`
	Status     string            `json:"Status"`
	Created    int64             `json:"Created"`

	created time.Time
	noTrunc bool
}

// psView is what --format templates see: the row plus Podman's computed fields.
type psView struct {
	psRow
	ID           string
	Command      string
	Names        string
	CreatedAt    string
	CreatedHuman string
	RunningFor   string
	Ports        string
	Networks     string
	Mounts       string
	Size         string
	Restarts     int
}

// Label returns the value of one label, for {{.Label "key"}}.
func (v psView) Label(k string) string { return v.Labels[k] }

var psHeaders = map[string]string{
	"ID": "CONTAINER ID", "Image": "IMAGE", "Command": "COMMAND", "CreatedAt": "CREATED",
	"CreatedHuman": "CREATED", "RunningFor": "CREATED", "Status": "STATUS", "Ports": "PORTS",
	"Names": "NAMES", "State": "STATE", "Runtime": "RUNTIME", "ExitCode": "EXIT CODE",
	"ImageID": "IMAGE ID", "Labels": "LABELS", "Pid": "PID", "Pod": "POD ID", "PodName": "PODNAME",
}

const psDefaultFormat = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.CreatedHuman}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"

func psCommand() *cobra.Command {
	var all, quiet, noTrunc, latest, size bool
	var format, sortBy string
	var filters []string
	var last int
	cmd := &cobra.Command{
		Use:   "ps [options]",
		Short: "List containers",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			fs, err := parseFilters(filters)
			if err != nil {
				return err
			}
			rt, err := newRuntime()
			if err != nil {
				return err
			}
			defer rt.Shutdown()
			cs, err := rt.Containers()
			if err != nil {
				return err
			}
			var rows []psRow
			for _, c := range cs {
				if !all && len(filters) == 0 && c.Status() != libpod.StatusRunning && c.Status() != libpod.StatusPaused {
					continue
				}
				if !fs.match(c) {
					continue
				}
				rows = append(rows, newPsRow(c, noTrunc))
			}
			if err := sortRows(rows, sortBy); err != nil {
				return err
			}
			if latest {
				last = 1
			}
			if last > 0 && len(rows) > last {
				rows = rows[len(rows)-last:]
			}
			if isJSONFormat(format) {
				if rows == nil {
					rows = []psRow{}
				}
				return printJSON(rows)
			}
			if quiet && format == "" {
				for _, r := range rows {
					fmt.Println(shortID(r.ID, noTrunc))
				}
				return nil
			}
			if format == "" {
				format = psDefaultFormat
			}
			views := make([]any, len(rows))
			for i, r := range rows {
				views[i] = r.view()
			}
			return renderTemplate(os.Stdout, format, psHeaders, views)
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&all, "all", "a", false, "Show all the containers, default is only running containers")
	fl.BoolVarP(&quiet, "quiet", "q", false, "Print the numeric IDs of the containers only")
	fl.BoolVar(&noTrunc, "no-trunc", false, "Display the extended information")
	fl.StringVar(&format, "format", "", "Pretty-print containers to JSON or using a Go template")
	fl.StringArrayVarP(&filters, "filter", "f", nil, "Filter output based on conditions given")
	fl.IntVarP(&last, "last", "n", -1, "Print the n last created containers (all states)")
	fl.BoolVarP(&latest, "latest", "l", false, "Act on the latest container podman is aware of")
	fl.BoolVarP(&size, "size", "s", false, "Display the total file sizes")
	fl.StringVar(&sortBy, "sort", "created", "Sort output by: command, created, id, image, names, runningfor, size, status")
	return cmd
}

func shortID(id string, noTrunc bool) string {
	if noTrunc || len(id) <= 12 {
		return id
	}
	return id[:12]
}

func newPsRow(c *libpod.Container, noTrunc bool) psRow {
	cfg, st := c.Config(), c.State()
	r := psRow{
		AutoRemove: cfg.Remove,
		Command:    cfg.Command,
		ID:         cfg.ID,
		Image:      cfg.ImageName,
		ImageID:    cfg.ImageID,
		Labels:     cfg.Spec.Labels,
		Mounts:     []string{},
		Names:      []string{cfg.Name},
		Networks:   []string{},
		Pid:        st.Task.Pid,
		Runtime:    cfg.Runtime.Name,
		State:      displayState(st.Status),
		Created:    cfg.Created.Unix(),
		CreatedAt:  humanAgo(cfg.Created),
		ExitCode:   st.ExitCode,
		created:    cfg.Created,
		noTrunc:    noTrunc,
	}
	if r.Image == "" {
		r.Image = cfg.Image
	}
	if cfg.Spec.Rootfs != "" {
		r.Image = cfg.Spec.Rootfs
	}
	if !st.StartedAt.IsZero() {
		r.StartedAt = st.StartedAt.Unix()
	}
	r.ExitedAt = st.FinishedAt.Unix()
	r.Exited = st.Status == libpod.StatusExited || st.Status == libpod.StatusStopped
	if !r.Exited || st.Status == libpod.StatusRunning {
		r.Pid = st.Task.Pid
	} else {
		r.Pid = 0
	}
	r.Status = statusText(st)
	return r
}

// displayState maps the internal state to what Podman's ps shows.
func displayState(s libpod.Status) string {
	switch s {
	case libpod.StatusConfigured:
		return "created"
	case libpod.StatusStopped:
		return "exited"
	}
	return string(s)
}

// statusText is Podman's STATUS column.
func statusText(st libpod.ContainerState) string {
	switch st.Status {
	case libpod.StatusRunning:
		return "Up " + units.HumanDuration(time.Since(st.StartedAt))
	case libpod.StatusPaused:
		return "Paused"
	case libpod.StatusStopping:
		return "Stopping"
	case libpod.StatusRemoving:
		return "Removing"
	case libpod.StatusStopped, libpod.StatusExited:
		return fmt.Sprintf("Exited (%d) %s", st.ExitCode, humanAgo(st.FinishedAt))
	}
	return "Created"
}

func humanAgo(t time.Time) string {
	return units.HumanDuration(time.Since(t)) + " ago"
}

func (r psRow) view() psView {
	v := psView{psRow: r}
	v.ID = shortID(r.ID, r.noTrunc)
	cmd := strings.Join(r.Command, " ")
	if !r.noTrunc && len(cmd) > 17 {
		cmd = cmd[:17] + "..."
	}
	v.Command = cmd
	v.Names = strings.Join(r.Names, ",")
	v.CreatedAt = r.created.Format("2006-01-02 15:04:05.999999999 -0700 MST")
	v.CreatedHuman = r.CreatedAt
	v.RunningFor = r.CreatedAt
	v.Ports = strings.Join(r.Ports, ", ")
	v.Networks = strings.Join(r.Networks, ",")
	v.Mounts = strings.Join(r.Mounts, ",")
	v.Size = "0B"
	return v
}

func sortRows(rows []psRow, by string) error {
	var less func(a, b psRow) bool
	switch by {
	case "created", "":
		less = func(a, b psRow) bool { return a.created.Before(b.created) }
	case "runningfor":
		less = func(a, b psRow) bool { return a.created.After(b.created) }
	case "id":
		less = func(a, b psRow) bool { return a.ID < b.ID }
	case "image":
		less = func(a, b psRow) bool { return a.Image < b.Image }
	case "names":
		less = func(a, b psRow) bool { return a.Names[0] < b.Names[0] }
	case "command":
		less = func(a, b psRow) bool { return strings.Join(a.Command, " ") < strings.Join(b.Command, " ") }
	case "status":
		less = func(a, b psRow) bool { return a.Status < b.Status }
	case "size":
		return nil
	default:
		return fmt.Errorf("invalid --sort %q: use command, created, id, image, names, runningfor, size or status: %w", by, errdefs.ErrInvalidArgument)
	}
	sort.SliceStable(rows, func(i, j int) bool { return less(rows[i], rows[j]) })
	return nil
}

// psFilters are --filter conditions: values of one key are OR'd, keys AND'd.
type psFilters map[string][]string

func parseFilters(fs []string) (psFilters, error) {
	out := psFilters{}
	for _, f := range fs {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return nil, fmt.Errorf("invalid --filter %q: expected KEY=VALUE: %w", f, errdefs.ErrInvalidArgument)
		}
		switch k {
		case "name", "id", "label", "status", "exited", "ancestor", "runtime":
		default:
			return nil, fmt.Errorf("invalid --filter %q: supported keys are name, id, label, status, exited, ancestor, runtime: %w", f, errdefs.ErrInvalidArgument)
		}
		if k == "status" {
			switch v {
			case "created", "exited", "paused", "running", "unknown", "stopping", "removing", "configured", "stopped":
			default:
				return nil, fmt.Errorf("invalid --filter status=%q: use created, exited, paused, running, stopping or removing: %w", v, errdefs.ErrInvalidArgument)
			}
		}
		out[k] = append(out[k], v)
	}
	return out, nil
}

func (fs psFilters) match(c *libpod.Container) bool {
	cfg, st := c.Config(), c.State()
	for k, vals := range fs {
		ok := slices.ContainsFunc(vals, func(v string) bool {
			switch k {
			case "name":
				return strings.Contains(cfg.Name, v)
			case "id":
				return strings.HasPrefix(cfg.ID, v)
			case "label":
				lk, lv, hasVal := strings.Cut(v, "=")
				got, present := cfg.Spec.Labels[lk]
				return present && (!hasVal || got == lv)
			case "status":
				return displayState(st.Status) == v || string(st.Status) == v
			case "exited":
				n, err := strconv.Atoi(v)
				return err == nil && (st.Status == libpod.StatusExited || st.Status == libpod.StatusStopped) && st.ExitCode == n
			case "ancestor":
				return strings.Contains(cfg.ImageName, v) || strings.HasPrefix(cfg.ImageID, v) || cfg.Image == v
			case "runtime":
				return cfg.Runtime.Name == v || cfg.Runtime.Path == v
			}
			return false
		})
		if !ok {
			return false
		}
	}
	return true
}
