// What the usgs-geojson format remembers between polls (Input::memory): per event, the last
// message it issued, so that the next change is an Update or Cancel referencing it and an
// unchanged event yields the very same message again. Kept as JSON; plain data, thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace capcast::ingest::usgs_geojson {

struct Remembered {
  int64_t updated_ms = 0;   // `updated` of the event version the last message was made from
  int64_t time_ms = 0;      // origin time, to tell whether the feed's window still covers it
  int64_t sent_ms = 0;      // the last message's <sent>
  std::string msg_type;     // the last message's msgType: Alert, Update or Cancel
  std::string references;   // the last message's <references> ("" for an Alert)
  std::string why;          // for a Cancel: "deleted", "type" or "missing"
  std::string key;          // the last message as "sender,identifier,sent" (CAP 1.2 §3.2.1)
  std::string fingerprint;  // of what the last message says (quake.h fingerprint())
  int64_t seen_ms = 0;      // when the event was last in the feed
};

// Events by the USGS id they were first issued under.
using Memory = std::map<std::string, Remembered>;

// Reads what save_memory wrote; "" is an empty memory. Unreadable entries are dropped and
// reported in `problems` (the events are then issued again as new, under the same identifiers).
Memory load_memory(std::string_view text, std::vector<std::string>& problems);
std::string save_memory(const Memory& memory);

}  // namespace capcast::ingest::usgs_geojson
