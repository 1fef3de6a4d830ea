#include "mqtt/payload.h"

#include <nlohmann/json.hpp>

#include "mqtt/gunzip.h"

namespace capcast::ingest::mqtt {
namespace {

using config::Key;
using config::Type;
using config::Value;

constexpr std::string_view kWnmCore = "http://wis.wmo.int/spec/wnm/1/conf/core";

std::string_view trim_front(std::string_view s) {
  if (s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);  // a UTF-8 byte order mark
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  return s;
}

// A member that is a string, else "" (nlohmann's value() throws on a wrong type).
std::string str(const nlohmann::json& o, const char* key) {
  if (!o.is_object()) return {};
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool looks_like_xml(std::string_view s) {
  return !trim_front(s).empty() && trim_front(s).front() == '<';
}

// WNM 1.0 requires conformsTo to contain the core conformance class; messages of the draft
// before it (still sent by some nodes) carry "version": "v04" instead.
bool is_notification(const nlohmann::json& j) {
  if (!j.is_object() || str(j, "type") != "Feature") return false;
  if (auto c = j.find("conformsTo"); c != j.end() && c->is_array()) {
    for (const auto& v : *c) {
      if (v.is_string() && v.get<std::string>() == kWnmCore) return true;
    }
  }
  return str(j, "version") == "v04";
}

// A CAP document may be served as application/cap+xml, application/xml or text/xml; a link
// typed as anything else (BUFR, GRIB, NetCDF) is not one.
bool may_be_cap(const std::string& type) {
  return type.empty() || type == "application/cap+xml" || type == "application/xml" ||
         type == "text/xml";
}

void refuse(Extracted& out, const std::string& why) {
  out.problems.push_back(why);
}

// properties.content (WNM 1.0 §7, "content": encoding, size, value). `limit`: the entry's
// max_bytes, also the most that gzip content may inflate to.
void take_content(const nlohmann::json& content, const std::string& id, size_t limit,
                  Extracted& out) {
  if (!content.is_object() || !content.contains("value") || !content["value"].is_string()) {
    refuse(out, "notification " + id + ": properties.content has no string value");
    return;
  }
  std::string encoding = str(content, "encoding");
  const std::string& value = content["value"].get_ref<const std::string&>();
  std::string data;
  size_t compressed = 0;  // the size of the gzip stream, for gzip content
  if (encoding == "utf-8") {
    data = value;
  } else if (encoding == "base64") {
    auto decoded = base64_decode(value);
    if (!decoded) {
      refuse(out, "notification " + id + ": properties.content is not valid base64");
      return;
    }
    data = std::move(*decoded);
  } else if (encoding == "gzip") {
    // WNM 1.0 §7 (Properties / Content) lists "gzip" beside utf-8 and base64 but does not say how
    // compressed bytes sit in a JSON string; as for any binary content, the value is read as
    // base64 of the gzip stream (RFC 1952).
    auto packed = base64_decode(value);
    if (!packed) {
      refuse(out, "notification " + id + ": gzip content is not base64");
      return;
    }
    auto inflated = gunzip(*packed, limit);
    if (!inflated.ok()) {
      refuse(out, "notification " + id + ": " + inflated.status().message());
      return;
    }
    compressed = packed->size();
    data = std::move(*inflated);
  } else {
    refuse(out, "notification " + id + ": content encoding '" + encoding +
                    "' is not supported (utf-8, base64 or gzip)");
    return;
  }
  // `size` counts the bytes of the data (WNM 1.0 §7: "in accordance to the encoding", for gzip
  // the compressed bytes); some publishers count the encoded value, or the inflated data,
  // instead. Any other size means the content was cut or altered on the way.
  if (auto size = content.find("size"); size != content.end() && size->is_number_integer()) {
    auto n = size->get<int64_t>();
    if (n != static_cast<int64_t>(data.size()) && n != static_cast<int64_t>(value.size()) &&
        (compressed == 0 || n != static_cast<int64_t>(compressed))) {
      refuse(out, "notification " + id + ": content is " + std::to_string(data.size()) +
                      " bytes but its size says " + std::to_string(n) + " (truncated?)");
      return;
    }
  }
  if (!looks_like_xml(data)) {
    refuse(out, "notification " + id + ": embedded content is not XML, so not CAP");
    return;
  }
  out.documents.push_back(std::move(data));
}

void take_links(const nlohmann::json& links, const std::string& id, Extracted& out) {
  if (!links.is_array()) {
    refuse(out, "notification " + id + ": no links and no content");
    return;
  }
  for (const auto& l : links) {
    if (!l.is_object()) continue;
    std::string rel = str(l, "rel");
    std::string href = str(l, "href");
    if (rel != "canonical" && rel != "update") continue;
    std::string type = str(l, "type");
    if (!may_be_cap(type)) {
      refuse(out, "notification " + id + ": its " + rel + " link is " + type + ", not CAP");
      return;
    }
    if (href.rfind("https://", 0) != 0 && href.rfind("http://", 0) != 0) {
      refuse(out,
             "notification " + id + ": its " + rel + " link '" + href + "' is not an http(s) URL");
      return;
    }
    out.links.push_back(href);
    return;  // one data item per notification (WNM 1.0: "canonical" names the data)
  }
  refuse(out, "notification " + id + ": no embedded content and no canonical link");
}

void take_notification(const nlohmann::json& j, size_t limit, Extracted& out) {
  std::string id = str(j, "id").empty() ? "?" : str(j, "id");
  auto props = j.find("properties");
  if (props != j.end() && props->is_object() && props->contains("content")) {
    take_content(props->at("content"), id, limit, out);
    return;
  }
  auto links = j.find("links");
  take_links(links != j.end() ? *links : nlohmann::json(), id, out);
}

}  // namespace

std::vector<Key> keys() {
  return {
      Key{"topics", Type::kStringArray, std::nullopt, true, false,
          "topic filters to subscribe to, e.g. "
          "[\"origin/a/wis2/+/data/core/weather/advisories-warnings/#\"]"},
      Key{"qos", Type::kInt, Value{int64_t{1}}, false, false,
          "0 or 1; 1 (the WIS2 profile) makes the broker keep messages while capcast is away"},
      Key{"client_id", Type::kString, Value{std::string()}, false, false,
          "the MQTT client id, which names the broker's session (keep it fixed and unique per "
          "capcast); empty: capcast-<source name>"},
      Key{"ca_bundle", Type::kString, Value{std::string()}, false, false,
          "CA certificates (PEM file) for mqtts://; empty: [ingest] ca_bundle, else the system "
          "store"},
      Key{"cert_file", Type::kString, Value{std::string()}, false, false,
          "client certificate (PEM file) for mqtts:// brokers that require one, with key_file"},
      Key{"key_file", Type::kString, Value{std::string()}, false, false,
          "the client certificate's private key (PEM file)"},
      Key{"key_password", Type::kString, Value{std::string()}, false, true,
          "the private key's password, if it is encrypted (e.g. \"${MQTT_KEY_PASSWORD}\")"},
      Key{"max_bytes", Type::kInt, Value{int64_t{1024 * 1024}}, false, false,
          "largest message accepted, and largest CAP that gzip content may inflate to; larger "
          "ones are refused (a WIS2 notification is at most 8192 bytes)"},
  };
}

Extracted decode(const Input& in) {
  Extracted out;
  size_t limit = 1024 * 1024;
  if (in.options && in.options->has("max_bytes")) {
    limit = static_cast<size_t>(in.options->get_int("max_bytes"));
  }
  if (in.body.size() > limit) {
    refuse(out, "message of " + std::to_string(in.body.size()) + " bytes exceeds max_bytes " +
                    std::to_string(limit));
    return out;
  }
  std::string_view body = trim_front(in.body);
  if (body.empty()) {
    refuse(out, "empty message");
    return out;
  }
  if (body.front() == '<') {
    out.documents.emplace_back(in.body);  // CAP XML as is; cap/ validates it
    return out;
  }
  if (body.front() != '{' && body.front() != '[') {
    refuse(out, "neither CAP XML nor a WIS2 notification message (JSON)");
    return out;
  }
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    refuse(out, "not valid JSON (truncated?), so not a WIS2 notification message");
    return out;
  }
  if (!is_notification(j)) {
    refuse(out, "JSON that is not a WIS2 notification message (no Feature conforming to " +
                    std::string(kWnmCore) + ")");
    return out;
  }
  take_notification(j, limit, out);
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  size_t padding = 0;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    int v = value(c);
    if (v < 0 || padding > 0) return std::nullopt;  // a foreign byte, or data after padding
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  // 6 leftover bits cannot encode a byte (RFC 4648 §4: the last quantum is 8 or 16 bits).
  if (bits >= 6 || padding > 2) return std::nullopt;
  return out;
}

}  // namespace capcast::ingest::mqtt
