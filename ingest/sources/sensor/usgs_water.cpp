// The usgs-water format: USGS Water Services instantaneous values as JSON (WaterML 1.1 in
// JSON, https://waterservices.usgs.gov/docs/instantaneous-values/instantaneous-values-details/):
//   value.timeSeries[]: sourceInfo{siteName, siteCode[{value}], geoLocation.geogLocation{srs,
//   latitude, longitude}}, variable{variableCode[{value}], unit{unitCode}, noDataValue},
//   values[]{value[]{value, qualifiers, dateTime}}.
// Every field is read defensively: a missing or mistyped one is a problem for that series or
// value, never a crash, and the rest goes on.
#include <nlohmann/json.hpp>

#include "sensor.h"

namespace capcast::ingest::sensor {
namespace {

using nlohmann::json;

// Only to learn where a body that is not JSON goes wrong (json::parse without exceptions does
// not say): a SAX handler that accepts everything and keeps the parser's error message.
class ErrorFinder : public nlohmann::json_sax<json> {
 public:
  std::string message;
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    message = e.what();
    return false;
  }
};

const json* member(const json& j, const char* name) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(name);
  return it == j.end() ? nullptr : &*it;
}

// j[name][0].value as a string: siteCode[{value}] and variableCode[{value}].
std::string first_code(const json* j) {
  if (!j || !j->is_array() || j->empty()) return "";
  const json* v = member((*j)[0], "value");
  return v && v->is_string() ? v->get<std::string>() : "";
}

std::string string_of(const json* j) {
  return j && j->is_string() ? j->get<std::string>() : "";
}

std::optional<double> number_of(const json* j) {
  if (j && j->is_number()) return j->get<double>();
  if (j && j->is_string()) return parse_number(j->get_ref<const std::string&>());
  return std::nullopt;
}

StationInfo station_of(const json& ts, const std::string& label,
                       std::vector<std::string>& problems) {
  StationInfo st;
  const json* info = member(ts, "sourceInfo");
  if (!info) return st;
  st.name = xml_safe(string_of(member(*info, "siteName")));
  const json* geo = member(*info, "geoLocation");
  const json* gl = geo ? member(*geo, "geogLocation") : nullptr;
  if (!gl) return st;
  std::string srs = string_of(member(*gl, "srs"));
  auto lat = number_of(member(*gl, "latitude"));
  auto lon = number_of(member(*gl, "longitude"));
  // CAP 1.2 §3.3.1: coordinates are WGS 84 (EPSG:4326), which is what NWIS writes.
  if (!srs.empty() && srs != "EPSG:4326") {
    problems.push_back(label + ": geoLocation srs '" + srs + "' is not EPSG:4326; not used");
  } else if (lat && lon && *lat >= -90 && *lat <= 90 && *lon >= -180 && *lon <= 180) {
    st.latitude = lat;
    st.longitude = lon;
  } else if (lat || lon) {
    problems.push_back(label + ": geoLocation latitude/longitude missing or out of range");
  }
  return st;
}

// value[].qualifiers: an array of codes in NWIS, a single string in some copies.
std::vector<std::string> qualifiers_of(const json* q) {
  std::vector<std::string> out;
  auto add = [&](const json& x) {
    if (!x.is_string()) return;
    std::string code = xml_safe(x.get_ref<const std::string&>());
    if (!code.empty() && code.find(' ') == std::string::npos) out.push_back(std::move(code));
  };
  if (q && q->is_string()) add(*q);
  if (q && q->is_array()) {
    for (const auto& x : *q)
      add(x);
  }
  return out;
}

void read_values(const json& block, const std::string& label, std::optional<double> no_data,
                 SeriesData& into, std::vector<std::string>& problems) {
  const json* values = member(block, "value");
  if (!values || !values->is_array()) {
    problems.push_back(label + ": values[0].value is not an array");
    return;
  }
  for (size_t k = 0; k < values->size(); ++k) {
    const json& v = (*values)[k];
    std::string where = "value[" + std::to_string(k) + "]";
    auto value = number_of(member(v, "value"));
    std::string time_text = string_of(member(v, "dateTime"));
    if (!value) {
      problems.push_back(label + " " + where + ": value is missing or not a number");
      continue;
    }
    // variable.noDataValue (-999999.0) marks a missing measurement (ice, equipment): skipped.
    if (no_data && *value == *no_data) continue;
    std::string why;
    auto t = parse_time(time_text, &why);
    if (!t) {
      problems.push_back(label + " " + where + ": dateTime '" + time_text + "' " + why);
      continue;
    }
    Observation o;
    o.time_ms = t->unix_ms;
    o.offset_minutes = t->offset_minutes;
    o.value = *value;
    const json* raw = member(v, "value");
    o.value_text = raw->is_string() ? raw->get<std::string>() : format_number(*value);
    o.qualifiers = qualifiers_of(member(v, "qualifiers"));
    o.where = where + " (" + time_text + ")";
    into.observations.push_back(std::move(o));
  }
}

}  // namespace

FeedData parse_usgs_water(std::string_view body, std::vector<std::string>& problems) {
  FeedData data;
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded()) {
    ErrorFinder finder;
    json::sax_parse(body, &finder);
    problems.push_back("not JSON: " + finder.message);
    return data;
  }
  const json* value = member(j, "value");
  const json* series = value ? member(*value, "timeSeries") : nullptr;
  if (!series || !series->is_array()) {
    problems.push_back("no value.timeSeries array: not USGS water services JSON");
    return data;
  }
  for (size_t i = 0; i < series->size(); ++i) {
    const json& ts = (*series)[i];
    std::string label = "timeSeries[" + std::to_string(i) + "]";
    const json* info = member(ts, "sourceInfo");
    const json* variable = member(ts, "variable");
    std::string site = first_code(info ? member(*info, "siteCode") : nullptr);
    std::string param = first_code(variable ? member(*variable, "variableCode") : nullptr);
    if (site.empty() || param.empty()) {
      problems.push_back(label + ": no sourceInfo.siteCode[0].value or variableCode[0].value");
      continue;
    }
    std::string key = site + ":" + param;
    label += " " + key;
    SeriesData& into = data[key];
    into.station = station_of(ts, label, problems);
    const json* unit = variable ? member(*variable, "unit") : nullptr;
    into.station.unit = unit ? xml_safe(string_of(member(*unit, "unitCode"))) : "";
    auto no_data = variable ? number_of(member(*variable, "noDataValue")) : std::nullopt;
    const json* blocks = member(ts, "values");
    if (!blocks || !blocks->is_array() || blocks->empty()) {
      problems.push_back(label + ": no values array");
      continue;
    }
    // One block per method (sensor); the first is the primary one. Others are not read
    // (docs/sources/sensor.md, "Not handled").
    read_values((*blocks)[0], label, no_data, into, problems);
  }
  return data;
}

Extracted extract_usgs_water(const Input& in) {
  std::vector<std::string> problems;
  FeedData data = parse_usgs_water(in.body, problems);
  return run_thresholds(in, Dialect::kUsgsWater, data, std::move(problems));
}

}  // namespace capcast::ingest::sensor
