#include "capcast/dispatch/engine.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <thread>

#include "lane.h"

namespace capcast::dispatch {

config::SectionSpec dispatch_section() {
  config::SectionSpec s;
  s.name = "dispatch";
  s.help = "how the outbox is drained";
  s.keys = {
      config::Key{"batch", config::Type::kInt, config::Value{int64_t{64}}, false, false,
                  "deliveries a channel's lane claims from the outbox at once, at most"},
      config::Key{"send_expired", config::Type::kBool, config::Value{false}, false, false,
                  "deliver alerts whose <expires> has passed (only to replay an archive)"},
      config::Key{"lease", config::Type::kDuration, config::Value{int64_t{60'000}}, false, false,
                  "a delivery claimed by another capcast that may still be alive is taken back "
                  "after this long"},
      config::Key{"drain", config::Type::kDuration, config::Value{int64_t{5'000}}, false, false,
                  "at shutdown, how long outstanding attempts are awaited"},
  };
  return s;
}

EngineOptions engine_options(const config::Document& doc) {
  const auto& s = doc.section("dispatch");
  EngineOptions o;
  o.batch = static_cast<int>(std::clamp<int64_t>(s.get_int("batch"), 1, 10'000));
  o.send_expired = s.get_bool("send_expired");
  o.lease = std::max(Duration{1000}, s.get_duration("lease"));
  o.drain = std::max(Duration{0}, s.get_duration("drain"));
  return o;
}

Engine::Engine(store::Store* store, std::vector<NamedChannel>* channels, const Clock& clock,
               std::function<double()> random, EngineOptions options)
    : store_(store),
      clock_(clock),
      random_(std::move(random)),
      options_(options),
      owner_(lease_owner_id()) {
  // Lanes in name order, as route() lists them.
  std::vector<NamedChannel*> sorted;
  for (auto& c : *channels)
    sorted.push_back(&c);
  std::sort(sorted.begin(), sorted.end(),
            [](const NamedChannel* a, const NamedChannel* b) { return a->name < b->name; });
  LaneContext ctx{store_, &clock_, &options_, &owner_, [this] {
                    std::lock_guard lock(random_mu_);
                    return random_();
                  }};
  for (auto* c : sorted) {
    lanes_.push_back(std::make_unique<Lane>(c, ctx));
    // Receipts the peer sends later (SMPP delivery receipts) go to the outbox, by part.
    Lane* lane = lanes_.back().get();
    c->channel->set_receipt_sink([lane](store::Receipt r) { lane->on_receipt(std::move(r)); });
    c->channel->set_store(store_);
    if (store_ && c->cancel_pending) store_->set_cancel_pending(c->name, *c->cancel_pending);
  }
  channels_ = channels;
}

Engine::~Engine() {
  // Channels may outlive the engine: no receipt reaches its store after this.
  if (channels_) {
    for (auto& c : *channels_) {
      c.channel->set_receipt_sink({});
      c.channel->set_store(nullptr);
    }
  }
}

std::vector<std::string> Engine::route() const {
  std::vector<std::string> out;
  for (const auto& l : lanes_)
    out.push_back(l->name());
  return out;
}

std::vector<std::string> Engine::route_people() const {
  std::vector<std::string> out;
  for (const auto& l : lanes_) {
    if (l->to_people()) out.push_back(l->name());
  }
  return out;
}

std::vector<std::string> Engine::route_expiry() const {
  std::vector<std::string> out;
  for (const auto& l : lanes_) {
    if (l->wants_expiry()) out.push_back(l->name());
  }
  return out;
}

Status Engine::take_back_leases() {
  int64_t stale_before = to_unix_ms(clock_.now()) - options_.lease.count();
  const std::string& me = owner_;
  auto n = store_->recover_in_flight([&](const std::string& owner, int64_t claimed_ms) {
    if (owner == me) return false;  // ours: a lane is waiting for its outcome
    return claimed_ms < stale_before || owner.empty() || owner_is_dead(owner);
  });
  if (!n.ok()) return n.status();
  if (*n > 0) spdlog::info("outbox: took back {} deliveries left in flight by another run", *n);
  return {};
}

Status Engine::expire() {
  auto expired = store_->expire_due(to_unix_ms(clock_.now()), route_expiry());
  if (!expired.ok()) return expired.status();
  for (const auto& e : *expired)
    spdlog::info("alert ({}, {}): expired", e.sender, e.identifier);
  return {};
}

Result<int> Engine::run_pass() {
  if (auto s = take_back_leases(); !s.ok()) return s;
  if (auto s = expire(); !s.ok()) return s;
  int attempted = 0;
  for (auto& lane : lanes_) {
    auto n = lane->pass(options_.batch);
    if (!n.ok()) return n.status();
    attempted += *n;
  }
  return attempted;
}

void Engine::run() {
  for (auto& lane : lanes_)
    lane->start();
  auto last_leases = clock_.now() - options_.lease;
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stop_) break;
      notified_ = false;
    }
    // Leases are checked at start and then twice per lease period; expiry at every wake-up.
    if (clock_.now() - last_leases >= options_.lease / 2) {
      last_leases = clock_.now();
      if (auto s = take_back_leases(); !s.ok()) spdlog::error("outbox: {}", s.message());
    }
    if (auto s = expire(); !s.ok()) spdlog::error("outbox: {}", s.message());
    for (auto& lane : lanes_)
      lane->wake();
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, options_.idle_wait, [this] { return stop_ || notified_; });
  }
  for (auto& lane : lanes_)
    lane->stop();
}

void Engine::notify() {
  {
    std::lock_guard lock(mu_);
    notified_ = true;
  }
  cv_.notify_all();
  for (auto& lane : lanes_)
    lane->wake();
}

void Engine::stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
}

std::vector<ChannelMetrics> Engine::metrics() const {
  std::vector<ChannelMetrics> out;
  for (const auto& lane : lanes_)
    out.push_back(lane->metrics());
  return out;
}

}  // namespace capcast::dispatch
