#include "capcast/cap/datetime.h"

#include <cstdio>

namespace capcast::cap {
namespace {

// Days from 1970-01-01 to the given civil date (Howard Hinnant's days_from_civil algorithm;
// written out rather than taken from <chrono> so that the parser stays allocation-free).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

bool digits(std::string_view s, size_t pos, size_t n, int* out) {
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

std::optional<DateTime> fail(std::string* why, const char* msg) {
  if (why) *why = msg;
  return std::nullopt;
}

}  // namespace

std::optional<DateTime> parse_datetime(std::string_view s, std::string* why) {
  // CAP 1.2 §3.3.2: "2002-05-24T16:49:00-07:00". The schema's xs:dateTime would also accept
  // fractional seconds and "Z"; CAP's own rule does not, and receivers such as IPAWS reject them.
  if (!s.empty() && (s.back() == 'Z' || s.back() == 'z')) {
    return fail(why, "uses 'Z'; CAP requires a numeric offset, '-00:00' for UTC (CAP 1.2 §3.3.2)");
  }
  if (s.size() != 25) {
    return fail(why, "is not of the form YYYY-MM-DDThh:mm:ss+hh:mm (CAP 1.2 §3.3.2)");
  }
  int y, mo, d, h, mi, sec, oh, om;
  if (!digits(s, 0, 4, &y) || s[4] != '-' || !digits(s, 5, 2, &mo) || s[7] != '-' ||
      !digits(s, 8, 2, &d) || s[10] != 'T' || !digits(s, 11, 2, &h) || s[13] != ':' ||
      !digits(s, 14, 2, &mi) || s[16] != ':' || !digits(s, 17, 2, &sec) ||
      (s[19] != '+' && s[19] != '-') || !digits(s, 20, 2, &oh) || s[22] != ':' ||
      !digits(s, 23, 2, &om)) {
    return fail(why, "is not of the form YYYY-MM-DDThh:mm:ss+hh:mm (CAP 1.2 §3.3.2)");
  }
  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)) {
    return fail(why, "names a day that does not exist in the calendar");
  }
  if (h > 23 || mi > 59 || sec > 59) return fail(why, "has a time of day out of range");
  if (oh > 14 || om > 59) return fail(why, "has a UTC offset out of range");
  int offset = (oh * 60 + om) * (s[19] == '-' ? -1 : 1);
  int64_t local_secs =
      days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
      mi * 60 + sec;
  return DateTime{(local_secs - offset * 60) * 1000, offset};
}

std::string format_datetime(int64_t unix_ms, int offset_minutes) {
  int64_t secs = unix_ms / 1000 - (unix_ms % 1000 < 0 ? 1 : 0) + offset_minutes * 60;
  int64_t days = secs / 86400 - (secs % 86400 < 0 ? 1 : 0);
  int64_t rem = secs - days * 86400;
  // civil_from_days (Hinnant).
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  char sign = offset_minutes > 0 ? '+' : '-';
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld%c%02d:%02d",
                static_cast<long long>(y), m, d, static_cast<long long>(rem / 3600),
                static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60), sign,
                off / 60, off % 60);
  return buf;
}

}  // namespace capcast::cap
