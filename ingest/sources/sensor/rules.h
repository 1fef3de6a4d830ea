// The configuration of a sensor-threshold source, read from its [[source]] entry: the CAP fields
// it stamps on every alert and its threshold lines, one string per level of one series:
//
//   "01491000:00065 warn=5.0 clear=4.5 severity=Moderate event=River Flood Warning"
//
// The first word names the series (USGS: SITE:PARAMETER; CSV: STATION or STATION:LABEL); then
// key=value pairs, where a value runs up to the next word that contains '=' (so `event=` and
// `name=` may hold spaces). Keys: warn, clear, severity, event (required); lat, lon, name, unit
// (optional; lat and lon required for CSV stations). Several lines for one series are its
// levels, ordered by warn. docs/sources/sensor.md describes the grammar and the rules.
// Plain data and pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "capcast/config/config.h"

namespace capcast::ingest::sensor {

enum class Dialect {
  kUsgsWater,  // series key SITE:PARAMETER, matching USGS siteCode and variableCode
  kCsv,        // series key STATION[:LABEL]; CSV rows name STATION; coordinates required
};

// One level of a series: entered when a value reaches `warn`, left when a value falls below
// `clear` (clear < warn; the band between them is the hysteresis).
struct Level {
  double warn = 0;
  double clear = 0;
  std::string warn_text;  // as written, for identifiers and messages
  std::string clear_text;
  std::string severity;  // CAP 1.2 §3.2.2 severity
  std::string event;     // CAP 1.2 §3.2.2 event
  int line = 0;          // 1-based index in `thresholds`
};

struct SeriesRule {
  std::string key;                 // "01491000:00065", or the CSV station ("gauge-7")
  std::string station;             // "01491000"
  std::string param;               // "00065"; for CSV the label after ':' or "value"
  std::string name;                // name= (overrides the feed's site name)
  std::string unit;                // unit= (overrides the feed's unit)
  std::optional<double> latitude;  // lat= / lon= (override the feed's geoLocation)
  std::optional<double> longitude;
  std::vector<Level> levels;  // ascending warn, at least one
};

struct Rules {
  std::string sender;
  std::string sender_name;
  std::string category = "Met";
  std::string status = "Actual";
  double area_radius_km = 10;
  int64_t expires_after_ms = 0;    // 0: no <expires>
  bool replay_first_poll = false;  // see docs/sources/sensor.md, "First poll"
  std::vector<SeriesRule> series;  // in order of first appearance
  bool usable = true;              // false when a source-wide key is wrong: no alert can be made
  const SeriesRule* find(const std::string& key) const;
};

// The [[source]] keys of the sensor formats (both dialects share them).
std::vector<config::Key> rule_keys();

// Reads the rules. Every bad threshold line yields one problem naming the line ("thresholds[2]
// \"...\": clear 5.5 is not below warn 5.0") and is skipped; the other lines still apply. A bad
// source-wide key (sender, category, status, area_radius_km) makes the rules unusable.
Rules read_rules(const config::Section& options, Dialect dialect,
                 std::vector<std::string>& problems);

}  // namespace capcast::ingest::sensor
