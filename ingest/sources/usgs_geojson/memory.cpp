#include "memory.h"

#include <nlohmann/json.hpp>

namespace capcast::ingest::usgs_geojson {

using nlohmann::json;

Memory load_memory(std::string_view text, std::vector<std::string>& problems) {
  Memory m;
  if (text.empty()) return m;
  json j = json::parse(text, nullptr, false);
  const json* events = nullptr;
  if (j.is_object()) {
    auto it = j.find("events");
    if (it != j.end() && it->is_object()) events = &*it;
  }
  if (!events) {
    problems.push_back("remembered state is unreadable; starting afresh");
    return m;
  }
  auto i64 = [](const json& e, const char* k, int64_t* out) {
    auto it = e.find(k);
    if (it == e.end() || !it->is_number_integer()) return false;
    *out = it->get<int64_t>();
    return true;
  };
  auto str = [](const json& e, const char* k, std::string* out) {
    auto it = e.find(k);
    if (it == e.end() || !it->is_string()) return false;
    *out = it->get<std::string>();
    return true;
  };
  for (auto it = events->begin(); it != events->end(); ++it) {
    const json& e = it.value();
    Remembered r;
    bool ok = e.is_object() && i64(e, "updated", &r.updated_ms) && i64(e, "time", &r.time_ms) &&
              i64(e, "sent", &r.sent_ms) && str(e, "msgType", &r.msg_type) &&
              str(e, "references", &r.references) && str(e, "why", &r.why) &&
              str(e, "key", &r.key) && str(e, "fingerprint", &r.fingerprint) &&
              i64(e, "seen", &r.seen_ms) &&
              (r.msg_type == "Alert" || r.msg_type == "Update" || r.msg_type == "Cancel");
    if (!ok) {
      problems.push_back("remembered event " + it.key() + " is unreadable; forgotten");
      continue;
    }
    m.emplace(it.key(), std::move(r));
  }
  return m;
}

std::string save_memory(const Memory& memory) {
  json events = json::object();
  for (const auto& [id, r] : memory) {
    events[id] = {{"updated", r.updated_ms},
                  {"time", r.time_ms},
                  {"sent", r.sent_ms},
                  {"msgType", r.msg_type},
                  {"references", r.references},
                  {"why", r.why},
                  {"key", r.key},
                  {"fingerprint", r.fingerprint},
                  {"seen", r.seen_ms}};
  }
  json j = {{"version", 1}, {"events", std::move(events)}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace capcast::ingest::usgs_geojson
