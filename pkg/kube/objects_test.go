package kube

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pod-engine/pod/pkg/errdefs"
)

const objectsYAML = `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: claim
  labels: {tier: db}
  annotations:
    volume.podman.io/driver: local
    volume.podman.io/mount-options: "size=1m"
    volume.podman.io/type: tmpfs
    volume.podman.io/device: tmpfs
    unrelated: x
spec:
  accessModes: [ReadWriteOnce]
---
apiVersion: v1
kind: Secret
metadata: {name: sec}
data: {pw: c2VjcmV0}
stringData: {plain: "p l"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
data: {a.conf: "A", b: "B"}
binaryData: {bin: AAH/}
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: c
    image: i
    env:
    - name: PW
      valueFrom: {secretKeyRef: {name: sec, key: pw}}
    - name: OPT
      valueFrom: {secretKeyRef: {name: other, key: k, optional: true}}
    envFrom:
    - secretRef: {name: sec}
      prefix: P_
    volumeMounts:
    - {name: d, mountPath: /data}
    - {name: all, mountPath: /cm}
    - {name: some, mountPath: /some, readOnly: true}
  volumes:
  - name: d
    persistentVolumeClaim: {claimName: claim, readOnly: true}
  - name: all
    configMap: {name: cm, defaultMode: 0400}
  - name: some
    configMap: {name: cm, defaultMode: 0400}
`

// TestParseAllObjects: PersistentVolumeClaims become named volumes with
// Podman's annotations as options, Secrets are kept as documents,
// secretKeyRef entries are left for play time, configMap volumes carry
// the ConfigMap's data and binaryData.
func TestParseAllObjects(t *testing.T) {
	play, err := ParseAll([]byte(objectsYAML))
	if err != nil {
		t.Fatal(err)
	}
	wantVol := Volume{Name: "claim", Labels: map[string]string{"tier": "db"}, Driver: "local",
		Options: map[string]string{"o": "size=1m", "type": "tmpfs", "device": "tmpfs"}}
	if len(play.Volumes) != 1 || !reflect.DeepEqual(play.Volumes[0], wantVol) {
		t.Errorf("volumes %+v, want %+v", play.Volumes, wantVol)
	}
	if len(play.Secrets) != 1 || play.Secrets[0].Name != "sec" {
		t.Fatalf("secrets %+v", play.Secrets)
	}
	vals, err := SecretValues("sec", play.Secrets[0].Data)
	if err != nil || string(vals["pw"]) != "secret" || string(vals["plain"]) != "p l" {
		t.Errorf("secret values %q, %v", vals, err)
	}
	c := play.Plans[0].Containers[0]
	wantEnv := []SecretEnv{{Secret: "sec", All: true, Prefix: "P_"}, {Name: "PW", Secret: "sec", Key: "pw"}, {Name: "OPT", Secret: "other", Key: "k", Optional: true}}
	if !reflect.DeepEqual(c.SecretEnv, wantEnv) || len(c.Env) != 0 {
		t.Errorf("secret env %+v env %q", c.SecretEnv, c.Env)
	}
	wantMounts := []Mount{{Source: "claim", Destination: "/data", ReadOnly: true, Named: true},
		{Source: "cm", Destination: "/cm", ConfigMap: true}, {Source: "cm", Destination: "/some", ReadOnly: true, ConfigMap: true}}
	if !reflect.DeepEqual(c.Mounts, wantMounts) {
		t.Errorf("mounts %+v, want %+v", c.Mounts, wantMounts)
	}
	cms := play.Plans[0].ConfigMapVolumes
	if len(cms) != 1 || cms[0].Name != "cm" || cms[0].Mode != 0o400 || string(cms[0].Items["a.conf"]) != "A" ||
		string(cms[0].Items["bin"]) != "\x00\x01\xff" || len(cms[0].Items) != 3 {
		t.Errorf("configMap volumes %+v", cms)
	}
	// Generate writes them back as Kubernetes volumes and secretKeyRefs.
	out, err := Generate(&play.Plans[0], time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"claimName: claim", "secretKeyRef:", "configMap:", "secretRef:", "prefix: P_"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("generated YAML lacks %q:\n%s", want, out)
		}
	}
	// A stream of volumes or secrets only is a play; Parse wants a pod.
	if _, err := ParseAll([]byte(strings.SplitN(objectsYAML, "---", 2)[0])); err != nil {
		t.Errorf("a claim alone: %v", err)
	}
	if _, err := Parse([]byte(strings.SplitN(objectsYAML, "---", 2)[0])); !errors.Is(err, errdefs.ErrInvalidArgument) {
		t.Errorf("Parse of a claim alone: %v", err)
	}
}

func TestParseObjectRefusals(t *testing.T) {
	pod := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: i, %s}]\n  volumes: [%s]\n"
	cm := "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {a: A}\n"
	for _, tc := range []struct{ ctr, vols, extra, want string }{
		{`volumeMounts: [{name: v, mountPath: /x}]`, `{name: v, configMap: {name: nope}}`, "", `ConfigMap "nope" not found`},
		{`volumeMounts: [{name: v, mountPath: /x}]`, `{name: v, configMap: {name: cm, items: [{key: zz, path: z}]}}`, cm, `has no key "zz"`},
		{`volumeMounts: [{name: v, mountPath: /x}]`, `{name: v, configMap: {name: cm, items: [{key: a, path: ../z}]}}`, cm, "relative path without .."},
		{`volumeMounts: [{name: v, mountPath: /x}]`, `{name: v, configMap: {name: cm, items: [{key: a, path: /abs}]}}`, cm, "relative path without .."},
		{`volumeMounts: [{name: v, mountPath: /x}]`, `{name: v, configMap: {name: cm, defaultMode: 4096}}`, cm, "defaultMode"},
		{`volumeMounts: [{name: v, mountPath: /x}]`, `{name: v, persistentVolumeClaim: {claimName: ""}}`, "", "names no claim"},
		{`env: [{name: E, valueFrom: {secretKeyRef: {name: s}}}]`, ``, "", "secretKeyRef needs"},
		{`volumeMounts: [{name: v, mountPath: /x}]`, `{name: v, nfs: {server: s, path: /p}}`, "", "pod plays hostPath, emptyDir, persistentVolumeClaim and configMap"},
	} {
		_, err := ParseAll([]byte(strings.Replace(strings.Replace(pod, "%s", tc.ctr, 1), "%s", tc.vols, 1) + tc.extra))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s / %s: error %v, want %q", tc.ctr, tc.vols, err, tc.want)
		}
	}
	// An optional missing ConfigMap: an empty volume.
	play, err := ParseAll([]byte(strings.Replace(strings.Replace(pod, "%s", `volumeMounts: [{name: v, mountPath: /x}]`, 1), "%s", `{name: v, configMap: {name: nope, optional: true}}`, 1)))
	if err != nil || len(play.Plans[0].ConfigMapVolumes) != 1 || len(play.Plans[0].ConfigMapVolumes[0].Items) != 0 {
		t.Errorf("optional ConfigMap: %+v, %v", play, err)
	}
	for _, doc := range []string{"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {}\n", "apiVersion: v1\nkind: Secret\nmetadata: {}\n"} {
		if _, err := ParseAll([]byte(doc)); err == nil || !strings.Contains(err.Error(), "needs metadata.name") {
			t.Errorf("%q: %v", doc, err)
		}
	}
}

func TestSecretValues(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString
	for _, tc := range []struct {
		data string
		want map[string]string
	}{
		{`{"pw":"` + b64([]byte("a b")) + `"}`, map[string]string{"pw": "a b"}},
		{"kind: Secret\ndata: {k: " + b64([]byte("\x00v")) + "}\nstringData: {s: plain}\n", map[string]string{"k": "\x00v", "s": "plain"}},
		{"data: {k: " + b64([]byte("x")) + "}\n", map[string]string{"k": "x"}},
	} {
		got, err := SecretValues("s", []byte(tc.data))
		if err != nil {
			t.Errorf("%q: %v", tc.data, err)
			continue
		}
		gs := map[string]string{}
		for k, v := range got {
			gs[k] = string(v)
		}
		if !reflect.DeepEqual(gs, tc.want) {
			t.Errorf("%q: %q, want %q", tc.data, gs, tc.want)
		}
	}
	for _, bad := range []string{"just text", "kind: ConfigMap\ndata: {a: b}\n", `{"pw": 3}`} {
		if _, err := SecretValues("s", []byte(bad)); !errors.Is(err, errdefs.ErrInvalidArgument) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestBuildDir(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"web", "api", "empty"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	_ = os.WriteFile(filepath.Join(dir, "web", "Containerfile"), []byte("FROM x\n"), 0o644)
	_ = os.WriteFile(filepath.Join(dir, "api", "Dockerfile"), []byte("FROM x\n"), 0o644)
	for image, want := range map[string]string{
		"localhost/web:1.0": filepath.Join(dir, "web"), "web": filepath.Join(dir, "web"),
		"quay.io/org/api@sha256:abc": filepath.Join(dir, "api"), "registry:5000/api": filepath.Join(dir, "api"),
		"empty": "", "missing": "", "localhost/..": "",
	} {
		if got := BuildDir(image, dir); got != want {
			t.Errorf("BuildDir(%q) = %q, want %q", image, got, want)
		}
	}
}

// TestWriteFiles: files and modes; a symlink left in a reused volume is
// replaced, not followed out of it.
func TestWriteFiles(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	if err := os.Symlink(filepath.Join(outside, "victim"), filepath.Join(dir, "a")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "sub")); err != nil {
		t.Fatal(err)
	}
	cv := ConfigMapVolume{Name: "cm", Mode: 0o640, Items: map[string][]byte{"a": []byte("A"), "sub/b": []byte("\x00B")}}
	if err := WriteFiles(dir, cv); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "a")); err != nil || string(b) != "A" {
		t.Errorf("a: %q %v", b, err)
	}
	if fi, err := os.Lstat(filepath.Join(dir, "a")); err != nil || fi.Mode() != 0o640 {
		t.Errorf("a mode %v %v", fi.Mode(), err)
	}
	if ents, _ := os.ReadDir(outside); len(ents) != 0 {
		t.Errorf("wrote outside the volume: %v", ents)
	}
	if err := WriteFiles(dir, ConfigMapVolume{Name: "cm", Mode: 0o644, Items: map[string][]byte{"../x": nil}}); !errors.Is(err, errdefs.ErrInvalidArgument) {
		t.Errorf("../x: %v", err)
	}
}

func TestSeccomp(t *testing.T) {
	ann := map[string]string{"seccomp.security.alpha.kubernetes.io/pod": "localhost/pod.json",
		"container.seccomp.security.alpha.kubernetes.io/free": "unconfined",
		"container.seccomp.security.alpha.kubernetes.io/dflt": "runtime/default"}
	for ctr, want := range map[string]string{"other": "/r/pod.json", "free": "unconfined", "dflt": ""} {
		if got, err := Seccomp(ann, ctr, "/r"); err != nil || got != want {
			t.Errorf("%s: %q %v, want %q", ctr, got, err, want)
		}
	}
	if got, err := Seccomp(map[string]string{"seccomp.security.alpha.kubernetes.io/pod": "localhost/p"}, "c", ""); err != nil || got != DefaultSeccompRoot+"/p" {
		t.Errorf("default root: %q %v", got, err)
	}
	if got, err := Seccomp(nil, "c", "/r"); err != nil || got != "" {
		t.Errorf("no annotation: %q %v", got, err)
	}
	for _, bad := range []map[string]string{{"seccomp.security.alpha.kubernetes.io/pod": "localhost/../x"},
		{"seccomp.security.alpha.kubernetes.io/pod": "bogus"}, {"container.seccomp.security.alpha.kubernetes.io": "unconfined"}} {
		if _, err := Seccomp(bad, "c", "/r"); !errors.Is(err, errdefs.ErrInvalidArgument) {
			t.Errorf("%v: %v", bad, err)
		}
	}
}
