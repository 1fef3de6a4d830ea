#include "intake.h"

#include <spdlog/spdlog.h>

#include "accept.h"
#include "capcast/dispatch/targeting.h"

namespace capcast::app {
namespace {

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v)
    out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Routing that sends an alert nowhere is not an error, but an operator must be able to see it.
void log_routing(const store::NewAlert& a, const dispatch::RouteDecision& d, bool has_routes) {
  if (!d.blocked.empty()) {
    spdlog::info("alert ({}, {}): not sent to {}: BLOCKCHANNEL", a.sender, a.identifier,
                 join(d.blocked));
  }
  if (d.channels.empty() && d.blocked.empty() && has_routes) {
    spdlog::info("alert ({}, {}): matches no [[route]]: not sent", a.sender, a.identifier);
  } else if (!d.matched.empty()) {
    spdlog::debug("alert ({}, {}): routes {} -> channels {}", a.sender, a.identifier,
                  join(d.matched), join(d.channels));
  }
}

}  // namespace

ingest::Taken Intake::take(const std::string& source, const std::string& where,
                           const std::string& xml, std::string* why, int64_t* alert_id) {
  cap::Alert parsed;
  auto alert = to_new_alert(source, xml, &parsed);
  if (!alert.ok()) {
    spdlog::warn("source {}: {}: refused: {}", source, where, alert.status().message());
    if (why) *why = alert.status().message();
    return ingest::Taken::kRefused;
  }
  dispatch::RouteDecision routed;
  if (router_) routed = router_->decide(parsed);
  // An Update or Cancel also goes wherever the alerts it references went (store.h).
  alert->follow_references = true;
  std::vector<std::string> channels = router_ ? routed.channels : route_;
  // SMS and the like: a delivery per subscriber the alert's areas reach (targeting.h).
  auto people = dispatch::attach_people(*store_, parsed, people_, channels, *alert);
  if (!people.ok()) {
    spdlog::error("source {}: alert ({}, {}): subscribers not found: {}", source, alert->sender,
                  alert->identifier, people.status().message());
    if (why) *why = "not stored: " + people.status().message();
    return ingest::Taken::kFailed;
  }
  auto accepted = store_->accept_alert(*alert, channels);
  if (!accepted.ok()) {
    spdlog::error("source {}: alert ({}, {}) not stored: {}", source, alert->sender,
                  alert->identifier, accepted.status().message());
    if (why) *why = "not stored: " + accepted.status().message();
    return ingest::Taken::kFailed;
  }
  if (alert_id) *alert_id = accepted->alert_id;
  if (!accepted->inserted) return ingest::Taken::kDuplicate;
  spdlog::info("alert ({}, {}): {} {} accepted from source {}: {}{}", alert->sender,
               alert->identifier, alert->status, alert->msg_type, source,
               store::event_name(accepted->event),
               accepted->state == store::AlertState::kActive
                   ? ""
                   : std::string(", already ") + store::alert_state_name(accepted->state) +
                         " by a message received earlier: not sent");
  if (router_) log_routing(*alert, routed, router_->has_routes());
  if (*people > 0) {
    spdlog::info("alert ({}, {}): {} subscriber(s) in its area", alert->sender, alert->identifier,
                 *people);
  }
  if (router_ && router_->has_routes() && routed.matched.empty()) ++unrouted_;
  for (int64_t other : accepted->linked) {
    if (auto row = store_->find_alert(other); row.ok() && row->has_value()) {
      spdlog::info("alert ({}, {}): the same event as ({}, {}) from source {}", alert->sender,
                   alert->identifier, (*row)->sender, (*row)->identifier, (*row)->source);
    }
  }
  if (!accepted->ended.empty() || accepted->unresolved > 0) {
    spdlog::info("alert ({}, {}): {} earlier alert(s) {}, {} reference(s) not received yet",
                 alert->sender, alert->identifier, accepted->ended.size(),
                 accepted->event == store::Event::kCancelled ? "cancelled" : "superseded",
                 accepted->unresolved);
  }
  engine_->notify();
  return ingest::Taken::kAccepted;
}

}  // namespace capcast::app
