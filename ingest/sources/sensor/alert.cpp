#include "alert.h"

#include "capcast/cap/datetime.h"

namespace capcast::ingest::sensor {
namespace {

std::string clean(const std::string& s) {
  std::string out;
  for (char c : s) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    out += ok ? c : '-';
  }
  return out.empty() ? "-" : out;
}

// "2020-02-13T22:15:00-00:00" -> "20200213T221500Z".
std::string compact_utc(int64_t ms) {
  std::string t = cap::format_datetime(ms, 0);
  return t.substr(0, 4) + t.substr(5, 2) + t.substr(8, 2) + "T" + t.substr(11, 2) +
         t.substr(14, 2) + t.substr(17, 2) + "Z";
}

// CAP 1.2 §3.2.2 headline: "SHOULD be less than 160 characters"; cut on a UTF-8 boundary.
std::string fit_headline(std::string s) {
  constexpr size_t kMax = 159;
  if (s.size() <= kMax) return s;
  size_t cut = kMax - 3;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80)
    --cut;
  return s.substr(0, cut) + "...";
}

std::string with_unit(const std::string& value, const std::string& unit) {
  return unit.empty() ? value : value + " " + unit;
}

bool has_qualifier(const Observation& o, const std::string& q) {
  for (const auto& x : o.qualifiers) {
    if (x == q) return true;
  }
  return false;
}

}  // namespace

std::string make_identifier(const std::string& source, const std::string& station,
                            const std::string& param, const std::string& level_tag,
                            int64_t time_ms) {
  return clean(source) + "." + clean(station) + "." + clean(param) + "." + clean(level_tag) + "." +
         compact_utc(time_ms);
}

cap::Alert build_alert(const AlertInput& in) {
  const Rules& rules = *in.rules;
  const SeriesRule& series = *in.series;
  const StationInfo& station = *in.station;
  const Observation& obs = *in.observation;
  const Transition& tr = in.transition;
  const bool cancel = tr.change == Change::kCancel;
  // The level the message speaks of: the one entered, or for a Cancel the one left.
  const Level& level = series.levels[static_cast<size_t>(cancel ? tr.from : tr.to)];
  const std::string name = !series.name.empty()      ? series.name
                           : !station.name.empty()   ? station.name
                           : !series.station.empty() ? series.station
                                                     : std::string("unnamed station");
  const std::string unit = !series.unit.empty() ? series.unit : station.unit;
  const std::string value = with_unit(obs.value_text, unit);
  const std::string observed_at = cap::format_datetime(obs.time_ms, obs.offset_minutes);

  cap::Alert a;
  a.identifier = make_identifier(in.source, series.station, series.param,
                                 cancel ? "clear" : "w" + level.warn_text, obs.time_ms);
  a.sender = rules.sender;
  a.sent = cap::format_datetime(obs.time_ms, 0);  // CAP 1.2 §3.3.2: UTC written "-00:00"
  a.status = rules.status;
  // CAP 1.2 §3.2.1 msgType: Update and Cancel name the messages they replace in <references>.
  a.msg_type = tr.change == Change::kAlert ? "Alert" : cancel ? "Cancel" : "Update";
  a.scope = "Public";
  if (tr.change != Change::kAlert && !in.references.empty()) {
    std::string refs;
    for (const auto& r : in.references)
      refs += (refs.empty() ? "" : " ") + r;
    a.references = refs;
  }

  cap::Info info;
  info.categories = {rules.category};
  info.event = level.event;
  // CAP 1.2 §3.2.2: responseType AllClear "the subject event no longer poses a threat";
  // urgency Past "responsive action is no longer required".
  if (cancel) info.response_types = {"AllClear"};
  info.urgency = cancel ? "Past" : "Immediate";
  info.severity = level.severity;
  info.certainty = "Observed";
  if (rules.expires_after_ms > 0) {
    info.expires = cap::format_datetime(obs.time_ms + rules.expires_after_ms, 0);
  }
  if (!rules.sender_name.empty()) info.sender_name = rules.sender_name;

  std::string desc;
  if (cancel) {
    info.headline = fit_headline(level.event + " ended: " + name + " fell to " + value);
    desc = name + " measured " + value + " at " + observed_at + ", below " +
           with_unit(level.clear_text, unit) + ": the " + level.event + " is cancelled.";
  } else {
    const bool falling = tr.change == Change::kUpdate && tr.to < tr.from;
    const char* verb = tr.change == Change::kAlert ? " at " : falling ? " fell to " : " rose to ";
    info.headline = fit_headline(level.event + ": " + name + verb + value);
    desc = name + " measured " + value + " at " + observed_at;
    if (falling) {
      const Level& left = series.levels[static_cast<size_t>(tr.from)];
      desc += ", below " + with_unit(left.clear_text, unit) + " where the " + left.severity +
              " level ends: back to the " + level.severity + " level of " +
              with_unit(level.warn_text, unit) + ".";
    } else if (obs.value >= level.warn) {
      desc += ", at or above the " + level.severity + " level of " +
              with_unit(level.warn_text, unit) + ".";
    } else {  // a first poll that found the series coming down from a higher level
      desc += ", within the " + level.severity + " level (from " +
              with_unit(level.warn_text, unit) + " down to " + with_unit(level.clear_text, unit) +
              ") after a higher level.";
    }
    desc +=
        " This alert is updated when another level is reached and cancelled when the value "
        "falls below " +
        with_unit(series.levels[0].clear_text, unit) + ".";
  }
  if (has_qualifier(obs, "P")) {
    desc += " The value is provisional (USGS qualifier P) and subject to revision.";
  }
  info.description = desc;

  info.parameters.push_back({"station", series.station});
  info.parameters.push_back({"parameter", series.param});
  info.parameters.push_back({"observedValue", obs.value_text});
  if (!unit.empty()) info.parameters.push_back({"observedUnit", unit});
  info.parameters.push_back({"observedTime", observed_at});
  info.parameters.push_back({"thresholdWarn", level.warn_text});
  info.parameters.push_back({"thresholdClear", level.clear_text});
  if (!obs.qualifiers.empty()) {
    std::string q;
    for (const auto& x : obs.qualifiers)
      q += (q.empty() ? "" : " ") + x;
    info.parameters.push_back({"qualifiers", q});
  }

  cap::Area area;
  area.area_desc = name;
  auto lat = series.latitude ? series.latitude : station.latitude;
  auto lon = series.longitude ? series.longitude : station.longitude;
  if (lat && lon) {
    // CAP 1.2 §3.2.4 circle: "lat,lon radius", WGS 84, radius in kilometres.
    area.circles.push_back(format_number(*lat) + "," + format_number(*lon) + " " +
                           format_number(rules.area_radius_km));
  }
  info.areas.push_back(std::move(area));
  a.infos.push_back(std::move(info));
  return a;
}

}  // namespace capcast::ingest::sensor
