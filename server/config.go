package server

import (
	"log/slog"

	"github.com/rql/rql/engine"
)

// DefaultMaxBodyBytes caps request bodies when Config.MaxBodyBytes is 0.
const DefaultMaxBodyBytes = 1 << 20

// Config configures a Server.
type Config struct {
	// Engine configures the engine the server runs (bootstrap servers,
	// state directory, service id, initial properties, logger).
	Engine engine.Options
	// AuthToken, when set, is the bearer token every endpoint but
	// /healthcheck requires ("Authorization: Bearer <token>").
	AuthToken string
	// BasicUser and BasicPassword, when BasicUser is set, are the HTTP
	// basic credentials every endpoint but /healthcheck requires. Either
	// credential is accepted when both AuthToken and BasicUser are set.
	BasicUser, BasicPassword string
	// MaxBodyBytes caps request bodies (DefaultMaxBodyBytes when 0);
	// /inserts-stream bodies are capped per line instead.
	MaxBodyBytes int64
	// AdvertisedListener is the URL the other servers of the service reach
	// this one at ("http://host:port"), advertised to them through the
	// queries' consumer groups: they forward it the pull queries that need
	// the partitions it owns, and /clusterStatus lists it. Empty: pull
	// queries needing partitions another server owns fail here, and no
	// other server can forward to this one (Engine.Endpoint overrides it).
	AdvertisedListener string
	// Version is reported by /info.
	Version string
	// Logger receives request errors and command-topic events (nil: the
	// engine's logger, else discarded).
	Logger *slog.Logger
}

func (c Config) maxBody() int64 {
	if c.MaxBodyBytes > 0 {
		return c.MaxBodyBytes
	}
	return DefaultMaxBodyBytes
}
