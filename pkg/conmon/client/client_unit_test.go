package client

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/pod-engine/pod/pkg/errdefs"
)

func TestParseDetachKeys(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []byte
		bad  bool
	}{
		{"", nil, false},
		{"ctrl-p,ctrl-q", []byte{16, 17}, false},
		{"a,b", []byte{'a', 'b'}, false},
		{"ctrl-@,ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_", []byte{0, 27, 28, 29, 30, 31}, false},
		{"ctrl-a", []byte{1}, false},
		{",", nil, true},
		{"ctrl-A", nil, true},
		{"ctrl-", nil, true},
		{"ab", nil, true},
		{"a,,b", nil, true},
	} {
		got, err := ParseDetachKeys(tc.in)
		if tc.bad {
			if err == nil || !errors.Is(err, errdefs.ErrInvalidArgument) {
				t.Errorf("ParseDetachKeys(%q) = %v, %v; want invalid argument", tc.in, got, err)
			}
			continue
		}
		if err != nil || !bytes.Equal(got, tc.want) {
			t.Errorf("ParseDetachKeys(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestDetacher(t *testing.T) {
	keys := []byte{16, 17}
	for _, tc := range []struct {
		name   string
		chunks []string
		out    string
		detach bool
	}{
		{"plain", []string{"hello"}, "hello", false},
		{"sequence", []string{"ab\x10\x11cd"}, "ab", true},
		{"split", []string{"ab\x10", "\x11cd"}, "ab", true},
		{"broken", []string{"ab\x10", "xy"}, "ab\x10xy", false},
		{"restart", []string{"\x10\x10\x11"}, "\x10", true},
		{"held-at-end", []string{"a\x10"}, "a", false},
	} {
		d := detacher{keys: keys}
		var out []byte
		det := false
		for _, c := range tc.chunks {
			o, dd := d.filter([]byte(c))
			out = append(out, o...)
			if dd {
				det = true
				break
			}
		}
		if string(out) != tc.out || det != tc.detach {
			t.Errorf("%s: out %q detach %v; want %q %v", tc.name, out, det, tc.out, tc.detach)
		}
	}
	d := detacher{keys: keys}
	d.filter([]byte("z\x10"))
	if got := d.flush(); string(got) != "\x10" {
		t.Errorf("flush = %q, want the held key", got)
	}
}

func TestParseMessage(t *testing.T) {
	v, err := parseMessage([]byte(`{"data": 1234}`))
	if err != nil || v != 1234 {
		t.Fatalf("data: %d %v", v, err)
	}
	v, err = parseMessage([]byte(`{"pid": 7}`))
	if err != nil || v != 7 {
		t.Fatalf("pid: %d %v", v, err)
	}
	v, err = parseMessage([]byte(`{"exit_code": 0}`))
	if err != nil || v != 0 {
		t.Fatalf("exit_code: %d %v", v, err)
	}
	_, err = parseMessage([]byte(`{"data": -1, "message": "runc create failed: \/x\n"}`))
	var se *SyncError
	if !errors.As(err, &se) || se.Code != -1 || se.Message != "runc create failed: /x\n" || !errors.Is(err, errdefs.ErrRuntime) {
		t.Fatalf("failure: %#v %v", se, err)
	}
	if _, err := parseMessage([]byte(`{}`)); err == nil {
		t.Fatal("empty message accepted")
	}
	if _, err := parseMessage([]byte(`nonsense`)); err == nil {
		t.Fatal("garbage accepted")
	}
}

// TestStreamReadsPastReset: a monitor that closes the connection with our
// input unread resets it, and the kernel reports the reset ahead of the
// output still queued. The output must still arrive (a quick `exec -it`
// lost its only line this way).
func TestStreamReadsPastReset(t *testing.T) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	mon, ours := fds[0], fds[1]
	if err := unix.SetNonblock(ours, true); err != nil {
		t.Fatal(err)
	}
	c := &AttachConn{f: os.NewFile(uintptr(ours), "attach")}
	if _, err := unix.Write(ours, []byte("input the monitor never reads")); err != nil {
		t.Fatal(err)
	}
	for _, pkt := range []string{"\x02last ", "\x03words\n", "\x02out\n"} {
		if _, err := unix.Write(mon, []byte(pkt)); err != nil {
			t.Fatal(err)
		}
	}
	unix.Close(mon)
	var stdout, stderr bytes.Buffer
	if err := c.Stream(context.Background(), AttachOptions{Stdout: &stdout, Stderr: &stderr}); err != nil {
		t.Fatalf("Stream: %v", err)
	}
	if stdout.String() != "last out\n" || stderr.String() != "words\n" {
		t.Fatalf("stdout %q, stderr %q; want %q, %q", stdout.String(), stderr.String(), "last out\n", "words\n")
	}
}
