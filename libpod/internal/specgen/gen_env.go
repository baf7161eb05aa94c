package specgen

import (
	"fmt"
	"os"
	"strings"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// proxyVars are copied from pod's environment unless --http-proxy=false, as Podman does.
var proxyVars = []string{"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "ftp_proxy", "FTP_PROXY", "no_proxy", "NO_PROXY"}

// envList is an ordered environment: a later set of a key replaces its value
// in place.
type envList struct {
	keys []string
	vals map[string]string
}

func (e *envList) set(k, v string) {
	if e.vals == nil {
		e.vals = map[string]string{}
	}
	if _, ok := e.vals[k]; !ok {
		e.keys = append(e.keys, k)
	}
	e.vals[k] = v
}

func (e *envList) has(k string) bool { _, ok := e.vals[k]; return ok }

func (e *envList) unset(k string) {
	if !e.has(k) {
		return
	}
	delete(e.vals, k)
	for i, key := range e.keys {
		if key == k {
			e.keys = append(e.keys[:i], e.keys[i+1:]...)
			break
		}
	}
}

func (e *envList) list() []string {
	out := make([]string, 0, len(e.keys))
	for _, k := range e.keys {
		out = append(out, k+"="+e.vals[k])
	}
	return out
}

// add applies one -e style entry: KEY=VALUE sets; KEY copies the variable
// from hostEnv if it is set there; KEY* copies every variable with that prefix.
func (e *envList) add(entry string, hostEnv []string) {
	if k, v, ok := strings.Cut(entry, "="); ok {
		e.set(k, v)
		return
	}
	prefix, glob := strings.CutSuffix(entry, "*")
	for _, he := range hostEnv {
		k, v, ok := strings.Cut(he, "=")
		if !ok {
			continue
		}
		if (glob && strings.HasPrefix(k, prefix)) || (!glob && k == entry) {
			e.set(k, v)
		}
	}
}

// env builds the environment, lowest priority first: PATH, TERM=xterm and
// container=podman (Podman 4.3.1 sets TERM with or without -t), containers.conf env, the image's
// Env, pod's own environment with --env-host, then -e. --unsetenv drops a
// variable of the layers below -e, --unsetenv-all all of them. HOME from
// /etc/passwd and HOSTNAME are added when not set, container_uuid in
// systemd mode, as Podman does.
func (g *gen) env() error {
	var e envList
	e.set("PATH", DefaultPath)
	e.set("TERM", "xterm")
	e.set("container", "podman")
	for _, v := range g.d.Env {
		if k, _, _ := strings.Cut(v, "="); k == "" {
			return fmt.Errorf("containers.conf env %q: empty variable name: %w", v, errdefs.ErrInvalidArgument)
		}
		e.add(v, g.h.Env)
	}
	if !g.o.NoHTTPProxy {
		for _, k := range proxyVars {
			e.add(k, g.h.Env)
		}
	}
	for _, v := range g.img.Env {
		if k, val, ok := strings.Cut(v, "="); ok && k != "" {
			e.set(k, val)
		}
	}
	if g.o.EnvHost {
		for _, v := range g.h.Env {
			if k, val, ok := strings.Cut(v, "="); ok && k != "" {
				e.set(k, val)
			}
		}
	}
	if g.o.UnsetEnvAll {
		e = envList{}
	}
	for _, k := range g.o.UnsetEnv {
		e.unset(k)
	}
	for _, v := range g.o.Env {
		e.add(v, g.h.Env)
	}
	for _, v := range g.o.EnvMerge {
		k, val, _ := strings.Cut(v, "=")
		e.set(k, os.Expand(val, func(name string) string { return e.vals[name] }))
	}
	if !e.has("HOME") {
		e.set("HOME", g.home)
	}
	if !e.has("HOSTNAME") {
		switch {
		case g.spec.Hostname != "":
			e.set("HOSTNAME", g.spec.Hostname)
		case g.p.NS.UTS.Kind == nsHost:
			if name := hostHostname(); name != "" {
				e.set("HOSTNAME", name)
			}
		}
	}
	if g.res.Systemd && !e.has("container_uuid") {
		e.set("container_uuid", g.id[:min(32, len(g.id))])
	}
	g.spec.Process.Env = e.list()
	return nil
}
