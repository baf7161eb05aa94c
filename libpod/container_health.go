package libpod

import "github.com/pod-engine/pod/pkg/healthcheck"

// resetHealth starts a container's health afresh ("starting") at each
// start. The container is locked.
func (c *Container) resetHealth() {
	if c.config.Healthcheck == nil {
		c.state.Health = nil
		return
	}
	h := healthcheck.Initial()
	c.state.Health = &h
}

// HealthStatus is the container's health ("starting", "healthy",
// "unhealthy"), "" without a healthcheck or while not running.
func (c *Container) HealthStatus() string {
	if c.state.Health == nil || c.config.Healthcheck == nil || c.state.Status != StatusRunning {
		return ""
	}
	return c.state.Health.Status
}
