// The usgs-geojson format's [[source]] keys and their checks.
#include <cmath>

#include "capgen/capgen.h"
#include "quake.h"
#include "usgs_geojson.h"

namespace capcast::ingest::usgs_geojson {

using config::Key;
using config::Type;
using config::Value;

std::vector<Key> keys() {
  return {
      Key{"sender", Type::kString, Value{std::string(kSenderPlaceholder)}, false, false,
          "CAP <sender> of the alerts this source issues: your organisation's domain or OID "
          "(CAP 1.2 §3.2.1). The default is a placeholder to replace"},
      Key{"min_magnitude", Type::kDouble, Value{4.5}, false, false,
          "events below this magnitude (or without one) are not alerted; an event already "
          "alerted is followed whatever its magnitude becomes"},
      Key{"event_types", Type::kStringArray, Value{std::vector<std::string>{"earthquake"}}, false,
          false,
          "the USGS event `type`s alerted as \"Earthquake\"; an alerted event reclassified to "
          "another type (e.g. \"quarry blast\") is cancelled"},
      Key{"cancel_when_missing", Type::kBool, Value{true}, false, false,
          "cancel an alerted event that vanishes from the feed while the feed's time window still "
          "covers it (USGS deleted it). Use with the all_* feeds: a magnitude-filtered feed also "
          "drops an event whose magnitude was revised below its threshold"},
      Key{"update_on_any_change", Type::kBool, Value{true}, false, false,
          "issue an Update whenever the event's `updated` changes; false: only when what the "
          "alert says changes (USGS also bumps `updated` for new products such as felt reports)"},
      Key{"moderate_magnitude", Type::kDouble, Value{6.0}, false, false,
          "without a PAGER alert level: severity Moderate from this magnitude (\"strong\" class)"},
      Key{"severe_magnitude", Type::kDouble, Value{7.0}, false, false,
          "without a PAGER alert level: severity Severe from this magnitude (\"major\" class)"},
      Key{"extreme_magnitude", Type::kDouble, Value{8.0}, false, false,
          "without a PAGER alert level: severity Extreme from this magnitude (\"great\" class)"},
      Key{"radius_slope", Type::kDouble, Value{0.43}, false, false,
          "circle radius in km = 10^(radius_slope * M + radius_intercept) (Dobrovolsky et al. "
          "1979), then clamped to [radius_min_km, radius_max_km]"},
      Key{"radius_intercept", Type::kDouble, Value{0.0}, false, false, "see radius_slope"},
      Key{"radius_min_km", Type::kDouble, Value{10.0}, false, false,
          "smallest circle radius, and the radius when the magnitude is unknown"},
      Key{"radius_max_km", Type::kDouble, Value{3000.0}, false, false, "largest circle radius"},
      Key{"expires_after", Type::kDuration, Value{int64_t{86'400'000}}, false, false,
          "<expires> = <sent> + this; 0 writes no <expires>"},
      Key{"forget_after", Type::kDuration, Value{int64_t{30} * 86'400'000}, false, false,
          "forget an event not seen in the feed for this long (the month feeds cover 30 days)"},
      Key{"max_events", Type::kInt, Value{int64_t{20'000}}, false, false,
          "at most this many events remembered between polls (the least recently seen go)"},
  };
}

std::optional<Settings> read_settings(const config::Section& o,
                                      std::vector<std::string>& problems) {
  Settings s;
  s.sender = o.get_string("sender");
  s.min_magnitude = o.get_double("min_magnitude");
  s.event_types = o.get_strings("event_types");
  s.cancel_when_missing = o.get_bool("cancel_when_missing");
  s.update_on_any_change = o.get_bool("update_on_any_change");
  s.moderate_magnitude = o.get_double("moderate_magnitude");
  s.severe_magnitude = o.get_double("severe_magnitude");
  s.extreme_magnitude = o.get_double("extreme_magnitude");
  s.radius_slope = o.get_double("radius_slope");
  s.radius_intercept = o.get_double("radius_intercept");
  s.radius_min_km = o.get_double("radius_min_km");
  s.radius_max_km = o.get_double("radius_max_km");
  s.expires_after_ms = o.get_duration("expires_after").count();
  s.forget_after_ms = o.get_duration("forget_after").count();
  s.max_events = o.get_int("max_events");
  size_t before = problems.size();
  if (!capgen::is_cap_token(s.sender)) {
    problems.push_back("sender \"" + s.sender +
                       "\" must be non-empty without spaces, commas, '<' or '&' (CAP 1.2 §3.2.1)");
  }
  if (!(s.moderate_magnitude <= s.severe_magnitude && s.severe_magnitude <= s.extreme_magnitude)) {
    problems.push_back("moderate_magnitude <= severe_magnitude <= extreme_magnitude must hold");
  }
  if (!(s.radius_min_km >= 0 && s.radius_min_km <= s.radius_max_km && s.radius_max_km <= 20'037)) {
    problems.push_back(
        "0 <= radius_min_km <= radius_max_km <= 20037 (half the Earth's circumference) must hold");
  }
  if (!std::isfinite(s.radius_slope) || !std::isfinite(s.radius_intercept)) {
    problems.push_back("radius_slope and radius_intercept must be finite numbers");
  }
  if (s.forget_after_ms <= 0 || s.max_events <= 0) {
    problems.push_back("forget_after and max_events must be positive");
  }
  if (problems.size() != before) return std::nullopt;
  return s;
}

}  // namespace capcast::ingest::usgs_geojson
