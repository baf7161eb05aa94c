package sdnotify

import (
	"fmt"
	"golang.org/x/sys/unix"
	"net"
	"os"
	"path/filepath"
	"strconv"
)

// Relay receives a container's datagrams on <bundle>/notify/notify.sock and
// forwards their state lines (Filter) to the host socket. pod-shim runs one
// for shim runtimes; pod-conmon has its own in its event loop.
type Relay struct {
	conn *net.UnixConn
	host string
	warn func(format string, args ...any)
}

// Listen binds the relay socket in bundle/notify (which the caller created
// and bind-mounts into the container) and starts forwarding to host.
func Listen(bundle, host string, warn func(string, ...any)) (*Relay, error) {
	path := filepath.Join(bundle, Dir, SocketName)
	_ = os.Remove(path)
	// Bundle paths can be longer than a socket address holds (108 bytes):
	// bind through /proc/self/fd of the directory, as pod-conmon does.
	dir, err := os.OpenFile(filepath.Dir(path), os.O_RDONLY|unix.O_PATH, 0)
	if err != nil {
		return nil, fmt.Errorf("sd_notify relay directory (the caller creates it): %w", err)
	}
	defer dir.Close()
	addr := "/proc/self/fd/" + strconv.Itoa(int(dir.Fd())) + "/" + SocketName
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: addr, Net: "unixgram"})
	if err != nil {
		return nil, fmt.Errorf("sd_notify relay socket %s: %w", path, err)
	}
	// The container's user may be anyone.
	_ = os.Chmod(path, 0o777)
	r := &Relay{conn: conn, host: host, warn: warn}
	go r.loop()
	return r, nil
}

func (r *Relay) loop() {
	buf := make([]byte, 4096)
	for {
		n, _, err := r.conn.ReadFromUnix(buf)
		if err != nil {
			return // closed
		}
		out := Filter(buf[:n])
		if len(out) == 0 {
			continue
		}
		// The relay's process (the monitor) is the main process: said
		// with every message, so the order against pod's own MAINPID
		// message does not matter.
		out = append([]byte("MAINPID="+strconv.Itoa(os.Getpid())+"\n"), out...)
		if err := send(r.host, out); err != nil && r.warn != nil {
			r.warn("forwarding sd_notify message to %s: %v", r.host, err)
		}
	}
}

func send(host string, msg []byte) error {
	c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: host, Net: "unixgram"})
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = c.Write(msg)
	return err
}

// Close stops the relay.
func (r *Relay) Close() error { return r.conn.Close() }
