#include "cbs/cbs_channel.h"

#include <nlohmann/json.hpp>

#include <spdlog/spdlog.h>
#include "capcast/cap/lifecycle.h"
#include "capcast/cap/parse.h"

namespace capcast::dispatch::cbs {

std::string on_air_json(const std::vector<OnAir>& on_air) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& o : on_air) {
    nlohmann::json cells = nlohmann::json::array();
    for (const auto& c : o.cells)
      cells.push_back({c.mcc, c.mnc, c.mnc_3_digits, c.lac, c.ci});
    out.push_back({{"id", o.message_id},
                   {"serial", o.serial.packed()},
                   {"all", o.whole_network},
                   {"cells", std::move(cells)}});
  }
  return out.dump();
}

Result<std::vector<OnAir>> on_air_from_json(const std::string& json) {
  auto doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_array()) {
    return parse_error("cell broadcast state is not a JSON array");
  }
  std::vector<OnAir> out;
  try {
    for (const auto& o : doc) {
      OnAir a;
      a.message_id = o.at("id").get<uint16_t>();
      a.serial = Serial::unpack(o.at("serial").get<uint16_t>());
      a.whole_network = o.at("all").get<bool>();
      for (const auto& c : o.at("cells")) {
        a.cells.push_back(CellId{c.at(0).get<uint16_t>(), c.at(1).get<uint16_t>(),
                                 c.at(2).get<bool>(), c.at(3).get<uint32_t>(),
                                 c.at(4).get<uint32_t>()});
      }
      out.push_back(std::move(a));
    }
  } catch (const nlohmann::json::exception& e) {
    return parse_error(std::string("cell broadcast state: ") + e.what());
  }
  return out;
}

CbsChannel::CbsChannel(CbsOptions options, std::unique_ptr<Transport> transport)
    : options_(std::move(options)), transport_(std::move(transport)) {
  options_.plan.profile = &options_.profile;
}

Outcome CbsChannel::deliver(const Message& m) {
  if (store_ == nullptr) {
    return Rejected{"cell broadcast needs the store (serial numbers); none attached"};
  }
  auto parsed = cap::parse(m.xml);
  if (!parsed.ok()) return Rejected{"the CAP does not parse: " + parsed.status().message()};
  const cap::Alert& alert = parsed->alert;
  std::vector<store::AlertRef> refs;
  for (const auto& k : cap::parse_references(alert.references.value_or(""))) {
    refs.push_back({k.sender, k.identifier, k.sent});
  }
  const store::AlertRef self{m.sender, m.identifier, m.sent};
  auto incident = store_->cbs_incident(options_.channel, self, refs);
  if (!incident.ok()) return RetryLater{Duration{0}, incident.status().message()};
  auto on_air = on_air_from_json(incident->on_air);
  if (!on_air.ok()) {
    // Never guess what is on air: a broadcast that cannot be killed is worse than a late one.
    return Rejected{"incident " + std::to_string(incident->id) + ": " + on_air.status().message()};
  }
  IncidentState state{static_cast<uint16_t>(incident->message_code), incident->update_number,
                      std::move(*on_air)};
  auto p = plan(alert, state, options_.plan, m.event == store::Event::kExpired);
  if (!p.ok()) return Rejected{p.status().message()};
  for (const auto& note : p->notes) {
    spdlog::info("channel {}: {} {}: {}", options_.channel, m.sender, m.identifier, note);
  }
  Outcome out = p->broadcasts.empty() ? Outcome{Delivered{}} : transport_->send(p->broadcasts);
  if (!std::holds_alternative<Delivered>(out)) return out;
  auto saved = store_->cbs_save(options_.channel, incident->id, self, p->next.update_number,
                                on_air_json(p->next.on_air), !p->next.on_air.empty());
  if (!saved.ok()) {
    // Sent, but not recorded: the retry sends the same serials, which the peers take as done.
    return RetryLater{Duration{0}, "broadcast, but its state was not saved: " + saved.message()};
  }
  return out;
}

}  // namespace capcast::dispatch::cbs
