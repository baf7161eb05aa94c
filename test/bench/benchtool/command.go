package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// command is one benchmarked command line: NAME=[VAR=value...] argv...
type command struct {
	name string
	env  []string // VAR=value set for this command only
	argv []string // may contain {i}, replaced by the round number
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]*$`)
var envRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)

// parseCommand parses "NAME=CMDLINE". CMDLINE is split like a shell splits
// words (quotes and backslashes, no expansion); leading VAR=value words
// become the command's environment.
func parseCommand(spec string) (command, error) {
	name, line, ok := strings.Cut(spec, "=")
	if !ok || !nameRE.MatchString(name) {
		return command{}, fmt.Errorf("command %q: want NAME=CMDLINE with NAME of letters, digits, ._+-", spec)
	}
	words, err := splitWords(line)
	if err != nil {
		return command{}, fmt.Errorf("command %s: %w", name, err)
	}
	c := command{name: name}
	for len(words) > 0 && envRE.MatchString(words[0]) {
		c.env = append(c.env, words[0])
		words = words[1:]
	}
	if len(words) == 0 {
		return command{}, fmt.Errorf("command %s: empty command line", name)
	}
	c.argv = words
	return c, nil
}

// splitWords splits s into words the way sh does for a simple command
// without expansions: blanks separate words, '…' is literal, "…" honours
// \" \\ \$ \`, and a backslash outside quotes escapes the next character.
func splitWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == ' ' || ch == '\t' || ch == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case ch == '\'':
			inWord = true
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, errors.New("unterminated single quote")
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
		case ch == '"':
			inWord = true
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\"\\$`", s[i+1]) >= 0 {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, errors.New("unterminated double quote")
			}
		case ch == '\\':
			inWord = true
			if i+1 >= len(s) {
				return nil, errors.New("trailing backslash")
			}
			i++
			cur.WriteByte(s[i])
		default:
			inWord = true
			cur.WriteByte(ch)
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// result is one timed execution.
type result struct {
	wall   time.Duration // until the command itself exited
	tree   time.Duration // until its last descendant exited (settle mode)
	cpu    time.Duration // user+system CPU of every reaped descendant (the whole tree in settle mode)
	err    error
	stderr string // tail of stderr when err != nil
}

// becomeSubreaper makes orphaned descendants (daemonized monitors, exit
// commands) children of this process, so settle can wait for them.
func becomeSubreaper() error {
	const prSetChildSubreaper = 36
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0); errno != 0 {
		return fmt.Errorf("prctl(PR_SET_CHILD_SUBREAPER): %w", errno)
	}
	return nil
}

// settle reaps orphaned descendants until none is left or the deadline
// passes, and returns when the last one exited. It polls (every
// millisecond) instead of blocking so that a descendant that never exits
// cannot hang the benchmark; it must not run while a command is running,
// or it could reap that command's own exit status.
func settle(deadline time.Time) (last time.Time, complete bool) {
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
		switch {
		case errors.Is(err, syscall.ECHILD):
			return last, true
		case errors.Is(err, syscall.EINTR):
		case err != nil:
			return last, false
		case pid > 0:
			last = time.Now()
		case time.Now().After(deadline):
			return last, false
		default:
			time.Sleep(time.Millisecond)
		}
	}
}

// runOnce runs argv (with {i} replaced by round) with stdin and stdout on
// /dev/null and stderr in a file (a pipe would make Wait block on a
// daemonized grandchild that inherited it), and times it from just before
// fork to just after wait.
// With settleFor > 0 it then waits up to that long for orphaned
// descendants (needs becomeSubreaper) and reports the whole tree's time.
func runOnce(ctx context.Context, c command, round int, timeout, settleFor time.Duration, errFile *os.File) result {
	argv := make([]string, len(c.argv))
	for i, a := range c.argv {
		argv[i] = strings.ReplaceAll(a, "{i}", strconv.Itoa(round))
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	if len(c.env) > 0 {
		cmd.Env = append(os.Environ(), c.env...)
	}
	if errFile != nil {
		_ = errFile.Truncate(0)
		_, _ = errFile.Seek(0, 0)
		cmd.Stderr = errFile
	}
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return result{err: err}
	}
	defer devnull.Close()
	cmd.Stdout = devnull
	cpu0 := childrenCPU()
	start := time.Now()
	err = cmd.Run()
	r := result{wall: time.Since(start), err: err}
	r.tree = r.wall
	if settleFor > 0 {
		last, complete := settle(time.Now().Add(settleFor))
		if d := last.Sub(start); !last.IsZero() && d > r.tree {
			r.tree = d
		}
		if !complete {
			fmt.Fprintf(os.Stderr, "benchtool: %s (round %d): descendants still running after %v; going on\n", c.name, round, settleFor)
		}
	}
	r.cpu = childrenCPU() - cpu0
	if err != nil && errFile != nil {
		r.stderr = fileTail(errFile, 600)
	}
	return r
}

// childrenCPU is the user+system CPU time of all reaped descendants so far
// (RUSAGE_CHILDREN: a child's total includes the descendants it reaped,
// and a subreaper reaps the orphans itself).
func childrenCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func fileTail(f *os.File, n int64) string {
	st, err := f.Stat()
	if err != nil {
		return ""
	}
	off := max(st.Size()-n, 0)
	buf := make([]byte, st.Size()-off)
	_, _ = f.ReadAt(buf, off)
	return strings.TrimSpace(string(buf))
}
