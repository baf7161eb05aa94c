// Package pidwatch watches a process that need not be our child (a
// container's monitor, a shim reparented to init or a subreaper, another
// pod command) by its pid and start time: whether it still runs, waiting
// until it has exited (a pidfd, bounded by a context), signalling it. The
// start time (clock ticks after boot, field 22 of /proc/PID/stat) names one
// process: a pid recycled for another process has another start time, so a
// recorded (pid, start) pair is never mistaken for the newcomer. A start of
// 0 means "whatever process has pid now".
//
// Zombies (exited, not reaped yet by their parent) are explicit:
//
//   - Running, WaitExit and Kill count a zombie as exited: it runs nothing,
//     and where init reaps slowly a dead shim or monitor stays a zombie for
//     seconds.
//   - StartTime reads a zombie's start time too: a zombie still holds its
//     pid (no other process gets it before the reap), so a start time
//     recorded as the process exits still names it, and Running with it is
//     false once the pid is reused.
package pidwatch
