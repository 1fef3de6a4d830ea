#include "accept.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>
#include <utility>

#include "capcast/cap/datetime.h"
#include "capcast/cap/lifecycle.h"
#include "capcast/cap/parse.h"

namespace capcast::app {
namespace {

// "20.7,-155.3", or "51.800,-171.400 0.000" as the NTWC writes EventLatLon (a third number
// after a space): latitude and longitude in range, else nullopt.
std::optional<std::pair<double, double>> lat_lon(std::string_view v) {
  v = v.substr(0, v.find(' '));
  auto comma = v.find(',');
  if (comma == std::string_view::npos) return std::nullopt;
  auto number = [](std::string_view t) -> std::optional<double> {
    double d = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), d);
    if (ec != std::errc() || end != t.data() + t.size() || !std::isfinite(d)) return std::nullopt;
    return d;
  };
  auto lat = number(v.substr(0, comma)), lon = number(v.substr(comma + 1));
  if (!lat || !lon || std::abs(*lat) > 90 || std::abs(*lon) > 180) return std::nullopt;
  return std::pair{*lat, *lon};
}

// The earthquake an <info> is about: EventOriginTime and EventLatLon, the parameters the NTWC's
// own CAP gives a quake and that capcast's nws-tsunami, usgs-geojson and gdacs-rss formats
// write. Both must be there and valid; otherwise the alert is linked by its keys only.
std::optional<store::EventOrigin> origin_of(const cap::Info& info) {
  std::optional<int64_t> time_ms;
  std::optional<std::pair<double, double>> where;
  for (const auto& p : info.parameters) {
    if (p.value_name == "EventOriginTime" && !time_ms) {
      if (auto t = cap::parse_datetime(p.value)) time_ms = t->unix_ms;
    } else if (p.value_name == "EventLatLon" && !where) {
      where = lat_lon(p.value);
    }
  }
  if (!time_ms || !where) return std::nullopt;
  return store::EventOrigin{*time_ms, where->first, where->second};
}

}  // namespace

Result<store::NewAlert> to_new_alert(const std::string& source, const std::string& xml,
                                     cap::Alert* parsed_out) {
  auto parsed = cap::parse(xml);
  if (!parsed.ok()) return parsed.status();
  const cap::Alert& a = parsed->alert;
  // The three parts of an alert's key (CAP 1.2 §3.2.1): without them it cannot be deduplicated,
  // referenced, updated or cancelled, so it is refused here; full validation is cap's job.
  for (auto [value, path] :
       {std::pair{&a.identifier, "/alert/identifier"}, std::pair{&a.sender, "/alert/sender"},
        std::pair{&a.sent, "/alert/sent"}}) {
    if (value->empty()) {
      return Status(Code::kInvalidArgument,
                    std::string(path) + ": missing or empty (required, CAP 1.2 §3.2.1)");
    }
  }
  std::string why;
  auto sent = cap::parse_datetime(a.sent, &why);
  if (!sent) {
    return Status(Code::kInvalidArgument, "/alert/sent: \"" + a.sent + "\" " + why);
  }
  store::NewAlert n;
  n.sender = a.sender;
  n.identifier = a.identifier;
  n.sent = a.sent;
  n.sent_ms = sent->unix_ms;
  n.status = a.status;
  n.msg_type = a.msg_type;
  n.source = source;
  n.xml = xml;
  if (a.references) {
    for (auto& r : cap::parse_references(*a.references))
      n.references.push_back({std::move(r.sender), std::move(r.identifier), std::move(r.sent)});
  }
  for (const auto& info : a.infos) {
    // USGS event ids, as capcast's usgs-geojson and gdacs-rss formats write them (GDACS lists
    // the USGS id of a quake as <gdacs:identifier id="neicid">); USGS ids are global (ComCat),
    // so the same id from two feeds is the same earthquake. usgsIds holds every alias.
    for (const auto& p : info.parameters) {
      if (p.value_name != "usgsEventId" && p.value_name != "usgsIds") continue;
      std::string_view ids = p.value;
      while (!ids.empty()) {
        auto comma = ids.find(',');
        std::string_view id = ids.substr(0, comma);
        if (!id.empty()) {
          std::string key = "usgs:" + std::string(id);
          if (std::find(n.event_keys.begin(), n.event_keys.end(), key) == n.event_keys.end())
            n.event_keys.push_back(std::move(key));
        }
        ids = comma == std::string_view::npos ? std::string_view() : ids.substr(comma + 1);
      }
    }
    if (!n.origin) n.origin = origin_of(info);
    if (info.expires) {
      if (auto e = cap::parse_datetime(*info.expires)) {
        n.expires_ms = std::max(n.expires_ms.value_or(e->unix_ms), e->unix_ms);
      }
    }
    if (n.title.empty() && info.headline && !info.headline->empty()) n.title = *info.headline;
  }
  // Issue 5: a Cancel, an Update of an Extreme alert and an Immediate/Extreme alert jump the
  // dispatch queue (CAP 1.2 §3.2.2 urgency and severity, as written: case-sensitive values).
  n.urgent = a.msg_type == "Cancel";
  for (const auto& info : a.infos) {
    bool extreme = info.severity == "Extreme";
    if ((extreme && a.msg_type == "Update") || (extreme && info.urgency == "Immediate"))
      n.urgent = true;
  }
  if (n.title.empty() && !a.infos.empty()) n.title = a.infos.front().event;
  if (n.title.empty()) n.title = a.msg_type + " " + a.identifier;
  if (parsed_out) *parsed_out = std::move(parsed->alert);
  return n;
}

}  // namespace capcast::app
