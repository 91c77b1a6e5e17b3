package engine

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/rql/rql/rqlerr"
)

// lockDir takes an exclusive lock on dir/LOCK, held until the returned
// function runs (or the process dies: the kernel drops flock locks of a
// killed process, so a SIGKILLed engine never leaves a stale lock).
func lockDir(dir string) (func(), error) {
	f, err := os.OpenFile(filepath.Join(dir, "LOCK"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, rqlerr.Wrap(rqlerr.KafkaConfig, err, "opening the state directory lock")
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, rqlerr.New(rqlerr.KafkaConfig,
				"state directory %s is in use by another rql process (give each process its own --state-dir)", dir)
		}
		return nil, rqlerr.Wrap(rqlerr.KafkaConfig, err, "locking the state directory")
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// memberID returns the engine's member id, stored in dir/member-id and
// created on first use. It names this engine in its consumer groups
// (group.instance.id) and transactional ids, so that a restarted process
// takes its predecessor's place at once.
func memberID(dir string) (string, error) {
	p := filepath.Join(dir, "member-id")
	if b, err := os.ReadFile(p); err == nil {
		if id := strings.TrimSpace(string(b)); id != "" {
			return id, nil
		}
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", rqlerr.Wrap(rqlerr.KafkaConfig, err, "generating a member id")
	}
	id := "m" + hex.EncodeToString(b[:])
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, []byte(id+"\n"), 0o644); err != nil {
		return "", rqlerr.Wrap(rqlerr.KafkaConfig, err, "writing the member id")
	}
	if err := os.Rename(tmp, p); err != nil {
		return "", rqlerr.Wrap(rqlerr.KafkaConfig, err, "writing the member id")
	}
	return id, nil
}
