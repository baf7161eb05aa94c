package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pod-engine/pod/pkg/imagestore"
)

func TestRmi(t *testing.T) {
	e := newEnv(t)
	id := e.importBusybox("localhost/bb")
	e.pi(0, "tag", "bb", "localhost/bb:2")

	r := e.pi(1, "rmi", "nosuch")
	if r.stderr != "Error: nosuch: image not known" {
		t.Errorf("rmi of an unknown image: %q", r.stderr)
	}
	r = e.pi(1, "rmi", "nosuch1", "nosuch2")
	if r.stderr != "Error: nosuch1: image not known\nError: nosuch2: image not known" {
		t.Errorf("rmi of two unknown images: %q", r.stderr)
	}
	e.pi(0, "rmi", "--ignore", "nosuch")
	r = e.pi(125, "rmi")
	contains(t, r.stderr, "image name or ID must be specified", "rmi without names")
	r = e.pi(125, "rmi", "-a", "bb")
	contains(t, r.stderr, "may not pass any images names", "rmi -a with names")

	// Removing one of two names only untags.
	if r = e.pi(0, "rmi", "localhost/bb:2"); r.stdout != "Untagged: localhost/bb:2" {
		t.Errorf("rmi of one name: %q", r.stdout)
	}

	// An image used by a container is refused (exit 2) without --force.
	st := e.store()
	cid := strings.Repeat("c1", 32)
	if _, _, err := st.CreateContainer(imagestore.ContainerOptions{ID: cid, Name: "user", ImageID: id}); err != nil {
		t.Fatal(err)
	}
	r = e.pi(2, "rmi", "bb")
	contains(t, r.stderr, "image is in use by a container", "rmi of an image in use")
	e.pi(0, "image", "exists", "bb")

	// --force asks pod to remove its containers first: `$POD_BINARY
	// <globals> rm --force --ignore IDS`; the storage of containers pod does
	// not know is then removed here, as Podman does for external containers.
	record := filepath.Join(e.dir, "pod-args")
	fakePod := filepath.Join(e.dir, "pod")
	if err := os.WriteFile(fakePod, []byte("#!/bin/sh\necho \"$@\" >> "+record+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	e.extraEnv = []string{"POD_BINARY=" + fakePod}
	r = e.pi(0, "rmi", "--force", "bb")
	if r.stdout != "Untagged: localhost/bb:latest\nDeleted: "+id {
		t.Errorf("rmi --force printed %q", r.stdout)
	}
	b, err := os.ReadFile(record)
	if err != nil {
		t.Fatalf("pod was not run: %v", err)
	}
	want := "--root=" + e.root + " --runroot=" + e.run + " --log-level=warn rm --force --ignore " + cid
	if strings.TrimSpace(string(b)) != want {
		t.Errorf("pod run as %q, want %q", strings.TrimSpace(string(b)), want)
	}
	if _, err := st.Storage().Container(cid); err == nil {
		t.Errorf("container storage survived rmi --force")
	}
	e.pi(1, "image", "exists", id)

	// Without POD_BINARY, --force removes the container storage itself;
	// --all removes everything.
	e.extraEnv = nil
	id2 := e.importBusybox("localhost/a")
	e.importBusybox("localhost/b", "--change", "ENV=B=1")
	if _, _, err := st.CreateContainer(imagestore.ContainerOptions{ID: cid, ImageID: id2}); err != nil {
		t.Fatal(err)
	}
	r = e.pi(2, "rmi", "--all") // removes what no container uses
	contains(t, r.stdout, "Untagged: localhost/b:latest", "rmi --all")
	contains(t, r.stderr, "image is in use by a container", "rmi --all")
	r = e.pi(0, "rmi", "--all", "--force")
	if r.stdout != "Untagged: localhost/a:latest\nDeleted: "+id2 {
		t.Errorf("rmi -a -f: %q", r.stdout)
	}
	if r = e.pi(0, "images", "-a", "-q"); r.stdout != "" {
		t.Errorf("images left: %q", r.stdout)
	}
}
