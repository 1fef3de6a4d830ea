// The "meteoalarm-json" format: MeteoAlarm's JSON warnings API
// (https://feeds.meteoalarm.org/api/v1/warnings/feeds-{country}), {"warnings": [{"alert":
// {CAP as JSON}, "uuid": ...}]}. Each warning's alert is already CAP 1.2, written in JSON with
// CAP's element names; it is rebuilt as CAP XML element by element (every <info> with its
// parameters, areas with EMMA_ID geocodes and polygons, references), keeping the member
// service's identifier, sender and sent. The mapping is in docs/sources/meteoalarm-json.md. No
// memory between polls. Pure function; thread-safe.
#pragma once

#include "capcast/ingest/format.h"

namespace capcast::ingest::meteoalarm_json {

Extracted extract(const Input& in);

}  // namespace capcast::ingest::meteoalarm_json
