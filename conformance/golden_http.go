package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"

	"github.com/rql/rql/exec/driver"
)

// goldenServices are the built-in HTTP services a golden test may start
// with "-- http: <name>". Each runs on a loopback port; the driver's HTTP
// client sends every request for host <name> (any port) to it, so that
// the .sql file names it by a stable URL (url='http://geo/lookup') and the
// output does not depend on the port.
var goldenServices = map[string]func() http.Handler{
	"geo": func() http.Handler { return &geoService{calls: map[string]int{}} },
}

// geoService is a deterministic geolocation service:
//
//	POST /lookup {"ip": "..."}   or   GET /ip/<ip>
//
// answers 200 {"data": {"country", "city", "calls", "key"}}: the country
// and city of a few known addresses (else "ZZ" / "unknown"), how many
// calls this address has had so far (1 on the first; cached results keep
// showing 1), and the request's Idempotency-Key. Addresses select
// failures: "bad..." 500, "missing..." 404, "flaky..." 503 with
// Retry-After: 0 on its first call (then 200), "hang..." never answers.
type geoService struct {
	mu    sync.Mutex
	calls map[string]int
}

var geoTable = map[string][2]string{
	"1.2.3.4": {"FR", "Paris"},
	"5.6.7.8": {"DE", "Berlin"},
	"9.9.9.9": {"US", "Berkeley"},
	"8.8.8.8": {"US", "Mountain View"},
}

func (s *geoService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ip := strings.TrimPrefix(r.URL.Path, "/ip/")
	if r.URL.Path == "/lookup" {
		var body struct {
			IP string `json:"ip"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			http.Error(w, "bad request body", http.StatusBadRequest)
			return
		}
		ip = body.IP
	} else if !strings.HasPrefix(r.URL.Path, "/ip/") {
		http.NotFound(w, r)
		return
	}
	s.mu.Lock()
	s.calls[ip]++
	n := s.calls[ip]
	s.mu.Unlock()
	switch {
	case strings.HasPrefix(ip, "bad"):
		http.Error(w, "lookup failed", http.StatusInternalServerError)
		return
	case strings.HasPrefix(ip, "missing"):
		http.Error(w, "no such address", http.StatusNotFound)
		return
	case strings.HasPrefix(ip, "flaky") && n == 1:
		w.Header().Set("Retry-After", "0")
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	case strings.HasPrefix(ip, "hang"):
		<-r.Context().Done()
		return
	}
	loc, ok := geoTable[ip]
	if !ok {
		loc = [2]string{"ZZ", "unknown"}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{
		"country": loc[0], "city": loc[1], "calls": n, "key": r.Header.Get("Idempotency-Key")}})
}

// goldenHTTP runs the services of one golden test.
type goldenHTTP struct {
	servers map[string]*httptest.Server
	client  *http.Client
}

// startGoldenHTTP starts the named services and returns the client that
// routes host <name> to them.
func startGoldenHTTP(names []string) (*goldenHTTP, error) {
	g := &goldenHTTP{servers: map[string]*httptest.Server{}}
	for _, n := range names {
		mk, ok := goldenServices[n]
		if !ok {
			g.close()
			known := make([]string, 0, len(goldenServices))
			for k := range goldenServices {
				known = append(known, k)
			}
			sort.Strings(known)
			return nil, fmt.Errorf("unknown golden HTTP service %q (known: %s)", n, strings.Join(known, ", "))
		}
		if _, dup := g.servers[n]; !dup {
			g.servers[n] = httptest.NewServer(mk())
		}
	}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			srv, ok := g.servers[host]
			if !ok {
				return nil, fmt.Errorf("no golden HTTP service %s (start it with -- http: %s)", host, host)
			}
			var d net.Dialer
			return d.DialContext(ctx, network, srv.Listener.Addr().String())
		},
		MaxIdleConnsPerHost: 64,
	}
	g.client = &http.Client{Transport: tr}
	return g, nil
}

func (g *goldenHTTP) close() {
	if g.client != nil {
		g.client.CloseIdleConnections()
	}
	for _, s := range g.servers {
		s.CloseClientConnections()
		s.Close()
	}
}

// factory is DriverEngine with g's HTTP client.
func (g *goldenHTTP) factory(props map[string]string) (Engine, error) {
	d, err := driver.New(driver.Options{Registry: testRegistry(), Properties: props, Now: func() int64 { return 0 },
		HTTPClient: g.client})
	if err != nil {
		return nil, err
	}
	return driverEngine{d}, nil
}
