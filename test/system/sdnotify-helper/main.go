// Command sdnotify-helper is a test tool for the sd_notify system tests
// (500-sdnotify.bats). It is built static so it runs inside busybox images.
//
//	sdnotify-helper listen SOCKET FILE   bind a unixgram socket at SOCKET and
//	                                     append each datagram to FILE, followed
//	                                     by a line "--" (runs until killed)
//	sdnotify-helper send MESSAGE         send MESSAGE ("\n" escapes allowed)
//	                                     to $NOTIFY_SOCKET, as a service would
package main

import (
	"fmt"
	"net"
	"os"
	"strings"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: sdnotify-helper listen SOCKET FILE | send MESSAGE")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "listen":
		if len(os.Args) != 4 {
			os.Exit(2)
		}
		listen(os.Args[2], os.Args[3])
	case "send":
		send(strings.ReplaceAll(os.Args[2], `\n`, "\n"))
	default:
		os.Exit(2)
	}
}

func listen(sock, file string) {
	_ = os.Remove(sock)
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out, err := os.OpenFile(file, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	buf := make([]byte, 65536)
	for {
		n, _, err := c.ReadFromUnix(buf)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		msg := strings.TrimRight(string(buf[:n]), "\n")
		fmt.Fprintf(out, "%s\n--\n", msg)
	}
}

func send(msg string) {
	sock := os.Getenv("NOTIFY_SOCKET")
	if sock == "" {
		fmt.Fprintln(os.Stderr, "NOTIFY_SOCKET is not set")
		os.Exit(1)
	}
	c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if _, err := c.Write([]byte(msg)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
