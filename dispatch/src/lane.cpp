#include "lane.h"

#include <pthread.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cmath>

namespace capcast::dispatch {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Upper bounds of the attempt latency histogram, in ms (Prometheus "le" buckets).
constexpr auto kFlushEvery = std::chrono::milliseconds(5);
// While a lane waits for a chunk of its window to be answered: how often it records the
// outcomes that came meanwhile.
constexpr auto kRecordEvery = std::chrono::milliseconds(20);

// Receipts that overtook the record of their submit: how many are kept, and for how long.
constexpr size_t kMaxOrphans = 100'000;
constexpr auto kOrphanTtl = std::chrono::minutes(10);

constexpr double kLatencyBounds[] = {1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000};

}  // namespace

TokenBucket::TokenBucket(double rate)
    : rate_(rate), burst_(std::max(1.0, rate)), tokens_(burst_), last_(SteadyClock::now()) {}

void TokenBucket::refill(SteadyClock::time_point now) {
  if (now <= last_) return;
  tokens_ = std::min(burst_, tokens_ + std::chrono::duration<double>(now - last_).count() * rate_);
  last_ = now;
}

int TokenBucket::take(int n, SteadyClock::time_point now) {
  if (rate_ <= 0) return n;
  refill(now);
  int got = std::min(n, static_cast<int>(std::floor(tokens_)));
  tokens_ -= got;
  return got;
}

std::chrono::milliseconds TokenBucket::until_next(SteadyClock::time_point now) const {
  if (rate_ <= 0) return std::chrono::milliseconds(0);
  double have =
      std::min(burst_, tokens_ + std::chrono::duration<double>(now - last_).count() * rate_);
  if (have >= 1) return std::chrono::milliseconds(0);
  return std::chrono::milliseconds(static_cast<int64_t>(std::ceil((1 - have) / rate_ * 1000)));
}

Lane::Lane(NamedChannel* channel, LaneContext ctx)
    : channel_(channel), ctx_(std::move(ctx)), bucket_(channel->rate) {
  metrics_.channel = channel_->name;
  metrics_.window = window();
  metrics_.rate = channel_->rate;
  for (double b : kLatencyBounds)
    metrics_.latency_buckets.emplace_back(b, 0);
}

Lane::~Lane() {
  stop();
}

int Lane::window() const {
  int own = std::max(1, channel_->channel->max_window());
  return channel_->window > 0 ? std::min(channel_->window, own) : own;
}

Result<std::shared_ptr<const store::AlertRow>> Lane::alert(int64_t id) {
  // A fan-out sends one alert many times in a row: keep the last one read.
  if (last_alert_ && last_alert_->id == id) return last_alert_;
  auto row = ctx_.store->find_alert(id);
  if (!row.ok()) return row.status();
  if (!row->has_value()) return Status(Code::kNotFound, "alert missing");
  last_alert_ = std::make_shared<const store::AlertRow>(std::move(**row));
  return last_alert_;
}

void Lane::submit(const store::Delivery& d) {
  using store::DeliveryState;
  int64_t now = now_ms();
  auto a = alert(d.alert_id);
  if (!a.ok()) {
    // The store failed: leave the delivery for a later pass rather than lose it.
    finished_.push_back(
        {d.id, DeliveryState::kRetrying, now + 5000, a.status().message(), false, {}});
    return;
  }
  const store::AlertRow& row = **a;
  if (!ctx_.options->send_expired && d.event != store::Event::kExpired && row.expires_ms &&
      *row.expires_ms <= now) {
    // An expired warning is no longer true: it is not sent (CAP 1.2 §3.2.2 <expires>).
    finished_.push_back({d.id, DeliveryState::kDead, now, "expired before delivery", false, {}});
    spdlog::warn("alert ({}, {}): not sent to {}: expired before delivery", row.sender,
                 row.identifier, name());
    return;
  }
  std::vector<store::AlertRow> replaced;
  if (channel_->channel->wants_replaced() &&
      (d.event == store::Event::kUpdated || d.event == store::Event::kCancelled)) {
    auto r = ctx_.store->replaced_by(d.alert_id);
    if (!r.ok()) {
      finished_.push_back(
          {d.id, DeliveryState::kRetrying, now + 5000, r.status().message(), false, {}});
      return;
    }
    replaced = std::move(*r);
  }
  in_flight_[d.id] = Pending{d, row.sender, row.identifier, SteadyClock::now()};
  {
    std::lock_guard lock(metrics_mu_);
    ++metrics_.attempts;
    ++metrics_.in_flight;
  }
  if (!d.recipient_error.empty()) {
    // The person's number could not be opened (a damaged row): this attempt fails alone, the
    // engine's backoff and max_attempts decide what follows, and the others go out.
    settle(d.id, RetryLater{Duration{0}, d.recipient_error});
    return;
  }
  Message m{d.id,
            row.sender,
            row.identifier,
            row.sent,
            row.xml,
            d.event,
            {},
            d.alert_id,
            d.recipient,
            d.recipient_masked,
            d.recipient_languages.empty() ? std::string() : d.recipient_languages.front()};
  for (const auto& r : replaced)
    m.replaced.push_back(r.xml);

  auto once = std::make_shared<std::atomic<bool>>(false);
  Done done = [inbox = inbox_, once, id = d.id](Outcome o) {
    if (once->exchange(true)) return;  // a channel that answers twice: the first answer holds
    bool wake;
    {
      std::lock_guard lock(inbox->mu);
      inbox->outcomes.emplace_back(id, std::move(o));
      // Wake the lane once, when as many outcomes as it waits for have come: a wake-up (a
      // futex call and a context switch) per PUBACK would cost more than the rest.
      wake = inbox->outcomes.size() == inbox->wake_at;
    }
    if (wake) inbox->cv.notify_all();
  };
  try {
    channel_->channel->submit(m, done);
  } catch (const std::exception& e) {
    // A channel must not throw; if one does, it fails this attempt only.
    done(RetryLater{Duration{0}, std::string("channel threw: ") + e.what()});
  }
}

void Lane::settle(int64_t id, const Outcome& outcome) {
  using store::DeliveryState;
  auto it = in_flight_.find(id);
  if (it == in_flight_.end()) return;  // released at shutdown already
  Pending p = std::move(it->second);
  in_flight_.erase(it);
  const store::Delivery& d = p.delivery;
  int64_t now = now_ms();
  double ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - p.started).count();
  enum { kDelivered, kRetried, kDead } counted;
  // Where it went, as logs may say it: the channel, and a person's number masked.
  std::string to = d.recipient_masked.empty() ? name() : name() + " for " + d.recipient_masked;
  if (const auto* ok = std::get_if<Delivered>(&outcome)) {
    finished_.push_back({d.id, DeliveryState::kDelivered, now, "", false, ok->message_ids});
    spdlog::info("alert ({}, {}): {} delivered to {}", p.sender, p.identifier,
                 store::event_name(d.event), to);
    counted = kDelivered;
  } else if (const auto* r = std::get_if<Rejected>(&outcome)) {
    finished_.push_back({d.id, DeliveryState::kDead, now, r->reason, false, {}});
    spdlog::error("alert ({}, {}): rejected by {}: {}", p.sender, p.identifier, to, r->reason);
    counted = kDead;
  } else if (const auto& retry = std::get<RetryLater>(outcome); retry.unattempted) {
    // Nothing reached the peer (queued at a connection that closed): given back as it was
    // claimed, its attempt taken back, due again at once (the lane waits until the channel is
    // ready again). Neither a retry nor a failure in the metrics.
    finished_.push_back({d.id, DeliveryState::kPending, d.next_attempt_ms, d.last_error, true, {}});
    spdlog::info("alert ({}, {}): {} to {} given back unattempted: {}", p.sender, p.identifier,
                 store::event_name(d.event), to, retry.reason);
    std::lock_guard lock(metrics_mu_);
    --metrics_.in_flight;
    return;
  } else {
    if (d.attempts >= channel_->max_attempts) {
      finished_.push_back(
          {d.id,
           DeliveryState::kDead,
           now,
           "gave up after " + std::to_string(d.attempts) + " attempts: " + retry.reason,
           false,
           {}});
      spdlog::error("alert ({}, {}): gave up on {} after {} attempts: {}", p.sender, p.identifier,
                    to, d.attempts, retry.reason);
      counted = kDead;
    } else {
      // Full jitter (AWS architecture blog, "Exponential Backoff and Jitter"): a uniform wait in
      // [0, min(max, base * 2^attempts)), never less than the channel asked for.
      int shift = std::min(d.attempts - 1, 30);
      double ceiling = std::min<double>(static_cast<double>(channel_->backoff_base.count()) *
                                            static_cast<double>(int64_t{1} << shift),
                                        static_cast<double>(channel_->backoff_max.count()));
      // At least a millisecond: a retry is never due at the instant its attempt failed.
      auto wait = std::max<int64_t>({1, static_cast<int64_t>(ctx_.random() * ceiling),
                                     static_cast<int64_t>(retry.after.count())});
      finished_.push_back({d.id, DeliveryState::kRetrying, now + wait, retry.reason, false, {}});
      spdlog::warn("alert ({}, {}): {} failed (attempt {}): {}; retrying in {} ms", p.sender,
                   p.identifier, to, d.attempts, retry.reason, wait);
      counted = kRetried;
    }
  }
  std::lock_guard lock(metrics_mu_);
  --metrics_.in_flight;
  ++(counted == kDelivered ? metrics_.delivered
     : counted == kDead    ? metrics_.dead
                           : metrics_.retried);
  for (auto& [bound, count] : metrics_.latency_buckets) {
    if (ms <= bound) ++count;
  }
  ++metrics_.latency_count;
  metrics_.latency_sum_ms += ms;
}

void Lane::flush() {
  if (!finished_.empty()) {
    if (auto s = ctx_.store->finish_attempts(finished_); !s.ok()) {
      // The rows stay in flight under our lease; the next start takes them back and retries.
      spdlog::error("outbox: {}: {}", name(), s.message());
    }
    finished_.clear();
  }
  retry_orphans();
}

void Lane::on_receipt(store::Receipt receipt) {
  auto part = ctx_.store->record_receipt(name(), receipt);
  if (!part.ok()) {
    spdlog::error("outbox: {}: receipt not recorded: {}", name(), part.status().message());
    return;
  }
  if (part->has_value()) return;
  std::lock_guard lock(orphans_mu_);
  if (orphans_.size() >= kMaxOrphans) {
    spdlog::warn("{}: receipt ({}) for an unknown message id {} dropped: {} unmatched already",
                 name(), orphans_.front().receipt.state,
                 orphans_.front().receipt.message_id_keys.empty()
                     ? ""
                     : orphans_.front().receipt.message_id_keys.front(),
                 orphans_.size());
    orphans_.pop_front();
  }
  orphans_.push_back({std::move(receipt), SteadyClock::now()});
  has_orphans_ = true;
}

void Lane::retry_orphans() {
  if (!has_orphans_.load(std::memory_order_relaxed)) return;
  std::deque<Orphan> taken;  // matched again outside the lock
  {
    std::lock_guard lock(orphans_mu_);
    taken.swap(orphans_);
    has_orphans_ = false;
  }
  auto now = SteadyClock::now();
  std::deque<Orphan> keep;
  for (auto& o : taken) {
    auto part = ctx_.store->record_receipt(name(), o.receipt);
    if (part.ok() && part->has_value()) continue;
    if (now - o.since < kOrphanTtl) {
      keep.push_back(std::move(o));
    } else {
      // A receipt for a message this outbox never recorded (sent by another system on the same
      // account, or before the store was reset).
      spdlog::warn("{}: receipt ({}) for a message id this outbox does not know: {}", name(),
                   o.receipt.state,
                   o.receipt.message_id_keys.empty() ? "" : o.receipt.message_id_keys.front());
    }
  }
  std::lock_guard lock(orphans_mu_);
  for (auto& o : keep)
    orphans_.push_back(std::move(o));
  has_orphans_ = !orphans_.empty();
}

void Lane::collect(std::chrono::milliseconds wait, size_t want) {
  std::deque<std::pair<int64_t, Outcome>> got;
  if (!finished_.empty()) wait = std::min(wait, std::chrono::milliseconds(kFlushEvery));
  {
    std::unique_lock lock(inbox_->mu);
    if (wait.count() > 0) {
      inbox_->wake_at = std::max<size_t>(1, want);
      inbox_->cv.wait_for(lock, wait, [this] {
        return inbox_->outcomes.size() >= inbox_->wake_at || inbox_->wake || inbox_->stop;
      });
      inbox_->wake_at = 1;
    }
    inbox_->wake = false;
    got.swap(inbox_->outcomes);
  }
  for (const auto& [id, outcome] : got)
    settle(id, outcome);
  // Outcomes are written in batches: one transaction per batch, not per PUBACK. A batch waits
  // at most 5 ms (or until nothing is in flight); meanwhile its rows stay "in flight", so a
  // crash re-sends them (a duplicate), and nothing else can claim them.
  auto now = SteadyClock::now();
  if (finished_.size() >= 512 || in_flight_.empty() || now - last_flush_ >= kFlushEvery) {
    flush();
    last_flush_ = now;
  }
}

Result<int> Lane::claim_and_submit(int n, int64_t due_ms) {
  n = bucket_.take(n, SteadyClock::now());
  if (n <= 0) return 0;
  auto due = ctx_.store->claim_due(due_ms >= 0 ? due_ms : now_ms(), n,
                                   store::ClaimScope{name(), *ctx_.owner});
  if (!due.ok()) return due.status();
  for (const auto& d : *due) {
    if (channel_->channel->ready()) {
      submit(d);
    } else {
      // The channel went down since the claim: give the rest back without spending attempts.
      finished_.push_back(
          {d.id, store::DeliveryState::kPending, d.next_attempt_ms, d.last_error, true, {}});
    }
  }
  channel_->channel->flush();  // the channel may write the batch to its peer at once
  flush();  // outcomes decided without an attempt (expired, store errors), and those collected
  return static_cast<int>(due->size());
}

Result<int> Lane::pass(int limit) {
  // A pass attempts what was due when it began: a delivery that fails in it is retried by a
  // later pass, never by this one (whose caller, capcast send, shows each attempt between them).
  int64_t began = now_ms();
  int attempted = 0;
  while (attempted < limit && channel_->channel->ready()) {
    int want = std::min(limit - attempted, window());
    auto n = claim_and_submit(want, began);
    if (!n.ok()) return n.status();
    attempted += *n;
    // Wait for every outcome (an asynchronous channel bounds its own attempts in time).
    while (!in_flight_.empty())
      collect(std::chrono::milliseconds(100));
    collect(std::chrono::milliseconds(0));
    flush();
    if (*n < want) break;  // nothing more due now
  }
  return attempted;
}

void Lane::loop() {
  using std::chrono::milliseconds;
  milliseconds wait(0);
  size_t want = 1;  // outcomes worth waking up for
  while (true) {
    collect(wait, want);
    want = 1;
    {
      std::lock_guard lock(inbox_->mu);
      if (inbox_->stop) break;
    }
    wait = std::chrono::duration_cast<milliseconds>(ctx_.options->idle_wait);
    if (!channel_->channel->ready()) {
      wait = std::min(wait, milliseconds(200));
      continue;
    }
    int free = window() - static_cast<int>(in_flight_.size());
    // Claim in chunks: refilling the window one outcome at a time would cost a transaction per
    // message. So a lane with work in flight claims again once a quarter of its window is free;
    // with a large window (64 or more), half of it or 256: a claim and its outcomes cost two
    // transactions a chunk, and at 150,000 SMS a second chunks of 256 were faster than of 128
    // (and of 512), while a small window (an HTTP gateway's 10) would idle half of itself
    // waiting for half.
    int chunk = window() >= 64 ? std::min(window() / 2, 256) : std::max(1, window() / 4);
    if (free <= 0 || (!in_flight_.empty() && free < chunk)) {
      want = static_cast<size_t>(chunk - std::max(free, 0));  // until a chunk is free
      // But what has come meanwhile is recorded within kRecordEvery, not after idle_wait: a
      // slow peer (QoS 2 through a busy broker) may take long to answer a chunk, and every
      // outcome not yet recorded is a duplicate after a crash.
      wait = std::min(wait, kRecordEvery);
      continue;
    }
    // An asynchronous channel fills its window in one claim; a synchronous one (window 1)
    // takes a batch and works through it.
    int claim = window() > 1 ? free : ctx_.options->batch;
    auto n = claim_and_submit(claim);
    if (!n.ok()) {
      spdlog::error("outbox: {}: {}", name(), n.status().message());
      continue;
    }
    if (*n == claim) {
      wait = milliseconds(0);  // more may be due right away
    } else if (auto until = bucket_.until_next(SteadyClock::now()); until.count() > 0) {
      wait = std::min(wait, until);  // the rate, not the outbox, held us back
    } else if (auto next = ctx_.store->next_due_ms(name()); next.ok() && next->has_value()) {
      wait = std::clamp(milliseconds(**next - now_ms()), milliseconds(0), wait);
    }
  }
  // Drain: outcomes of outstanding attempts are awaited for a while, then their deliveries go
  // back to the outbox (a channel may have sent them: a duplicate, never a loss).
  auto deadline = SteadyClock::now() + ctx_.options->drain;
  while (!in_flight_.empty() && SteadyClock::now() < deadline)
    collect(std::chrono::milliseconds(50));
  flush();
  if (!in_flight_.empty()) {
    spdlog::warn("outbox: {}: {} attempts unanswered at shutdown, left for the next start", name(),
                 in_flight_.size());
    for (const auto& [id, p] : in_flight_)
      finished_.push_back(
          {id, store::DeliveryState::kPending, now_ms(), "interrupted by shutdown", false, {}});
    in_flight_.clear();
    flush();
  }
}

void Lane::start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard lock(inbox_->mu);
    inbox_->stop = false;
  }
  thread_ = std::thread([this] {
    // "lane:NAME" in top -H, perf and gdb (Linux keeps 15 characters).
    pthread_setname_np(pthread_self(), ("lane:" + name()).substr(0, 15).c_str());
    loop();
  });
}

void Lane::wake() {
  {
    std::lock_guard lock(inbox_->mu);
    inbox_->wake = true;
  }
  inbox_->cv.notify_all();
}

void Lane::stop() {
  {
    std::lock_guard lock(inbox_->mu);
    inbox_->stop = true;
  }
  inbox_->cv.notify_all();
  if (thread_.joinable()) thread_.join();
}

ChannelMetrics Lane::metrics() const {
  std::lock_guard lock(metrics_mu_);
  return metrics_;
}

}  // namespace capcast::dispatch
