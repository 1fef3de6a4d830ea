// The memory of the formats that remember events between polls (usgs-geojson, gdacs-rss), as
// JSON: {"version": 1, "events": {"EVENT-ID": {...}, ...}}. Reading is forgiving: an event
// that cannot be read is reported and forgotten, an unreadable whole is reported and the format
// starts afresh; a poll never fails because of its memory.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace capcast::ingest::capgen {

// e[key] when it is an integer / a string.
bool get_i64(const nlohmann::json& e, const char* key, int64_t* out);
bool get_str(const nlohmann::json& e, const char* key, std::string* out);

// The "events" object of a saved memory, or nullptr (and a problem) when `j` has none. `j` is
// the parsed text; "" is an empty memory, for which this returns nullptr without a problem.
const nlohmann::json* saved_events(std::string_view text, nlohmann::json& j,
                                   std::vector<std::string>& problems);

// Calls read(id, event) for each saved event; read returns false for an event it cannot use,
// which is then reported as forgotten.
template <class Read>
void load_events(std::string_view text, std::vector<std::string>& problems, Read read) {
  nlohmann::json j;
  const nlohmann::json* events = saved_events(text, j, problems);
  if (!events) return;
  for (auto it = events->begin(); it != events->end(); ++it) {
    if (!it.value().is_object() || !read(it.key(), it.value()))
      problems.push_back("remembered event " + it.key() + " is unreadable; forgotten");
  }
}

// The text to keep: {"version": 1, "events": events}, invalid UTF-8 replaced.
std::string save_events(nlohmann::json events);

}  // namespace capcast::ingest::capgen
