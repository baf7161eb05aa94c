package generate

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// Pod is what the units of a pod need to know: Podman 4.3.1 writes the
// pod's unit (pod-NAME|ID.service, starting the infra; with --new creating
// the pod from its `pod create` command line) and one unit per member,
// bound to the pod's.
type Pod struct {
	ID, Name      string
	CreateCommand []string   // os.Args of the `pod pod create` that made it
	Infra         *Container // the infra container (nil: refused, as Podman)
	Members       []*Container
}

// PodServiceName is the pod unit's name without ".service".
func PodServiceName(p *Pod, o *Options) string {
	nameOrID := p.ID
	if o.UseName {
		nameOrID = p.Name
	}
	prefix := o.PodPrefix
	if prefix == "" {
		return nameOrID
	}
	return prefix + o.Separator + nameOrID
}

// PodUnits generates the pod's unit, then its members' (sorted by name).
func PodUnits(p *Pod, o *Options) ([]*Unit, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if p.Infra == nil {
		return nil, fmt.Errorf("generating systemd unit files: Pod %q has no infra container", p.Name)
	}
	podService := PodServiceName(p, o)
	var members []*Unit
	for _, m := range p.Members {
		mc := *m
		mc.PodService = podService
		if o.New {
			mc.PodIDFile = "%t/" + podService + ".pod-id"
		}
		u, err := ContainerUnit(&mc, o)
		if err != nil {
			return nil, err
		}
		members = append(members, u)
	}
	sort.Slice(members, func(i, j int) bool { return members[i].Name < members[j].Name })
	in := info{
		ServiceName: podService, GenerateNoHeader: o.NoHeader, Version: o.Version, RunRoot: p.Infra.RunRoot,
		Wants: o.Wants, After: o.After, Requires: o.Requires, RestartPolicy: o.RestartPolicy,
		RestartSec: o.RestartSec, Type: "forking", PIDFile: p.Infra.PIDFile, IsPod: true,
	}
	if in.RestartPolicy == "" {
		in.RestartPolicy = "on-failure"
	}
	for _, u := range members {
		in.Members = append(in.Members, u.Name)
	}
	if !o.Now.IsZero() {
		in.TimeStamp = o.Now.Format(time.UnixDate)
	}
	stop := p.Infra.StopTimeout
	if o.StopTimeout != nil {
		stop = *o.StopTimeout
	}
	in.TimeoutStopSec = stop + 60
	stopT := strconv.FormatUint(uint64(stop), 10)
	exe := p.Infra.Executable
	if !o.New {
		infra := p.Infra.ID
		if o.UseName {
			infra = p.Infra.Name
		}
		root := strings.Join(escapeArgs(p.Infra.RootFlags), " ")
		start := []string{exe}
		if root != "" {
			start = append(start, root)
		}
		in.ExecStart = formatOptions(strings.Split(strings.Join(append(start, "start", infra), " "), " "))
		in.ExecStop = formatOptions(strings.Split(exe+" stop "+root+" -t "+stopT+" "+infra, " "))
		in.ExecStopPost = in.ExecStop
	} else if err := podNewMode(&in, p, exe, stopT); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := tmpl().Execute(&buf, &in); err != nil {
		return nil, err
	}
	return append([]*Unit{{Name: podService, Content: buf.String()}}, members...), nil
}

// podNewMode fills the pod unit that creates the pod afresh from its
// `pod create` command line, as Podman 4.3.1: ExecStartPre removes the
// pid and pod-id files and creates the pod (--replace when named), the
// service starts it, stop and rm act on it by its pod-id file.
func podNewMode(in *info, p *Pod, exe, stopT string) error {
	pidFile, podIDFile := "%t/"+in.ServiceName+".pid", "%t/"+in.ServiceName+".pod-id"
	in.PIDFile = pidFile
	cmd := p.CreateCommand
	index := 0
	for i := 1; i < len(cmd); i++ {
		if cmd[i-1] == "pod" && cmd[i] == "create" {
			index = i
			break
		}
	}
	if len(cmd) < 3 || index == 0 {
		return fmt.Errorf("pod does not appear to be created via `podman pod create`: %v", cmd)
	}
	rootArgs := escapeArgs(cmd[1 : index-1])
	args := dropFlags(cmd[index+1:], 0, "--pod-id-file", "--infra-conmon-pidfile")
	fs := pflag.NewFlagSet("args", pflag.ContinueOnError)
	fs.ParseErrorsAllowlist.UnknownFlags = true
	fs.Usage = func() {}
	fs.SetInterspersed(false)
	fs.String("name", "", "")
	fs.Bool("replace", false, "")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("parsing remaining command-line arguments: %w", err)
	}
	if replace, _ := fs.GetBool("replace"); fs.Changed("name") && !replace {
		args = append(args, "--replace")
	}
	create := append([]string{exe}, rootArgs...)
	create = append(create, "pod", "create", "--infra-conmon-pidfile", pidFile, "--pod-id-file", podIDFile, "--exit-policy=stop")
	create = append(create, escapeArgs(args)...)
	in.ExecStartPre = formatOptions([]string{"/bin/rm", "-f", pidFile, podIDFile})
	in.ExecStartPre2 = formatOptions(create)
	// Podman's template puts the root flags in after breaking the line, so
	// they stay on the first line of these three.
	head := exe + " "
	if len(rootArgs) > 0 {
		head += strings.Join(rootArgs, " ") + " "
	}
	in.ExecStart = head + formatOptions([]string{"pod", "start", "--pod-id-file", podIDFile})
	in.ExecStop = head + formatOptions([]string{"pod", "stop", "--ignore", "--pod-id-file", podIDFile, "", "-t", stopT})
	in.ExecStopPost = head + formatOptions([]string{"pod", "rm", "--ignore", "-f", "--pod-id-file", podIDFile})
	return nil
}

// dropFlags drops the valued flags names (as "--f v" or "--f=v") from the
// flags of cmd (the first len-argCount elements).
func dropFlags(cmd []string, argCount int, names ...string) []string {
	var out []string
	drop := map[string]bool{}
	for _, n := range names {
		drop[n] = true
	}
	for i := 0; i < len(cmd)-argCount; i++ {
		if drop[cmd[i]] {
			i++
			continue
		}
		if k, _, ok := strings.Cut(cmd[i], "="); ok && drop[k] {
			continue
		}
		out = append(out, cmd[i])
	}
	return append(out, cmd[len(cmd)-argCount:]...)
}
