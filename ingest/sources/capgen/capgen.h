// Helpers shared by the formats that generate CAP 1.2 from feeds that are not CAP (usgs-geojson,
// gdacs-rss): what a generated identifier may contain, locale-free decimals, text that XML can
// carry, RFC 822 dates, the options a format was given, and the bounded map of events a format
// remembers between polls. Pure functions and plain data; thread-safe.
#pragma once

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "capcast/config/config.h"
#include "capcast/ingest/format.h"

namespace capcast::ingest::capgen {

// CAP 1.2 §3.2.1: <identifier> and <sender> "MUST NOT include spaces, commas or restricted
// characters (< and &)"; also not empty.
bool is_cap_token(std::string_view s);

// Letters, digits, '.', '-' and '_' only, 1 to 64 of them: a feed's own id that may go into a
// generated identifier as it is.
bool is_plain_id(std::string_view s);

// `v` written with at most `max_decimals` decimals, trailing zeros dropped, never an exponent,
// "0" for -0; the same text on every machine (no locale). `v` must be finite.
std::string decimal(double v, int max_decimals);

// A number written in full ("12.5", "-3", "1e3"), nullopt if anything else or not finite.
std::optional<double> parse_double(std::string_view s);

// Text as XML 1.0 can carry it (§2.2 Char): C0 controls other than tab, LF and CR dropped, as is
// anything that is not UTF-8; leading and trailing white space trimmed.
std::string clean_text(std::string_view s);

// An absolute http:// or https:// URL without white space (CAP 1.2 §3.2.2 <web>: "A full,
// absolute URI").
bool is_web_url(std::string_view s);

// Whether a time (ms since 1970, UTC) can be written as a CAP date-time with a four-digit year
// (CAP 1.2 §3.3.2): 1970-01-01 to 9999-12-31.
bool is_cap_time(int64_t ms);

// A proleptic Gregorian date and time of day, read as UTC, in ms since 1970; nullopt when it is
// not a real date and time (31 April, 24:00, a leap second) or not within 1970 to 9999.
std::optional<int64_t> civil_utc_ms(int year, int month, int day, int hour, int minute, int second);

// An RFC 822 §5 date-time as amended by RFC 1123 §5.2.14 ("Mon, 30 Dec 2019 00:17:00 GMT";
// the day name and the seconds are optional; zones UT, GMT, Z and +hhmm/-hhmm), in ms since 1970.
std::optional<int64_t> parse_rfc822(std::string_view s);

// The [[source]] entry the format was given, or the format's defaults when the caller gave none.
const config::Section& options_of(const Input& in, const char* format_name);

// Events a format remembers between polls, by key, each with the time it was last seen in the
// feed. Kept bounded: entries not seen for `forget_after_ms` go, then the least recently seen
// beyond `max_entries`.
template <typename Entry>
void forget_old(std::map<std::string, Entry>& events, int64_t now_ms, int64_t forget_after_ms,
                size_t max_entries) {
  for (auto it = events.begin(); it != events.end();) {
    it = now_ms - it->second.seen_ms > forget_after_ms ? events.erase(it) : std::next(it);
  }
  if (events.size() <= max_entries) return;
  std::vector<std::pair<int64_t, std::string>> by_age;
  for (const auto& [key, e] : events)
    by_age.emplace_back(e.seen_ms, key);
  std::sort(by_age.begin(), by_age.end());
  for (size_t i = 0; i < by_age.size() - max_entries; ++i)
    events.erase(by_age[i].second);
}

}  // namespace capcast::ingest::capgen
