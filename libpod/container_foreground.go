package libpod

import (
	"fmt"

	"github.com/pod-engine/pod/pkg/conmon"
)

// foregroundExitDelay holds back the monitor's exit command (cleanup) when a
// pod process is attached in the foreground (run, start --attach): that
// process cleans up itself right after the exit, and the exit command, a
// second full pod process, would only compete with it for the CPU and the
// lock. The monitor skips it altogether once that cleanup is done: with
// --rm the removal's last step removes the exit file, without it the
// cleanup's last step creates <persist-dir>/cleaned (markCleaned). The
// monitor waits for either while this process holds the container's
// foreground lock (conmon.ExitCommand.Hold), so no timing decides it. If
// the foreground pod dies or detaches, it lets go of the lock without
// either sign, and the exit command cleans up.
const foregroundExitDelay = 1

// foregroundFile is the lock a foreground pod process holds while it runs
// the container (conmon.ForegroundFile).
func (c *Container) foregroundFile() string {
	return conmon.ForegroundFile(c.rt.paths.Exits, c.config.ID)
}

// releaseForeground lets go of the foreground lock, if held.
func (c *Container) releaseForeground() {
	if c.foreground != nil {
		_ = c.foreground.Close()
		c.foreground = nil
	}
}

// holdForeground takes the foreground lock before the process starts: at
// init for a foreground start, or at the start of a container created
// earlier (pod init), whose monitor looks for the lock at the exit too.
func (c *Container) holdForeground() error {
	f, err := conmon.HoldForeground(c.foregroundFile())
	if err != nil {
		return fmt.Errorf("container %s: %w", c.config.Name, err)
	}
	c.foreground = f
	return nil
}
