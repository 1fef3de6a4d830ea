// Building CAP 1.2 alerts from JSON feeds (NWS api.weather.gov, MeteoAlarm's warnings API):
// defensive readers for JSON fields that record, instead of throwing, every field that cannot be
// used; the conversion of feed date-times and GeoJSON / WKT geometry to their CAP forms; and the
// last step, which serialises an alert and hands it on only if cap::validate finds no error.
// JSON is parsed with nlohmann::ordered_json (the feed's key order is kept, so the same bytes
// give the same document). Pure functions; thread-safe. Problems is a per-alert value
// (thread-compatible).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capcast/cap/model.h"
#include "capcast/ingest/format.h"

namespace capcast::ingest::json_cap {

using Json = nlohmann::ordered_json;

// Parses without exceptions; nullopt (and why) when the text is not JSON.
std::optional<Json> parse(std::string_view text, std::string* why);

// What is wrong with one alert of a feed. A failure skips the alert; a note is reported and the
// alert goes on. Every message starts with `where` ("https://...: feature 2 (id X)") and names
// the field ("properties.severity").
class Problems {
 public:
  explicit Problems(std::string where) : where_(std::move(where)) {}
  void fail(const std::string& field, const std::string& what);
  void note(const std::string& field, const std::string& what);
  bool failed() const { return failed_; }
  const std::string& where() const { return where_; }
  // Appends every message to out.problems.
  void flush_to(Extracted& out) const;

 private:
  std::string where_;
  std::vector<std::string> messages_;
  bool failed_ = false;
};

// obj[key], or nullptr when obj is not an object, has no such key, or the value is null
// (JSON null is read as an absent optional field).
const Json* member(const Json& obj, std::string_view key);

// No value: absent, null, or an array of nothing but nulls.
bool absent_or_empty(const Json* v);

// The readers: nullptr (absent) gives nullopt / empty; a value of the wrong type fails `field`.
// A string.
std::optional<std::string> text(const Json* v, const std::string& field, Problems& pr);
// A string that must be there.
std::string required_text(const Json* v, const std::string& field, Problems& pr);
// A string, or a number or boolean written as JSON writes it (altitude 0.0, size 1234).
std::optional<std::string> scalar(const Json* v, const std::string& field, Problems& pr);
// A string or an array of strings.
std::vector<std::string> texts(const Json* v, const std::string& field, Problems& pr);
// A CAP date-time (to_cap_datetime).
std::optional<std::string> datetime(const Json* v, const std::string& field, Problems& pr);

// A value of one of CAP's enumerations, checked with one of cap/enums.h's parse_* functions
// (exact, case-sensitive: CAP 1.2 §3.2.1, §3.2.2). `allowed` lists the values for the message.
template <class Parse>
std::optional<std::string> enum_text(const Json* v, const std::string& field, Problems& pr,
                                     Parse parse, const char* allowed, bool required) {
  if (!v) {
    if (required) pr.fail(field, "is missing (CAP 1.2 requires it)");
    return std::nullopt;
  }
  auto s = text(v, field, pr);
  if (s && !parse(*s)) {
    pr.fail(field, "\"" + *s + "\" is not one of " + allowed);
    return std::nullopt;
  }
  return s;
}
// The same for a string or an array of strings (category, responseType).
template <class Parse>
std::vector<std::string> enum_texts(const Json* v, const std::string& field, Problems& pr,
                                    Parse parse, const char* allowed) {
  std::vector<std::string> out = texts(v, field, pr);
  for (const auto& s : out) {
    if (!parse(s)) pr.fail(field, "\"" + s + "\" is not one of " + allowed);
  }
  return out;
}

// valueName/value pairs written as a JSON object of arrays, {"SAME": ["041007", ...], ...}
// (NWS geocode, eventCode, parameters): one pair per value, in the feed's order. Strings are
// kept, numbers and booleans written as JSON writes them, nulls skipped.
std::vector<cap::ValuePair> pairs_from_object(const Json* v, const std::string& field,
                                              Problems& pr);
// valueName/value pairs written as CAP-in-JSON writes them: an array of (or a single)
// {"valueName": ..., "value": ...} (MeteoAlarm geocode, parameter, eventCode).
std::vector<cap::ValuePair> pairs_from_array(const Json* v, const std::string& field, Problems& pr);

// CAP 1.2's enumerations (§3.2.1, §3.2.2), listed in the messages that refuse a value.
inline constexpr const char* kStatus = "Actual, Exercise, System, Test, Draft (CAP 1.2 §3.2.1)";
inline constexpr const char* kMsgType = "Alert, Update, Cancel, Ack, Error (CAP 1.2 §3.2.1)";
inline constexpr const char* kScope = "Public, Restricted, Private (CAP 1.2 §3.2.1)";
inline constexpr const char* kCategory =
    "Geo, Met, Safety, Security, Rescue, Fire, Health, Env, Transport, Infra, CBRNE, Other "
    "(CAP 1.2 §3.2.2)";
inline constexpr const char* kResponse =
    "Shelter, Evacuate, Prepare, Execute, Avoid, Monitor, Assess, AllClear, None (CAP 1.2 §3.2.2)";
inline constexpr const char* kUrgency =
    "Immediate, Expected, Future, Past, Unknown (CAP 1.2 §3.2.2)";
inline constexpr const char* kSeverity =
    "Extreme, Severe, Moderate, Minor, Unknown (CAP 1.2 §3.2.2)";
inline constexpr const char* kCertainty =
    "Observed, Likely, Possible, Unlikely, Unknown (CAP 1.2 §3.2.2)";

// How a CAP-in-JSON format spells the <info> members whose names or shapes differ.
struct InfoSpelling {
  const char* response_types;  // "responseType" (MeteoAlarm), "response" (NWS)
  const char* parameters;      // "parameter", "parameters"
  // Pairs (eventCode, parameter) as objects {"name": [values]} (NWS) rather than arrays of
  // {"valueName", "value"} (MeteoAlarm).
  bool pairs_as_objects;
};

// Reads the <info> members from category to parameter in the schema's order (CAP 1.2 §3.2.2),
// so that problems come in that order too: category (required), event, responseType, urgency,
// severity and certainty (required), audience, eventCode, effective, onset, expires, senderName,
// headline, description, instruction, web, contact, parameter. `prefix` is the field path before
// each member's name (e.g. "features[0].properties.").
void read_info_members(const Json& j, const std::string& prefix, const InfoSpelling& spelling,
                       Problems& pr, cap::Info& i);

// A feed date-time in CAP form, "YYYY-MM-DDThh:mm:ss±hh:mm" (CAP 1.2 §3.3.2): the offset is
// kept as written, except that UTC ("Z", "+00:00") is written "-00:00" as §3.3.2 requires, and
// fractional seconds, which CAP's form has no room for, are dropped (truncated). A time without
// an offset, or that names no real day or time, is refused.
std::optional<std::string> to_cap_datetime(std::string_view text, std::string* why = nullptr);

// <references> (CAP 1.2 §3.2.1): whitespace-separated "sender,identifier,sent" triples, each
// checked (sender and identifier non-empty, without spaces or commas) and its sent put in CAP
// form. The triples in order, or nullopt and why.
std::optional<std::vector<std::string>> reference_triples(std::string_view text,
                                                          std::string* why = nullptr);

// Serialises the alert and appends it to out.documents if pr has no failure and cap::validate
// (schema and CAP 1.2 rules) finds no error; otherwise appends why to out.problems. Notes are
// appended either way.
void emit(const cap::Alert& alert, Problems& pr, Extracted& out);

}  // namespace capcast::ingest::json_cap
