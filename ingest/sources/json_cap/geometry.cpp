#include "geometry.h"

#include <charconv>
#include <cmath>

namespace capcast::ingest::json_cap {
namespace {

void polygon_of(const Json& coords, const std::string& field, Problems& pr,
                std::vector<std::string>& out) {
  // RFC 7946 §3.1.6: an array of linear rings, the first the exterior, the others holes.
  if (coords.is_array() && coords.empty()) return;  // an empty geometry (RFC 7946 §3.1)
  if (!coords.is_array()) {
    pr.fail(field, "a Polygon's coordinates are not an array of rings (RFC 7946 §3.1.6)");
    return;
  }
  std::string why;
  auto ring = ring_to_polygon(coords[0], &why);
  if (!ring) {
    pr.fail(field, why);
    return;
  }
  out.push_back(*ring);
  if (coords.size() > 1) {
    pr.note(field, std::to_string(coords.size() - 1) +
                       " hole(s) left out: a CAP <polygon> has no holes (CAP 1.2 §3.2.4), so the "
                       "area covers them");
  }
}

void geometry_of(const Json& g, const std::string& field, Problems& pr,
                 std::vector<std::string>& out) {
  const Json* type = member(g, "type");
  if (!type || !type->is_string()) {
    pr.fail(field, "is not a GeoJSON geometry (no \"type\", RFC 7946 §3.1)");
    return;
  }
  const std::string& t = type->get_ref<const std::string&>();
  const Json* coords = member(g, "coordinates");
  if (t == "Polygon") {
    polygon_of(coords ? *coords : Json(), field, pr, out);
  } else if (t == "MultiPolygon") {
    // RFC 7946 §3.1.7: an array of Polygon coordinate arrays; CAP 1.2 §3.2.4 allows several
    // <polygon>s in one <area> (their union).
    if (!coords || !coords->is_array()) {
      pr.fail(field, "a MultiPolygon's coordinates are not an array (RFC 7946 §3.1.7)");
      return;
    }
    for (size_t i = 0; i < coords->size(); ++i)
      polygon_of((*coords)[i], field + ".coordinates[" + std::to_string(i) + "]", pr, out);
  } else if (t == "GeometryCollection") {
    const Json* gs = member(g, "geometries");
    if (!gs || !gs->is_array()) {
      pr.fail(field, "a GeometryCollection without \"geometries\" (RFC 7946 §3.1.8)");
      return;
    }
    for (size_t i = 0; i < gs->size(); ++i)
      geometry_of((*gs)[i], field + ".geometries[" + std::to_string(i) + "]", pr, out);
  } else {
    pr.fail(field, "a " + t + " cannot be a CAP <polygon> (only Polygon and MultiPolygon can)");
  }
}

// A tiny WKT reader: nested parenthesised lists whose leaves are "x y [z [m]]" positions.
class Wkt {
 public:
  explicit Wkt(std::string_view s) : s_(s) {}

  std::optional<Json> geometry() {
    std::string word = keyword();
    if (word.empty()) return std::nullopt;
    if (keyword_is("EMPTY")) {
      if (word == "GEOMETRYCOLLECTION")
        return Json{{"type", "GeometryCollection"}, {"geometries", Json::array()}};
      return Json{{"type", name_of(word)}, {"coordinates", Json::array()}};
    }
    if (word == "GEOMETRYCOLLECTION") {
      Json gs = Json::array();
      if (!eat('(')) return std::nullopt;
      do {
        auto g = geometry();
        if (!g) return std::nullopt;
        gs.push_back(std::move(*g));
      } while (eat(','));
      if (!eat(')')) return std::nullopt;
      return Json{{"type", "GeometryCollection"}, {"geometries", std::move(gs)}};
    }
    int depth = word == "POLYGON" ? 2 : word == "MULTIPOLYGON" ? 3 : -1;
    if (depth < 0) return Json{{"type", name_of(word)}};  // refused by the caller, by name
    auto c = list(depth);
    if (!c) return std::nullopt;
    return Json{{"type", name_of(word)}, {"coordinates", std::move(*c)}};
  }

  bool at_end() {
    skip();
    return pos_ == s_.size();
  }

 private:
  static std::string name_of(const std::string& w) {
    if (w == "POLYGON") return "Polygon";
    if (w == "MULTIPOLYGON") return "MultiPolygon";
    if (w == "POINT") return "Point";
    if (w == "LINESTRING") return "LineString";
    if (w == "MULTIPOINT") return "MultiPoint";
    if (w == "MULTILINESTRING") return "MultiLineString";
    return w;
  }
  void skip() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }
  bool eat(char c) {
    skip();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  std::string word() {
    skip();
    std::string w;
    while (pos_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[pos_])))
      w += static_cast<char>(std::toupper(static_cast<unsigned char>(s_[pos_++])));
    return w;
  }
  std::string keyword() {
    std::string w = word();
    // "POLYGON Z", "POLYGON M", "POLYGON ZM": the extra ordinates are ignored like GeoJSON's.
    size_t save = pos_;
    std::string dim = word();
    if (dim != "Z" && dim != "M" && dim != "ZM") pos_ = save;
    return w;
  }
  bool keyword_is(const char* w) {
    size_t save = pos_;
    if (word() == w) return true;
    pos_ = save;
    return false;
  }
  // depth 1: one position list "(x y, x y)"; depth n: a list of depth n-1 lists.
  std::optional<Json> list(int depth) {
    if (!eat('(')) return std::nullopt;
    Json out = Json::array();
    do {
      if (depth == 1) {
        Json pos = Json::array();
        for (;;) {
          skip();
          double v = 0;
          auto [p, ec] = std::from_chars(s_.data() + pos_, s_.data() + s_.size(), v);
          if (ec != std::errc()) break;
          pos_ = static_cast<size_t>(p - s_.data());
          pos.push_back(v);
        }
        if (pos.size() < 2) return std::nullopt;
        out.push_back(std::move(pos));
      } else {
        auto inner = list(depth - 1);
        if (!inner) return std::nullopt;
        out.push_back(std::move(*inner));
      }
    } while (eat(','));
    if (!eat(')')) return std::nullopt;
    return out;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

std::string decimal(double v) {
  if (v == 0) v = 0;  // no "-0"
  char buf[64];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  if (ec != std::errc()) return "0";
  return std::string(buf, p);
}

std::optional<std::string> ring_to_polygon(const Json& ring, std::string* why) {
  auto fail = [&](std::string m) -> std::optional<std::string> {
    if (why) *why = std::move(m);
    return std::nullopt;
  };
  if (!ring.is_array()) return fail("a ring is not an array of positions (RFC 7946 §3.1.6)");
  std::vector<std::pair<double, double>> pts;  // (lat, lon)
  for (size_t i = 0; i < ring.size(); ++i) {
    const Json& p = ring[i];
    std::string where = "position " + std::to_string(i + 1);
    if (!p.is_array() || p.size() < 2 || !p[0].is_number() || !p[1].is_number()) {
      return fail(where + " is not [longitude, latitude] (RFC 7946 §3.1.1)");
    }
    double lon = p[0].get<double>(), lat = p[1].get<double>();
    if (!std::isfinite(lat) || !std::isfinite(lon) || lat < -90 || lat > 90 || lon < -180 ||
        lon > 180) {
      return fail(where + " [" + decimal(lon) + ", " + decimal(lat) +
                  "] is outside WGS 84 longitude/latitude (CAP 1.2 §3.2.4)");
    }
    pts.emplace_back(lat, lon);
  }
  // RFC 7946 §3.1.6 rings are closed; CAP 1.2 §3.2.4 requires it: close one that is not.
  if (!pts.empty() && pts.front() != pts.back()) pts.push_back(pts.front());
  if (pts.size() < 4) {
    return fail("a ring of " + std::to_string(pts.size()) +
                " positions; a CAP polygon needs at least 4 pairs, first and last the same "
                "(CAP 1.2 §3.2.4)");
  }
  std::string out;
  for (const auto& [lat, lon] : pts) {
    if (!out.empty()) out += ' ';
    out += decimal(lat) + "," + decimal(lon);  // CAP 1.2 §3.2.4: latitude first
  }
  return out;
}

std::optional<Json> wkt_to_geojson(std::string_view wkt, std::string* why) {
  Wkt reader(wkt);
  auto g = reader.geometry();
  if (!g || !reader.at_end()) {
    if (why) *why = "is not WKT POLYGON or MULTIPOLYGON text (OGC 06-103r4 §7)";
    return std::nullopt;
  }
  return g;
}

std::vector<std::string> polygons(const Json* geometry, const std::string& field, Problems& pr) {
  std::vector<std::string> out;
  if (!geometry) return out;
  if (geometry->is_string()) {
    std::string why;
    auto g = wkt_to_geojson(geometry->get_ref<const std::string&>(), &why);
    if (!g) {
      pr.fail(field, why);
      return out;
    }
    geometry_of(*g, field, pr, out);
  } else if (geometry->is_object()) {
    geometry_of(*geometry, field, pr, out);
  } else {
    pr.fail(field, std::string("is a JSON ") + geometry->type_name() +
                       ", not a GeoJSON geometry or WKT text");
  }
  return out;
}

}  // namespace capcast::ingest::json_cap
