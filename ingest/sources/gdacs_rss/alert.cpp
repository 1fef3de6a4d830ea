// One GDACS item as a CAP 1.2 alert, and the format's keys. Each rule names its source; the
// table is in docs/sources/gdacs-rss.md.
#include "capcast/cap/datetime.h"
#include "capgen/capgen.h"
#include "gdacs_rss.h"
#include "item.h"

namespace capcast::ingest::gdacs_rss {
namespace {

// GDACS event types (gdacs:eventtype; python-aio-georss-gdacs consts.py) to CAP 1.2 §3.2.2
// event, category, urgency and certainty. Categories: "Geo - Geophysical (inc. landslide)",
// "Met - Meteorological (inc. flood)", "Env - Pollution and other environmental", "Fire - Fire
// suppression and rescue". Urgency and certainty are judgements per hazard, not GDACS's.
struct TypeRule {
  const char* code;
  const char* event;
  std::vector<std::string> categories;
  const char* urgency;
  const char* certainty;
};

const TypeRule* rule_for(const std::string& code) {
  static const TypeRule kRules[] = {
      {"EQ", "Earthquake", {"Geo"}, "Past", "Observed"},          // reported after it happened
      {"TC", "Tropical Cyclone", {"Met"}, "Expected", "Likely"},  // forecast track
      {"FL", "Flood", {"Met"}, "Immediate", "Likely"},            // modelled and observed floods
      {"VO", "Volcanic Eruption", {"Geo"}, "Immediate", "Observed"},
      {"DR", "Drought", {"Met", "Env"}, "Future", "Observed"},  // slow onset
      {"WF", "Wildfire", {"Fire"}, "Immediate", "Observed"},
  };
  for (const auto& r : kRules) {
    if (code == r.code) return &r;
  }
  return nullptr;
}

}  // namespace

std::vector<config::Key> keys() {
  using config::Key;
  using config::Type;
  using config::Value;
  return {
      Key{"sender", Type::kString, Value{std::string(kSenderPlaceholder)}, false, false,
          "CAP <sender> of the alerts this source maps (relayed GDACS CAP keeps GDACS's): your "
          "organisation's domain or OID (CAP 1.2 §3.2.1). The default is a placeholder to "
          "replace"},
      Key{"prefer_linked_cap", Type::kBool, Value{true}, false, false,
          "relay the CAP that GDACS links from an item (<gdacs:cap>) instead of mapping the item"},
      Key{"expires_after", Type::kDuration, Value{int64_t{0}}, false, false,
          "<expires> = <sent> + this for mapped items; 0 writes no <expires>"},
      Key{"forget_after", Type::kDuration, Value{int64_t{30} * 86'400'000}, false, false,
          "forget an event not seen in the feed for this long"},
      Key{"max_events", Type::kInt, Value{int64_t{5'000}}, false, false,
          "at most this many events remembered between polls (the least recently seen go)"},
  };
}

std::optional<Settings> read_settings(const config::Section& o,
                                      std::vector<std::string>& problems) {
  Settings s;
  s.sender = o.get_string("sender");
  s.prefer_linked_cap = o.get_bool("prefer_linked_cap");
  s.expires_after_ms = o.get_duration("expires_after").count();
  s.forget_after_ms = o.get_duration("forget_after").count();
  s.max_events = o.get_int("max_events");
  if (s.forget_after_ms <= 0 || s.max_events <= 0) {
    problems.push_back("forget_after and max_events must be positive");
    return std::nullopt;
  }
  return s;
}

bool sender_usable(const Settings& s, std::vector<std::string>& problems) {
  if (capgen::is_cap_token(s.sender)) return true;
  problems.push_back("sender \"" + s.sender +
                     "\" must be non-empty without spaces, commas, '<' or '&' (CAP 1.2 §3.2.1); "
                     "no item mapped");
  return false;
}

std::string identifier(const Item& item) {
  return "gdacs." + item.event_type + "." + item.event_id + "." +
         std::to_string(item.episode_id.value_or(0));
}

cap::Alert build_alert(const Item& it, const std::string& msg_type, int64_t sent_ms,
                       const std::string& references, const Settings& s,
                       std::vector<std::string>& problems) {
  cap::Alert a;
  a.identifier = identifier(it);
  a.sender = s.sender;
  a.sent = cap::format_datetime(sent_ms, 0);  // UTC, written "-00:00" (CAP 1.2 §3.3.2)
  a.status = "Actual";
  a.msg_type = msg_type;
  a.source = "GDACS RSS feed (Global Disaster Alert and Coordination System)";
  a.scope = "Public";
  if (!references.empty()) a.references = references;
  a.incidents = it.event_type + it.event_id;  // every episode names its event (§3.2.1 incidents)

  cap::Info i;
  i.language = "en-US";
  const TypeRule* r = rule_for(it.event_type);
  if (r) {
    i.categories = r->categories;
    i.event = r->event;
    i.urgency = r->urgency;
    i.certainty = r->certainty;
  } else {
    problems.push_back(it.where + ": gdacs:eventtype \"" + it.event_type +
                       "\" is not one of EQ, TC, FL, VO, DR, WF; mapped as category Other");
    i.categories = {"Other"};
    i.event = !it.event_name.empty() ? it.event_name : "GDACS " + it.event_type + " event";
    i.urgency = "Unknown";
    i.certainty = "Unknown";
  }
  // GDACS alert levels rate the expected humanitarian impact (GDACS Guidelines 2014, §2).
  if (it.alert_level == "Red") {
    i.severity = "Extreme";
  } else if (it.alert_level == "Orange") {
    i.severity = "Severe";
  } else if (it.alert_level == "Green") {
    i.severity = "Minor";
  } else {
    i.severity = "Unknown";
    if (!it.alert_level.empty()) {
      problems.push_back(it.where + ": gdacs:alertlevel \"" + it.alert_level +
                         "\" is not Green, Orange or Red; severity Unknown");
    }
  }
  if (it.from_ms) i.onset = cap::format_datetime(*it.from_ms, 0);
  if (s.expires_after_ms > 0 && capgen::is_cap_time(sent_ms + s.expires_after_ms)) {
    i.expires = cap::format_datetime(sent_ms + s.expires_after_ms, 0);
  }
  i.sender_name =
      "GDACS, Global Disaster Alert and Coordination System (UN and European Commission)";
  if (!it.title.empty()) i.headline = it.title;
  if (!it.description.empty()) i.description = it.description;
  if (capgen::is_web_url(it.link)) i.web = it.link;  // the GDACS event report

  auto param = [&](const char* name, const std::string& value) {
    if (!value.empty()) i.parameters.push_back({name, value});
  };
  param("gdacsAlertLevel", it.alert_level);
  param("gdacsAlertScore", it.alert_score);
  param("gdacsEpisodeAlertLevel", it.episode_alert_level);
  param("gdacsEventType", it.event_type);
  param("gdacsEventId", it.event_id);
  param("gdacsEpisodeId", std::to_string(it.episode_id.value_or(0)));
  param("gdacsSeverity", it.severity_text);
  if (!it.severity_value.empty())
    param("gdacsSeverityValue",
          it.severity_value + (it.severity_unit.empty() ? "" : " " + it.severity_unit));
  param("gdacsPopulation", it.population_text);
  param("gdacsIsCurrent", it.is_current);
  param("glide", it.glide);
  param("usgsEventId", it.usgs_id);  // <gdacs:identifier id="neicid">: the same quake at USGS
  // An earthquake's origin (gdacs:fromdate is its origin time, the point its epicentre), under
  // the names the NTWC's CAP uses: the store links the alert with other feeds' by them.
  if (it.event_type == "EQ" && it.from_ms && it.lat && it.lon) {
    param("EventOriginTime", cap::format_datetime(*it.from_ms, 0));
    param("EventLatLon", capgen::decimal(*it.lat, 5) + "," + capgen::decimal(*it.lon, 5));
  }

  cap::Area area;
  if (!it.country.empty()) {
    area.area_desc = it.country;
  } else if (it.lat) {
    area.area_desc = "Around " + capgen::decimal(*it.lat, 4) + ", " + capgen::decimal(*it.lon, 4);
  } else {
    area.area_desc = !it.title.empty() ? it.title : "Unspecified (see the GDACS report)";
  }
  // CAP 1.2 §3.2.4: circle "lat,lon radius" (radius 0: the point itself); polygon of pairs,
  // closed, at least 4. GeoRSS points are already latitude first.
  if (it.lat) {
    area.circles.push_back(capgen::decimal(*it.lat, 5) + "," + capgen::decimal(*it.lon, 5) + " 0");
  }
  if (it.bbox) {
    auto pair = [](double lat, double lon) {
      return capgen::decimal(lat, 5) + "," + capgen::decimal(lon, 5);
    };
    const auto& b = *it.bbox;
    area.polygons.push_back(pair(b.lat_min, b.lon_min) + " " + pair(b.lat_min, b.lon_max) + " " +
                            pair(b.lat_max, b.lon_max) + " " + pair(b.lat_max, b.lon_min) + " " +
                            pair(b.lat_min, b.lon_min));
  }
  // gdacs:iso3: the ISO 3166-1 alpha-3 code of the (first) affected country.
  bool iso3 = it.iso3.size() == 3;
  for (char c : it.iso3)
    iso3 = iso3 && c >= 'A' && c <= 'Z';
  if (iso3) area.geocodes.push_back({"ISO3", it.iso3});
  i.areas.push_back(std::move(area));
  a.infos.push_back(std::move(i));
  return a;
}

}  // namespace capcast::ingest::gdacs_rss
