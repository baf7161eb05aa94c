package sdnotify

import (
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestFilter(t *testing.T) {
	for in, want := range map[string]string{
		"READY=1":                               "READY=1\n",
		"MAINPID=1\nREADY=1\nFDSTORE=1":         "READY=1\n",
		"STATUS=a b\nREADY=10\nWATCHDOG=1\n":    "STATUS=a b\nWATCHDOG=1\n",
		"":                                      "",
		"\x00\xffREADY=1\nERRNO=2\nSTOPPING=1x": "ERRNO=2\n",
	} {
		if got := string(Filter([]byte(in))); got != want {
			t.Errorf("Filter(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidate(t *testing.T) {
	for _, ok := range []string{"", "conmon", "container", "healthy", "ignore"} {
		if err := Validate(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	if err := Validate("Conmon"); err == nil || !strings.Contains(err.Error(), "must be conmon, container, healthy or ignore") {
		t.Errorf("Conmon: %v", err)
	}
}

// The relay binds in a directory whose path is longer than a socket
// address and forwards only state lines to the host socket.
func TestRelayLongPath(t *testing.T) {
	bundle := filepath.Join(t.TempDir(), strings.Repeat("b", 120))
	if err := os.MkdirAll(filepath.Join(bundle, Dir), 0o755); err != nil {
		t.Fatal(err)
	}
	hostPath := filepath.Join(t.TempDir(), "h.sock")
	host, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: hostPath, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	r, err := Listen(bundle, hostPath, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	// Send through a short name for the same socket.
	short := filepath.Join(t.TempDir(), "l")
	if err := os.Symlink(filepath.Join(bundle, Dir), short); err != nil {
		t.Fatal(err)
	}
	c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: short + "/" + SocketName, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, m := range []string{"MAINPID=1", "READY=1\nMAINPID=7\nSTATUS=ok"} {
		if _, err := c.Write([]byte(m)); err != nil {
			t.Fatal(err)
		}
	}
	_ = host.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 512)
	n, err := host.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(buf[:n]), "MAINPID="+strconv.Itoa(os.Getpid())+"\nREADY=1\nSTATUS=ok\n"; got != want {
		t.Errorf("relayed %q", got)
	}
}
