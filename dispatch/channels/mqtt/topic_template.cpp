#include "mqtt/topic_template.h"

#include <algorithm>
#include <array>

namespace capcast::dispatch::mqtt {
namespace {

constexpr std::array<std::string_view, 11> kFields = {
    "sender",   "identifier", "status",   "msgType",   "scope",   "event",
    "category", "urgency",    "severity", "certainty", "language"};

bool known_field(std::string_view name) {
  if (name.rfind("geocode:", 0) == 0) return name.size() > 8;
  return std::find(kFields.begin(), kFields.end(), name) != kFields.end();
}

std::string field_value(std::string_view name, const cap::Alert& a) {
  if (name == "sender") return a.sender;
  if (name == "identifier") return a.identifier;
  if (name == "status") return a.status;
  if (name == "msgType") return a.msg_type;
  if (name == "scope") return a.scope;
  if (a.infos.empty()) return "";
  const cap::Info& info = a.infos.front();
  if (name == "event") return info.event;
  if (name == "category") return info.categories.empty() ? "" : info.categories.front();
  if (name == "urgency") return info.urgency;
  if (name == "severity") return info.severity;
  if (name == "certainty") return info.certainty;
  if (name == "language") return info.language.value_or("en-US");
  std::string_view wanted = name.substr(8);  // geocode:NAME
  for (const auto& area : info.areas) {
    for (const auto& g : area.geocodes) {
      if (g.value_name == wanted) return g.value;
    }
  }
  return "";
}

// One topic level's worth of text: nothing that would split it or match as a wildcard.
std::string level_safe(std::string value) {
  for (char& c : value) {
    auto u = static_cast<unsigned char>(c);
    if (c == '/' || c == '+' || c == '#' || u < 0x20 || u == 0x7f) c = '_';
  }
  return value.empty() ? "none" : value;
}

}  // namespace

Result<TopicTemplate> parse_topic_template(std::string_view text) {
  TopicTemplate t;
  t.source = std::string(text);
  if (text.empty()) return invalid_argument("the topic is empty");
  if (text.front() == '$') return invalid_argument("a topic starting with '$' is the broker's");
  if (text.size() > 65'535) return invalid_argument("the topic is longer than 65535 bytes");
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '{') {
      auto close = text.find('}', i);
      if (close == std::string_view::npos) return invalid_argument("'{' without '}'");
      std::string_view name = text.substr(i + 1, close - i - 1);
      if (!known_field(name)) {
        return invalid_argument("unknown field {" + std::string(name) +
                                "}; known: {sender} {identifier} {status} {msgType} {scope} "
                                "{event} {category} {urgency} {severity} {certainty} {language} "
                                "{geocode:NAME}");
      }
      t.parts.push_back({true, std::string(name)});
      i = close + 1;
      continue;
    }
    if (c == '}') return invalid_argument("'}' without '{'");
    if (c == '+' || c == '#') {
      return invalid_argument(std::string("a topic name cannot hold the wildcard '") + c + "'");
    }
    if (c == '\0') return invalid_argument("a topic name cannot hold NUL");
    if (t.parts.empty() || t.parts.back().field) t.parts.push_back({false, ""});
    t.parts.back().text.push_back(c);
    ++i;
  }
  return t;
}

std::string expand(const TopicTemplate& t, const cap::Alert& alert) {
  std::string out;
  for (const auto& p : t.parts)
    out += p.field ? level_safe(field_value(p.text, alert)) : p.text;
  return out;
}

}  // namespace capcast::dispatch::mqtt
