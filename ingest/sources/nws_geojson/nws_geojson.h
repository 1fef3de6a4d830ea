// The "nws-geojson" format: alerts of the US National Weather Service API (api.weather.gov
// /alerts, /alerts/active..., /alerts/{id}) as GeoJSON (application/geo+json: a FeatureCollection
// of Features whose properties are the alert) or JSON-LD (application/ld+json: an @graph of
// alerts, geometry as WKT). The API's alert is NWS CAP v1.2 in JSON, so each one becomes one CAP
// 1.2 <alert> with one <info>, keeping NWS's own identifier, sender and sent (so that the same
// alert read from the API's CAP XML or ATOM is the same alert in the store), its `references`
// and the triples of its `expiredReferences` parameter. A collection's `pagination.next` is
// handed to the poller as the next page, up to the entry's `max_pages`. The mapping is in
// docs/sources/nws-geojson.md. No memory between polls. Pure function; thread-safe.
#pragma once

#include "capcast/config/schema.h"
#include "capcast/ingest/format.h"

namespace capcast::ingest::nws_geojson {

// The keys of a type = "nws-geojson" [[source]] entry.
std::vector<config::Key> keys();

Extracted extract(const Input& in);

}  // namespace capcast::ingest::nws_geojson
