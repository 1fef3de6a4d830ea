// The WIS2 Notification Message (WNM) that announces a CAP alert on WMO's WIS 2.0, and the topic
// it is published on: a pure codec (no I/O, no clock, no global randomness), so that every byte
// is unit-tested. The MQTT channel publishes what it returns. Thread-safe: the functions keep no
// state; the random source is called from the calling thread only.
//
// The standard is "WMO WIS2 Notification Message Encoding" (wmo-im/wis2-notification-message,
// clause 7, requirements class http://wis.wmo.int/spec/wnm/1/req/core, cited below as WNM
// /req/core/...), the same text as Appendix E of the Manual on WIS (WMO-No. 1060) Vol. II. The
// message is a GeoJSON Feature (RFC 7946):
//   id           a fresh UUID v4 per message (/req/core/identifier), from the caller's randomness
//   conformsTo   ["http://wis.wmo.int/spec/wnm/1/conf/core"] (/req/core/conformance)
//   geometry     from the alert's <area>s (see Geometry below; /req/core/geometry)
//   properties   pubtime (the caller's `now`, RFC 3339 UTC with milliseconds, /req/core/pubtime),
//                datetime (the CAP <sent>, in UTC: one of datetime or start/end_datetime is
//                required, /req/core/temporal; wis2box uses <sent> too), data_id (see
//                DataIdScheme), metadata_id when given, integrity (sha512 of the CAP bytes,
//                base64), content (the CAP inline, only when it fits; see below)
//   links        exactly one of rel canonical | update | deletion (/req/core/links E-G, I) to
//                the CAP, type application/cap+xml, length in bytes
// Limits: the encoded content value at most 4096 bytes (/req/core/content), the whole message at
// most 8192 bytes (/req/core/message_size).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "capcast/cap/model.h"
#include "capcast/core/clock.h"
#include "capcast/core/result.h"
#include "capcast/store/store.h"

namespace capcast::dispatch::mqtt {

// WNM 1.5 Conformance: the URI that conformsTo must contain.
inline constexpr std::string_view kWnmConformsTo = "http://wis.wmo.int/spec/wnm/1/conf/core";
// WNM /req/core/message_size A: "A WNM message SHALL NOT exceed 8192 bytes."
inline constexpr size_t kWnmMaxMessageBytes = 8192;
// WNM /req/core/content A: data larger than 4096 bytes in encoded form SHALL NOT be inline.
inline constexpr size_t kWnmMaxContentBytes = 4096;
// The media type of the linked CAP (CAP 1.2 §3.4, IANA application/cap+xml).
inline constexpr std::string_view kCapMediaType = "application/cap+xml";

// What properties.data_id names, and so which link relation each event gets.
enum class DataIdScheme {
  // One data item per CAP message (what wis2box does for CAP): data_id ends in the alert's own
  // <identifier>. Alert, Update, Cancel, Ack and Error are each new data: rel=canonical. An
  // expiry announces that the alert's data is withdrawn: rel=deletion.
  kPerMessage,
  // One data item per incident, so that subscribers that keep the latest version by data_id
  // replace it: data_id ends in the incident's first <identifier> (see Wis2Options). An Alert is
  // rel=canonical; an Update and a Cancel are rel=update (a newer version of the same data,
  // WNM 1.8: same data_id, newer pubtime) -- a Cancel is not a deletion, since caches must still
  // serve the Cancel itself; an expiry is rel=deletion.
  kPerIncident,
};

// 64 random bits per call. Tests pass a fixed sequence; production system_random() below.
using RandomSource = std::function<uint64_t()>;

struct Wis2Options {
  // The WIS2 centre-id (WIS2 topic hierarchy: lowercase letters, digits and dashes, e.g.
  // "int-wmo-test"); checked by valid_centre_id().
  std::string centre_id;
  // Where the CAP is served, fully qualified (WNM /req/core/links C, D: http, https, ftp or
  // sftp), e.g. "https://alerts.example.org/alerts/42.xml".
  std::string href;
  DataIdScheme data_id_scheme = DataIdScheme::kPerMessage;
  // kPerIncident only: the <identifier> of the incident's first message, when the caller knows
  // it (the store's lifecycle). Empty: the earliest-sent message in <references>, else the
  // alert's own identifier.
  std::string incident_identifier;
  // Prefix of data_id, joined with "/". Empty: "{centre_id}/data/core/weather/
  // advisories-warnings", the topic without channel and version (WNM /per/core/data_id).
  std::string data_id_prefix;
  // The WCMP2 record of the dataset (WNM /rec/core/metadata_id), e.g. "urn:wmo:md:x-y:cap";
  // omitted when empty.
  std::string metadata_id;
  TimePoint now{};      // becomes properties.pubtime
  RandomSource random;  // for the message id; required
};

// The WIS2 Notification Message announcing `cap_xml` (whose parsed form is `alert`) for the
// delivery's event, as compact JSON of at most kWnmMaxMessageBytes. The CAP is embedded in
// properties.content when its encoded form is at most kWnmMaxContentBytes: "utf-8" when the bytes
// are valid UTF-8, else "base64"; never for a deletion. When the message would exceed 8192
// bytes, content is dropped first, then a polygon is reduced to its bounding box, then the
// geometry to null; kInvalidArgument if it is still too large, or if the centre-id, the href or
// the random source is missing or invalid.
//
// Geometry (WNM /req/core/geometry B allows only Point, Polygon or null; no MultiPolygon), over
// the distinct <polygon>s and <circle>s of every <info>'s <area>s:
//  - one polygon: that Polygon, [lon, lat], closed, counterclockwise (RFC 7946 §3.1.6);
//  - one circle of radius 0 (an epicentre): a Point;
//  - one circle, or several shapes: the Polygon of their bounding box, which covers every warned
//    point (a circle's box is 27% larger than the circle);
//  - null when there is nothing to derive it from (geocodes only: they name regions whose
//    outline the codec does not have), a shape does not parse, or the box crosses the
//    antimeridian (a Polygon would need cutting into a MultiPolygon, RFC 7946 §3.1.9).
Result<std::string> build_notification(const cap::Alert& alert, std::string_view cap_xml,
                                       store::Event event, const Wis2Options& options);

// "origin/a/wis2/{centre_id}/data/core/weather/advisories-warnings": the WIS2 topic for CAP
// warnings (wmo-im/wis2-topic-hierarchy, weather/advisories-warnings, Operational).
// kInvalidArgument when the centre-id is not valid.
Result<std::string> wis2_topic(std::string_view centre_id);

// WIS2 topic hierarchy rules for a centre-id: non-empty, lowercase ASCII letters, digits and
// dashes between words ("tld-centre-name"); so no MQTT wildcard, level separator or dot.
bool valid_centre_id(std::string_view centre_id);

// An RFC 4122 version 4 UUID (§4.4: version nibble 4, variant 10xx), lowercase, from two calls.
std::string uuid_v4(const RandomSource& random);

// A source backed by std::random_device (the kernel's CSPRNG on Linux), for production. Each
// returned source is independent; one source is not thread-safe.
RandomSource system_random();

}  // namespace capcast::dispatch::mqtt
