#include "cap_corpus.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

#include "cap_templates.h"
#include "capcast/cap/datetime.h"
#include "capcast/cap/parse.h"

namespace capcast::bench {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int64_t kYear2024Ms = 1704067200000;  // 2024-01-01T00:00:00Z

// SplitMix64 (Steele, Lea and Flood, OOPSLA 2014): fully specified, so the corpus is the same
// with every standard library.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return static_cast<size_t>(next() % n); }
  int between(int lo, int hi) {
    return lo + static_cast<int>(below(static_cast<size_t>(hi - lo + 1)));
  }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * unit(); }
  bool chance(double p) { return unit() < p; }

 private:
  uint64_t state_;
};

std::string escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else
      out += c;
  }
  return out;
}

std::string with_place(std::string_view text, const std::string& place) {
  std::string out(text);
  auto at = out.find("%P");
  if (at != std::string::npos) out.replace(at, 2, place);
  return out;
}

// Indented CAP XML, every element in the CAP namespace under an optional prefix.
class Writer {
 public:
  Writer(std::string* out, std::string_view prefix) : out_(out), prefix_(prefix) {}

  void open(int depth, const char* name) {
    indent(depth);
    *out_ += '<';
    tag(name);
    *out_ += ">\n";
  }
  void close(int depth, const char* name) {
    indent(depth);
    *out_ += "</";
    tag(name);
    *out_ += ">\n";
  }
  void leaf(int depth, const char* name, std::string_view text) {
    indent(depth);
    *out_ += '<';
    tag(name);
    *out_ += '>';
    *out_ += escape(text);
    *out_ += "</";
    tag(name);
    *out_ += ">\n";
  }
  // <parameter>, <eventCode>, <geocode> (CAP 1.2 §3.2.2, §3.2.4).
  void pair(int depth, const char* name, std::string_view value_name, std::string_view value) {
    open(depth, name);
    leaf(depth + 1, "valueName", value_name);
    leaf(depth + 1, "value", value);
    close(depth, name);
  }

 private:
  void indent(int depth) { out_->append(static_cast<size_t>(depth) * 2, ' '); }
  void tag(const char* name) {
    if (!prefix_.empty()) {
      *out_ += prefix_;
      *out_ += ':';
    }
    *out_ += name;
  }

  std::string* out_;
  std::string_view prefix_;
};

// A star-shaped ring around a random centre: the vertices are in strictly increasing angle, so
// the ring is simple, and consecutive angles stay far enough apart that rounding to 4 decimals
// (about 11 m) cannot reorder them. `pairs` includes the closing pair (CAP 1.2 §3.2.4).
std::string polygon_text(Rng& rng, const Region& r, size_t pairs) {
  double lat = rng.uniform(r.lat_lo, r.lat_hi), lon = rng.uniform(r.lon_lo, r.lon_hi);
  double radius = rng.uniform(0.1, 0.8);
  double lon_scale = 1.0 / std::cos(lat * kPi / 180);
  double turn = rng.uniform(0, 2 * kPi);
  size_t k = pairs - 1;
  std::string out, first;
  char buf[64];
  for (size_t i = 0; i < k; ++i) {
    double a = turn + 2 * kPi * (static_cast<double>(i) + 0.15 + 0.7 * rng.unit()) /
                          static_cast<double>(k);
    double rr = radius * rng.uniform(0.65, 1.0);
    std::snprintf(buf, sizeof buf, "%.4f,%.4f", lat + rr * std::sin(a),
                  lon + rr * lon_scale * std::cos(a));
    if (i == 0) first = buf;
    if (i > 0) out += ' ';
    out += buf;
  }
  out += ' ';
  out += first;
  return out;
}

std::string digits(Rng& rng, int n) {
  std::string out;
  for (int i = 0; i < n; ++i)
    out += static_cast<char>('0' + rng.below(10));
  return out;
}

std::string hex(Rng& rng, int n) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < n; ++i)
    out += kHex[rng.below(16)];
  return out;
}

// The <area> blocks of one alert (each <info> repeats them, as multilingual feeds do).
std::string areas_xml(Rng& rng, const Region& r, const Hazard& h, std::string_view prefix,
                      CorpusStats* s) {
  std::string out;
  Writer w(&out, prefix);
  int areas = rng.chance(0.75) ? 1 : rng.chance(0.8) ? 2 : 3;
  for (int a = 0; a < areas; ++a) {
    w.open(2, "area");
    size_t first = rng.below(6), places = static_cast<size_t>(rng.between(1, 3));
    std::string desc = r.places[first];
    for (size_t k = 1; k < places; ++k)
      desc += "; " + std::string(r.places[(first + k) % 6]);
    w.leaf(3, "areaDesc", desc);
    int geocodes = 0;
    if (h.circle) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.4f,%.4f %.1f", rng.uniform(r.lat_lo, r.lat_hi),
                    rng.uniform(r.lon_lo, r.lon_hi), rng.uniform(10, 150));
      w.leaf(3, "circle", buf);
      ++s->circles;
      geocodes = rng.between(1, 3);
    } else if (rng.chance(0.75)) {
      int polygons = rng.chance(0.08) ? 2 : 1;
      for (int p = 0; p < polygons; ++p) {
        // Log-uniform over [5, 200] pairs: most rings are small, a few are detailed.
        size_t pairs = 4 + static_cast<size_t>(std::exp(rng.uniform(0, std::log(196.0))));
        pairs = std::clamp<size_t>(pairs, 5, 200);
        w.leaf(3, "polygon", polygon_text(rng, r, pairs));
        ++s->polygons;
        s->min_pairs = s->min_pairs == 0 ? pairs : std::min(s->min_pairs, pairs);
        s->max_pairs = std::max(s->max_pairs, pairs);
      }
      geocodes = rng.between(0, 8);
    } else {
      geocodes = rng.between(1, 8);
    }
    for (int g = 0; g < geocodes; ++g) {
      const GeocodeScheme& gs = r.geocodes[rng.chance(0.7) ? 0 : 1];
      w.pair(3, "geocode", gs.name, gs.prefix + digits(rng, gs.digits));
      ++s->geocodes;
    }
    if (rng.chance(0.03)) {
      w.leaf(3, "altitude", "0");
      w.leaf(3, "ceiling", "10000");
    }
    w.close(2, "area");
  }
  return out;
}

// One alert; its size is checked by the caller.
std::string alert_xml(Rng& rng, size_t index, CorpusStats* s) {
  const Region& r = kRegions[rng.below(kRegionCount)];
  int hazard = 0;
  do
    hazard = static_cast<int>(rng.below(kHazards));
  while (!(r.hazards & (1u << hazard)));
  const Hazard& h = kHazardTable[hazard];
  std::string prefix = r.ns_prefix;
  int offset = r.utc_offset_minutes;

  int64_t sent = kYear2024Ms + static_cast<int64_t>(rng.below(365 * 24 * 60)) * 60000 +
                 static_cast<int64_t>(rng.below(60)) * 1000;
  int64_t onset = sent + static_cast<int64_t>(rng.below(6 * 60)) * 60000;
  int64_t expires = onset + static_cast<int64_t>(rng.between(60, 48 * 60)) * 60000;
  double u = rng.unit();
  const char* msg_type = u < 0.70 ? "Alert" : u < 0.95 ? "Update" : "Cancel";
  u = rng.unit();
  const char* status = u < 0.92 ? "Actual" : u < 0.96 ? "Exercise" : "Test";
  u = rng.unit();
  const char* scope = u < 0.90 ? "Public" : u < 0.96 ? "Restricted" : "Private";
  bool cancel = std::string_view(msg_type) == "Cancel";

  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += prefix.empty() ? "<alert xmlns=\"" : "<" + prefix + ":alert xmlns:" + prefix + "=\"";
  out += std::string(cap::kNs12) + "\">\n";
  Writer w(&out, prefix);
  std::string id = r.identifier_prefix + std::to_string(index) + "." + hex(rng, 8);
  w.leaf(1, "identifier", id);
  w.leaf(1, "sender", r.sender);
  w.leaf(1, "sent", cap::format_datetime(sent, offset));
  w.leaf(1, "status", status);
  w.leaf(1, "msgType", msg_type);
  if (rng.chance(0.15)) w.leaf(1, "source", r.sender_name);
  w.leaf(1, "scope", scope);
  if (std::string_view(scope) == "Restricted") {
    w.leaf(1, "restriction", "For emergency management agencies only");
  }
  if (std::string_view(scope) == "Private") {
    w.leaf(1, "addresses", "\"EOC " + std::string(r.places[0]) + "\" duty-officer@example.org");
  }
  if (r.code) w.leaf(1, "code", r.code);
  if (std::string_view(status) != "Actual") w.leaf(1, "note", "Test message: no action required");
  if (std::string_view(msg_type) != "Alert") {
    // An Update names 1 or 2 earlier messages, a Cancel the one it cancels (CAP 1.2 §3.2.1).
    std::string refs;
    for (int n = cancel ? 1 : rng.between(1, 2); n > 0; --n) {
      int64_t earlier = sent - static_cast<int64_t>(rng.between(10, 12 * 60)) * 60000;
      if (!refs.empty()) refs += ' ';
      refs += std::string(r.sender) + "," + r.identifier_prefix + std::to_string(index) + "." +
              hex(rng, 8) + "," + cap::format_datetime(earlier, offset);
    }
    w.leaf(1, "references", refs);
  }
  if (rng.chance(0.1))
    w.leaf(1, "incidents", "\"" + std::string(r.id) + " " + digits(rng, 6) + "\"");

  std::string areas = areas_xml(rng, r, h, prefix, s);
  u = rng.unit();
  int infos = std::min(r.languages, u < 0.5 ? 1 : u < 0.85 ? 2 : 3);
  ++s->infos[infos];
  std::string place = r.places[rng.below(6)];
  int sentences = rng.between(1, 7);
  bool with_instruction = rng.chance(0.85);
  bool with_resource = rng.chance(0.12);
  int parameters = rng.between(0, r.parameters);
  bool monitor = rng.chance(0.3) && std::string_view(h.response) != "Monitor";
  std::string digest = hex(rng, 40), map = hex(rng, 12);
  std::string size = std::to_string(rng.between(20000, 400000));
  for (int l = 0; l < infos; ++l) {
    const LanguageText& t = kLanguageText[r.language_base[l]];
    const HazardText& ht = t.hazard[hazard];
    w.open(1, "info");
    w.leaf(2, "language", r.language_tags[l]);
    w.leaf(2, "category", h.category);
    if (h.second_category) w.leaf(2, "category", h.second_category);
    w.leaf(2, "event", ht.event);
    w.leaf(2, "responseType", cancel ? "AllClear" : h.response);
    if (monitor && !cancel) w.leaf(2, "responseType", "Monitor");
    w.leaf(2, "urgency", cancel ? "Past" : h.urgency);
    w.leaf(2, "severity", cancel ? "Minor" : h.severity);
    w.leaf(2, "certainty", cancel ? "Observed" : h.certainty);
    w.pair(2, "eventCode", r.event_code_name, r.event_code_is_slug ? h.slug : h.same_code);
    w.leaf(2, "effective", cap::format_datetime(sent, offset));
    w.leaf(2, "onset", cap::format_datetime(onset, offset));
    w.leaf(2, "expires", cap::format_datetime(expires, offset));
    w.leaf(2, "senderName", r.sender_name);
    w.leaf(2, "headline", std::string(ht.event) + " " + t.for_word + " " + place);
    std::string description;
    for (int k = 0; k < sentences; ++k) {
      if (k > 0) description += k % 3 == 0 ? "\n\n" : " ";
      description += k < 3 ? with_place(ht.description[k], place) : t.generic[k - 3];
    }
    w.leaf(2, "description", description);
    if (with_instruction) w.leaf(2, "instruction", ht.instruction);
    w.leaf(2, "web", r.web);
    if (r.contact) w.leaf(2, "contact", r.contact);
    for (int p = 0; p < parameters; ++p) {
      w.pair(2, "parameter", r.parameter[p][0], r.parameter[p][1]);
      ++s->parameters;
    }
    if (with_resource) {
      w.open(2, "resource");
      w.leaf(3, "resourceDesc", "Map of the warned area");
      w.leaf(3, "mimeType", "image/png");
      w.leaf(3, "size", size);
      w.leaf(3, "uri", std::string(r.web) + "/maps/" + map + ".png");
      w.leaf(3, "digest", digest);
      w.close(2, "resource");
    }
    out += areas;
    w.close(1, "info");
  }
  out += prefix.empty() ? "</alert>\n" : "</" + prefix + ":alert>\n";
  return out;
}

}  // namespace

bool load_samples(const std::string& dir, std::vector<Document>* out, std::string* error) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<fs::path> paths;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".xml") paths.push_back(it->path());
  }
  if (ec) {
    *error = dir + ": " + ec.message();
    return false;
  }
  std::sort(paths.begin(), paths.end());
  for (const fs::path& p : paths) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (!in) {
      *error = p.string() + ": cannot read";
      return false;
    }
    out->push_back({p.filename().string(), bytes.str()});
  }
  if (out->empty()) {
    *error = dir + ": no *.xml file";
    return false;
  }
  return true;
}

std::vector<Document> generate_typical(const GeneratorOptions& options, CorpusStats* stats) {
  Rng rng(options.seed);
  std::vector<Document> out;
  out.reserve(options.count);
  while (out.size() < options.count) {
    CorpusStats draw;
    std::string xml = alert_xml(rng, out.size(), &draw);
    if (xml.size() < options.min_bytes || xml.size() > options.max_bytes) {
      ++stats->redrawn;
      continue;
    }
    for (int i = 1; i <= 3; ++i)
      stats->infos[i] += draw.infos[i];
    stats->polygons += draw.polygons;
    stats->circles += draw.circles;
    stats->geocodes += draw.geocodes;
    stats->parameters += draw.parameters;
    if (draw.min_pairs) {
      stats->min_pairs =
          stats->min_pairs ? std::min(stats->min_pairs, draw.min_pairs) : draw.min_pairs;
    }
    stats->max_pairs = std::max(stats->max_pairs, draw.max_pairs);
    char name[32];
    std::snprintf(name, sizeof name, "typical-%04zu", out.size());
    out.push_back({name, std::move(xml)});
  }
  return out;
}

}  // namespace capcast::bench
