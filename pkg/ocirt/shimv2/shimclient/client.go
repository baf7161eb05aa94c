package shimclient

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"time"

	taskapi "github.com/containerd/containerd/api/runtime/task/v2"
	"github.com/containerd/containerd/api/types/task"
	"github.com/containerd/ttrpc"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// Type URLs of the OCI types carried in Any fields (what containerd and CRI-O
// register; shims decode them as JSON).
const (
	TypeURLProcess        = "types.containerd.io/opencontainers/runtime-spec/1/Process"
	TypeURLLinuxResources = "types.containerd.io/opencontainers/runtime-spec/1/LinuxResources"
)

const (
	serviceV2 = "containerd.task.v2.Task"
	serviceV3 = "containerd.task.v3.Task"

	namespaceKey = "containerd-namespace-ttrpc"
	dialTimeout  = 5 * time.Second
)

// Client is a ttrpc connection to one shim.
type Client struct {
	address   string
	namespace string
	version   int
	conn      net.Conn
	c         *ttrpc.Client
	closed    chan struct{}
}

// Dial connects to the shim at address. version is the task API the shim
// serves (from its bootstrap); TaskAPIUnknown asks v3 first and falls back to
// v2 when the shim answers Unimplemented. namespace is sent as ttrpc metadata
// on every call.
func Dial(ctx context.Context, address, namespace string, version int) (*Client, error) {
	path, err := SocketPath(address)
	if err != nil {
		return nil, err
	}
	d := net.Dialer{Timeout: dialTimeout}
	conn, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		return nil, fmt.Errorf("connecting to shim at %s: %w (%v): %w", address, ErrShimGone, err, errdefs.ErrUnavailable)
	}
	c := &Client{address: address, namespace: namespace, version: version, conn: conn, closed: make(chan struct{})}
	c.c = ttrpc.NewClient(conn, ttrpc.WithOnClose(func() { close(c.closed) }))
	if version == TaskAPIUnknown {
		if err := c.negotiate(ctx); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

// negotiate finds the task API version by calling Connect on v3, then v2.
func (c *Client) negotiate(ctx context.Context) error {
	for _, v := range []int{TaskAPIv3, TaskAPIv2} {
		c.version = v
		_, err := c.Connect(ctx, "")
		if err == nil || !IsUnimplemented(err) {
			// Any answer other than "no such service" proves the version:
			// NotFound for an empty id still came from the task service.
			if err != nil && IsGone(err) {
				return err
			}
			return nil
		}
	}
	return fmt.Errorf("shim at %s serves neither containerd.task.v3.Task nor v2: %w", c.address, errdefs.ErrNotImplemented)
}

// Version is the task API version in use.
func (c *Client) Version() int { return c.version }

// Address is the shim's address.
func (c *Client) Address() string { return c.address }

// Done is closed when the connection to the shim is lost or closed.
func (c *Client) Done() <-chan struct{} { return c.closed }

// Close closes the connection (a failure to close it is of no interest).
func (c *Client) Close() { _ = c.c.Close() }

func (c *Client) call(ctx context.Context, method, id string, req, resp any) error {
	svc := serviceV2
	if c.version == TaskAPIv3 {
		svc = serviceV3
	}
	if c.namespace != "" {
		ctx = ttrpc.WithMetadata(ctx, ttrpc.MD{namespaceKey: []string{c.namespace}})
	}
	return classify(method, id, c.c.Call(ctx, svc, method, req, resp))
}

// CreateRequest is the Create call in pod's terms.
type CreateRequest struct {
	ID, Bundle            string
	Terminal              bool
	Stdin, Stdout, Stderr string // FIFO paths or URIs; empty = none
	Options               *anypb.Any
}

// Create creates the task; it returns the init pid.
func (c *Client) Create(ctx context.Context, r CreateRequest) (int, error) {
	var resp taskapi.CreateTaskResponse
	err := c.call(ctx, "Create", r.ID, &taskapi.CreateTaskRequest{
		ID: r.ID, Bundle: r.Bundle, Terminal: r.Terminal,
		Stdin: r.Stdin, Stdout: r.Stdout, Stderr: r.Stderr, Options: r.Options,
	}, &resp)
	return int(resp.GetPid()), err
}

// Start starts the task (execID empty) or an exec process.
func (c *Client) Start(ctx context.Context, id, execID string) (int, error) {
	var resp taskapi.StartResponse
	err := c.call(ctx, "Start", id, &taskapi.StartRequest{ID: id, ExecID: execID}, &resp)
	return int(resp.GetPid()), err
}

// Exit is a process's exit status as a shim reports it.
type Exit struct {
	Pid    int
	Status int // 128+N when killed by signal N
	At     time.Time
}

// Wait blocks until the process exits. Give it a context without deadline.
func (c *Client) Wait(ctx context.Context, id, execID string) (Exit, error) {
	var resp taskapi.WaitResponse
	if err := c.call(ctx, "Wait", id, &taskapi.WaitRequest{ID: id, ExecID: execID}, &resp); err != nil {
		return Exit{}, err
	}
	return Exit{Status: int(resp.GetExitStatus()), At: resp.GetExitedAt().AsTime()}, nil
}

// Delete removes the task or exec process from the shim and returns its exit.
func (c *Client) Delete(ctx context.Context, id, execID string) (Exit, error) {
	var resp taskapi.DeleteResponse
	if err := c.call(ctx, "Delete", id, &taskapi.DeleteRequest{ID: id, ExecID: execID}, &resp); err != nil {
		return Exit{}, err
	}
	return Exit{Pid: int(resp.GetPid()), Status: int(resp.GetExitStatus()), At: resp.GetExitedAt().AsTime()}, nil
}

// Kill signals the process (all: every process of the task).
func (c *Client) Kill(ctx context.Context, id, execID string, sig int, all bool) error {
	return c.call(ctx, "Kill", id, &taskapi.KillRequest{ID: id, ExecID: execID, Signal: uint32(sig), All: all}, &emptypb.Empty{})
}

// Status values of State.
const (
	StatusUnknown = "unknown"
	StatusCreated = "created"
	StatusRunning = "running"
	StatusStopped = "stopped"
	StatusPaused  = "paused"
	StatusPausing = "pausing"
)

// State is a process's state as a shim reports it.
type State struct {
	ID, ExecID, Bundle    string
	Pid                   int
	Status                string // one of the Status constants
	Stdin, Stdout, Stderr string
	Terminal              bool
	ExitStatus            int
	ExitedAt              time.Time
}

// State returns the state of the task or an exec process.
func (c *Client) State(ctx context.Context, id, execID string) (State, error) {
	var resp taskapi.StateResponse
	if err := c.call(ctx, "State", id, &taskapi.StateRequest{ID: id, ExecID: execID}, &resp); err != nil {
		return State{}, err
	}
	st := State{
		ID: resp.GetID(), ExecID: resp.GetExecID(), Bundle: resp.GetBundle(), Pid: int(resp.GetPid()),
		Stdin: resp.GetStdin(), Stdout: resp.GetStdout(), Stderr: resp.GetStderr(), Terminal: resp.GetTerminal(),
		ExitStatus: int(resp.GetExitStatus()),
	}
	if resp.GetExitedAt() != nil {
		st.ExitedAt = resp.GetExitedAt().AsTime()
	}
	switch resp.GetStatus() {
	case task.Status_CREATED:
		st.Status = StatusCreated
	case task.Status_RUNNING:
		st.Status = StatusRunning
	case task.Status_STOPPED:
		st.Status = StatusStopped
	case task.Status_PAUSED:
		st.Status = StatusPaused
	case task.Status_PAUSING:
		st.Status = StatusPausing
	default:
		st.Status = StatusUnknown
	}
	return st, nil
}

// Exec adds an exec process to the task; Start runs it.
func (c *Client) Exec(ctx context.Context, id, execID string, terminal bool, stdin, stdout, stderr string, p *specs.Process) error {
	spec, err := jsonAny(TypeURLProcess, p)
	if err != nil {
		return err
	}
	return c.call(ctx, "Exec", id, &taskapi.ExecProcessRequest{
		ID: id, ExecID: execID, Terminal: terminal, Stdin: stdin, Stdout: stdout, Stderr: stderr, Spec: spec,
	}, &emptypb.Empty{})
}

// ResizePty resizes the terminal of the task or an exec process.
func (c *Client) ResizePty(ctx context.Context, id, execID string, width, height uint32) error {
	return c.call(ctx, "ResizePty", id, &taskapi.ResizePtyRequest{ID: id, ExecID: execID, Width: width, Height: height}, &emptypb.Empty{})
}

// CloseStdin closes the stdin of the task or an exec process.
func (c *Client) CloseStdin(ctx context.Context, id, execID string) error {
	return c.call(ctx, "CloseIO", id, &taskapi.CloseIORequest{ID: id, ExecID: execID, Stdin: true}, &emptypb.Empty{})
}

// Pids lists the host pids of the task's processes.
func (c *Client) Pids(ctx context.Context, id string) ([]int, error) {
	var resp taskapi.PidsResponse
	if err := c.call(ctx, "Pids", id, &taskapi.PidsRequest{ID: id}, &resp); err != nil {
		return nil, err
	}
	pids := make([]int, 0, len(resp.GetProcesses()))
	for _, p := range resp.GetProcesses() {
		pids = append(pids, int(p.GetPid()))
	}
	return pids, nil
}

// Pause freezes the task.
func (c *Client) Pause(ctx context.Context, id string) error {
	return c.call(ctx, "Pause", id, &taskapi.PauseRequest{ID: id}, &emptypb.Empty{})
}

// Resume thaws the task.
func (c *Client) Resume(ctx context.Context, id string) error {
	return c.call(ctx, "Resume", id, &taskapi.ResumeRequest{ID: id}, &emptypb.Empty{})
}

// Update changes the task's resources.
func (c *Client) Update(ctx context.Context, id string, res *specs.LinuxResources) error {
	a, err := jsonAny(TypeURLLinuxResources, res)
	if err != nil {
		return err
	}
	return c.call(ctx, "Update", id, &taskapi.UpdateTaskRequest{ID: id, Resources: a}, &emptypb.Empty{})
}

// ConnectInfo is what Connect reports.
type ConnectInfo struct {
	ShimPid, TaskPid int
	Version          string
}

// Connect asks the shim for its pid and the task's pid.
func (c *Client) Connect(ctx context.Context, id string) (ConnectInfo, error) {
	var resp taskapi.ConnectResponse
	if err := c.call(ctx, "Connect", id, &taskapi.ConnectRequest{ID: id}, &resp); err != nil {
		return ConnectInfo{}, err
	}
	return ConnectInfo{ShimPid: int(resp.GetShimPid()), TaskPid: int(resp.GetTaskPid()), Version: resp.GetVersion()}, nil
}

// Shutdown asks the shim to exit. Shims ignore it while they hold tasks, so
// Delete every task first. A closed connection counts as success: the shim
// exits while answering.
func (c *Client) Shutdown(ctx context.Context, id string) error {
	err := c.call(ctx, "Shutdown", id, &taskapi.ShutdownRequest{ID: id}, &emptypb.Empty{})
	if err != nil && IsGone(err) {
		return nil
	}
	return err
}

func jsonAny(typeURL string, v any) (*anypb.Any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encoding %s: %w", typeURL, err)
	}
	return &anypb.Any{TypeUrl: typeURL, Value: data}, nil
}
