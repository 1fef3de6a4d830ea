// The "usgs-geojson" format: a USGS earthquake GeoJSON summary feed
// (https://earthquake.usgs.gov/earthquakes/feed/v1.0/geojson.php) turned into CAP 1.2: one
// alert per event, an Update when the event's `updated` changes, a Cancel when USGS deletes the
// event (status "deleted", or the event vanishes from a feed whose time window still covers it).
// The mapping and the identifier scheme are in docs/sources/usgs-geojson.md. A pure function of
// its Input (the events it issued are kept in Input::memory); thread-safe.
#pragma once

#include <vector>

#include "capcast/config/schema.h"
#include "capcast/ingest/format.h"

namespace capcast::ingest::usgs_geojson {

inline constexpr const char* kName = "usgs-geojson";

// The format's keys in a [[source]] entry.
std::vector<config::Key> keys();

Extracted extract(const Input& in);

}  // namespace capcast::ingest::usgs_geojson
