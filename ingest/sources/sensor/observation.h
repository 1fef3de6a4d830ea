// What the sensor formats read from a feed before the threshold engine sees it: one observation
// of one series (a station's quantity), the station's description, and the RFC 3339 time stamps
// both feeds use. Plain data and pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace capcast::ingest::sensor {

struct Observation {
  int64_t time_ms = 0;     // the instant
  int offset_minutes = 0;  // the UTC offset as written, to quote the time back in the alert
  double value = 0;        // the number compared with thresholds
  std::string value_text;  // the value as written, quoted in the alert
  std::vector<std::string> qualifiers;  // USGS data qualifiers ("P" provisional, "e" estimated)
  std::string where;                    // "line 7" or "value[3]", for problems
};

// What a feed says about a station; every field may be missing.
struct StationInfo {
  std::string name;  // USGS sourceInfo.siteName
  std::optional<double> latitude;
  std::optional<double> longitude;
  std::string unit;  // USGS variable.unit.unitCode
};

// The observations of one series, in feed order (not necessarily time order).
struct SeriesData {
  StationInfo station;
  std::vector<Observation> observations;
};

// Keyed by the series key of a threshold line ("01491000:00065", or a CSV station).
using FeedData = std::map<std::string, SeriesData>;

struct ParsedTime {
  int64_t unix_ms = 0;
  int offset_minutes = 0;
};

// An RFC 3339 date-time with a mandatory offset: "2020-02-13T17:15:00.000-05:00",
// "2018-01-24T00:00:00Z" (RFC 3339 §5.6: `T` or a space between date and time, `Z` or ±hh:mm,
// optional fractional seconds, kept to the millisecond). A time without an offset is refused:
// local time is ambiguous. nullopt and the reason in `why` when the text is not of that form.
std::optional<ParsedTime> parse_time(std::string_view text, std::string* why);

// A decimal number as written in a feed ("4.36", "-999999.0", "1e3"); nullopt unless the whole
// text is a finite number.
std::optional<double> parse_number(std::string_view text);

// Text as XML 1.0 can carry it (XML 1.0 §2.2 Char): invalid UTF-8, C0 controls other than tab,
// LF and CR, and U+FFFE/U+FFFF are dropped. Feed and configuration strings may hold them (JSON and
// TOML escapes such as \u0001), and cap::serialize writes text as it is given.
std::string xml_safe(std::string_view text);

// The shortest text that reads back as the same double ("38.99719444", "10").
std::string format_number(double v);

}  // namespace capcast::ingest::sensor
