// Reading one GeoJSON Feature of a USGS summary feed, defensively: every field is checked for its
// type, and what is wrong is reported with the feature's index, id and field. Field meanings:
// USGS "GeoJSON Summary Format" and "ComCat Documentation - Event Terms"
// (https://earthquake.usgs.gov/data/comcat/data-eventterms.php).
#include <cmath>

#include "capgen/capgen.h"
#include "quake.h"

namespace capcast::ingest::usgs_geojson {
namespace {

using nlohmann::json;

const json* member(const json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

const char* type_of(const json& j) {
  return j.type_name();
}

class Reader {
 public:
  Reader(size_t index, std::vector<std::string>& problems) : index_(index), problems_(problems) {}

  void set_id(const std::string& id) { id_ = id; }

  void problem(const std::string& field, const std::string& what) {
    std::string where = "features[" + std::to_string(index_) + "]";
    if (!id_.empty()) where += " (id " + id_ + ")";
    problems_.push_back(where + ": " + field + ": " + what);
  }

  // A whole number of milliseconds (JSON integer, or a float with no fraction) within CAP's
  // date range.
  std::optional<int64_t> time(const json& props, const char* key, bool required) {
    const json* v = member(props, key);
    if (!v || v->is_null()) {
      if (required) problem(std::string("properties.") + key, "missing");
      return std::nullopt;
    }
    std::optional<int64_t> ms;
    if (v->is_number_integer()) {
      ms = v->get<int64_t>();
    } else if (v->is_number_float()) {
      double d = v->get<double>();
      if (std::isfinite(d) && std::abs(d) < 9e15) ms = static_cast<int64_t>(std::llround(d));
    }
    if (!ms || !capgen::is_cap_time(*ms)) {
      problem(std::string("properties.") + key,
              std::string("expected milliseconds since 1970 up to year 9999, got ") +
                  (v->is_number() ? v->dump() : type_of(*v)));
      return std::nullopt;
    }
    return ms;
  }

  std::optional<double> number(const json& obj, const std::string& path, const char* key) {
    const json* v = member(obj, key);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_number()) {
      problem(path + key, std::string("expected a number, got ") + type_of(*v));
      return std::nullopt;
    }
    return v->get<double>();
  }

  std::optional<int64_t> integer(const json& obj, const char* key) {
    auto d = number(obj, "properties.", key);
    if (!d) return std::nullopt;
    if (std::abs(*d) > 1e15 || std::floor(*d) != *d) {
      problem(std::string("properties.") + key, "expected an integer");
      return std::nullopt;
    }
    return static_cast<int64_t>(*d);
  }

  std::string text(const json& obj, const char* key) {
    const json* v = member(obj, key);
    if (!v || v->is_null()) return "";
    if (!v->is_string()) {
      problem(std::string("properties.") + key,
              std::string("expected a string, got ") + type_of(*v));
      return "";
    }
    return capgen::clean_text(v->get<std::string>());
  }

 private:
  size_t index_;
  std::string id_;
  std::vector<std::string>& problems_;
};

}  // namespace

std::optional<Quake> read_feature(const json& f, size_t index, std::vector<std::string>& problems) {
  Reader r(index, problems);
  if (!f.is_object()) {
    r.problem("feature", std::string("expected an object, got ") + type_of(f));
    return std::nullopt;
  }
  Quake q;
  const json* id = member(f, "id");
  if (!id || !id->is_string() || !capgen::is_plain_id(id->get<std::string>())) {
    r.problem("id", "expected a string of 1 to 64 letters, digits, '.', '-' or '_'");
    return std::nullopt;
  }
  q.id = id->get<std::string>();
  r.set_id(q.id);
  const json* props = member(f, "properties");
  if (!props || !props->is_object()) {
    r.problem("properties", "missing or not an object");
    return std::nullopt;
  }
  auto time = r.time(*props, "time", true);
  auto updated = r.time(*props, "updated", true);
  // GeoJSON (RFC 7946 §3.1.2, §4): a Point's coordinates are [longitude, latitude, (altitude)];
  // USGS puts the depth in km in the third place.
  const json* geometry = member(f, "geometry");
  const json* gtype = geometry ? member(*geometry, "type") : nullptr;
  const json* coords = geometry ? member(*geometry, "coordinates") : nullptr;
  bool point = gtype && gtype->is_string() && gtype->get<std::string>() == "Point" && coords &&
               coords->is_array() && coords->size() >= 2 && (*coords)[0].is_number() &&
               (*coords)[1].is_number();
  if (!point) {
    r.problem("geometry", "expected a Point with [longitude, latitude, depth] (RFC 7946 §3.1.2)");
  } else {
    q.lon = (*coords)[0].get<double>();
    q.lat = (*coords)[1].get<double>();
    if (!(std::abs(q.lat) <= 90) || !(std::abs(q.lon) <= 180)) {
      r.problem("geometry.coordinates", "longitude " + capgen::decimal(q.lon, 6) + " or latitude " +
                                            capgen::decimal(q.lat, 6) + " out of range");
      point = false;
    }
    if (coords->size() >= 3 && !(*coords)[2].is_null()) {
      if ((*coords)[2].is_number()) {
        q.depth_km = (*coords)[2].get<double>();
      } else {
        r.problem("geometry.coordinates[2]", "the depth is not a number; left out");
      }
    }
  }
  if (!time || !updated || !point) return std::nullopt;
  q.time_ms = *time;
  q.updated_ms = *updated;
  q.mag = r.number(*props, "properties.", "mag");
  if (q.mag && std::abs(*q.mag) > 12) {
    r.problem("properties.mag", capgen::decimal(*q.mag, 2) + " is not a magnitude; left out");
    q.mag.reset();
  }
  q.mag_type = r.text(*props, "magType");
  q.place = r.text(*props, "place");
  q.title = r.text(*props, "title");
  q.url = r.text(*props, "url");
  q.status = r.text(*props, "status");
  q.type = r.text(*props, "type");
  q.pager_alert = r.text(*props, "alert");
  q.tsunami = r.integer(*props, "tsunami");
  q.ids_text = r.text(*props, "ids");
  q.ids.push_back(q.id);
  // `ids`: ",us70006s89,at00q07smw,pt19304000," (a comma-separated list of event ids).
  size_t pos = 0;
  while (pos < q.ids_text.size()) {
    size_t comma = q.ids_text.find(',', pos);
    if (comma == std::string::npos) comma = q.ids_text.size();
    std::string one = q.ids_text.substr(pos, comma - pos);
    if (capgen::is_plain_id(one) && one != q.id) q.ids.push_back(one);
    pos = comma + 1;
  }
  return q;
}

}  // namespace capcast::ingest::usgs_geojson
