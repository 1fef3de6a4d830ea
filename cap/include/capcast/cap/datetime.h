// CAP date-times (CAP 1.2 §3.3.2): "YYYY-MM-DDThh:mm:ss±hh:mm", the offset kept as written. "Z"
// is not allowed, nor are fractional seconds' absence of an offset; "-00:00" means UTC. Pure
// functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace capcast::cap {

struct DateTime {
  int64_t unix_ms = 0;     // the instant
  int offset_minutes = 0;  // the offset as written (+08:00 -> 480)
  bool operator==(const DateTime&) const = default;
};

// Parses a CAP date-time. Returns nullopt and, when `why` is given, the reason, if the text is
// not of the CAP form or names a day that does not exist in the calendar.
std::optional<DateTime> parse_datetime(std::string_view text, std::string* why = nullptr);

// Renders in CAP form with the given offset; UTC is rendered as "-00:00" per CAP 1.2 §3.3.2.
std::string format_datetime(int64_t unix_ms, int offset_minutes = 0);

}  // namespace capcast::cap
