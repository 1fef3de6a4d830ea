// Internals of the gdacs-rss format: its settings, one RSS <item> as read, and the CAP alert
// made from it. Plain data and pure functions; thread-safe.
#pragma once

#include <pugixml.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "capcast/cap/model.h"
#include "capcast/config/config.h"

namespace capcast::ingest::gdacs_rss {

struct Settings {
  std::string sender;
  bool prefer_linked_cap = true;
  int64_t expires_after_ms = 0;  // 0: no <expires>
  int64_t forget_after_ms = 0;
  int64_t max_events = 0;
};

// The settings of a [[source]] entry; nullopt, with the reasons in `problems`, when unusable.
std::optional<Settings> read_settings(const config::Section& s, std::vector<std::string>& problems);
// Whether the sender can go into CAP (needed only when items are mapped, not relayed).
bool sender_usable(const Settings& s, std::vector<std::string>& problems);

struct Item {
  std::string where;                 // "item 3 (guid EQ1200043)", for problems
  std::string event_type, event_id;  // "EQ", "1200043"
  std::optional<int64_t> episode_id;
  std::string title, description, link, cap_url, country, iso3, event_name;
  std::string alert_level, alert_score, episode_alert_level, is_current, version, glide, usgs_id;
  std::string severity_text, severity_value, severity_unit;
  std::string population_text, population_value, population_unit;
  std::optional<int64_t> pub_ms, from_ms;
  std::optional<double> lat, lon;  // georss:point, else geo:Point
  struct Box {
    double lon_min = 0, lon_max = 0, lat_min = 0, lat_max = 0;
  };
  std::optional<Box> bbox;
};

// Reads an RSS <item>; fields that are present but malformed are reported and left out.
Item read_item(pugi::xml_node item, size_t index, std::vector<std::string>& problems);

// "gdacs.<eventtype>.<eventid>.<episodeid>": one message per GDACS episode.
std::string identifier(const Item& item);

// The CAP alert for an item. msg_type Alert or Update; `references` "" for an Alert.
cap::Alert build_alert(const Item& item, const std::string& msg_type, int64_t sent_ms,
                       const std::string& references, const Settings& s,
                       std::vector<std::string>& problems);

}  // namespace capcast::ingest::gdacs_rss
