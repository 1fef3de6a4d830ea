#include "capcast/cap/enums.h"

#include <array>

namespace capcast::cap {
namespace {

// The standard's spellings, in the order of each enum's values.
constexpr std::array<std::string_view, 5> kStatus = {"Actual", "Exercise", "System", "Test",
                                                     "Draft"};
constexpr std::array<std::string_view, 5> kMsgType = {"Alert", "Update", "Cancel", "Ack", "Error"};
constexpr std::array<std::string_view, 3> kScope = {"Public", "Restricted", "Private"};
constexpr std::array<std::string_view, 12> kCategory = {"Geo",       "Met",   "Safety", "Security",
                                                        "Rescue",    "Fire",  "Health", "Env",
                                                        "Transport", "Infra", "CBRNE",  "Other"};
constexpr std::array<std::string_view, 9> kResponse = {
    "Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess", "AllClear", "None"};
constexpr std::array<std::string_view, 5> kUrgency = {"Immediate", "Expected", "Future", "Past",
                                                      "Unknown"};
constexpr std::array<std::string_view, 5> kSeverity = {"Extreme", "Severe", "Moderate", "Minor",
                                                       "Unknown"};
constexpr std::array<std::string_view, 5> kCertainty = {"Observed", "Likely", "Possible",
                                                        "Unlikely", "Unknown"};

template <typename E, size_t N>
std::optional<E> find(const std::array<std::string_view, N>& names, std::string_view s) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == s) return static_cast<E>(i);
  }
  return std::nullopt;
}

template <typename E, size_t N>
std::string_view name(const std::array<std::string_view, N>& names, E v) {
  auto i = static_cast<size_t>(v);
  return i < N ? names[i] : std::string_view("?");
}

}  // namespace

std::optional<Status> parse_status(std::string_view s) {
  return find<Status>(kStatus, s);
}
std::optional<MsgType> parse_msg_type(std::string_view s) {
  return find<MsgType>(kMsgType, s);
}
std::optional<Scope> parse_scope(std::string_view s) {
  return find<Scope>(kScope, s);
}
std::optional<Category> parse_category(std::string_view s) {
  return find<Category>(kCategory, s);
}
std::optional<ResponseType> parse_response_type(std::string_view s) {
  return find<ResponseType>(kResponse, s);
}
std::optional<Urgency> parse_urgency(std::string_view s) {
  return find<Urgency>(kUrgency, s);
}
std::optional<Severity> parse_severity(std::string_view s) {
  return find<Severity>(kSeverity, s);
}
std::optional<Certainty> parse_certainty(std::string_view s) {
  return find<Certainty>(kCertainty, s);
}

std::string_view to_string(Status v) {
  return name(kStatus, v);
}
std::string_view to_string(MsgType v) {
  return name(kMsgType, v);
}
std::string_view to_string(Scope v) {
  return name(kScope, v);
}
std::string_view to_string(Category v) {
  return name(kCategory, v);
}
std::string_view to_string(ResponseType v) {
  return name(kResponse, v);
}
std::string_view to_string(Urgency v) {
  return name(kUrgency, v);
}
std::string_view to_string(Severity v) {
  return name(kSeverity, v);
}
std::string_view to_string(Certainty v) {
  return name(kCertainty, v);
}

TypedAlert typed(const Alert& a) {
  return {parse_status(a.status), parse_msg_type(a.msg_type), parse_scope(a.scope)};
}

TypedInfo typed(const Info& i) {
  TypedInfo t;
  for (const auto& c : i.categories) {
    if (auto v = parse_category(c)) t.categories.push_back(*v);
  }
  for (const auto& r : i.response_types) {
    if (auto v = parse_response_type(r)) t.response_types.push_back(*v);
  }
  t.urgency = parse_urgency(i.urgency);
  t.severity = parse_severity(i.severity);
  t.certainty = parse_certainty(i.certainty);
  return t;
}

}  // namespace capcast::cap
