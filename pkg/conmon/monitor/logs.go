package monitor

import (
	"time"

	"github.com/pod-engine/pod/pkg/conmon/k8sfile"
)

// openLogs opens the log drivers chosen with -l.
func (m *mon) openLogs() string {
	c := m.c
	if c.k8sPath != "" {
		w, err := k8sfile.Open(c.k8sPath)
		if err != nil {
			return "Failed to open log file: " + err.Error()
		}
		w.MaxSize, w.GlobalMax, w.NoSync = c.LogSizeMax, c.LogGlobalSizeMax, c.NoSyncLog
		m.k8s = w
	}
	if c.journald {
		j, msg := newJournal(c)
		if msg != "" {
			return msg
		}
		m.journal = j
	}
	return ""
}

func (m *mon) writeLogs(stream string, data []byte) {
	if m.k8s != nil {
		if err := m.k8s.Write(stream, data, time.Now()); err != nil {
			warnf("write_k8s_log failed: " + err.Error())
		}
	}
	if m.journal != nil {
		m.journal.write(stream, data)
	}
}

// closeLogs flushes partial journald lines and syncs (unless
// --no-sync-log) and closes the k8s-file log.
func (m *mon) closeLogs() {
	if m.journal != nil {
		m.journal.flush()
		m.journal.close()
		m.journal = nil
	}
	if m.k8s != nil {
		if err := m.k8s.Close(); err != nil {
			warnf("Failed to sync log file before exit: " + err.Error())
		}
		m.k8s = nil
	}
}
