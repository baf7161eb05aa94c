package libpod

import (
	"sync"
	"time"

	"github.com/pod-engine/pod/pkg/events"
)

// eventsState is the runtime's lazily opened event backend (pkg/events).
type eventsState struct {
	once sync.Once
	w    events.Eventer
	err  error
}

// Events returns the configured event backend (containers.conf
// events_logger, --events-backend), for `pod events`.
func (r *Runtime) Events() (events.Eventer, error) {
	r.ev.once.Do(func() {
		e := &r.cfg.Engine
		r.ev.w, r.ev.err = events.New(events.Options{
			Backend: e.EventsLogger,
			LogFile: e.EventsLogFilePath,
			TmpDir:  r.paths.TmpDir,
			MaxSize: e.EventsLogMaxSize(),
		})
	})
	return r.ev.w, r.ev.err
}

// writeEvent records e; a failure is a warning, never the verb's error.
func (r *Runtime) writeEvent(e events.Event) {
	w, err := r.Events()
	if err == nil {
		err = w.Write(e)
	}
	if err != nil {
		r.warnf("unable to write %s event: %v", e.Status, err)
		return
	}
	r.debugf("%s event written", e.Status)
}

// event records a container lifecycle step: the one call each verb makes.
func (c *Container) event(st events.Status) {
	c.rt.writeEvent(c.newEvent(st))
}

// exitEvent records a died or exec_died event with its exit code.
func (c *Container) exitEvent(st events.Status, code int, attrs map[string]string) {
	e := c.newEvent(st)
	e.ContainerExitCode = code
	for k, v := range attrs {
		if e.Attributes == nil {
			e.Attributes = map[string]string{}
		}
		e.Attributes[k] = v
	}
	c.rt.writeEvent(e)
}

// healthEvent records a health_status event.
func (c *Container) healthEvent(status string) {
	e := c.newEvent(events.HealthStatus)
	e.HealthStatus = status
	c.rt.writeEvent(e)
}

func (c *Container) newEvent(st events.Status) events.Event {
	e := events.Event{
		Type:   events.Container,
		Status: st,
		Time:   time.Now(),
		ID:     c.config.ID,
		Name:   c.config.Name,
		Image:  c.config.ImageName,
	}
	if e.Image == "" {
		e.Image = c.config.Image
	}
	if len(c.config.Spec.Labels) > 0 {
		e.Attributes = make(map[string]string, len(c.config.Spec.Labels))
		for k, v := range c.config.Spec.Labels {
			e.Attributes[k] = v
		}
	}
	return e
}

// event records a pod lifecycle step (Podman 4.3.1's pod events: create,
// start, stop, kill, pause, unpause, remove).
func (p *Pod) event(st events.Status) {
	p.rt.writeEvent(events.Event{Type: events.Pod, Status: st, Time: time.Now(), ID: p.config.ID, Name: p.config.Name})
}

// after records st when err is nil and returns err: the one line a pod
// verb ends with.
func (p *Pod) after(st events.Status, err error) error {
	if err == nil {
		p.event(st)
	}
	return err
}

// volumeEvent records a volume's create or remove (Podman names only the
// volume).
func (r *Runtime) volumeEvent(st events.Status, name string) {
	r.writeEvent(events.Event{Type: events.Volume, Status: st, Time: time.Now(), Name: name})
}
