// The date-time lines of NWS tsunami products ("1122 PM HST THU MAR 31 2016") and their UGC
// lines ("HIZ001>003-005-011052-").
#include <array>
#include <cstdlib>
#include <utility>

#include "capgen/capgen.h"
#include "product.h"

namespace capcast::ingest::nws_tsunami {
namespace {

std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ')
      ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ')
      ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

std::optional<int> digits(std::string_view s, size_t min_n, size_t max_n) {
  if (s.size() < min_n || s.size() > max_n) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// UTC offsets in minutes of the zones the tsunami centres write: the US standard time zones
// (49 CFR Part 71) and their daylight time, Guam's Chamorro time and Samoa's.
std::optional<int> zone_offset(std::string_view z) {
  static const std::pair<const char*, int> kZones[] = {
      {"UTC", 0},     {"GMT", 0},     {"Z", 0},      {"HST", -600}, {"HDT", -540},
      {"AKST", -540}, {"AKDT", -480}, {"PST", -480}, {"PDT", -420}, {"MST", -420},
      {"MDT", -360},  {"CST", -360},  {"CDT", -300}, {"EST", -300}, {"EDT", -240},
      {"AST", -240},  {"ADT", -180},  {"CHST", 600}, {"SST", -660}};
  std::string up(z);
  for (char& c : up)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  for (const auto& [name, off] : kZones)
    if (up == name) return off;
  return std::nullopt;
}

int index_of(std::string_view w, const char* const* names, int n) {
  for (int i = 0; i < n; ++i)
    if (w == names[i]) return i;
  return -1;
}

bool fail(std::string* why, std::string text) {
  if (why) *why = std::move(text);
  return false;
}

}  // namespace

std::optional<int64_t> parse_time_line(std::string_view line, std::string* why) {
  static const char* const kMonths[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                        "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  static const char* const kDays[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
  auto w = words(line);
  if (w.empty()) {
    fail(why, "empty");
    return std::nullopt;
  }
  // hhmm, or hhmmZ (UTC), as the issuance line and the ORIGIN TIME line write it.
  std::string_view clock = w[0];
  bool zulu = !clock.empty() && (clock.back() == 'Z' || clock.back() == 'z');
  if (zulu) clock.remove_suffix(1);
  auto hhmm = digits(clock, 3, 4);
  if (!hhmm) {
    fail(why, "\"" + std::string(w[0]) + "\" is not a time of day hhmm");
    return std::nullopt;
  }
  int hour = *hhmm / 100, minute = *hhmm % 100;
  size_t k = 1;
  if (k < w.size() && (w[k] == "AM" || w[k] == "PM")) {
    if (hour < 1 || hour > 12) {
      fail(why, "\"" + std::string(w[0]) + " " + std::string(w[k]) + "\" is not a 12-hour time");
      return std::nullopt;
    }
    hour = hour % 12 + (w[k] == "PM" ? 12 : 0);
    ++k;
  }
  int offset = 0;
  if (!zulu) {
    auto z = k < w.size() ? zone_offset(w[k]) : std::nullopt;
    if (!z) {
      fail(why, k < w.size() ? "\"" + std::string(w[k]) + "\" is not a known time zone"
                             : std::string("no time zone"));
      return std::nullopt;
    }
    offset = *z;
    ++k;
  }
  // The rest: an optional weekday, the month, the day and the year, in the orders the products
  // use ("THU MAR 31 2016", "31 MAR 2016", "TUE AUG 5 2014").
  int weekday = -1, month = -1, day = -1, year = -1;
  for (; k < w.size(); ++k) {
    int m = index_of(w[k], kMonths, 12), d = index_of(w[k], kDays, 7);
    if (m >= 0 && month < 0) {
      month = m + 1;
    } else if (d >= 0 && weekday < 0) {
      weekday = d;
    } else if (auto y = digits(w[k], 4, 4); y && year < 0) {
      year = *y;
    } else if (auto dd = digits(w[k], 1, 2); dd && day < 0) {
      day = *dd;
    } else {
      fail(why, "unexpected \"" + std::string(w[k]) + "\"");
      return std::nullopt;
    }
  }
  if (month < 0 || day < 0 || year < 0) {
    fail(why, "the month, day and year are required");
    return std::nullopt;
  }
  auto local = capgen::civil_utc_ms(year, month, day, hour, minute, 0);
  if (!local) {
    fail(why, "not a real date and time (or before 1970)");
    return std::nullopt;
  }
  if (weekday >= 0) {
    int64_t days = *local / 86'400'000;
    if (static_cast<int>((days + 4) % 7) != weekday) {  // 1970-01-01 was a Thursday
      fail(why, std::string(kDays[weekday]) + " is not the weekday of that date");
      return std::nullopt;
    }
  }
  int64_t utc = *local - int64_t{offset} * 60'000;
  if (!capgen::is_cap_time(utc)) {
    fail(why, "not between 1970 and 9999 in UTC");
    return std::nullopt;
  }
  return utc;
}

bool parse_ugc(std::string_view line, int64_t issued_ms, std::vector<std::string>& codes,
               std::optional<int64_t>& purge_ms, size_t max_codes) {
  // NWS Directive 10-1702 (Universal Geographic Code): SSFNNN, where F is C (county) or Z
  // (zone); "NNN>NNN" a range, a bare "NNN" keeps the last SSF; ends "DDHHMM-", the purge time.
  if (line.empty() || line.back() != '-') return false;
  std::vector<std::string_view> segs;
  size_t i = 0;
  while (i < line.size()) {
    size_t j = line.find('-', i);
    if (j == std::string_view::npos) break;  // not reached: the line ends with '-'
    segs.push_back(line.substr(i, j - i));
    i = j + 1;
  }
  if (segs.size() < 2) return false;
  auto purge = digits(segs.back(), 6, 6);
  if (!purge) return false;
  std::string prefix;
  for (size_t s = 0; s + 1 < segs.size(); ++s) {
    std::string_view g = segs[s];
    if (g.size() >= 6 && g[0] >= 'A' && g[0] <= 'Z' && g[1] >= 'A' && g[1] <= 'Z' &&
        (g[2] == 'C' || g[2] == 'Z')) {
      prefix = std::string(g.substr(0, 3));
      g.remove_prefix(3);
    }
    if (prefix.empty()) return false;
    size_t gt = g.find('>');
    auto from = digits(g.substr(0, gt), 3, 3);
    auto to = gt == std::string_view::npos ? from : digits(g.substr(gt + 1), 3, 3);
    if (!from || !to || *to < *from) return false;
    for (int n = *from; n <= *to; ++n) {
      if (codes.size() >= max_codes) return false;
      char buf[4] = {static_cast<char>('0' + n / 100), static_cast<char>('0' + n / 10 % 10),
                     static_cast<char>('0' + n % 10), 0};
      codes.push_back(prefix + buf);
    }
  }
  // The purge time names a day of the month: the first such time from the issue time on, in
  // the issue month or the next.
  int dd = *purge / 10000, hh = *purge / 100 % 100, mm = *purge % 100;
  int64_t days = issued_ms / 86'400'000;
  // Civil year and month of the issue time (Hinnant's civil_from_days).
  int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
  int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  int year = static_cast<int>(yoe + era * 400 + (month <= 2));
  for (int step = 0; step < 2; ++step) {
    auto t = capgen::civil_utc_ms(year, month, dd, hh, mm, 0);
    if (t && *t >= issued_ms) {
      purge_ms = *t;
      return true;
    }
    if (++month == 13) {
      month = 1;
      ++year;
    }
  }
  return false;
}

}  // namespace capcast::ingest::nws_tsunami
