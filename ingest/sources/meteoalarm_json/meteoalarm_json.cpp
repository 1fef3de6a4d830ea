// MeteoAlarm CAP-in-JSON -> CAP 1.2 XML. The JSON uses CAP 1.2's element names (§3.2) for its
// keys: a repeatable element (info, category, responseType, eventCode, parameter, resource, area,
// polygon, circle, geocode, code) is an array (a single value is accepted too), a
// valueName/value pair is {"valueName": ..., "value": ...}, and the rest are strings (numbers
// accepted where CAP's type is numeric: size, altitude, ceiling). Each element is written where
// CAP 1.2's schema puts it; keys CAP does not have (the warning's uuid) are not carried.
#include "meteoalarm_json.h"

#include "capcast/cap/enums.h"
#include "json_cap/json_cap.h"

namespace capcast::ingest::meteoalarm_json {
namespace {

using json_cap::Json;
using json_cap::member;
using json_cap::Problems;
using json_cap::text;

using json_cap::kMsgType;
using json_cap::kScope;
using json_cap::kStatus;

// Calls fn(element, field) for each element of an array, or once for a single object.
template <class Fn>
void each_object(const Json* v, const std::string& field, Problems& pr, Fn fn) {
  if (!v) return;
  if (v->is_object()) return fn(*v, field);
  if (!v->is_array()) {
    pr.fail(field, std::string("is a JSON ") + v->type_name() + ", not an array of objects");
    return;
  }
  for (size_t i = 0; i < v->size(); ++i) {
    const Json& e = (*v)[i];
    std::string f = field + "[" + std::to_string(i) + "]";
    if (e.is_null()) continue;
    if (!e.is_object()) {
      pr.fail(f, std::string("is a JSON ") + e.type_name() + ", not an object");
      continue;
    }
    fn(e, f);
  }
}

// CAP 1.2 §3.2.4 <area>.
cap::Area area_of(const Json& j, const std::string& f, Problems& pr) {
  cap::Area a;
  a.area_desc = json_cap::required_text(member(j, "areaDesc"), f + ".areaDesc", pr);
  a.polygons = json_cap::texts(member(j, "polygon"), f + ".polygon", pr);  // as written
  a.circles = json_cap::texts(member(j, "circle"), f + ".circle", pr);
  a.geocodes = json_cap::pairs_from_array(member(j, "geocode"), f + ".geocode", pr);  // EMMA_ID
  a.altitude = json_cap::scalar(member(j, "altitude"), f + ".altitude", pr);
  a.ceiling = json_cap::scalar(member(j, "ceiling"), f + ".ceiling", pr);
  return a;
}

// CAP 1.2 §3.2.3 <resource>.
cap::Resource resource_of(const Json& j, const std::string& f, Problems& pr) {
  cap::Resource r;
  r.resource_desc = json_cap::required_text(member(j, "resourceDesc"), f + ".resourceDesc", pr);
  r.mime_type = json_cap::required_text(member(j, "mimeType"), f + ".mimeType", pr);
  r.size = json_cap::scalar(member(j, "size"), f + ".size", pr);
  r.uri = text(member(j, "uri"), f + ".uri", pr);
  r.deref_uri = text(member(j, "derefUri"), f + ".derefUri", pr);
  r.digest = text(member(j, "digest"), f + ".digest", pr);
  return r;
}

// CAP 1.2 §3.2.2 <info>.
cap::Info info_of(const Json& j, const std::string& f, Problems& pr) {
  cap::Info i;
  // Each member service writes one <info> per language (hr-HR and en-GB for DHMZ); absent, the
  // CAP default "en-US" applies (§3.2.2) and the element stays absent.
  i.language = text(member(j, "language"), f + ".language", pr);
  // eventCode and parameter as arrays of valueName/value, like awareness_level "2; yellow;
  // Moderate" and awareness_type "1; Wind" (MeteoAlarm profile).
  json_cap::read_info_members(j, f + ".", {"responseType", "parameter", false}, pr, i);
  each_object(member(j, "resource"), f + ".resource", pr, [&](const Json& e, const std::string& g) {
    i.resources.push_back(resource_of(e, g, pr));
  });
  each_object(member(j, "area"), f + ".area", pr,
              [&](const Json& e, const std::string& g) { i.areas.push_back(area_of(e, g, pr)); });
  return i;
}

// CAP 1.2 §3.2.1 <alert>.
cap::Alert alert_of(const Json& j, Problems& pr) {
  const std::string f = "alert";
  cap::Alert a;
  a.identifier = json_cap::required_text(member(j, "identifier"), f + ".identifier", pr);
  a.sender = json_cap::required_text(member(j, "sender"), f + ".sender", pr);
  if (!member(j, "sent")) pr.fail(f + ".sent", "is missing (CAP 1.2 §3.2.1 requires it)");
  a.sent = json_cap::datetime(member(j, "sent"), f + ".sent", pr).value_or("");
  a.status =
      json_cap::enum_text(member(j, "status"), f + ".status", pr, cap::parse_status, kStatus, true)
          .value_or("");
  a.msg_type = json_cap::enum_text(member(j, "msgType"), f + ".msgType", pr, cap::parse_msg_type,
                                   kMsgType, true)
                   .value_or("");
  a.source = text(member(j, "source"), f + ".source", pr);
  a.scope =
      json_cap::enum_text(member(j, "scope"), f + ".scope", pr, cap::parse_scope, kScope, true)
          .value_or("");
  a.restriction = text(member(j, "restriction"), f + ".restriction", pr);
  a.addresses = text(member(j, "addresses"), f + ".addresses", pr);
  a.codes = json_cap::texts(member(j, "code"), f + ".code", pr);
  a.note = text(member(j, "note"), f + ".note", pr);
  // "sender,identifier,sent" triples (CAP 1.2 §3.2.1), their sent put in CAP form like ours.
  std::string refs;
  for (const auto& r : json_cap::texts(member(j, "references"), f + ".references", pr))
    refs += (refs.empty() ? "" : " ") + r;
  if (!refs.empty()) {
    std::string why;
    auto triples = json_cap::reference_triples(refs, &why);
    if (!triples) pr.fail(f + ".references", why);
    std::string joined;
    for (const auto& t : triples.value_or(std::vector<std::string>{}))
      joined += (joined.empty() ? "" : " ") + t;
    if (!joined.empty()) a.references = joined;
  }
  a.incidents = text(member(j, "incidents"), f + ".incidents", pr);
  each_object(member(j, "info"), f + ".info", pr,
              [&](const Json& e, const std::string& g) { a.infos.push_back(info_of(e, g, pr)); });
  return a;
}

void convert(const Json& warning, const std::string& label, Extracted& out) {
  const Json* alert = member(warning, "alert");
  std::string where = label;
  const Json* id = alert ? member(*alert, "identifier") : nullptr;
  const Json* uuid = member(warning, "uuid");
  if (id && id->is_string()) {
    where += " (identifier " + id->get<std::string>() + ")";
  } else if (uuid && uuid->is_string()) {
    where += " (uuid " + uuid->get<std::string>() + ")";
  }
  if (!alert || !alert->is_object()) {
    out.problems.push_back(where + ": no \"alert\" object");
    return;
  }
  Problems pr(where);
  cap::Alert a = alert_of(*alert, pr);
  json_cap::emit(a, pr, out);
}

}  // namespace

Extracted extract(const Input& in) {
  Extracted out;
  std::string why;
  auto root = json_cap::parse(in.body, &why);
  if (!root) {
    out.problems.push_back(in.url + ": " + why);
    return out;
  }
  if (const Json* ws = member(*root, "warnings")) {
    if (!ws->is_array()) {
      out.problems.push_back(in.url + ": \"warnings\" is not an array");
      return out;
    }
    for (size_t i = 0; i < ws->size(); ++i) {
      std::string label = in.url + ": warning " + std::to_string(i + 1);
      if (!(*ws)[i].is_object()) {
        out.problems.push_back(label + ": not an object");
        continue;
      }
      convert((*ws)[i], label, out);
    }
  } else if (member(*root, "alert")) {  // one warning, {"alert": {...}, "uuid": ...}
    convert(*root, in.url + ": warning 1", out);
  } else {
    out.problems.push_back(in.url + ": not a MeteoAlarm warnings document ({\"warnings\": [...]})");
  }
  return out;
}

}  // namespace capcast::ingest::meteoalarm_json
