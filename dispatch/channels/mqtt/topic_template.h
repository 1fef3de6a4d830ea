// MQTT topic templates of the mqtt channel: "capcast/{sender}/{event}" filled from the alert.
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "capcast/cap/model.h"
#include "capcast/core/result.h"

namespace capcast::dispatch::mqtt {

// A template split into literal text and fields. Fields: {sender} {identifier} {status}
// {msgType} {scope} {event} {category} {urgency} {severity} {certainty} {language} (from the
// first <info>; language defaults to en-US per CAP 1.2 §3.2.2) and {geocode:NAME} (the value of
// the first geocode named NAME in the first <info>'s areas).
struct TopicTemplate {
  struct Part {
    bool field = false;
    std::string text;  // literal text, or the field's name
  };
  std::vector<Part> parts;
  std::string source;
};

// Refuses what would not make a valid topic name (MQTT 3.1.1 §4.7.3, MQTT 5.0 §4.7.3): an empty
// template, a wildcard '+' or '#', a NUL, unbalanced braces, an unknown field, a leading '$'
// (reserved for the broker's own topics, §4.7.2).
Result<TopicTemplate> parse_topic_template(std::string_view text);

// The topic for this alert. A field's value never adds a topic level or a wildcard: '/', '+',
// '#', NUL and control characters become '_'; an absent or empty value becomes "none".
std::string expand(const TopicTemplate& t, const cap::Alert& alert);

}  // namespace capcast::dispatch::mqtt
