// Internals of the usgs-geojson format: its settings, one feed event as read from its GeoJSON
// Feature, and the CAP message made from it. Plain data and pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "capcast/cap/model.h"
#include "capcast/config/config.h"

namespace capcast::ingest::usgs_geojson {

struct Settings {
  std::string sender;
  double min_magnitude = 4.5;
  std::vector<std::string> event_types;
  bool cancel_when_missing = true;
  bool update_on_any_change = true;
  double moderate_magnitude = 6.0;
  double severe_magnitude = 7.0;
  double extreme_magnitude = 8.0;
  double radius_slope = 0.43;
  double radius_intercept = 0.0;
  double radius_min_km = 10;
  double radius_max_km = 3000;
  int64_t expires_after_ms = 0;  // 0: no <expires>
  int64_t forget_after_ms = 0;
  int64_t max_events = 0;
};

// The settings of a [[source]] entry; nullopt, with the reasons in `problems`, when they cannot
// make valid CAP (a sender with a space, magnitude bands out of order...).
std::optional<Settings> read_settings(const config::Section& s, std::vector<std::string>& problems);

// One event of the feed: what a CAP message is made of. Times in ms since 1970 (UTC).
struct Quake {
  std::string id;                  // the feature's id: USGS's preferred event id
  std::vector<std::string> ids;    // every id USGS associates with the event (`ids`), id first
  int64_t time_ms = 0;             // origin time
  int64_t updated_ms = 0;          // when USGS last changed the event
  double lat = 0, lon = 0;         // epicentre
  std::optional<double> depth_km;  // may be negative (above the depth datum)
  std::optional<double> mag;       // null in the feed: unknown
  std::string mag_type, place, title, url, status, type, pager_alert, ids_text;
  std::optional<int64_t> tsunami;
};

// Reads features[index]; nullopt, with where and why in `problems`, when it lacks what a CAP
// message needs (id, time, updated, a Point with latitude and longitude). Optional fields of the
// wrong type are left out and reported.
std::optional<Quake> read_feature(const nlohmann::json& feature, size_t index,
                                  std::vector<std::string>& problems);

// The message to write about a quake: its msgType, sent, references and, for a Cancel, why.
struct Message {
  std::string msg_type;  // Alert, Update or Cancel
  int64_t sent_ms = 0;
  std::string references;  // "" for an Alert
  std::string note;        // why a Cancel cancels
};

// "usgs.<event key>.<sent in ms>": unique per event and message, the same on every run.
std::string identifier(const std::string& event_key, int64_t sent_ms);

// The CAP alert for `q`. `event_key` is the id the event was first issued under.
cap::Alert build_alert(const Quake& q, const std::string& event_key, const Message& m,
                       const Settings& s, std::vector<std::string>& problems);

// A hash of everything the alert for `q` says, its identifier, sent and references aside: what
// tells a material change from a new `updated` alone.
std::string fingerprint(const Quake& q, const std::string& event_key, const Settings& s);

// Mapping rules, exposed for the tests through build_alert's output.
std::string severity_of(const Quake& q, const Settings& s, std::vector<std::string>& problems);
double radius_km(const std::optional<double>& mag, const Settings& s);

}  // namespace capcast::ingest::usgs_geojson
