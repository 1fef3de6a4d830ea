// The "gdacs-rss" format: the GDACS RSS feeds (https://www.gdacs.org/xml/rss.xml and
// rss_24h.xml). An item that links GDACS's own CAP (<gdacs:cap>) yields that link, for the poller
// to fetch and relay, unless `prefer_linked_cap` is false; any other item is mapped to CAP 1.2:
// one alert per event, an Update (referencing the previous episode's message) per new episode.
// The mapping and the identifier scheme are in docs/sources/gdacs-rss.md. A pure function of its
// Input (the episodes it issued are kept in Input::memory); thread-safe.
#pragma once

#include <vector>

#include "capcast/config/schema.h"
#include "capcast/ingest/format.h"

namespace capcast::ingest::gdacs_rss {

inline constexpr const char* kName = "gdacs-rss";

// The format's keys in a [[source]] entry.
std::vector<config::Key> keys();

Extracted extract(const Input& in);

}  // namespace capcast::ingest::gdacs_rss
