#include "observation.h"

#include <charconv>
#include <cmath>

#include "capcast/cap/datetime.h"

namespace capcast::ingest::sensor {

std::optional<ParsedTime> parse_time(std::string_view s, std::string* why) {
  auto fail = [&](const char* msg) -> std::optional<ParsedTime> {
    if (why) *why = msg;
    return std::nullopt;
  };
  // RFC 3339 §5.6: date-time = full-date "T" full-time; §5.6 NOTE allows a space or lower-case t.
  if (s.size() < 19 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')) {
    return fail("is not an RFC 3339 date-time (YYYY-MM-DDThh:mm:ss[.fff](Z|+hh:mm))");
  }
  std::string base(s.substr(0, 19));
  base[10] = 'T';
  size_t pos = 19;
  int64_t fraction_ms = 0;
  if (pos < s.size() &&
      s[pos] == '.') {  // time-secfrac: kept to the millisecond, further digits dropped
    size_t start = ++pos;
    int64_t scale = 100;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      fraction_ms += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return fail("has a '.' without fractional seconds");
  }
  std::string reason;
  if (!cap::parse_datetime(base + "+00:00", &reason)) {  // the date and time of day first
    if (reason.find("is not of the form") != std::string::npos) {
      return fail("is not an RFC 3339 date-time (YYYY-MM-DDThh:mm:ss[.fff](Z|+hh:mm))");
    }
    if (why) *why = reason;
    return std::nullopt;
  }
  std::string_view offset = s.substr(pos);
  std::string cap_form;
  if (offset == "Z" || offset == "z") {
    cap_form = base + "+00:00";
  } else if (offset.size() == 6 && (offset[0] == '+' || offset[0] == '-')) {
    cap_form = base + std::string(offset);
  } else if (offset.empty()) {
    return fail("has no UTC offset; write Z or +hh:mm (local time is ambiguous)");
  } else {
    return fail("has an offset that is neither Z nor +hh:mm");
  }
  auto dt = cap::parse_datetime(cap_form, &reason);
  if (!dt) {
    if (why) *why = reason;
    return std::nullopt;
  }
  if (base.compare(0, 4, "1900") < 0) return fail("is before the year 1900");
  return ParsedTime{dt->unix_ms + fraction_ms, dt->offset_minutes};
}

std::optional<double> parse_number(std::string_view s) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string xml_safe(std::string_view s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    auto b = static_cast<unsigned char>(s[i]);
    size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) {  // not a UTF-8 lead byte, or cut short
      ++i;
      continue;
    }
    uint32_t cp = n == 1 ? b : b & (0xFF >> (n + 1));
    bool ok = true;
    for (size_t k = 1; k < n; ++k) {
      auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (c & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};  // overlong forms
    ok = ok && cp >= kMin[n] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    // XML 1.0 §2.2: Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
    ok = ok && (cp >= 0x20 || cp == 0x9 || cp == 0xA || cp == 0xD) && cp != 0xFFFE && cp != 0xFFFF;
    if (ok) out.append(s.substr(i, n));
    i += ok ? n : 1;
  }
  return out;
}

std::string format_number(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  if (ec != std::errc()) return "0";
  return std::string(buf, end);
}

}  // namespace capcast::ingest::sensor
