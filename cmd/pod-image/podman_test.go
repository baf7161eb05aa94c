package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// podman runs Podman on the env's store, with its transient state private.
func (e *env) podman(want int, args ...string) result {
	e.t.Helper()
	bin, err := exec.LookPath("podman")
	if err != nil {
		e.t.Skip("podman not installed")
	}
	full := append([]string{"--root", e.root, "--runroot", e.run, "--tmpdir", filepath.Join(e.dir, "podman-tmp"),
		"--events-backend", "none", "--cgroup-manager", "cgroupfs"}, args...)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, bin, full...)
	c.WaitDelay = 10 * time.Second
	c.Env = append(os.Environ(), "CONTAINERS_REGISTRIES_CONF="+e.registriesConf, "REGISTRY_AUTH_FILE="+e.authFile,
		"TMPDIR="+filepath.Join(e.dir, "tmp"))
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	err = c.Run()
	r := result{stdout: strings.TrimSpace(out.String()), stderr: strings.TrimSpace(errb.String())}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		e.t.Fatal(err)
	}
	if want >= 0 && r.code != want {
		e.t.Fatalf("podman %s: want exit %d, got %s", strings.Join(args, " "), want, r)
	}
	return r
}

// TestSharedWithPodman: images pulled or imported by either tool into the
// same root are listed, inspected and used identically by the other.
func TestSharedWithPodman(t *testing.T) {
	if _, err := exec.LookPath("podman"); err != nil {
		t.Skip("podman not installed")
	}
	reg := startRegistry(t, "")
	e := newEnv(t)
	e.writeRegistriesConf(reg.addr)
	id := e.importBusybox("localhost/busybox")
	ref := reg.addr + "/shared/bb:1"
	e.pi(0, "push", "-q", "localhost/busybox", ref)
	e.pi(0, "rmi", "localhost/busybox")

	// Podman pulls; pod-image sees the same thing Podman does.
	e.podman(0, "pull", "-q", ref)
	const format = "{{.Repository}} {{.Tag}} {{.ID}} {{.Size}} {{.Digest}}"
	ours, theirs := e.pi(0, "images", "--format", format), e.podman(0, "images", "--format", format)
	if ours.stdout != theirs.stdout || !strings.Contains(ours.stdout, id[:12]) {
		t.Errorf("images differ:\npod-image: %s\npodman:    %s", ours.stdout, theirs.stdout)
	}
	ours, theirs = e.pi(0, "image", "inspect", ref), e.podman(0, "image", "inspect", ref)
	if ours.stdout != theirs.stdout {
		t.Errorf("image inspect differs:\npod-image: %s\npodman:    %s", ours.stdout, theirs.stdout)
	}
	img, err := e.store().LookupImage("shared/bb:1")
	if err != nil || img.ID != id {
		t.Errorf("imagestore lookup of Podman's pull: %+v, %v", img, err)
	}

	// pod-image removes it; Podman agrees it is gone.
	e.pi(0, "rmi", ref)
	e.podman(1, "image", "exists", ref)

	// pod-image pulls and imports; Podman uses both.
	e.pi(0, "pull", "-q", ref)
	e.importBusybox("localhost/imported", "--change", "LABEL=by=pod-image")
	r := e.podman(0, "image", "inspect", "--format", "{{.Id}} {{.Labels.by}}", "imported")
	if !strings.HasSuffix(r.stdout, " pod-image") {
		t.Errorf("podman inspect of pod-image's import: %q", r.stdout)
	}
	mnt := e.podman(0, "image", "mount", ref).stdout
	if _, err := os.Stat(filepath.Join(mnt, "bin/busybox")); err != nil {
		t.Errorf("podman mount of pod-image's pull: %v", err)
	}
	e.podman(0, "image", "unmount", ref)
	// Podman's container keeps pod-image from removing the image.
	e.podman(0, "create", "--name", "theirs", ref)
	r = e.pi(2, "rmi", ref)
	contains(t, r.stderr, "image is in use by a container", "rmi of an image Podman's container uses")
	e.podman(0, "rm", "theirs")
	e.pi(0, "rmi", ref, "imported")
	if r = e.podman(0, "images", "-q"); r.stdout != "" {
		t.Errorf("podman still lists %q", r.stdout)
	}
}
