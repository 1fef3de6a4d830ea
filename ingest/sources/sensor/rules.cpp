#include "rules.h"

#include <algorithm>
#include <cmath>

#include "capcast/cap/enums.h"
#include "observation.h"

namespace capcast::ingest::sensor {
namespace {

using config::Key;
using config::Type;
using config::Value;

const char* const kLineKeys[] = {"warn", "clear", "severity", "event",
                                 "lat",  "lon",   "name",     "unit"};

bool is_line_key(std::string_view k) {
  return std::find(std::begin(kLineKeys), std::end(kLineKeys), k) != std::end(kLineKeys);
}

// "demo.toml:12:1: " when the configuration file is known.
std::string where(const config::Section& s, const std::string& key) {
  auto loc = s.location_of(key);
  return loc.file.empty() ? "" : loc.to_string() + ": ";
}

std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
      ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t')
      ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

// The key of a "key=value" word, or "" when the word is not one (it then continues a value).
std::string key_of_word(const std::string& w) {
  auto eq = w.find('=');
  if (eq == std::string::npos || eq == 0) return "";
  for (size_t i = 0; i < eq; ++i) {
    if (!(w[i] >= 'a' && w[i] <= 'z') && w[i] != '_') return "";
  }
  return w.substr(0, eq);
}

struct LineFields {
  std::map<std::string, std::string> values;
  std::string error;
};

LineFields split_line(const std::vector<std::string>& w) {
  LineFields f;
  std::string current;
  for (size_t i = 1; i < w.size(); ++i) {
    std::string k = key_of_word(w[i]);
    if (k.empty()) {
      if (current.empty()) {
        f.error = "expected key=value after the series, found '" + w[i] + "'";
        return f;
      }
      f.values[current] += " " + w[i];
      continue;
    }
    if (!is_line_key(k)) {
      f.error =
          "unknown key '" + k + "' (known: warn, clear, severity, event, lat, lon, name, unit)";
      return f;
    }
    if (f.values.count(k)) {
      f.error = "key '" + k + "' is given twice";
      return f;
    }
    current = k;
    f.values[k] = w[i].substr(k.size() + 1);
  }
  return f;
}

struct ParsedLine {
  SeriesRule series;  // with exactly one level
  std::string error;
};

ParsedLine parse_line(const std::string& text, int line, Dialect dialect) {
  ParsedLine p;
  auto fail = [&](std::string e) {
    p.error = std::move(e);
    return p;
  };
  auto w = words(text);
  if (w.empty()) return fail("is empty");
  if (w[0].find('=') != std::string::npos) {
    return fail("must start with the series (SITE:PARAMETER or STATION), not '" + w[0] + "'");
  }
  SeriesRule& s = p.series;
  s.key = w[0];
  auto colon = s.key.find(':');
  s.station = s.key.substr(0, colon);
  s.param = colon == std::string::npos ? "" : s.key.substr(colon + 1);
  if (dialect == Dialect::kUsgsWater && (s.station.empty() || s.param.empty())) {
    return fail("series '" + s.key + "' is not SITE:PARAMETER (e.g. 01491000:00065)");
  }
  if (s.station.empty()) return fail("series '" + s.key + "' has no station");
  if (dialect == Dialect::kCsv) {
    s.key = s.station;  // CSV rows name the station only
    if (s.param.empty()) s.param = "value";
  }
  LineFields f = split_line(w);
  if (!f.error.empty()) return fail(f.error);
  for (const char* required : {"warn", "clear", "severity", "event"}) {
    if (!f.values.count(required)) return fail(std::string("has no ") + required + "=");
  }
  Level lv;
  lv.line = line;
  lv.warn_text = f.values["warn"];
  lv.clear_text = f.values["clear"];
  auto warn = parse_number(lv.warn_text);
  auto clear = parse_number(lv.clear_text);
  if (!warn) return fail("warn '" + lv.warn_text + "' is not a number");
  if (!clear) return fail("clear '" + lv.clear_text + "' is not a number");
  if (!(*clear < *warn)) {
    return fail("clear " + lv.clear_text + " is not below warn " + lv.warn_text +
                " (the band between them is the hysteresis)");
  }
  lv.warn = *warn;
  lv.clear = *clear;
  lv.severity = f.values["severity"];
  if (!cap::parse_severity(lv.severity) || lv.severity == "Unknown") {
    // CAP 1.2 §3.2.2 severity; "Unknown" says nothing about a measured level.
    return fail("severity '" + lv.severity + "' is not one of Extreme, Severe, Moderate, Minor");
  }
  lv.event = f.values["event"];
  if (lv.event.empty()) return fail("event= is empty");
  if (f.values.count("lat") != f.values.count("lon")) return fail("gives only one of lat=, lon=");
  if (f.values.count("lat")) {
    auto lat = parse_number(f.values["lat"]);
    auto lon = parse_number(f.values["lon"]);
    // CAP 1.2 §3.3.1: WGS 84 decimal degrees.
    if (!lat || *lat < -90 || *lat > 90)
      return fail("lat '" + f.values["lat"] + "' is not -90..90");
    if (!lon || *lon < -180 || *lon > 180) {
      return fail("lon '" + f.values["lon"] + "' is not -180..180");
    }
    s.latitude = lat;
    s.longitude = lon;
  }
  s.name = f.values.count("name") ? f.values["name"] : "";
  s.unit = f.values.count("unit") ? f.values["unit"] : "";
  s.levels.push_back(std::move(lv));
  return p;
}

// Adds one parsed line to its series; "" or why it cannot be added.
std::string merge(SeriesRule& into, const SeriesRule& line) {
  const Level& lv = line.levels[0];
  if (into.param != line.param) {
    return "station '" + into.station + "' already has label '" + into.param +
           "': a CSV station has one series";
  }
  for (const auto& existing : into.levels) {
    if (existing.warn == lv.warn) {
      return "series '" + into.key + "' already has a level at warn " + existing.warn_text +
             " (thresholds[" + std::to_string(existing.line) + "])";
    }
  }
  auto conflict = [](const std::string& a, const std::string& b) {
    return !a.empty() && !b.empty() && a != b;
  };
  if (conflict(into.name, line.name) || conflict(into.unit, line.unit) ||
      (into.latitude && line.latitude &&
       (*into.latitude != *line.latitude || *into.longitude != *line.longitude))) {
    return "name=, unit=, lat= or lon= differ from an earlier line of series '" + into.key + "'";
  }
  if (into.name.empty()) into.name = line.name;
  if (into.unit.empty()) into.unit = line.unit;
  if (!into.latitude) {
    into.latitude = line.latitude;
    into.longitude = line.longitude;
  }
  into.levels.push_back(lv);
  return "";
}

}  // namespace

const SeriesRule* Rules::find(const std::string& key) const {
  for (const auto& s : series) {
    if (s.key == key) return &s;
  }
  return nullptr;
}

std::vector<config::Key> rule_keys() {
  return {
      Key{"sender", Type::kString, std::nullopt, true, false,
          "the CAP <sender> of every alert this source issues (CAP 1.2 §3.2.1), e.g. "
          "hydro@agency.example; no spaces or commas"},
      Key{"thresholds", Type::kStringArray, std::nullopt, true, false,
          "one level of one series per string: \"SERIES warn=N clear=N severity=S event=TEXT "
          "[lat=N lon=N] [name=TEXT] [unit=TEXT]\" (docs/sources/sensor.md)"},
      Key{"area_radius_km", Type::kDouble, Value{10.0}, false, false,
          "radius of the alert's circle around the station"},
      Key{"category", Type::kString, Value{std::string("Met")}, false, false,
          "CAP <category> of the alerts (CAP 1.2 §3.2.2): Met, Env, Geo, ..."},
      Key{"status", Type::kString, Value{std::string("Actual")}, false, false,
          "CAP <status> of the alerts (CAP 1.2 §3.2.1): Actual, Exercise, Test, ..."},
      Key{"sender_name", Type::kString, Value{std::string()}, false, false,
          "CAP <senderName>: the agency's name as the public should read it; empty: none"},
      Key{"expires_after", Type::kDuration, Value{int64_t{0}}, false, false,
          "<expires> = the crossing observation's time + this; 0: no <expires>"},
      Key{"replay_first_poll", Type::kBool, Value{false}, false, false,
          "false: a series seen for the first time announces only its current state; true: "
          "every crossing in the first poll's data is issued"},
  };
}

Rules read_rules(const config::Section& o, Dialect dialect, std::vector<std::string>& problems) {
  Rules r;
  auto str = [&](const char* k, std::string fallback) {
    return o.has(k) ? o.get_string(k) : fallback;
  };
  r.sender = str("sender", "");
  r.sender_name = xml_safe(str("sender_name", ""));
  r.category = str("category", "Met");
  r.status = str("status", "Actual");
  if (o.has("area_radius_km")) r.area_radius_km = o.get_double("area_radius_km");
  if (o.has("expires_after")) r.expires_after_ms = o.get_duration("expires_after").count();
  if (o.has("replay_first_poll")) r.replay_first_poll = o.get_bool("replay_first_poll");
  auto bad = [&](const char* key, const std::string& what) {
    problems.push_back(where(o, key) + key + ": " + what);
    r.usable = false;
  };
  // CAP 1.2 §3.2.1: sender "MUST NOT include spaces, commas or restricted characters (< and &)".
  if (r.sender.empty()) bad("sender", "is not set; every alert needs a <sender>");
  if (r.sender.find_first_of(" \t\r\n,<&") != std::string::npos || xml_safe(r.sender) != r.sender) {
    bad("sender",
        "'" + r.sender +
            "' contains a space, comma, '<', '&' or a control character (CAP 1.2 §3.2.1)");
  }
  if (!cap::parse_category(r.category)) {
    bad("category", "'" + r.category + "' is not a CAP 1.2 category (§3.2.2)");
  }
  if (!cap::parse_status(r.status)) {
    bad("status", "'" + r.status + "' is not a CAP 1.2 status (§3.2.1)");
  }
  if (!(r.area_radius_km > 0) || !std::isfinite(r.area_radius_km) || r.area_radius_km > 20000) {
    bad("area_radius_km", format_number(r.area_radius_km) + " is not in (0, 20000]");
  }
  if (r.expires_after_ms < 0) bad("expires_after", "is negative");

  auto lines = o.has("thresholds") ? o.get_strings("thresholds") : std::vector<std::string>{};
  if (lines.empty()) problems.push_back(where(o, "thresholds") + "thresholds: none configured");
  std::string at = where(o, "thresholds");
  for (size_t i = 0; i < lines.size(); ++i) {
    int n = static_cast<int>(i) + 1;
    std::string label = at + "thresholds[" + std::to_string(n) + "] \"" + lines[i] + "\": ";
    // Only what XML can carry goes on: the line's texts end up in alerts.
    ParsedLine p = parse_line(xml_safe(lines[i]), n, dialect);
    if (!p.error.empty()) {
      problems.push_back(label + p.error + "; line ignored");
      continue;
    }
    SeriesRule* existing = nullptr;
    for (auto& s : r.series) {
      if (s.key == p.series.key) existing = &s;
    }
    if (!existing) {
      r.series.push_back(std::move(p.series));
      continue;
    }
    if (std::string e = merge(*existing, p.series); !e.empty()) {
      problems.push_back(label + e + "; line ignored");
    }
  }
  for (auto it = r.series.begin(); it != r.series.end();) {
    if (dialect == Dialect::kCsv && !it->latitude) {
      problems.push_back(at + "thresholds[" + std::to_string(it->levels[0].line) +
                         "]: CSV station '" + it->station +
                         "' needs lat= and lon= on one of its lines; ignored");
      it = r.series.erase(it);
      continue;
    }
    std::sort(it->levels.begin(), it->levels.end(),
              [](const Level& a, const Level& b) { return a.warn < b.warn; });
    ++it;
  }
  return r;
}

}  // namespace capcast::ingest::sensor
