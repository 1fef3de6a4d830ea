// osmo-cbc's ECBE REST API (osmo-cbc 0.5, src/rest_api.c; its manual's "ECBE REST interface"):
// the requests one Broadcast becomes, and what each answer means. Pure, thread-safe.
//
// ECBE has create and delete only: POST /api/ecbe/v1/message and
// DELETE /api/ecbe/v1/message/{message identifier}. So a replace is a delete and a create, and a
// kill a delete. osmo-cbc keys its messages by the TS 23.041 message identifier alone: a second
// create with an identifier on air is refused with 409 ("Could not allocate"). It takes only
// PLMN-wide scope (CBSP "all cells"): an ecbe channel has no cell inventory.
// We always send payload_encoded (our DCS and 82-octet pages): osmo-cbc's payload_decoded
// mis-encodes non-ASCII GSM text and never sets a DCS or page count for UCS-2
// (shared notes, "Pitfalls found by reading rest_api.c/charset.c").
#pragma once

#include <string>
#include <vector>

#include "cbs/broadcast.h"

namespace capcast::dispatch::cbs::ecbe {

inline constexpr const char* kPrefix = "/api/ecbe/v1";
inline constexpr int kDefaultPort = 12345;  // osmo-cbc's src/cbc_data.c (its manual says 12349)

struct Request {
  std::string method;  // "POST" or "DELETE"
  std::string path;    // under the base URL, e.g. "/api/ecbe/v1/message/4371"
  std::string body;    // JSON for a POST
  bool operator==(const Request&) const = default;
};

// The requests of one broadcast, in order. `cbe_name` names capcast to the CBC.
std::vector<Request> requests(const Broadcast& b, const std::string& cbe_name);

enum class Verdict { kDone, kRetry, kReject };

// What an answer means. 201 (created) and 200 (deleted) are done; a DELETE answered 404 is done
// too (nothing of that identifier is on air: killed already, or never written); 409 to a POST is
// a refusal (the identifier is on air for another message); 400 a refusal (a request it cannot
// take); 5xx, and 0 (no answer), are worth retrying.
Verdict classify(const Request& request, int status);

}  // namespace capcast::dispatch::cbs::ecbe
