// The WIS2 Notification Message codec (wis2.h). Section numbers are those of the WNM standard,
// clause 7 (Manual on WIS, WMO-No. 1060, Vol. II, Appendix E).
#include "mqtt/wis2.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "capcast/cap/datetime.h"
#include "capcast/cap/geometry.h"
#include "capcast/cap/lifecycle.h"

namespace capcast::dispatch::mqtt {
namespace {

using Json = nlohmann::ordered_json;  // keeps the keys in the standard's order, for readers

// RFC 3339 in UTC with milliseconds: two notifications of one incident published within the
// same second still order by pubtime (WNM 1.8: an update has a newer pubtime).
std::string rfc3339_ms(TimePoint t) {
  int64_t ms = to_unix_ms(t);
  int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  auto frac = static_cast<int>(ms - secs * 1000);
  std::time_t tt = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[96];  // room for any int the compiler can imagine, so no truncation warning
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
  return buf;
}

// RFC 4648 §4 base64 with padding, no line breaks.
std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> sha512_base64(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), md.data(), &len, EVP_sha512(), nullptr) != 1)
    return std::nullopt;
  return base64(std::string_view(reinterpret_cast<const char*>(md.data()), len));
}

// Well-formed UTF-8 (RFC 3629 §4): no overlong forms, no surrogates, nothing above U+10FFFF.
bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // truncated sequence
    for (size_t k = 1; k <= n; ++k) {
      auto d = static_cast<unsigned char>(s[i + k]);
      unsigned char l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
      if (d < l || d > h) return false;
    }
    i += n + 1;
  }
  return true;
}

bool valid_href(std::string_view href) {
  auto colon = href.find("://");
  if (colon == std::string_view::npos || colon + 3 >= href.size()) return false;
  std::string scheme(href.substr(0, colon));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return scheme == "http" || scheme == "https" || scheme == "ftp" || scheme == "sftp";
}

// ---- Geometry (WNM 1.7; GeoJSON positions are [longitude, latitude], RFC 7946 §3.1.1).

Json position(cap::geo::Point p) {
  return Json::array({p.lon, p.lat});
}

Json polygon_json(const std::vector<cap::geo::Point>& ring) {
  Json r = Json::array();
  for (const auto& p : ring)
    r.push_back(position(p));
  return Json{{"type", "Polygon"}, {"coordinates", Json::array({std::move(r)})}};
}

Json bbox_json(const cap::geo::BBox& b) {
  if (b.min_lat == b.max_lat && b.min_lon == b.max_lon)
    return Json{{"type", "Point"}, {"coordinates", position({b.min_lat, b.min_lon})}};
  // Counterclockwise, closed (RFC 7946 §3.1.6).
  return polygon_json({{b.min_lat, b.min_lon},
                       {b.min_lat, b.max_lon},
                       {b.max_lat, b.max_lon},
                       {b.max_lat, b.min_lon},
                       {b.min_lat, b.min_lon}});
}

// A closed ring of at least 4 positions, counterclockwise (the shoelace sum in lon/lat is
// positive), or nullopt if the polygon has too few pairs to be one.
std::optional<std::vector<cap::geo::Point>> geojson_ring(const cap::geo::Polygon& polygon) {
  std::vector<cap::geo::Point> ring = polygon.ring;
  if (!ring.empty() && !(ring.front() == ring.back())) ring.push_back(ring.front());
  if (ring.size() < 4) return std::nullopt;
  double twice_area = 0;
  for (size_t i = 0; i + 1 < ring.size(); ++i)
    twice_area += ring[i].lon * ring[i + 1].lat - ring[i + 1].lon * ring[i].lat;
  if (twice_area < 0) std::reverse(ring.begin(), ring.end());
  return ring;
}

struct Shapes {
  std::vector<cap::geo::Polygon> polygons;
  std::vector<cap::geo::Circle> circles;
  bool unparsable = false;
};

// The distinct polygons and circles of every info's areas: a multilingual alert repeats its
// areas in each <info>, which must not turn one polygon into "several".
Shapes shapes_of(const cap::Alert& alert) {
  std::set<std::string> seen_polygons, seen_circles;
  Shapes out;
  for (const auto& info : alert.infos) {
    for (const auto& area : info.areas) {
      for (const auto& text : area.polygons) {
        if (!seen_polygons.insert(text).second) continue;
        auto p = cap::geo::parse_polygon(text);
        if (p.ok())
          out.polygons.push_back(std::move(*p));
        else
          out.unparsable = true;
      }
      for (const auto& text : area.circles) {
        if (!seen_circles.insert(text).second) continue;
        auto c = cap::geo::parse_circle(text);
        if (c.ok())
          out.circles.push_back(*c);
        else
          out.unparsable = true;
      }
    }
  }
  return out;
}

std::optional<cap::geo::BBox> union_box(const Shapes& s) {
  std::vector<cap::geo::BBox> boxes;
  for (const auto& p : s.polygons)
    boxes.push_back(cap::geo::bbox_of(p));
  for (const auto& c : s.circles)
    boxes.push_back(cap::geo::bbox_of(c));
  if (boxes.empty()) return std::nullopt;
  cap::geo::BBox u = boxes.front();
  for (const auto& b : boxes) {
    if (b.crosses_antimeridian) return std::nullopt;
    u.min_lat = std::min(u.min_lat, b.min_lat);
    u.max_lat = std::max(u.max_lat, b.max_lat);
    u.min_lon = std::min(u.min_lon, b.min_lon);
    u.max_lon = std::max(u.max_lon, b.max_lon);
  }
  return u;
}

// The full geometry, and the bounding-box fallback used when the message is too large.
struct Geometry {
  Json full;
  Json reduced;
};

Geometry geometry_of(const cap::Alert& alert) {
  Shapes s = shapes_of(alert);
  Geometry g{Json(nullptr), Json(nullptr)};
  if (s.unparsable) return g;  // validation reports it; a wrong outline is worse than none
  auto box = union_box(s);
  if (!box) return g;
  g.reduced = bbox_json(*box);
  if (s.polygons.size() == 1 && s.circles.empty()) {
    if (auto ring = geojson_ring(s.polygons.front()))
      g.full = polygon_json(*ring);
    else
      g.full = g.reduced;
  } else if (s.circles.size() == 1 && s.polygons.empty() && s.circles.front().radius_km == 0) {
    g.full = Json{{"type", "Point"}, {"coordinates", position(s.circles.front().center)}};
  } else {
    g.full = g.reduced;
  }
  return g;
}

// ---- data_id and the link relation (WNM 1.9, 1.17).

std::string incident_identifier(const cap::Alert& alert, const Wis2Options& o) {
  if (!o.incident_identifier.empty()) return o.incident_identifier;
  if (alert.references) {
    std::optional<cap::AlertKey> earliest;
    int64_t earliest_ms = 0;
    for (auto& ref : cap::parse_references(*alert.references)) {
      auto t = cap::parse_datetime(ref.sent);
      if (!t) continue;
      if (!earliest || t->unix_ms < earliest_ms) {
        earliest_ms = t->unix_ms;
        earliest = ref;
      }
    }
    if (earliest) return earliest->identifier;
  }
  return alert.identifier;
}

const char* rel_for(store::Event e, DataIdScheme scheme) {
  switch (e) {
    case store::Event::kExpired:
      return "deletion";
    case store::Event::kUpdated:
    case store::Event::kCancelled:
      return scheme == DataIdScheme::kPerIncident ? "update" : "canonical";
    case store::Event::kNew:
    case store::Event::kAck:
    case store::Event::kError:
      break;
  }
  return "canonical";
}

}  // namespace

bool valid_centre_id(std::string_view id) {
  if (id.empty() || id.front() == '-' || id.back() == '-') return false;
  char prev = 0;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok || (c == '-' && prev == '-')) return false;
    prev = c;
  }
  return true;
}

Result<std::string> wis2_topic(std::string_view centre_id) {
  if (!valid_centre_id(centre_id))
    return invalid_argument("WIS2 centre-id '" + std::string(centre_id) +
                            "' is not lowercase letters, digits and single dashes");
  return "origin/a/wis2/" + std::string(centre_id) + "/data/core/weather/advisories-warnings";
}

std::string uuid_v4(const RandomSource& random) {
  std::array<uint8_t, 16> b{};
  for (int half = 0; half < 2; ++half) {
    uint64_t r = random();
    for (int k = 0; k < 8; ++k)
      b[half * 8 + k] = static_cast<uint8_t>(r >> (56 - 8 * k));
  }
  b[6] = static_cast<uint8_t>((b[6] & 0x0F) | 0x40);  // version 4 (RFC 4122 §4.1.3)
  b[8] = static_cast<uint8_t>((b[8] & 0x3F) | 0x80);  // variant 10xx (RFC 4122 §4.1.1)
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t k = 0; k < b.size(); ++k) {
    if (k == 4 || k == 6 || k == 8 || k == 10) out += '-';
    out += kHex[b[k] >> 4];
    out += kHex[b[k] & 0x0F];
  }
  return out;
}

RandomSource system_random() {
  auto device = std::make_shared<std::random_device>();
  return [device] { return (uint64_t{(*device)()} << 32) ^ uint64_t { (*device)() }; };
}

Result<std::string> build_notification(const cap::Alert& alert, std::string_view cap_xml,
                                       store::Event event, const Wis2Options& o) {
  if (!valid_centre_id(o.centre_id))
    return invalid_argument("WIS2 centre-id '" + o.centre_id +
                            "' is not lowercase letters, digits and single dashes");
  if (!valid_href(o.href))
    return invalid_argument("WIS2 link '" + o.href +
                            "' is not an http, https, ftp or sftp URL (WNM /req/core/links D)");
  if (!o.random) return invalid_argument("WIS2 notification needs a random source for its id");
  auto digest = sha512_base64(cap_xml);
  if (!digest) return internal_error("sha512 of the CAP failed");

  std::string prefix = o.data_id_prefix.empty()
                           ? o.centre_id + "/data/core/weather/advisories-warnings"
                           : o.data_id_prefix;
  std::string data_id =
      prefix + "/" +
      (o.data_id_scheme == DataIdScheme::kPerIncident ? incident_identifier(alert, o)
                                                      : alert.identifier);
  const char* rel = rel_for(event, o.data_id_scheme);

  Json props;
  props["pubtime"] = rfc3339_ms(o.now);
  // The CAP <sent> is the data's time (what wis2box uses); null when it cannot be read
  // (WNM /req/core/temporal D).
  auto sent = cap::parse_datetime(alert.sent);
  props["datetime"] = sent ? Json(format_rfc3339_utc(from_unix_ms(sent->unix_ms))) : Json(nullptr);
  props["data_id"] = data_id;
  if (!o.metadata_id.empty()) props["metadata_id"] = o.metadata_id;
  props["integrity"] = {{"method", "sha512"}, {"value", *digest}};
  // Content: at most 4096 bytes once encoded (WNM /req/core/content); `size` is the size of the
  // data before encoding (WNM 1.16). utf-8 needs no inflation, so more alerts fit than as base64.
  if (std::string_view(rel) != "deletion") {
    bool utf8 = valid_utf8(cap_xml);
    std::string value = utf8 ? std::string(cap_xml) : base64(cap_xml);
    if (value.size() <= kWnmMaxContentBytes)
      props["content"] = {
          {"encoding", utf8 ? "utf-8" : "base64"}, {"value", value}, {"size", cap_xml.size()}};
  }

  Geometry geometry = geometry_of(alert);
  Json msg;
  msg["id"] = uuid_v4(o.random);
  msg["conformsTo"] = Json::array({kWnmConformsTo});
  msg["type"] = "Feature";
  msg["geometry"] = geometry.full;
  msg["properties"] = std::move(props);
  msg["links"] = Json::array(
      {{{"href", o.href}, {"rel", rel}, {"type", kCapMediaType}, {"length", cap_xml.size()}}});

  try {
    std::string out = msg.dump();
    if (out.size() > kWnmMaxMessageBytes && msg["properties"].contains("content")) {
      msg["properties"].erase("content");
      out = msg.dump();
    }
    if (out.size() > kWnmMaxMessageBytes && msg["geometry"] != geometry.reduced) {
      msg["geometry"] = geometry.reduced;
      out = msg.dump();
    }
    if (out.size() > kWnmMaxMessageBytes && !msg["geometry"].is_null()) {
      msg["geometry"] = nullptr;
      out = msg.dump();
    }
    if (out.size() > kWnmMaxMessageBytes)
      return invalid_argument("WIS2 notification for '" + alert.identifier + "' is " +
                              std::to_string(out.size()) +
                              " bytes without content or geometry, over the 8192 of WNM "
                              "/req/core/message_size");
    return out;
  } catch (const nlohmann::json::exception& e) {  // a string that is not UTF-8
    return invalid_argument("WIS2 notification for '" + alert.identifier +
                            "' cannot be encoded: " + e.what());
  }
}

}  // namespace capcast::dispatch::mqtt
