// NWS API alert -> CAP 1.2. The API's Alert schema (weather.gov API OpenAPI 1.9.0,
// components.schemas.Alert) says its fields "correspond to the National Weather Service CAP v1.2
// specification, which extends the OASIS Common Alerting Protocol (CAP) v1.2 specification and
// USA Integrated Public Alert and Warning System (IPAWS) Profile v1.0", so the mapping is by name;
// the few renamed fields (messageType, response, geocode, parameters) are cited where mapped.
#include "nws_geojson.h"

#include <algorithm>

#include "capcast/cap/enums.h"
#include "capcast/ingest/fetcher.h"
#include "json_cap/geometry.h"
#include "json_cap/json_cap.h"

namespace capcast::ingest::nws_geojson {
namespace {

using json_cap::Json;
using json_cap::member;
using json_cap::Problems;

// The enumerations, as the OpenAPI schemas AlertStatus, AlertMessageType, AlertSeverity,
// AlertCertainty, AlertUrgency and the Alert's category and response list them; each is exactly
// CAP 1.2's (§3.2.1, §3.2.2), so a value outside them is refused rather than guessed.
using json_cap::kMsgType;
using json_cap::kScope;
using json_cap::kStatus;

// <references>: the API's `references` array of {identifier, sender, sent} (OpenAPI
// Alert.references: "prior alerts that this alert updates or replaces"), then the triples of the
// NWS CAP parameter `expiredReferences`, prior alerts that have expired and so are no longer
// listed in `references`: strings of whitespace-separated "sender,identifier,sent" triples, the
// form of CAP 1.2 §3.2.1 <references>. Duplicates are listed once.
std::optional<std::string> references(const Json& p, const std::string& pre, Problems& pr) {
  std::vector<std::string> refs;
  auto add = [&](std::string_view text, const std::string& field) {
    std::string why;
    auto triples = json_cap::reference_triples(text, &why);
    if (!triples) return pr.fail(field, why);
    for (auto& t : *triples) {
      if (std::find(refs.begin(), refs.end(), t) == refs.end()) refs.push_back(std::move(t));
    }
  };
  if (const Json* r = member(p, "references")) {
    if (r->is_string()) {
      add(r->get_ref<const std::string&>(), pre + "references");
    } else if (r->is_array()) {
      for (size_t i = 0; i < r->size(); ++i) {
        const Json& e = (*r)[i];
        std::string f = pre + "references[" + std::to_string(i) + "]";
        if (!e.is_object()) {
          pr.fail(f,
                  std::string("is a JSON ") + e.type_name() + ", not {sender, identifier, sent}");
          continue;
        }
        std::string sender = json_cap::required_text(member(e, "sender"), f + ".sender", pr);
        std::string id = json_cap::required_text(member(e, "identifier"), f + ".identifier", pr);
        std::string sent = json_cap::required_text(member(e, "sent"), f + ".sent", pr);
        if (!pr.failed()) add(sender + "," + id + "," + sent, f);
      }
    } else {
      pr.fail(pre + "references", std::string("is a JSON ") + r->type_name() + ", not an array");
    }
  }
  if (const Json* params = member(p, "parameters")) {
    std::string f = pre + "parameters.expiredReferences";
    for (const auto& s : json_cap::texts(member(*params, "expiredReferences"), f, pr))
      add(s, f);
  }
  if (refs.empty()) return std::nullopt;
  std::string out;
  for (const auto& t : refs)
    out += (out.empty() ? "" : " ") + t;
  return out;
}

cap::Info info_of(const Json& p, const Json* geometry, const std::string& pre, Problems& pr) {
  using json_cap::text;
  cap::Info i;
  // NWS issues English and Spanish alerts; newer responses say which in `language`. Absent, the
  // CAP default applies: "en-US" (CAP 1.2 §3.2.2), written out.
  i.language = text(member(p, "language"), pre + "language", pr).value_or("en-US");
  // OpenAPI Alert.response: "This corresponds to responseType in the CAP specification."
  // eventCode {"SAME": ["FFA"], "NationalWeatherService": ["FAA"]}: one <eventCode> per value.
  // OpenAPI Alert.parameters: "System-specific additional parameters ... The keys in this object
  // correspond to parameter definitions in the NWS CAP specification", each an array of values:
  // one <parameter> per value (BLOCKCHANNEL ["EAS", "NWEM", "CMAS"] is three, as in NWS CAP XML).
  json_cap::read_info_members(p, pre, {"response", "parameters", true}, pr, i);

  // One <area>: areaDesc; geocode {"SAME": [...], "UGC": [...]} (OpenAPI Alert.geocode) as one
  // <geocode> per code; the Feature's geometry as <polygon>s (lon,lat turned to lat,lon).
  cap::Area area;
  area.geocodes = json_cap::pairs_from_object(member(p, "geocode"), pre + "geocode", pr);
  area.polygons = json_cap::polygons(geometry, "geometry", pr);
  auto desc = text(member(p, "areaDesc"), pre + "areaDesc", pr);
  if (desc || !area.geocodes.empty() || !area.polygons.empty()) {
    if (!desc) pr.fail(pre + "areaDesc", "is missing (CAP 1.2 §3.2.4 requires it in an <area>)");
    area.area_desc = desc.value_or("");
    i.areas.push_back(std::move(area));
  }
  return i;
}

cap::Alert alert_of(const Json& p, const Json* geometry, const std::string& pre, Problems& pr) {
  cap::Alert a;
  // The CAP identifier is `id` (OpenAPI AlertId: "The identifier of the alert message"); the
  // Feature's own "id" and "@id" are API URLs, not identifiers.
  const Json* id = member(p, "id");
  a.identifier = json_cap::required_text(id ? id : member(p, "identifier"), pre + "id", pr);
  a.sender = json_cap::required_text(member(p, "sender"), pre + "sender", pr);
  if (!member(p, "sent")) pr.fail(pre + "sent", "is missing (CAP 1.2 §3.2.1 requires it)");
  a.sent = json_cap::datetime(member(p, "sent"), pre + "sent", pr).value_or("");
  a.status =
      json_cap::enum_text(member(p, "status"), pre + "status", pr, cap::parse_status, kStatus, true)
          .value_or("");
  // OpenAPI Alert.messageType (AlertMessageType) is CAP's msgType.
  a.msg_type = json_cap::enum_text(member(p, "messageType"), pre + "messageType", pr,
                                   cap::parse_msg_type, kMsgType, true)
                   .value_or("");
  // The API lists public alerts (newer responses say "scope": "Public"); absent, Public.
  a.scope =
      json_cap::enum_text(member(p, "scope"), pre + "scope", pr, cap::parse_scope, kScope, false)
          .value_or("Public");
  a.codes = json_cap::texts(member(p, "code"), pre + "code", pr);  // "IPAWSv1.0"
  a.note = json_cap::text(member(p, "note"), pre + "note", pr);
  a.references = references(p, pre, pr);
  a.infos.push_back(info_of(p, geometry, pre, pr));
  return a;
}

// One alert of the response: its properties (the Feature's, or the JSON-LD object itself) and
// its geometry (a GeoJSON object, WKT text, or absent).
void convert(const Json& props, const Json* geometry, const std::string& label,
             const std::string& pre, Extracted& out) {
  std::string where = label;
  const Json* id = member(props, "id");
  if (id && id->is_string()) where += " (id " + id->get<std::string>() + ")";
  Problems pr(where);
  cap::Alert a = alert_of(props, geometry, pre, pr);
  json_cap::emit(a, pr, out);
}

void feature(const Json& f, const std::string& label, Extracted& out) {
  const Json* props = member(f, "properties");
  if (!props || !props->is_object()) {
    out.problems.push_back(label + ": not a GeoJSON Feature with alert properties");
    return;
  }
  convert(*props, member(f, "geometry"), label, "properties.", out);
}

constexpr int64_t kDefaultMaxPages = 10;

// The collection's `pagination.next` (OpenAPI AlertCollection.pagination: "Links for retrieving
// more data", next: "A link to the next set of alerts"), as the next page to read, unless this
// page held no alert (a cursor past the end still answers, with an empty collection and a next
// link of its own) or the entry's max_pages pages have been read in this poll.
void next_page(const Json& root, size_t alerts, const Input& in, Extracted& out) {
  const Json* pagination = member(root, "pagination");
  const Json* next = pagination ? member(*pagination, "next") : nullptr;
  if (!next || !next->is_string() || next->get_ref<const std::string&>().empty()) return;
  if (alerts == 0) return;
  int64_t max_pages = kDefaultMaxPages;
  if (in.options && in.options->has("max_pages")) max_pages = in.options->get_int("max_pages");
  if (in.page >= max_pages) {
    out.problems.push_back(in.url + ": pagination.next not followed: max_pages (" +
                           std::to_string(max_pages) + ") pages read in this poll");
    return;
  }
  out.next_page = resolve_reference(in.url, next->get<std::string>());
}

}  // namespace

std::vector<config::Key> keys() {
  using config::Key;
  using config::Type;
  using config::Value;
  return {
      Key{"max_pages", Type::kInt, Value{kDefaultMaxPages}, false, false,
          "most pages of a paginated collection (/alerts) read in one poll, its URL included: "
          "each response's pagination.next is followed, on the same host, until a page has no "
          "alert or this many pages were read"},
  };
}

Extracted extract(const Input& in) {
  Extracted out;
  std::string why;
  auto root = json_cap::parse(in.body, &why);
  if (!root) {
    out.problems.push_back(in.url + ": " + why);
    return out;
  }
  const Json* type = member(*root, "type");
  auto is = [&](const char* t) { return type && type->is_string() && *type == t; };
  if (is("FeatureCollection")) {
    const Json* fs = member(*root, "features");
    if (!fs || !fs->is_array()) {
      out.problems.push_back(in.url + ": a FeatureCollection without a \"features\" array");
      return out;
    }
    for (size_t i = 0; i < fs->size(); ++i)
      feature((*fs)[i], in.url + ": feature " + std::to_string(i + 1), out);
    next_page(*root, fs->size(), in, out);
  } else if (const Json* graph = member(*root, "@graph")) {
    if (!graph->is_array()) {
      out.problems.push_back(in.url + ": \"@graph\" is not an array");
      return out;
    }
    for (size_t i = 0; i < graph->size(); ++i) {
      const Json& item = (*graph)[i];
      std::string label = in.url + ": @graph item " + std::to_string(i + 1);
      if (!item.is_object()) {
        out.problems.push_back(label + ": not an alert object");
        continue;
      }
      convert(item, member(item, "geometry"), label, "", out);
    }
    next_page(*root, graph->size(), in, out);
  } else if (is("Feature")) {  // /alerts/{id} as GeoJSON
    feature(*root, in.url + ": feature 1", out);
  } else if (member(*root, "messageType") && member(*root, "id")) {  // /alerts/{id} as JSON-LD
    convert(*root, member(*root, "geometry"), in.url + ": alert", "", out);
  } else {
    out.problems.push_back(in.url +
                           ": neither a GeoJSON FeatureCollection or Feature nor a JSON-LD "
                           "@graph of NWS alerts");
  }
  return out;
}

}  // namespace capcast::ingest::nws_geojson
