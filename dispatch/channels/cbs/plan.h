// CAP to cell broadcast: the messages one CAP alert becomes on a channel, given what that
// channel has on air for the alert's incident. Pure: the caller (the cbs channels) keeps the
// incident's state in the store and picks the cells; `capcast cbs encode` prints the result.
//
// - One message per <info> language: the primary <info> (the profile's language, else the first)
//   with the identifier of the first matching rule (message_id.h), each further language with the
//   rule's additional-language identifier (TS 23.041 §9.4.1.2.2: 4383-4395, 4397, 4399).
// - Serial number (TS 23.041 §9.4.1.2.1): the incident's message code, allocated once per CAP
//   incident by the caller; the update number 0 for the first alert and +1 (mod 16) for each
//   Update that goes out. An Update whose identifier is still on air replaces it (CBSP
//   WRITE-REPLACE with Old Serial Number); identifiers no longer used are killed.
// - A Cancel, or an alert's expiry, kills what is on air.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "capcast/cap/model.h"
#include "capcast/core/result.h"
#include "cbs/broadcast.h"
#include "cbs/message_id.h"

namespace capcast::dispatch::cbs {

// One message on air for an incident.
struct OnAir {
  uint16_t message_id = 0;
  Serial serial;
  bool whole_network = false;
  std::vector<CellId> cells;
  bool operator==(const OnAir&) const = default;
};

// An incident's state on one channel.
struct IncidentState {
  uint16_t message_code = 0;  // allocated by the caller for the incident, 0..1023
  int update_number = -1;     // of the last messages written; -1: none yet
  std::vector<OnAir> on_air;
  bool operator==(const IncidentState&) const = default;
};

// The cells an alert's areas reach (an inventory, cells.h); an empty result is an error for the
// alert ("reaches no cell"). Without a selector, messages go to the whole network.
using CellSelector = std::function<Result<std::vector<CellId>>(const cap::Alert&)>;

struct PlanOptions {
  const Profile* profile = nullptr;  // required
  GeoScope scope = GeoScope::kPlmn;
  // Most characters of text per message (0: as many as 15 pages hold); a longer text is cut at a
  // word boundary and ends with "...".
  size_t max_chars = 0;
  Category category = Category::kHighPriority;
  unsigned repetition_seconds = 60;
  unsigned broadcasts_requested = 0;
  CellSelector cells;
};

struct Plan {
  std::vector<Broadcast> broadcasts;  // kills first, then writes and replaces
  IncidentState next;                 // the state once they are all done
  std::vector<std::string> notes;     // what was skipped or cut, and why
  std::string rule;                   // the label of the rule chosen ("" for a kill)
};

// kInvalidArgument with the reason when the alert is not to be broadcast (no rule matches, the
// rule says not to, no cell reached) or its text cannot be encoded. `expired`: the alert's
// <expires> passed: kill what is on air.
Result<Plan> plan(const cap::Alert& alert, const IncidentState& state, const PlanOptions& options,
                  bool expired = false);

// The text one <info> is broadcast with: the IPAWS CMAMlongtext parameter, else CMAMtext, else
// headline and instruction (or description when there is no instruction), else the event; cut
// to max_chars code points (0: no limit) as plan() does.
std::string broadcast_text(const cap::Info& info, size_t max_chars);

}  // namespace capcast::dispatch::cbs
