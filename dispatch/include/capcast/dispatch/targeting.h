// Location-based targeting: the subscribers an alert reaches on a channel that delivers to
// people. A subscriber is reached when their home location lies in one of the alert's areas
// (a <polygon> or <circle> of any <area> of any <info>, CAP 1.2 §3.2.4: the union), or when one
// of their registered areas is one of the alert's <geocode>s (same valueName and value), and
// when they chose that channel (or none).
#pragma once

#include <string>
#include <vector>

#include "capcast/cap/geometry.h"
#include "capcast/cap/model.h"
#include "capcast/core/result.h"
#include "capcast/store/store.h"

namespace capcast::dispatch {

// The alert's areas, prepared once for many subscribers. Areas that do not parse are skipped
// (validation reports them); `geocodes` holds "valueName=value" of every <geocode>.
struct AlertAreas {
  std::vector<cap::geo::PreparedArea> areas;
  std::vector<cap::geo::BBox> boxes;  // one per polygon or circle
  std::vector<std::string> geocodes;
};
AlertAreas alert_areas(const cap::Alert& alert);

// Pure: whether the subscriber is reached on `channel`.
bool reaches(const AlertAreas& areas, const store::Subscriber& subscriber,
             const std::string& channel);

// The recipient ids of the subscribers reached on `channel`, in id order: candidates from the
// store (by bounding box and by geocode), then the exact test above.
Result<std::vector<int64_t>> target_subscribers(store::Store& store, const cap::Alert& alert,
                                                const std::string& channel);

// Turns the routed channels that deliver to people (`people`, Engine::route_people) into
// per-recipient deliveries of `alert`: each is taken out of `channels` (it has no delivery of its
// own) and, unless the alert is a Cancel, given the subscribers its areas reach. A Cancel reaches
// exactly those who were sent what it cancels (NewAlert::follow_references), an Update those and
// whoever its areas reach now. Returns how many people were targeted, all channels together.
Result<size_t> attach_people(store::Store& store, const cap::Alert& parsed,
                             const std::vector<std::string>& people,
                             std::vector<std::string>& channels, store::NewAlert& alert);

}  // namespace capcast::dispatch
