// The csv-readings format: one observation per line, "station,time,value" (docs/sources/sensor.md):
//   station  the station's name as written in the threshold lines (no commas, no quotes)
//   time     RFC 3339 with an offset: 2024-05-01T06:00:00Z, 2024-05-01T08:00:00.5+02:00
//   value    a decimal number: 4.36, -0.5, 1e3
// An optional header line "station,time,value" (first line only), empty lines and lines
// starting with '#' are skipped; CRLF line ends and a UTF-8 BOM are accepted. A line that does
// not fit is a problem naming its number; the other lines are still read.
//
// The parser is written here rather than taken from a Debian library: libcsv (C, callbacks) and
// libfccp (fast-cpp-csv-parser) exist, but this format has no quoting or escaping to handle, and
// libfccp reports bad lines by throwing (this codebase keeps exceptions off the data path) while
// libcsv would add a dependency to every build for a 30-line split on ','.
#include "sensor.h"

namespace capcast::ingest::sensor {
namespace {

constexpr int kMaxLineProblems = 20;  // more bad lines are counted, not listed one by one

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t comma = line.find(',', start);
    out.push_back(trim(line.substr(start, comma - start)));
    if (comma == std::string_view::npos) return out;
    start = comma + 1;
  }
}

bool is_header(const std::vector<std::string_view>& f) {
  auto lower_eq = [](std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      char c = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
      if (c != b[i]) return false;
    }
    return true;
  };
  return f.size() == 3 && lower_eq(f[0], "station") && lower_eq(f[1], "time") &&
         lower_eq(f[2], "value");
}

}  // namespace

FeedData parse_csv(std::string_view body, std::vector<std::string>& problems) {
  FeedData data;
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  int line_no = 0;
  int bad = 0;
  bool first = true;
  auto problem = [&](const std::string& what) {
    if (++bad <= kMaxLineProblems)
      problems.push_back("line " + std::to_string(line_no) + ": " + what);
  };
  size_t pos = 0;
  while (pos < body.size()) {
    size_t nl = body.find('\n', pos);
    std::string_view line = trim(body.substr(pos, nl == std::string_view::npos ? nl : nl - pos));
    pos = nl == std::string_view::npos ? body.size() : nl + 1;
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    auto f = split(line);
    bool was_first = first;
    first = false;
    if (was_first && is_header(f)) continue;
    if (f.size() != 3) {
      problem("expected 3 fields station,time,value, found " + std::to_string(f.size()));
      continue;
    }
    if (f[0].empty() || f[0].find('"') != std::string_view::npos) {
      problem("station '" + std::string(f[0]) + "' is empty or quoted");
      continue;
    }
    std::string why;
    auto t = parse_time(f[1], &why);
    if (!t) {
      problem("time '" + std::string(f[1]) + "' " + why);
      continue;
    }
    auto v = parse_number(f[2]);
    if (!v) {
      problem("value '" + std::string(f[2]) + "' is not a number");
      continue;
    }
    Observation o;
    o.time_ms = t->unix_ms;
    o.offset_minutes = t->offset_minutes;
    o.value = *v;
    o.value_text = std::string(f[2]);
    o.where = "line " + std::to_string(line_no);
    data[std::string(f[0])].observations.push_back(std::move(o));
  }
  if (bad > kMaxLineProblems) {
    problems.push_back(std::to_string(bad - kMaxLineProblems) + " more bad lines not listed");
  }
  return data;
}

Extracted extract_csv(const Input& in) {
  std::vector<std::string> problems;
  FeedData data = parse_csv(in.body, problems);
  return run_thresholds(in, Dialect::kCsv, data, std::move(problems));
}

}  // namespace capcast::ingest::sensor
