// Reading one NWS tsunami text product. Its layout (NWS Directive 10-1701, text product format;
// the two real products in tests/data/feeds/nws-tsunami/):
//   [nnn]                          the transmission's sequence number (WMO-No. 386 starting line)
//   SEHW70 PHEB 010922 [BBB]       the WMO abbreviated heading
//   EQIHWX                         the AWIPS id
//   [HIZ001>003-...-011052-]       the UGC line(s)
//   <blank>
//   TITLE LINE                     e.g. TSUNAMI SEISMIC INFORMATION STATEMENT NUMBER 1
//   NWS ... TSUNAMI WARNING CENTER ...
//   [ISSUED BY ...]
//   1122 PM HST THU MAR 31 2016    the issuance line
//   <blank>
//   ... text, with the earthquake's "ORIGIN TIME - ...", "COORDINATES - ..." lines ...
//   $$                             the end of the product
#include <cmath>
#include <string>

#include "capgen/capgen.h"
#include "product.h"

namespace capcast::ingest::nws_tsunami {
namespace {

struct Line {
  int number;  // 1-based, in the text as given
  std::string text;
};

// Lines without their end (LF, CR LF or the CR CR LF of the GTS), trailing blanks, and the
// SOH/ETX framing characters of a GTS transmission.
std::vector<Line> split_lines(std::string_view text) {
  std::vector<Line> out;
  int n = 0;
  size_t i = 0;
  while (i <= text.size()) {
    size_t j = text.find('\n', i);
    if (j == std::string_view::npos) j = text.size();
    std::string s;
    for (char c : text.substr(i, j - i))
      if (c != '\r' && c != '\x01' && c != '\x03') s += c;
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
      s.pop_back();
    out.push_back({++n, std::move(s)});
    if (j == text.size()) break;
    i = j + 1;
  }
  return out;
}

bool all_of(std::string_view s, size_t from, size_t n, bool (*pred)(char)) {
  if (s.size() < from + n) return false;
  for (size_t i = from; i < from + n; ++i)
    if (!pred(s[i])) return false;
  return true;
}
bool upper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool digit(char c) {
  return c >= '0' && c <= '9';
}
bool upper_or_digit(char c) {
  return upper(c) || digit(c);
}

std::string trimmed(std::string_view s) {
  size_t b = s.find_first_not_of(' ');
  if (b == std::string_view::npos) return "";
  return std::string(s.substr(b));
}

Status error_at(int line, const std::string& what) {
  return Status(Code::kParseError, "line " + std::to_string(line) + ": " + what);
}

// "ORIGIN TIME -  1116 PM HST 31 MAR 2016" or the newer "* ORIGIN TIME 0235 AKST JAN 23 2018":
// the value after the label, when the line carries that label.
std::optional<std::string> labelled(std::string_view line, std::string_view label) {
  std::string s = trimmed(line);
  if (!s.empty() && s[0] == '*') s = trimmed(std::string_view(s).substr(1));
  if (s.compare(0, label.size(), label) != 0) return std::nullopt;
  std::string_view rest = std::string_view(s).substr(label.size());
  if (!rest.empty() && rest[0] != ' ' && rest[0] != '-') return std::nullopt;
  size_t b = rest.find_first_not_of(" -");
  return b == std::string_view::npos ? std::string() : std::string(rest.substr(b));
}

std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  std::string w;
  for (char c : s) {
    if (c == ' ') {
      if (!w.empty()) out.push_back(std::move(w));
      w.clear();
    } else {
      w += c;
    }
  }
  if (!w.empty()) out.push_back(std::move(w));
  return out;
}

// "20.7 NORTH  155.3 WEST", "38.3N 142.5E": latitude and longitude in degrees.
std::optional<std::pair<double, double>> coordinates(std::string_view v) {
  auto w = words(v);
  // Split "38.3N" into "38.3" "N".
  std::vector<std::string> t;
  for (auto& x : w) {
    if (x.size() > 1 && upper(x.back()) && digit(x[x.size() - 2])) {
      t.push_back(x.substr(0, x.size() - 1));
      t.push_back(x.substr(x.size() - 1));
    } else {
      t.push_back(x);
    }
  }
  if (t.size() != 4) return std::nullopt;
  auto lat = capgen::parse_double(t[0]);
  auto lon = capgen::parse_double(t[2]);
  if (!lat || !lon || *lat < 0 || *lat > 90 || *lon < 0 || *lon > 180) return std::nullopt;
  if (t[1] == "SOUTH" || t[1] == "S") {
    *lat = -*lat;
  } else if (t[1] != "NORTH" && t[1] != "N") {
    return std::nullopt;
  }
  if (t[3] == "WEST" || t[3] == "W") {
    *lon = -*lon;
  } else if (t[3] != "EAST" && t[3] != "E") {
    return std::nullopt;
  }
  return std::pair{*lat, *lon};
}

// "10 KM", "24 KM / 15 MILES", "15 MILES": kilometres (a mile is 1.609344 km).
std::optional<double> depth(std::string_view v) {
  auto w = words(v);
  if (w.size() < 2) return std::nullopt;
  auto d = capgen::parse_double(w[0]);
  if (!d || *d < -10 || *d > 1000) return std::nullopt;
  if (w[1] == "KM") return *d;
  if (w[1] == "MILES" || w[1] == "MILE") return std::round(*d * 1.609344 * 10) / 10;
  return std::nullopt;
}

Kind kind_of(const std::string& title) {
  auto has = [&](const char* w) { return title.find(w) != std::string::npos; };
  if (has("CANCEL")) return Kind::kCancellation;
  if (has("WARNING") && !has("WARNING CENTER")) return Kind::kWarning;
  if (has("ADVISORY")) return Kind::kAdvisory;
  if (has("WATCH")) return Kind::kWatch;
  if (has("THREAT")) return Kind::kThreat;
  if (has("INFORMATION") || has("STATEMENT") || has("BULLETIN")) return Kind::kInformation;
  if (has("DUMMY") || has("TEST")) return Kind::kTest;
  return Kind::kOther;
}

// Whether `w` is a word of `s`, words being runs of capital letters ("TEST...TSUNAMI" has two).
bool has_word(const std::string& s, const std::string& w) {
  std::string cur;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size() && upper(s[i])) {
      cur += s[i];
      continue;
    }
    if (cur == w) return true;
    cur.clear();
  }
  return false;
}

}  // namespace

Result<Product> parse_product(std::string_view text) {
  auto lines = split_lines(text);
  Product p;
  size_t i = 0;
  auto blank = [&](size_t k) { return lines[k].text.find_first_not_of(' ') == std::string::npos; };
  while (i < lines.size() &&
         (blank(i) || (lines[i].text.size() == 3 && all_of(lines[i].text, 0, 3, digit))))
    ++i;
  if (i == lines.size()) {
    return Status(Code::kParseError, "no WMO abbreviated heading: the text is empty");
  }
  // WMO-No. 386 Part II §2.3.2: T1T2A1A2ii CCCC YYGGgg [BBB].
  {
    const Line& h = lines[i];
    auto w = words(h.text);
    bool ok = (w.size() == 3 || w.size() == 4) && w[0].size() == 6 && all_of(w[0], 0, 4, upper) &&
              all_of(w[0], 4, 2, digit) && w[1].size() == 4 && all_of(w[1], 0, 4, upper) &&
              w[2].size() == 6 && all_of(w[2], 0, 6, digit) &&
              (w.size() == 3 || (w[3].size() == 3 && all_of(w[3], 0, 3, upper)));
    if (ok) {
      int dd = std::stoi(w[2].substr(0, 2)), hh = std::stoi(w[2].substr(2, 2)),
          mm = std::stoi(w[2].substr(4, 2));
      ok = dd >= 1 && dd <= 31 && hh <= 23 && mm <= 59;
    }
    if (!ok) {
      return error_at(h.number,
                      "expected the WMO abbreviated heading \"TTAAii CCCC YYGGgg\" "
                      "(WMO-No. 386), found \"" +
                          capgen::clean_text(h.text.substr(0, 80)) + "\"");
    }
    p.ttaaii = w[0];
    p.cccc = w[1];
    p.yygggg = w[2];
    if (w.size() == 4) p.bbb = w[3];
    ++i;
  }
  size_t text_from = i - 1;
  // The AWIPS id NNNXXX (4 to 6 letters and digits), when the product has one.
  if (i < lines.size() && lines[i].text.size() >= 4 && lines[i].text.size() <= 6 &&
      all_of(lines[i].text, 0, lines[i].text.size(), upper_or_digit)) {
    p.awips_id = lines[i].text;
    ++i;
  }
  // The UGC line, possibly continued on the next lines, up to its "DDHHMM-".
  std::string ugc;
  int ugc_line = 0;
  if (i < lines.size() && lines[i].text.size() >= 7 && all_of(lines[i].text, 0, 3, upper) &&
      all_of(lines[i].text, 3, 3, digit)) {
    ugc_line = lines[i].number;
    while (i < lines.size() && !blank(i)) {
      ugc += lines[i].text;
      ++i;
      size_t n = ugc.size();
      if (n >= 8 && ugc[n - 1] == '-' && ugc[n - 8] == '-' && all_of(ugc, n - 7, 6, digit)) break;
    }
  }
  while (i < lines.size() && blank(i))
    ++i;
  // The header block: title, centre, "ISSUED BY", the issuance line.
  if (i == lines.size()) {
    return error_at(lines.back().number, "the product ends before its title");
  }
  p.title = capgen::clean_text(lines[i].text);
  int title_line = lines[i].number;
  ++i;
  std::string why;
  bool issued = false;
  for (; i < lines.size() && !blank(i); ++i) {
    const std::string& s = lines[i].text;
    if (auto t = parse_time_line(s, &why)) {
      p.issued_ms = *t;
      issued = true;
      ++i;
      break;
    }
    if (s.rfind("ISSUED BY ", 0) == 0) {
      p.issued_by = capgen::clean_text(s.substr(10));
    } else if (p.centre.empty()) {
      p.centre = capgen::clean_text(s);
    }
  }
  if (!issued) {
    return error_at(title_line,
                    "no issuance time line (like \"1122 PM HST THU MAR 31 2016\") "
                    "after the title \"" +
                        capgen::clean_text(p.title.substr(0, 80)) + "\"" +
                        (why.empty() ? "" : ": last candidate: " + why));
  }
  if (!ugc.empty()) {
    if (!parse_ugc(ugc, p.issued_ms, p.ugcs, p.purge_ms)) {
      return error_at(ugc_line, "malformed UGC line (NWS Directive 10-1702): \"" +
                                    capgen::clean_text(ugc.substr(0, 80)) + "\"");
    }
  }
  // The body, to "$$": the end marker proves the text is whole.
  size_t body = i, end = 0;
  for (; i < lines.size(); ++i) {
    if (trimmed(lines[i].text) == "$$") {
      end = i;
      break;
    }
  }
  if (end == 0) {
    return error_at(lines.back().number,
                    "no \"$$\" line ends the product: the text is truncated or not an NWS "
                    "product");
  }
  // The earthquake's parameters: the block of lines around ORIGIN TIME (the older products list
  // it first, the newer ones after MAGNITUDE); other lines are prose.
  size_t at = body;
  while (at < end && !labelled(lines[at].text, "ORIGIN TIME"))
    ++at;
  if (at < end) {
    size_t from = at, to = at;
    while (from > body && !blank(from - 1))
      --from;
    while (to + 1 < end && !blank(to + 1))
      ++to;
    Origin o;
    std::optional<std::pair<double, double>> where;
    for (size_t k = from; k <= to; ++k) {
      const std::string& s = lines[k].text;
      int n = lines[k].number;
      if (auto v = labelled(s, "ORIGIN TIME"); v && k == at) {
        auto t = parse_time_line(*v, &why);
        if (!t) return error_at(n, "ORIGIN TIME \"" + capgen::clean_text(*v) + "\": " + why);
        o.time_ms = *t;
      } else if (auto c = labelled(s, "COORDINATES"); c && !where) {
        where = coordinates(*c);
        if (!where) {
          return error_at(n, "COORDINATES \"" + capgen::clean_text(*c) +
                                 "\": expected like \"20.7 NORTH 155.3 WEST\"");
        }
      } else if (auto d = labelled(s, "DEPTH"); d && !o.depth_km) {
        o.depth_km = depth(*d);
        if (!o.depth_km) {
          return error_at(n, "DEPTH \"" + capgen::clean_text(*d) + "\": expected like \"10 KM\"");
        }
      } else if (auto l = labelled(s, "LOCATION"); l && o.location.empty()) {
        o.location = capgen::clean_text(*l);
      } else if (auto m = labelled(s, "MAGNITUDE"); m && !o.magnitude) {
        auto w = words(*m);
        o.magnitude = w.empty() ? std::nullopt : capgen::parse_double(w[0]);
        if (!o.magnitude || *o.magnitude < -2 || *o.magnitude > 10.5 || w.size() > 2) {
          return error_at(n, "MAGNITUDE \"" + capgen::clean_text(*m) + "\": expected like \"4.2\"");
        }
        if (w.size() == 2) o.magnitude_type = capgen::clean_text(w[1]);
      }
    }
    if (!where) {
      return error_at(lines[at].number, "ORIGIN TIME without COORDINATES in its block");
    }
    o.lat = where->first;
    o.lon = where->second;
    p.origin = std::move(o);
  }
  for (size_t k = text_from; k < end; ++k) {
    p.text += lines[k].text;
    p.text += '\n';
  }
  p.text = capgen::clean_text(p.text);
  p.kind = kind_of(p.title);
  // A test: the title says TEST (or is the "TSUNAMI DUMMY" product), or the text says so.
  p.test = has_word(p.title, "TEST") || has_word(p.title, "DUMMY") ||
           p.text.find("THIS IS A TEST MESSAGE") != std::string::npos ||
           p.text.find("FOR TEST PURPOSES ONLY") != std::string::npos;
  return p;
}

}  // namespace capcast::ingest::nws_tsunami
