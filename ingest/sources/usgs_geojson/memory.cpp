#include "memory.h"

#include <nlohmann/json.hpp>

#include "capgen/event_memory.h"

namespace capcast::ingest::usgs_geojson {

using nlohmann::json;

Memory load_memory(std::string_view text, std::vector<std::string>& problems) {
  Memory m;
  capgen::load_events(text, problems, [&](const std::string& id, const json& e) {
    Remembered r;
    bool ok =
        capgen::get_i64(e, "updated", &r.updated_ms) && capgen::get_i64(e, "time", &r.time_ms) &&
        capgen::get_i64(e, "sent", &r.sent_ms) && capgen::get_str(e, "msgType", &r.msg_type) &&
        capgen::get_str(e, "references", &r.references) && capgen::get_str(e, "why", &r.why) &&
        capgen::get_str(e, "key", &r.key) && capgen::get_str(e, "fingerprint", &r.fingerprint) &&
        capgen::get_i64(e, "seen", &r.seen_ms) &&
        (r.msg_type == "Alert" || r.msg_type == "Update" || r.msg_type == "Cancel");
    if (ok) m.emplace(id, std::move(r));
    return ok;
  });
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
  return capgen::save_events(std::move(events));
}

}  // namespace capcast::ingest::usgs_geojson
