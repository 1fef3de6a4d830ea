// The CAP ATOM feed capcast publishes (RFC 4287): one entry per alert, linking to the CAP XML
// (type application/cap+xml), newest first, in the style of the NWS and IPAWS CAP indexes.
// Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "capcast/store/store.h"

namespace capcast::app {

struct FeedMeta {
  std::string title = "capcast alerts";
  std::string base_url;  // "http://127.0.0.1:8080": entry links are base_url + "/alerts/N.xml"
  int64_t now_ms = 0;    // <updated> of an empty feed
};

std::string render_atom(const std::vector<store::AlertRow>& alerts, const FeedMeta& meta);

}  // namespace capcast::app
