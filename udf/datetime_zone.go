package udf

import (
	"fmt"
	"strings"
	"time"

	_ "time/tzdata" // zones work on hosts without a zoneinfo database
)

// dtShortIDs are Java's ZoneId.SHORT_IDS, which java.util.TimeZone IDs
// (ksqlDB's documented time zone format) accept.
var dtShortIDs = map[string]string{
	"ACT": "Australia/Darwin", "AET": "Australia/Sydney", "AGT": "America/Argentina/Buenos_Aires",
	"ART": "Africa/Cairo", "AST": "America/Anchorage", "BET": "America/Sao_Paulo",
	"BST": "Asia/Dhaka", "CAT": "Africa/Harare", "CNT": "America/St_Johns",
	"CST": "America/Chicago", "CTT": "Asia/Shanghai", "EAT": "Africa/Addis_Ababa",
	"ECT": "Europe/Paris", "IET": "America/Indiana/Indianapolis", "IST": "Asia/Kolkata",
	"JST": "Asia/Tokyo", "MIT": "Pacific/Apia", "NET": "Asia/Yerevan",
	"NST": "Pacific/Auckland", "PLT": "Asia/Karachi", "PNT": "America/Phoenix",
	"PRT": "America/Puerto_Rico", "PST": "America/Los_Angeles", "SST": "Pacific/Guadalcanal",
	"VST": "Asia/Ho_Chi_Minh", "EST": "-05:00", "MST": "-07:00", "HST": "-10:00",
}

// dtZoneAbbrev maps zone abbreviations a 'z' pattern letter parses to the
// region Java resolves them to (so "PST" in May means PDT, as in Java).
var dtZoneAbbrev = map[string]string{
	"PST": "America/Los_Angeles", "PDT": "America/Los_Angeles",
	"MST": "America/Denver", "MDT": "America/Denver",
	"CST": "America/Chicago", "CDT": "America/Chicago",
	"EST": "America/New_York", "EDT": "America/New_York",
	"AKST": "America/Anchorage", "AKDT": "America/Anchorage",
	"HST": "Pacific/Honolulu", "GMT": "GMT", "UTC": "UTC", "UT": "UTC", "Z": "UTC",
	"BST": "Europe/London", "CET": "CET", "CEST": "CET", "EET": "EET", "EEST": "EET",
	"WET": "WET", "WEST": "WET", "IST": "Asia/Kolkata", "JST": "Asia/Tokyo",
	"KST": "Asia/Seoul", "AEST": "Australia/Sydney", "AEDT": "Australia/Sydney",
	"NZST": "Pacific/Auckland", "NZDT": "Pacific/Auckland",
}

// dtLoadZone resolves a time zone ID as Java's ZoneId.of (with the short
// IDs) does: Z, +hh, +hh:mm, +hhmm, +hh:mm:ss, UTC/GMT/UT with or without an
// offset, and region IDs such as America/Los_Angeles.
func dtLoadZone(id string) (*time.Location, error) {
	bad := fmt.Errorf("unknown time-zone ID: %s", id)
	if id == "" {
		return nil, bad
	}
	if id == "Z" {
		return time.UTC, nil
	}
	if id[0] == '+' || id[0] == '-' {
		off, n, ok := dtParseOffset(id, "")
		if !ok || n != len(id) {
			return nil, fmt.Errorf("invalid ID for ZoneOffset, invalid format: %s", id)
		}
		return time.FixedZone(dtFormatOffset(off, "+HH:MM:ss", "Z"), off), nil
	}
	for _, pfx := range []string{"UTC", "GMT", "UT"} {
		if strings.HasPrefix(id, pfx) && len(id) > len(pfx) && (id[len(pfx)] == '+' || id[len(pfx)] == '-') {
			off, n, ok := dtParseOffset(id[len(pfx):], "")
			if !ok || n != len(id)-len(pfx) {
				return nil, bad
			}
			return time.FixedZone(id, off), nil
		}
	}
	if alias, ok := dtShortIDs[id]; ok {
		return dtLoadZone(alias)
	}
	if id == "Local" || strings.ContainsAny(id, " \t") {
		return nil, bad
	}
	loc, err := time.LoadLocation(id)
	if err != nil {
		return nil, bad
	}
	return loc, nil
}
