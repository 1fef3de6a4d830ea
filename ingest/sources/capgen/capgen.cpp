#include "capgen.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace capcast::ingest::capgen {
namespace {

// Days from 1970-01-01 to a civil date (Howard Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool is_leap(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::optional<int> small_number(std::string_view s, size_t min_digits, size_t max_digits) {
  if (s.size() < min_digits || s.size() > max_digits) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// The length of the UTF-8 sequence at s[i] and its code point, or 0 when it is not valid UTF-8.
size_t utf8_at(std::string_view s, size_t i, uint32_t* cp) {
  auto b = static_cast<unsigned char>(s[i]);
  size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  uint32_t v = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
  for (size_t k = 1; k < n; ++k) {
    auto c = static_cast<unsigned char>(s[i + k]);
    if ((c >> 6) != 0x2) return 0;
    v = (v << 6) | (c & 0x3F);
  }
  static const uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (v < kMin[n] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return n;
}

}  // namespace

bool is_cap_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c == ' ' || c == ',' || c == '<' || c == '&' || (c >= 0 && c < 0x20) || c == 0x7F)
      return false;
  }
  return true;
}

bool is_plain_id(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::string decimal(double v, int max_decimals) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, max_decimals);
  if (r.ec != std::errc()) return "0";
  std::string s(buf, r.ptr);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0')
      s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

std::optional<double> parse_double(std::string_view s) {
  if (s.empty()) return std::nullopt;
  if (s.front() == '+') s.remove_prefix(1);
  double v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string clean_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    uint32_t cp = 0;
    size_t n = utf8_at(s, i, &cp);
    if (n == 0) {
      ++i;
      continue;
    }
    bool ok = cp >= 0x20 ? cp != 0xFFFE && cp != 0xFFFF : cp == '\t' || cp == '\n' || cp == '\r';
    if (ok) out.append(s.substr(i, n));
    i += n;
  }
  size_t b = out.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = out.find_last_not_of(" \t\r\n");
  return out.substr(b, e - b + 1);
}

bool is_web_url(std::string_view s) {
  bool scheme = s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0;
  if (!scheme) return false;
  size_t host = s.find("://") + 3;
  if (host >= s.size() || s[host] == '/') return false;
  for (char c : s) {
    if (c <= ' ' || c == 0x7F || c == '<' || c == '>' || c == '"') return false;
  }
  return true;
}

bool is_cap_time(int64_t ms) {
  return ms >= 0 && ms <= 253'402'300'799'000;  // 9999-12-31T23:59:59Z
}

std::optional<int64_t> civil_utc_ms(int year, int month, int day, int hour, int minute,
                                    int second) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 ||
      minute < 0 || minute > 59 || second < 0 || second > 59)
    return std::nullopt;
  if (day > (month == 2 && is_leap(year) ? 29 : kDays[month - 1])) return std::nullopt;
  int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return ((days * 24 + hour) * 60 + minute) * 60'000 + int64_t{second} * 1000;
}

std::optional<int64_t> parse_rfc822(std::string_view s) {
  // date-time = [ day "," ] date time; date = 1*2DIGIT month 2*4DIGIT; time = hh:mm[:ss] zone.
  std::vector<std::string_view> t;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
      ++i;
    size_t b = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
      ++i;
    if (i > b) t.push_back(s.substr(b, i - b));
  }
  if (!t.empty() && t[0].size() >= 3 && t[0].back() == ',') t.erase(t.begin());
  if (t.size() != 5) return std::nullopt;
  auto day = small_number(t[0], 1, 2);
  static const char* kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                  "jul", "aug", "sep", "oct", "nov", "dec"};
  int month = 0;
  for (int m = 0; m < 12; ++m) {
    if (iequals(t[1], kMonths[m])) month = m + 1;
  }
  auto year = small_number(t[2], 2, 4);
  if (!day || month == 0 || !year || t[2].size() == 3) return std::nullopt;
  int64_t y = *year;
  if (t[2].size() == 2) y += y < 50 ? 2000 : 1900;  // RFC 2822 §4.3 for two-digit years
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int mdays = month == 2 && is_leap(y) ? 29 : kDays[month - 1];
  if (*day < 1 || *day > mdays) return std::nullopt;
  std::string_view clock = t[3];
  if (clock.size() != 5 && clock.size() != 8) return std::nullopt;
  auto hh = small_number(clock.substr(0, 2), 2, 2);
  auto mm = small_number(clock.substr(3, 2), 2, 2);
  std::optional<int> ss = 0;
  if (clock.size() == 8) ss = small_number(clock.substr(6, 2), 2, 2);
  if (clock[2] != ':' || (clock.size() == 8 && clock[5] != ':') || !hh || !mm || !ss || *hh > 23 ||
      *mm > 59 || *ss > 60)
    return std::nullopt;
  // RFC 822 §5.1 zones; military single letters other than Z are ambiguous and refused.
  std::string_view z = t[4];
  int offset_min = 0;
  static const std::pair<const char*, int> kZones[] = {
      {"UT", 0},     {"UTC", 0},    {"GMT", 0},    {"Z", 0},      {"EST", -300}, {"EDT", -240},
      {"CST", -360}, {"CDT", -300}, {"MST", -420}, {"MDT", -360}, {"PST", -480}, {"PDT", -420}};
  bool known = false;
  for (const auto& [name, off] : kZones) {
    if (iequals(z, name)) {
      offset_min = off;
      known = true;
    }
  }
  if (!known) {
    if (z.size() != 5 || (z[0] != '+' && z[0] != '-')) return std::nullopt;
    auto oh = small_number(z.substr(1, 2), 2, 2);
    auto om = small_number(z.substr(3, 2), 2, 2);
    if (!oh || !om || *om > 59) return std::nullopt;
    offset_min = (*oh * 60 + *om) * (z[0] == '-' ? -1 : 1);
  }
  int64_t days = days_from_civil(y, static_cast<unsigned>(month), static_cast<unsigned>(*day));
  int64_t secs = days * 86400 + *hh * 3600 + *mm * 60 + std::min(*ss, 59) - offset_min * 60;
  return secs * 1000;
}

const config::Section& options_of(const Input& in, const char* format_name) {
  if (in.options) return *in.options;
  return default_options(*find_format(format_name));
}

}  // namespace capcast::ingest::capgen
