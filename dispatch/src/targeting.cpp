#include "capcast/dispatch/targeting.h"

#include <algorithm>

namespace capcast::dispatch {

AlertAreas alert_areas(const cap::Alert& alert) {
  AlertAreas out;
  for (const auto& info : alert.infos) {
    for (const auto& area : info.areas) {
      for (const auto& g : area.geocodes)
        out.geocodes.push_back(g.value_name + "=" + g.value);
      auto geo = cap::geo::parse_area(area);
      if (!geo.ok()) continue;
      for (const auto& p : geo->polygons)
        out.boxes.push_back(cap::geo::bbox_of(p));
      for (const auto& c : geo->circles)
        out.boxes.push_back(cap::geo::bbox_of(c));
      cap::geo::PreparedArea prepared(*geo);
      if (!prepared.empty()) out.areas.push_back(std::move(prepared));
    }
  }
  std::sort(out.geocodes.begin(), out.geocodes.end());
  out.geocodes.erase(std::unique(out.geocodes.begin(), out.geocodes.end()), out.geocodes.end());
  return out;
}

bool reaches(const AlertAreas& areas, const store::Subscriber& s, const std::string& channel) {
  if (!s.channels.empty() &&
      std::find(s.channels.begin(), s.channels.end(), channel) == s.channels.end()) {
    return false;
  }
  for (const auto& g : s.geocodes) {
    if (std::binary_search(areas.geocodes.begin(), areas.geocodes.end(), g)) return true;
  }
  if (s.lat && s.lon) {
    cap::geo::Point p{*s.lat, *s.lon};
    for (const auto& a : areas.areas) {
      if (a.contains(p)) return true;
    }
  }
  return false;
}

Result<std::vector<int64_t>> target_subscribers(store::Store& store, const cap::Alert& alert,
                                                const std::string& channel) {
  AlertAreas areas = alert_areas(alert);
  std::vector<store::Subscriber> candidates;
  for (const auto& box : areas.boxes) {
    auto some = store.subscribers_in_box(box.min_lat, box.max_lat, box.min_lon, box.max_lon);
    if (!some.ok()) return some.status();
    candidates.insert(candidates.end(), some->begin(), some->end());
  }
  if (!areas.geocodes.empty()) {
    auto some = store.subscribers_with_geocodes(areas.geocodes);
    if (!some.ok()) return some.status();
    candidates.insert(candidates.end(), some->begin(), some->end());
  }
  std::vector<int64_t> out;
  for (const auto& s : candidates) {
    if (reaches(areas, s, channel)) out.push_back(s.recipient_id);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<size_t> attach_people(store::Store& store, const cap::Alert& parsed,
                             const std::vector<std::string>& people,
                             std::vector<std::string>& channels, store::NewAlert& alert) {
  size_t targeted = 0;
  for (const auto& ch : people) {
    auto it = std::find(channels.begin(), channels.end(), ch);
    if (it == channels.end()) continue;
    channels.erase(it);
    if (parsed.msg_type == "Cancel") continue;
    auto ids = target_subscribers(store, parsed, ch);
    if (!ids.ok()) return ids.status();
    if (ids->empty()) continue;
    targeted += ids->size();
    alert.recipients.push_back({ch, {}, std::move(*ids)});
  }
  return targeted;
}

}  // namespace capcast::dispatch
