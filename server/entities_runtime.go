package server

import (
	"fmt"
	"strings"

	"github.com/rql/rql/engine"
	"github.com/rql/rql/exec/asyncio"
	"github.com/rql/rql/exec/driver"
	"github.com/rql/rql/planner"
)

// runtimeStats are a query's runtime figures in rqlStatus (SHOW QUERIES,
// DESCRIBE's read and write queries).
type runtimeStats struct {
	InRate         float64           `json:"recordsInPerSec"`
	OutRate        float64           `json:"recordsOutPerSec"`
	Lag            *int64            `json:"consumerLag,omitempty"` // nil: not known yet
	PartitionLag   map[string]int64  `json:"partitionLag,omitempty"`
	CommitMsAvg    float64           `json:"commitLatencyAvgMs"`
	CommitMsMax    float64           `json:"commitLatencyMaxMs"`
	Restored       int64             `json:"restoredRecords"`
	Restoring      []restoreInfo     `json:"restoring,omitempty"`
	Progress       string            `json:"progress,omitempty"`
	Enrichments    []enrichmentStats `json:"enrichments,omitempty"`
	StatsSampledAt string            `json:"sampledAt,omitempty"`
}

type restoreInfo struct {
	Changelog string `json:"changelog"`
	Restored  int64  `json:"restored"`
	Total     int64  `json:"total"`
}

type enrichmentStats struct {
	Name  string        `json:"name"`
	Stats asyncio.Stats `json:"stats"`
	Text  string        `json:"summary"`
}

func runtimeOf(st engine.QueryStatus) runtimeStats {
	rs := runtimeStats{InRate: st.InRate, OutRate: st.OutRate, Restored: st.Restored, Progress: engine.Progress(st),
		CommitMsAvg: float64(st.CommitLatency.Avg().Microseconds()) / 1000,
		CommitMsMax: float64(st.CommitLatency.Max.Microseconds()) / 1000}
	if st.TotalLag >= 0 {
		lag := st.TotalLag
		rs.Lag = &lag
	}
	for _, l := range st.Lag {
		if l.Lag >= 0 {
			if rs.PartitionLag == nil {
				rs.PartitionLag = map[string]int64{}
			}
			rs.PartitionLag[l.Partition] = l.Lag
		}
	}
	for _, r := range st.Restoring {
		rs.Restoring = append(rs.Restoring, restoreInfo{Changelog: r.Changelog, Restored: r.Restored, Total: r.Total})
	}
	for _, en := range st.Enrichments {
		rs.Enrichments = append(rs.Enrichments, enrichmentStats{Name: en.Name, Stats: en.Stats,
			Text: driver.EnrichStatsText(en.Stats)})
	}
	if !st.Sampled.IsZero() {
		rs.StatsSampledAt = st.Sampled.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	return rs
}

// sourceStatistics renders DESCRIBE EXTENDED's statistics and errorStats
// (ksqlDB fills them with "name: value" pairs): the runtime figures of the
// queries writing src on this server.
func (s *Server) sourceStatistics(src *planner.Source) (stats, errs string) {
	var sb, eb strings.Builder
	for _, id := range s.eng.Catalog().QueriesWriting(src.Name) {
		st, ok := s.eng.Query(id)
		if !ok {
			continue
		}
		for _, l := range engine.RuntimeLines(st) {
			if l[0] == "error" || l[0] == "processing errors" {
				fmt.Fprintf(&eb, "%s %s: %s\n", id, l[0], l[1])
				continue
			}
			fmt.Fprintf(&sb, "%s %s: %s\n", id, l[0], l[1])
		}
	}
	return strings.TrimRight(sb.String(), "\n"), strings.TrimRight(eb.String(), "\n")
}
