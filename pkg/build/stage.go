package build

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	docker "github.com/fsouza/go-dockerclient"
	"github.com/openshift/imagebuilder"
	"github.com/openshift/imagebuilder/dockerfile/command"
	"github.com/openshift/imagebuilder/dockerfile/parser"
	"go.podman.io/storage"

	"github.com/pod-engine/pod/pkg/imagecommit"
)

// run is one build in progress.
type run struct {
	ctx       context.Context
	store     storage.Store
	eng       Engine
	o         Options
	excludes  []string
	results   map[string]string    // stage name or position → image ID
	ctxHash   string               // digest of the build context (cache key of COPY/ADD)
	working   []workCtr            // storage containers to remove (or keep) at the end
	warnedOCI bool                 // the OCI-format warning was printed
	downloads map[string]*download // ADD URLs fetched (download.go)
	tmp       string               // where they are, removed with the build
}

// stage runs one stage and returns its image ID.
func (r *run) stage(st imagebuilder.Stage, idx, count int) (string, error) {
	b := st.Builder
	b.Excludes = r.excludes
	from, err := b.From(st.Node)
	if err != nil {
		return "", fmt.Errorf("stage %d: %w", idx+1, invalid(err))
	}
	total := len(st.Node.Children) + 1
	prefix := ""
	if count > 1 {
		prefix = fmt.Sprintf("[%d/%d] ", idx+1, count)
	}
	fmt.Fprintf(r.o.Out, "%sSTEP 1/%d: FROM %s\n", prefix, total, fromText(st))
	parent, err := r.base(from)
	if err != nil {
		return "", err
	}
	cfg, err := r.config(parent)
	if err != nil {
		return "", err
	}
	if err := b.FromImage(&docker.Image{Config: toDocker(cfg)}, st.Node); err != nil {
		return "", invalid(err)
	}
	b.RunConfig.Image = from // RUN needs a base named
	for _, kv := range r.o.Env {
		b.RunConfig.Env = setEnv(b.RunConfig.Env, kv)
	}
	last := idx == count-1
	if last && (len(r.o.Labels) > 0 || r.o.IdentityLabel) {
		if b.RunConfig.Labels == nil {
			b.RunConfig.Labels = map[string]string{}
		}
		if r.o.IdentityLabel {
			b.RunConfig.Labels[IdentityLabel] = BuildahVersion
		}
		for k, v := range r.o.Labels {
			b.RunConfig.Labels[k] = v
		}
	}
	layers := r.o.Layers && !(last && (r.o.Squash || r.o.SquashAll))
	ex := &executor{r: r, b: b, base: parent, from: from}
	defer ex.release()
	committed := parent
	for i, child := range st.Node.Children {
		step := b.Step()
		if err := step.Resolve(child); err != nil {
			return "", invalid(err)
		}
		fmt.Fprintf(r.o.Out, "%sSTEP %d/%d: %s\n", prefix, i+2, total, step.Original)
		noRuns := !b.RequiresStart(&parser.Node{Children: st.Node.Children[i+1:]})
		if layers {
			key, err := r.cacheKey(committed, step, b)
			if err != nil {
				return "", stepErr(step, err)
			}
			if !r.o.NoCache {
				id := r.cached(committed, key)
				if id == "" {
					id = r.pullCache(committed, key)
				}
				if id != "" {
					if err := b.Run(step, imagebuilder.NoopExecutor, noRuns); err != nil {
						return "", invalid(err)
					}
					fmt.Fprintf(r.o.Out, "--> Using cache %s\n", id)
					committed = id
					ex.base = id
					continue
				}
			}
			if err := b.Run(step, ex, noRuns); err != nil {
				return "", stepErr(step, err)
			}
			id, err := r.commit(ex, committed, b, step, key, false)
			if err != nil {
				return "", err
			}
			if err := r.pushCache(id, key); err != nil {
				return "", err
			}
			fmt.Fprintf(r.o.Out, "--> %s\n", id[:12])
			committed = id
			if i < len(st.Node.Children)-1 {
				ex.drop()
			}
			ex.base = id
			continue
		}
		if err := b.Run(step, ex, noRuns); err != nil {
			return "", stepErr(step, err)
		}
	}
	if layers && len(st.Node.Children) > 0 {
		return committed, nil
	}
	last0 := "FROM " + from
	if n := len(st.Node.Children); n > 0 {
		last0 = st.Node.Children[n-1].Original
	}
	return r.commit(ex, parent, b, &imagebuilder.Step{Original: last0}, "", last && r.o.SquashAll)
}

// commit commits the working container (or only the config when no step
// touched the filesystem) on parent.
func (r *run) commit(ex *executor, parent string, b *imagebuilder.Builder, step *imagebuilder.Step, key string, squash bool) (string, error) {
	cfg := fromDocker(b.Config())
	for _, k := range r.o.UnsetEnv {
		cfg.Env = unsetEnv(cfg.Env, k)
	}
	if r.o.Format != "docker" && !r.warnedOCI && (cfg.Healthcheck != nil || len(cfg.OnBuild) > 0 || len(cfg.Shell) > 0) {
		r.warnedOCI = true
		if r.o.Err != nil {
			fmt.Fprintln(r.o.Err, "WARN[0000] HEALTHCHECK, ONBUILD and SHELL are not supported for OCI image format and will be ignored. Must use `docker` format")
		}
	}
	md := ""
	if key != "" {
		raw, _ := json.Marshal(cacheMeta{Parent: parent, Key: key})
		md = string(raw)
	}
	co := imagecommit.Options{
		Container: ex.ctr, Parent: parent, Format: r.o.Format, Config: cfg,
		History: imagecommit.History{CreatedBy: createdBy(step)},
		Squash:  squash, Exclude: buildExcludes, Metadata: md,
		OmitHistory: r.o.OmitHistory, OS: r.o.OS, Arch: r.o.Arch, Variant: r.o.Variant,
		OSVersion: r.o.OSVersion, OSFeatures: r.o.OSFeatures, Annotations: r.o.Annotations,
	}
	if t := r.o.Timestamp; t != nil {
		co.Created, co.FileTime = t.UTC(), t
	}
	id, err := imagecommit.Commit(r.store, co)
	if err != nil {
		return "", fmt.Errorf("committing the build step %q: %w", step.Original, err)
	}
	return id, nil
}

// buildExcludes are mount points a RUN container leaves in the root.
var buildExcludes = []string{"etc/hostname", "etc/hosts", "etc/resolv.conf", "run/.containerenv", "etc/mtab"}

// createdBy is the history line, as Buildah writes it.
func createdBy(step *imagebuilder.Step) string {
	if strings.EqualFold(step.Command, command.Run) {
		return "/bin/sh -c " + strings.TrimSpace(step.Original[len("RUN"):])
	}
	return "/bin/sh -c #(nop) " + step.Original
}

type cacheMeta struct {
	Parent string `json:"pod-build-parent"`
	Key    string `json:"pod-build-key"`
}

// cacheKey identifies a step on a parent: the instruction with its
// environment, and for COPY/ADD the context's content.
func (r *run) cacheKey(parent string, step *imagebuilder.Step, b *imagebuilder.Builder) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%q\x00%q\x00%s", parent, step.Original, step.Env, b.Arguments(), r.o.Format)
	// The image-wide settings that go into every committed config.
	fmt.Fprintf(h, "\x00%s/%s/%s/%s/%q\x00%v\x00%v\x00%q\x00%q\x00%q", r.o.OS, r.o.Arch, r.o.Variant, r.o.OSVersion, r.o.OSFeatures,
		r.o.Timestamp, r.o.OmitHistory, r.o.Annotations, r.o.Env, r.o.UnsetEnv)
	if c := strings.ToLower(step.Command); c == command.Copy || c == command.Add {
		if r.ctxHash == "" {
			r.ctxHash = r.contextDigest()
		}
		fmt.Fprintf(h, "\x00%s\x00%q", r.ctxHash, r.results)
		if c == command.Add {
			digests, err := r.urlDigests(step.Args)
			if err != nil {
				return "", err
			}
			fmt.Fprintf(h, "\x00%s", digests)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// cached finds an intermediate image made by the same step on parent.
func (r *run) cached(parent, key string) string {
	imgs, err := r.store.Images()
	if err != nil {
		return ""
	}
	for _, img := range imgs {
		if !strings.Contains(img.Metadata, key) {
			continue
		}
		var m cacheMeta
		if r.o.CacheTTL > 0 && time.Since(img.Created) > r.o.CacheTTL {
			continue // --cache-ttl: too old to use
		}
		if json.Unmarshal([]byte(img.Metadata), &m) == nil && m.Parent == parent && m.Key == key {
			return img.ID
		}
	}
	return ""
}

func fromText(st imagebuilder.Stage) string {
	s := st.Builder.RunConfig.Image
	if st.Name != "" && st.Name != s && st.Name != strconv.Itoa(st.Position) {
		s += " AS " + st.Name
	}
	return s
}

// IdentityLabel and BuildahVersion are the label Podman 4.3.1's build adds
// (--identity-label, default true) and its value there.
const (
	IdentityLabel  = "io.buildah.version"
	BuildahVersion = "1.28.2"
)

// setEnv sets KEY=VALUE in env, replacing KEY's earlier value.
func setEnv(env []string, kv string) []string {
	k, _, _ := strings.Cut(kv, "=")
	return append(unsetEnv(env, k), kv)
}

// unsetEnv removes KEY from env.
func unsetEnv(env []string, key string) []string {
	out := env[:0:0]
	for _, e := range env {
		if k, _, _ := strings.Cut(e, "="); k != key {
			out = append(out, e)
		}
	}
	return out
}
