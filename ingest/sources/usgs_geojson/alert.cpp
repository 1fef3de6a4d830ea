// One USGS event as a CAP 1.2 alert. Each rule names its source; the table is in
// docs/sources/usgs-geojson.md.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "capcast/cap/datetime.h"
#include "capcast/cap/serialize.h"
#include "capgen/capgen.h"
#include "quake.h"

namespace capcast::ingest::usgs_geojson {
namespace {

// "2018-09-16 04:00:31 UTC", for the description.
std::string readable_utc(int64_t ms) {
  std::string t = cap::format_datetime(ms, 0);  // "2018-09-16T04:00:31-00:00"
  return t.substr(0, 10) + " " + t.substr(11, 8) + " UTC";
}

std::string description(const Quake& q) {
  std::string d = "A magnitude " + (q.mag ? capgen::decimal(*q.mag, 2) : std::string("unknown"));
  if (!q.mag_type.empty()) d += " (" + q.mag_type + ")";
  d += " earthquake occurred";
  if (!q.place.empty()) d += " " + q.place;
  d += " at " + readable_utc(q.time_ms) + ", epicentre " + capgen::decimal(q.lat, 4) + ", " +
       capgen::decimal(q.lon, 4);
  if (q.depth_km) {
    d += ", depth " + capgen::decimal(*q.depth_km, 2) + " km";
    // ComCat event terms, "depth": relative to the geoid, sea level or the stations' elevation.
    if (*q.depth_km < 0) d += " (above the depth datum)";
  }
  d += ".";
  if (!q.status.empty()) d += " USGS review status: " + q.status + ".";
  if (!q.pager_alert.empty()) d += " USGS PAGER alert level: " + q.pager_alert + ".";
  // USGS GeoJSON summary format, "tsunami": "set to 1 for large events in oceanic regions ...
  // does not indicate if a tsunami actually did or will exist"; tsunami warnings come from the
  // tsunami warning centres (tsunami.gov), not from USGS.
  if (q.tsunami && *q.tsunami == 1) {
    d += " USGS flags this as a large event in an oceanic region. This flag is not a tsunami "
         "warning and does not say whether a tsunami occurred: see the tsunami warning centres "
         "(https://www.tsunami.gov/).";
  }
  return d;
}

}  // namespace

std::string identifier(const std::string& event_key, int64_t sent_ms) {
  return "usgs." + event_key + "." + std::to_string(sent_ms);
}

double radius_km(const std::optional<double>& mag, const Settings& s) {
  // Dobrovolsky, Zubkov and Miachkin (1979), "Estimation of the size of earthquake preparation
  // zones", Pure and Applied Geophysics 117, 1025-1044: R = 10^(0.43 M) km; configurable.
  if (!mag) return s.radius_min_km;
  double r = std::pow(10.0, s.radius_slope * *mag + s.radius_intercept);
  if (!std::isfinite(r)) r = s.radius_max_km;
  r = std::clamp(r, s.radius_min_km, s.radius_max_km);
  return std::round(r * 10) / 10;
}

std::string severity_of(const Quake& q, const Settings& s, std::vector<std::string>& problems) {
  // USGS PAGER alert levels (ComCat event terms, "alert"): green, yellow, orange, red, for
  // "no response needed", "local or regional", "national" and "international" response.
  if (q.pager_alert == "red") return "Extreme";
  if (q.pager_alert == "orange") return "Severe";
  if (q.pager_alert == "yellow") return "Moderate";
  if (q.pager_alert == "green") return "Minor";
  if (!q.pager_alert.empty()) {
    problems.push_back("event " + q.id + ": properties.alert \"" + q.pager_alert +
                       "\" is not a PAGER level (green, yellow, orange, red); severity from "
                       "the magnitude");
  }
  // No PAGER assessment: the magnitude classes (great >= 8, major >= 7, strong >= 6; IRIS FAQ
  // "How do I interpret magnitudes and magnitude types?"), with configurable bounds.
  if (!q.mag) return "Unknown";
  if (*q.mag >= s.extreme_magnitude) return "Extreme";
  if (*q.mag >= s.severe_magnitude) return "Severe";
  if (*q.mag >= s.moderate_magnitude) return "Moderate";
  return "Minor";
}

cap::Alert build_alert(const Quake& q, const std::string& event_key, const Message& m,
                       const Settings& s, std::vector<std::string>& problems) {
  cap::Alert a;
  a.identifier = identifier(event_key, m.sent_ms);
  a.sender = s.sender;
  a.sent = cap::format_datetime(m.sent_ms, 0);  // UTC, written "-00:00" (CAP 1.2 §3.3.2)
  a.status = "Actual";
  a.msg_type = m.msg_type;
  a.source = "USGS Earthquake Hazards Program GeoJSON summary feed";
  a.scope = "Public";
  if (!m.note.empty()) a.note = m.note;
  if (!m.references.empty()) a.references = m.references;
  a.incidents = event_key;  // every message about one event names it (CAP 1.2 §3.2.1 incidents)

  cap::Info i;
  i.language = "en-US";
  i.categories = {"Geo"};  // CAP 1.2 §3.2.2 category: "Geophysical (inc. landslide)"
  i.event = "Earthquake";
  i.urgency = "Past";  // CAP 1.2 §3.2.2: "Responsive action is no longer required"
  i.severity = severity_of(q, s, problems);
  i.certainty = "Observed";  // CAP 1.2 §3.2.2: "Determined to have occurred"
  i.onset = cap::format_datetime(q.time_ms, 0);
  if (s.expires_after_ms > 0 && capgen::is_cap_time(m.sent_ms + s.expires_after_ms)) {
    i.expires = cap::format_datetime(m.sent_ms + s.expires_after_ms, 0);
  }
  i.sender_name = "U.S. Geological Survey, Earthquake Hazards Program";
  std::string headline = !q.title.empty() ? q.title
                                          : "M " + (q.mag ? capgen::decimal(*q.mag, 1) : "?") +
                                                (q.place.empty() ? "" : " - " + q.place);
  i.headline = m.msg_type == "Cancel" ? "Cancelled: " + headline : headline;
  i.description = description(q);
  if (capgen::is_web_url(q.url)) i.web = q.url;  // the USGS event page

  auto param = [&](const char* name, std::string value) {
    if (!value.empty()) i.parameters.push_back({name, std::move(value)});
  };
  if (q.mag) param("magnitude", capgen::decimal(*q.mag, 2));
  param("magnitudeType", q.mag_type);
  if (q.depth_km) param("depthKm", capgen::decimal(*q.depth_km, 2));
  param("usgsEventId", q.id);
  std::string ids = q.ids_text;
  ids.erase(0, ids.find_first_not_of(','));
  while (!ids.empty() && ids.back() == ',')
    ids.pop_back();
  param("usgsIds", ids);
  param("usgsReviewStatus", q.status);
  param("pagerAlertLevel", q.pager_alert);
  if (q.tsunami) param("usgsTsunamiFlag", std::to_string(*q.tsunami));
  // The quake's origin under the names the NTWC's CAP uses (EventOriginTime, EventLatLon), by
  // which the store links this alert with the tsunami centres' and GDACS's about the same quake.
  param("EventOriginTime", cap::format_datetime(q.time_ms, 0));
  param("EventLatLon", capgen::decimal(q.lat, 5) + "," + capgen::decimal(q.lon, 5));

  cap::Area area;
  area.area_desc = !q.place.empty() ? q.place
                                    : "Epicentre " + capgen::decimal(q.lat, 4) + ", " +
                                          capgen::decimal(q.lon, 4);
  // CAP 1.2 §3.2.4 circle: "latitude,longitude radius" (GeoJSON gave longitude first).
  area.circles.push_back(capgen::decimal(q.lat, 5) + "," + capgen::decimal(q.lon, 5) + " " +
                         capgen::decimal(radius_km(q.mag, s), 1));
  i.areas.push_back(std::move(area));
  a.infos.push_back(std::move(i));
  return a;
}

std::string fingerprint(const Quake& q, const std::string& event_key, const Settings& s) {
  std::vector<std::string> ignored;
  std::string text =
      cap::serialize(build_alert(q, event_key, Message{"Alert", 0, "", ""}, s, ignored));
  uint64_t h = 14695981039346656037ull;  // FNV-1a, 64 bits
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace capcast::ingest::usgs_geojson
