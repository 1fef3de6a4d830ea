#include "capcast/dispatch/engine.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace capcast::dispatch {

config::SectionSpec dispatch_section() {
  config::SectionSpec s;
  s.name = "dispatch";
  s.help = "how the outbox is drained";
  s.keys = {
      config::Key{"batch", config::Type::kInt, config::Value{int64_t{64}}, false, false,
                  "deliveries claimed from the outbox per pass"},
      config::Key{"send_expired", config::Type::kBool, config::Value{false}, false, false,
                  "deliver alerts whose <expires> has passed (only to replay an archive)"},
  };
  return s;
}

EngineOptions engine_options(const config::Document& doc) {
  const auto& s = doc.section("dispatch");
  EngineOptions o;
  o.batch = static_cast<int>(std::clamp<int64_t>(s.get_int("batch"), 1, 10'000));
  o.send_expired = s.get_bool("send_expired");
  return o;
}

Engine::Engine(store::Store* store, std::vector<NamedChannel>* channels, const Clock& clock,
               std::function<double()> random, EngineOptions options)
    : store_(store), clock_(clock), random_(std::move(random)), options_(options) {
  for (auto& c : *channels)
    channels_[c.name] = &c;
}

std::vector<std::string> Engine::route() const {
  std::vector<std::string> out;
  for (const auto& [name, _] : channels_)
    out.push_back(name);
  return out;
}

std::vector<std::string> Engine::route_expiry() const {
  std::vector<std::string> out;
  for (const auto& [name, c] : channels_) {
    if (c->channel->wants_expiry()) out.push_back(name);
  }
  return out;
}

void Engine::attempt(const store::Delivery& d) {
  using store::DeliveryState;
  int64_t now = to_unix_ms(clock_.now());
  auto alert = store_->find_alert(d.alert_id);
  if (!alert.ok() || !alert->has_value()) {
    // The store failed: leave the delivery for a later pass rather than lose it.
    store_->finish_attempt(d.id, DeliveryState::kRetrying, now + 5000,
                           alert.ok() ? "alert missing" : alert.status().message());
    return;
  }
  const store::AlertRow& a = **alert;
  auto it = channels_.find(d.channel);
  if (it == channels_.end()) {
    // A channel removed from the configuration: keep the delivery until it comes back.
    store_->finish_attempt(d.id, DeliveryState::kRetrying, now + 60'000,
                           "channel '" + d.channel + "' is not configured");
    return;
  }
  NamedChannel& ch = *it->second;
  if (!options_.send_expired && d.event != store::Event::kExpired && a.expires_ms &&
      *a.expires_ms <= now) {
    // An expired warning is no longer true: it is not sent (CAP 1.2 §3.2.2 <expires>).
    store_->finish_attempt(d.id, DeliveryState::kDead, now, "expired before delivery");
    spdlog::warn("alert ({}, {}): not sent to {}: expired before delivery", a.sender, a.identifier,
                 ch.name);
    return;
  }
  Outcome outcome;
  try {
    outcome = ch.channel->deliver(Message{d.id, a.sender, a.identifier, a.sent, a.xml, d.event});
  } catch (const std::exception& e) {
    // A channel must not throw; if one does, it fails this attempt only.
    outcome = RetryLater{Duration{0}, std::string("channel threw: ") + e.what()};
  }
  if (std::holds_alternative<Delivered>(outcome)) {
    store_->finish_attempt(d.id, DeliveryState::kDelivered, now, "");
    spdlog::info("alert ({}, {}): {} delivered to {}", a.sender, a.identifier,
                 store::event_name(d.event), ch.name);
  } else if (const auto* r = std::get_if<Rejected>(&outcome)) {
    store_->finish_attempt(d.id, DeliveryState::kDead, now, r->reason);
    spdlog::error("alert ({}, {}): rejected by {}: {}", a.sender, a.identifier, ch.name, r->reason);
  } else {
    const auto& retry = std::get<RetryLater>(outcome);
    if (d.attempts >= ch.max_attempts) {
      store_->finish_attempt(
          d.id, DeliveryState::kDead, now,
          "gave up after " + std::to_string(d.attempts) + " attempts: " + retry.reason);
      spdlog::error("alert ({}, {}): gave up on {} after {} attempts: {}", a.sender, a.identifier,
                    ch.name, d.attempts, retry.reason);
      return;
    }
    // Full jitter (AWS architecture blog, "Exponential Backoff and Jitter"): a uniform wait in
    // [0, min(max, base * 2^attempts)), never less than the channel asked for.
    int shift = std::min(d.attempts - 1, 30);
    double ceiling = std::min<double>(
        static_cast<double>(ch.backoff_base.count()) * static_cast<double>(int64_t{1} << shift),
        static_cast<double>(ch.backoff_max.count()));
    auto wait = std::max<int64_t>(static_cast<int64_t>(random_() * ceiling), retry.after.count());
    store_->finish_attempt(d.id, DeliveryState::kRetrying, now + wait, retry.reason);
    spdlog::warn("alert ({}, {}): {} failed (attempt {}): {}; retrying in {} ms", a.sender,
                 a.identifier, ch.name, d.attempts, retry.reason, wait);
  }
}

Result<int> Engine::run_pass() {
  int64_t now = to_unix_ms(clock_.now());
  auto expired = store_->expire_due(now, route_expiry());
  if (!expired.ok()) return expired.status();
  for (const auto& e : *expired)
    spdlog::info("alert ({}, {}): expired", e.sender, e.identifier);
  auto due = store_->claim_due(now, options_.batch);
  if (!due.ok()) return due.status();
  for (const auto& d : *due)
    attempt(d);
  return static_cast<int>(due->size());
}

void Engine::run() {
  if (auto n = store_->recover_in_flight(); n.ok() && *n > 0) {
    spdlog::info("outbox: resumed {} deliveries left in flight by a previous run", *n);
  }
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
      notified_ = false;
    }
    auto n = run_pass();
    if (!n.ok()) spdlog::error("outbox: {}", n.status().message());
    if (n.ok() && *n >= options_.batch) continue;  // more may be due right away
    Duration wait = options_.idle_wait;
    if (auto next = store_->next_due_ms(); next.ok() && next->has_value()) {
      wait = std::clamp(Duration{**next - to_unix_ms(clock_.now())}, Duration{0}, wait);
    }
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, wait, [this] { return stop_ || notified_; });
  }
}

void Engine::notify() {
  std::lock_guard lock(mu_);
  notified_ = true;
  cv_.notify_all();
}

void Engine::stop() {
  std::lock_guard lock(mu_);
  stop_ = true;
  cv_.notify_all();
}

}  // namespace capcast::dispatch
