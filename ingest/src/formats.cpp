// The one table of source formats. Adding a format: its folder under ingest/sources/, one line
// here, one line in ingest/CMakeLists.txt.
#include "capcast/ingest/format.h"

#include <map>
#include <mutex>

#include "cap_feed/cap_feed.h"
#include "gdacs_rss/gdacs_rss.h"
#include "meteoalarm_json/meteoalarm_json.h"
#include "mqtt/payload.h"
#include "nws_geojson/nws_geojson.h"
#include "nws_tsunami/nws_tsunami.h"
#include "sensor/sensor.h"
#include "usgs_geojson/usgs_geojson.h"

namespace capcast::ingest {

const std::vector<Format>& formats() {
  static const std::vector<Format> kFormats = {
      {"usgs-water", "USGS water services IV JSON gauges against thresholds", sensor::keys(),
       &sensor::extract_usgs_water},
      {"csv-readings", "station,time,value CSV observations against thresholds", sensor::keys(),
       &sensor::extract_csv},
      {"cap", "one CAP 1.0/1.1/1.2 XML document", {}, &cap_feed::extract_cap},
      {"usgs-geojson", "USGS earthquake GeoJSON summary feeds, one alert per event",
       usgs_geojson::keys(), &usgs_geojson::extract},
      {"gdacs-rss", "GDACS RSS: linked GDACS CAP relayed, else each item mapped", gdacs_rss::keys(),
       &gdacs_rss::extract},
      {"cap-atom",
       "an ATOM or RSS feed whose entries embed or link to CAP documents",
       {},
       &cap_feed::extract_feed},
      {"nws-geojson", "NWS api.weather.gov alerts as GeoJSON or JSON-LD", nws_geojson::keys(),
       &nws_geojson::extract},
      {"nws-tsunami",
       "NWS tsunami warning centres' text products (PTWC, NTWC): one alert per product, with "
       "the earthquake's origin",
       nws_tsunami::keys(), &nws_tsunami::extract},
      {"meteoalarm-json",
       "MeteoAlarm's JSON warnings API (CAP in JSON)",
       {},
       &meteoalarm_json::extract},
      // Not polled: read by subscription (MqttSubscriber); its extract decodes one message.
      {"mqtt",
       "an MQTT subscription (mqtt:// or mqtts:// URL) carrying CAP XML or WIS2 notification "
       "messages that embed or link to CAP",
       mqtt::keys(), &mqtt::decode},
  };
  return kFormats;
}

const config::Section& default_options(const Format& format) {
  static std::mutex mu;
  static std::map<std::string, config::Section> cache;
  std::lock_guard lock(mu);
  auto [it, inserted] = cache.try_emplace(format.name, "source", 1, config::Location{});
  if (inserted) {
    it->second.set_variant(format.name);
    for (const auto& k : format.keys) {
      if (k.default_value) it->second.set(k.name, *k.default_value, {}, k.secret);
    }
  }
  return it->second;
}

const Format* find_format(std::string_view name) {
  for (const auto& f : formats()) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

}  // namespace capcast::ingest
