// The "mqtt" source's payload decoder: what one MQTT message carries, turned into CAP documents
// or links to them. A pure function (the I/O is in subscriber.cpp), so that every payload shape
// is unit-tested byte for byte. Accepted:
//   - a CAP XML document, as is;
//   - a WIS2 Notification Message (WMO WNM 1.0, a GeoJSON Feature; schema in
//     wmo-im/wis2-notification-message) whose properties.content embeds the CAP (encoding utf-8,
//     base64, or gzip: base64 of a gzip stream, inflated up to max_bytes), or whose links carry
//     rel="canonical" (or "update") to the CAP, then fetched.
// Anything else yields no document and a problem that says why. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capcast/config/schema.h"
#include "capcast/ingest/format.h"

namespace capcast::ingest::mqtt {

// The keys of a type = "mqtt" [[source]] entry.
std::vector<config::Key> keys();

// Decodes one message payload; the limit is the entry's max_bytes.
Extracted decode(const Input& in);

// RFC 4648 §4 base64 (whitespace ignored, padding optional); nullopt when not base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace capcast::ingest::mqtt
