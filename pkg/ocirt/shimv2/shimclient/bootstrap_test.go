package shimclient

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	bootstrapapi "github.com/containerd/containerd/api/runtime/bootstrap/v1"
	runcoptions "github.com/containerd/containerd/api/types/runc/options"
	runtimeoptions "github.com/containerd/containerd/api/types/runtimeoptions/v1"
	"google.golang.org/protobuf/proto"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt/shimv2/internal/testutil"
)

const addr = "unix:///run/containerd/s/0123456789abcdef"

func pbResult(t testing.TB, r *bootstrapapi.BootstrapResult) []byte {
	b, err := proto.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseBootstrap(t *testing.T) {
	ok := []struct {
		name string
		in   []byte
		want Bootstrap
	}{
		{"plain 1.6", []byte(addr + "\n"), Bootstrap{2, addr, "ttrpc"}},
		{"plain abstract", []byte("unix://@/containerd-shim/x.sock"), Bootstrap{2, "unix://@/containerd-shim/x.sock", "ttrpc"}},
		{"json v2", []byte(`{"version":2,"address":"` + addr + `","protocol":"ttrpc"}`), Bootstrap{2, addr, "ttrpc"}},
		{"json v3", []byte(`{"version":3,"address":"` + addr + `","protocol":"ttrpc"}` + "\n"), Bootstrap{3, addr, "ttrpc"}},
		{"json no protocol", []byte(`{"version":3,"address":"` + addr + `"}`), Bootstrap{3, addr, "ttrpc"}},
		{"protobuf v3", pbResult(t, &bootstrapapi.BootstrapResult{Version: 3, Address: addr, Protocol: "ttrpc", Metadata: map[string]string{"a": "b"}}), Bootstrap{3, addr, "ttrpc"}},
		{"protobuf no version", pbResult(t, &bootstrapapi.BootstrapResult{Address: addr}), Bootstrap{0, addr, "ttrpc"}},
	}
	for _, c := range ok {
		got, err := ParseBootstrap(c.in)
		if err != nil || got != c.want {
			t.Errorf("%s: got %+v, %v; want %+v", c.name, got, err, c.want)
		}
	}
	bad := []struct {
		name  string
		in    []byte
		class error
	}{
		{"empty", nil, errdefs.ErrRuntime},
		{"spaces", []byte(" \n"), errdefs.ErrRuntime},
		{"grpc", []byte(`{"version":3,"address":"` + addr + `","protocol":"grpc"}`), errdefs.ErrNotImplemented},
		{"v4", []byte(`{"version":4,"address":"` + addr + `","protocol":"ttrpc"}`), errdefs.ErrNotImplemented},
		{"json v1", []byte(`{"version":1,"address":"` + addr + `"}`), errdefs.ErrRuntime},
		{"bad json", []byte(`{"version":`), errdefs.ErrRuntime},
		{"vsock", []byte(`{"version":3,"address":"vsock://3:1024","protocol":"ttrpc"}`), errdefs.ErrNotImplemented},
		{"relative", []byte(`{"version":3,"address":"unix://run/x","protocol":"ttrpc"}`), errdefs.ErrRuntime},
		{"garbage", []byte("\x01\x02hello"), errdefs.ErrRuntime},
		{"multi-line", []byte(addr + "\nsomething else"), errdefs.ErrRuntime},
		{"protobuf grpc", pbResult(t, &bootstrapapi.BootstrapResult{Version: 3, Address: addr, Protocol: "grpc"}), errdefs.ErrNotImplemented},
	}
	for _, c := range bad {
		if got, err := ParseBootstrap(c.in); !errors.Is(err, c.class) {
			t.Errorf("%s: got %+v, %v; want %v", c.name, got, err, c.class)
		}
	}
}

func FuzzParseBootstrap(f *testing.F) {
	f.Add([]byte(addr))
	f.Add([]byte(`{"version":3,"address":"` + addr + `","protocol":"ttrpc"}`))
	f.Add(pbResult(f, &bootstrapapi.BootstrapResult{Version: 3, Address: addr, Protocol: "ttrpc"}))
	f.Fuzz(func(t *testing.T, in []byte) {
		b, err := ParseBootstrap(in)
		if err != nil {
			return
		}
		// Whatever is accepted must be dialable and of a supported version.
		if _, err := SocketPath(b.Address); err != nil {
			t.Fatalf("accepted undialable address %q", b.Address)
		}
		if b.Protocol != "ttrpc" || (b.Version != 0 && b.Version != 2 && b.Version != 3) {
			t.Fatalf("accepted %+v", b)
		}
	})
}

func TestSocketPath(t *testing.T) {
	for in, want := range map[string]string{addr: "/run/containerd/s/0123456789abcdef", "/x/y": "/x/y", "unix://@abs": "@abs"} {
		if got, err := SocketPath(in); err != nil || got != want {
			t.Errorf("SocketPath(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "unix://", "tcp://1.2.3.4:5", "x", "unix:///a\x00b", "/"} {
		if got, err := SocketPath(in); err == nil {
			t.Errorf("SocketPath(%q) = %q, want error", in, got)
		}
	}
}

func TestBuildOptions(t *testing.T) {
	a, err := BuildOptions(OptionsSpec{Type: "io.containerd.runc.v2", Options: map[string]any{
		"BinaryName": "/usr/bin/crun", "root": "/run/x", "systemd_cgroup": true, "IoUid": int64(7), "IoGid": float64(8),
	}, NoNewKeyring: true})
	if err != nil {
		t.Fatal(err)
	}
	if a.GetTypeUrl() != "containerd.runc.v1.Options" {
		t.Errorf("type url %q", a.GetTypeUrl())
	}
	var r runcoptions.Options
	if err := proto.Unmarshal(a.GetValue(), &r); err != nil {
		t.Fatal(err)
	}
	if r.BinaryName != "/usr/bin/crun" || r.Root != "/run/x" || !r.SystemdCgroup || !r.NoNewKeyring || r.IoUid != 7 || r.IoGid != 8 {
		t.Errorf("decoded %v", &r)
	}
	if a, err := BuildOptions(OptionsSpec{Type: "io.containerd.runc.v2"}); err != nil || a != nil {
		t.Errorf("empty runc options: %v %v", a, err)
	}

	a, err = BuildOptions(OptionsSpec{Type: "io.containerd.runsc.v1", Options: map[string]any{"TypeUrl": "io.containerd.runsc.v1.options"}, ConfigPath: "/etc/runsc.toml"})
	if err != nil {
		t.Fatal(err)
	}
	var ro runtimeoptions.Options
	if err := proto.Unmarshal(a.GetValue(), &ro); err != nil {
		t.Fatal(err)
	}
	if a.GetTypeUrl() != "runtimeoptions.v1.Options" || ro.TypeUrl != "io.containerd.runsc.v1.options" || ro.ConfigPath != "/etc/runsc.toml" {
		t.Errorf("runsc options %s %v", a.GetTypeUrl(), &ro)
	}
	a, err = BuildOptions(OptionsSpec{Type: "io.containerd.kata.v2", ConfigPath: "/etc/kata/configuration.toml"})
	if err != nil || a.GetTypeUrl() != "runtimeoptions.v1.Options" {
		t.Fatalf("kata options %v %v", a, err)
	}

	for name, o := range map[string]OptionsSpec{
		"unknown runc key": {Type: "io.containerd.runc.v2", Options: map[string]any{"Binary": "x"}},
		"wrong type":       {Type: "io.containerd.runc.v2", Options: map[string]any{"SystemdCgroup": "yes"}},
		"negative uid":     {Type: "io.containerd.runc.v2", Options: map[string]any{"IoUid": int64(-1)}},
		"fraction uid":     {Type: "io.containerd.runc.v2", Options: map[string]any{"IoUid": 1.5}},
		"runc config_path": {Type: "io.containerd.runc.v2", ConfigPath: "/x"},
		"unknown kata key": {Type: "io.containerd.kata.v2", Options: map[string]any{"BinaryName": "x"}},
		"config disagrees": {Type: "io.containerd.kata.v2", Options: map[string]any{"ConfigPath": "/a"}, ConfigPath: "/b"},
	} {
		if _, err := BuildOptions(o); !errors.Is(err, errdefs.ErrInvalidArgument) {
			t.Errorf("%s: %v, want invalid argument", name, err)
		}
	}
}

func TestParseVersion(t *testing.T) {
	out := "containerd-shim-runc-v2:\n  Version:  1.6.20~ds1\n  Revision: x\n  Go version: go1.19.8\n"
	if v := ParseVersion(out); v != "1.6.20~ds1" {
		t.Errorf("got %q", v)
	}
	if v := ParseVersion("\nshim 1.2\n"); v != "shim 1.2" {
		t.Errorf("got %q", v)
	}
}

func TestValidate(t *testing.T) {
	for _, p := range []string{"/usr/bin/containerd-shim-runc-v2", "/x/containerd-shim-kata-v2", "/x/containerd-shim-a+b-v1"} {
		if err := ValidateBinary(p); err != nil {
			t.Errorf("ValidateBinary(%q): %v", p, err)
		}
	}
	for _, p := range []string{"containerd-shim-runc-v2", "/x/../containerd-shim-runc-v2", "/usr/bin/runc", "/x/containerd-shim-", "/x/containerd-shim-a b", "/x/containerd-shim-a/"} {
		if err := ValidateBinary(p); err == nil {
			t.Errorf("ValidateBinary(%q) accepted", p)
		}
	}
	for _, id := range []string{"a", "abc-def", "a.b_c", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"} {
		if err := ValidateID("id", id); err != nil {
			t.Errorf("ValidateID(%q): %v", id, err)
		}
	}
	for _, id := range []string{"", "-a", "a-", "a..b", "a/b", "..", "a b", string(make([]byte, 77))} {
		if err := ValidateID("id", id); err == nil {
			t.Errorf("ValidateID(%q) accepted", id)
		}
	}
}

func TestProbeRealShims(t *testing.T) {
	for label, bin := range testutil.Shims() {
		v, err := Version(context.Background(), bin)
		if err != nil || v == "" {
			t.Errorf("%s: version %q %v", label, v, err)
		}
		info, err := Info(context.Background(), bin, nil)
		if label == "runc-v2api" {
			if err == nil {
				t.Errorf("1.6 shim has no -info, got %s", info)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s -info: %v", label, err)
		}
		var ri struct {
			Name     string          `json:"name"`
			Version  string          `json:"version"`
			Features json.RawMessage `json:"features"`
		}
		if err := json.Unmarshal(info, &ri); err != nil || ri.Name != "io.containerd.runc.v2" || len(ri.Features) == 0 {
			t.Errorf("%s -info: %s (%v)", label, info, err)
		}
	}
}

func FuzzParseInfo(f *testing.F) {
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, in []byte) {
		if out, err := ParseInfo(in); err == nil && !json.Valid(out) {
			t.Fatalf("invalid JSON %s", out)
		}
	})
}
