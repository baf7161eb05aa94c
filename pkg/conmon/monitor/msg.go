package monitor

import (
	"os"
	"strconv"
	"syscall"
)

// Diagnostic levels (--log-level).
const (
	levelError = iota
	levelWarn
	levelInfo
	levelDebug
	levelTrace
)

func levelByName(s string) (int, bool) {
	switch s {
	case "error", "fatal", "panic":
		return levelError, true
	case "warn", "warning":
		return levelWarn, true
	case "info":
		return levelInfo, true
	case "debug":
		return levelDebug, true
	case "trace":
		return levelTrace, true
	}
	return 0, false
}

// logger writes the monitor's own diagnostics: to stderr (the caller's in
// the first process, /dev/null once daemonized) and, with --syslog, to the
// local syslog socket.
type logger struct {
	level  int
	syslog bool
	cid    string
	sysfd  int
}

var diag = &logger{level: levelWarn, sysfd: -1}

// on reports whether messages of level are written: callers check it
// before building a message, so that a quiet monitor allocates nothing.
func (l *logger) on(level int) bool { return level <= l.level }

func (l *logger) log(level int, msg string) {
	if !l.on(level) {
		return
	}
	tag := "ewidt"[level : level+1]
	line := "[pod-conmon:" + tag + "] " + msg + "\n"
	_, _ = syscall.Write(2, []byte(line))
	if l.syslog {
		l.toSyslog(level, msg)
	}
}

// toSyslog sends one RFC 3164-style datagram to /dev/log, best effort.
func (l *logger) toSyslog(level int, msg string) {
	if l.sysfd < 0 {
		fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_DGRAM|syscall.SOCK_CLOEXEC, 0)
		if err != nil {
			l.syslog = false
			return
		}
		if err := syscall.Connect(fd, &syscall.SockaddrUnix{Name: "/dev/log"}); err != nil {
			syscall.Close(fd)
			l.syslog = false
			return
		}
		l.sysfd = fd
	}
	sev := [...]int{3, 4, 6, 7, 7}[level]
	pkt := "<" + strconv.Itoa(8+sev) + ">pod-conmon: " + shortID(l.cid) + ": " + msg
	_, _ = syscall.Write(l.sysfd, []byte(pkt))
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

func errorf(msg string) { diag.log(levelError, msg) }
func warnf(msg string)  { diag.log(levelWarn, msg) }
func infof(msg string)  { diag.log(levelInfo, msg) }
func debugf(msg string) { diag.log(levelDebug, msg) }
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// fatal reports msg and ends the process with status 1. Used only before
// anything needs cleaning up (argument and setup errors).
func fatal(msg string) {
	errorf(msg)
	os.Exit(1)
}
