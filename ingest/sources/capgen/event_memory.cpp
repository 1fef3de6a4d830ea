#include "event_memory.h"

namespace capcast::ingest::capgen {

using nlohmann::json;

bool get_i64(const json& e, const char* key, int64_t* out) {
  auto it = e.find(key);
  if (it == e.end() || !it->is_number_integer()) return false;
  *out = it->get<int64_t>();
  return true;
}

bool get_str(const json& e, const char* key, std::string* out) {
  auto it = e.find(key);
  if (it == e.end() || !it->is_string()) return false;
  *out = it->get<std::string>();
  return true;
}

const json* saved_events(std::string_view text, json& j, std::vector<std::string>& problems) {
  if (text.empty()) return nullptr;
  j = json::parse(text, nullptr, false);
  if (j.is_object()) {
    auto it = j.find("events");
    if (it != j.end() && it->is_object()) return &*it;
  }
  problems.push_back("remembered state is unreadable; starting afresh");
  return nullptr;
}

std::string save_events(json events) {
  json j = {{"version", 1}, {"events", std::move(events)}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace capcast::ingest::capgen
