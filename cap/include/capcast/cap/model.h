// The CAP 1.2 model (OASIS Common Alerting Protocol v1.2, §3.2): alert, info, resource, area.
// Every element of the spec has a field; optional elements are std::optional so that an absent
// element and an empty one (<restriction/>) stay distinct. Values are kept as written: validation
// (validate.h) and typed accessors (datetime.h) interpret them, so that a finding can quote the
// original text. Plain data; thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace capcast::cap {

enum class Version { kCap10, kCap11, kCap12 };
const char* version_name(Version v);

// CAP 1.2 §3.2.1 and §3.2.2: <parameter>, <eventCode>, <geocode> are valueName/value pairs.
struct ValuePair {
  std::string value_name;
  std::string value;
  bool operator==(const ValuePair&) const = default;
};

// CAP 1.2 §3.2.4 <area>.
struct Area {
  std::string area_desc;
  std::vector<std::string> polygons;  // "lat,lon lat,lon ..." as written
  std::vector<std::string> circles;   // "lat,lon radius_km"
  std::vector<ValuePair> geocodes;
  std::optional<std::string> altitude;
  std::optional<std::string> ceiling;
  bool operator==(const Area&) const = default;
};

// CAP 1.2 §3.2.3 <resource>.
struct Resource {
  std::string resource_desc;
  std::string mime_type;
  std::optional<std::string> size;
  std::optional<std::string> uri;
  std::optional<std::string> deref_uri;
  std::optional<std::string> digest;
  bool operator==(const Resource&) const = default;
};

// CAP 1.2 §3.2.2 <info>.
struct Info {
  std::optional<std::string> language;  // absent means "en-US" (§3.2.2)
  std::vector<std::string> categories;
  std::string event;
  std::vector<std::string> response_types;
  std::string urgency;
  std::string severity;
  std::string certainty;
  std::optional<std::string> audience;
  std::vector<ValuePair> event_codes;
  std::optional<std::string> effective;
  std::optional<std::string> onset;
  std::optional<std::string> expires;
  std::optional<std::string> sender_name;
  std::optional<std::string> headline;
  std::optional<std::string> description;
  std::optional<std::string> instruction;
  std::optional<std::string> web;
  std::optional<std::string> contact;
  std::vector<ValuePair> parameters;
  std::vector<Resource> resources;
  std::vector<Area> areas;
  bool operator==(const Info&) const = default;
};

// CAP 1.2 §3.2.1 <alert>.
struct Alert {
  std::string identifier;
  std::string sender;
  std::string sent;
  std::string status;
  std::string msg_type;
  std::optional<std::string> source;
  std::string scope;
  std::optional<std::string> restriction;
  std::optional<std::string> addresses;
  std::vector<std::string> codes;
  std::optional<std::string> note;
  std::optional<std::string> references;
  std::optional<std::string> incidents;
  std::vector<Info> infos;
  // An enveloped XML-DSig <Signature> (§3.3.2.1), kept byte for byte as it was received.
  std::optional<std::string> signature_xml;
  // Namespace declarations (prefix, URI) the signature uses but inherits from <alert>.
  std::vector<ValuePair> signature_namespaces;
  bool operator==(const Alert&) const = default;
};

// The key under which CAP identifies a message (§3.2.1 <references>): sender, identifier, sent.
struct AlertKey {
  std::string sender;
  std::string identifier;
  std::string sent;
  bool operator==(const AlertKey&) const = default;
  // "sender,identifier,sent", the form used in <references>.
  std::string to_string() const { return sender + "," + identifier + "," + sent; }
};

inline AlertKey key_of(const Alert& a) {
  return {a.sender, a.identifier, a.sent};
}

}  // namespace capcast::cap
