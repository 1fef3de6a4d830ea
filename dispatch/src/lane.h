// A channel's lane in the Engine (engine.h): claims that channel's due deliveries, submits them
// within the window and the rate, and records outcomes in batches. Private to dispatch/.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "capcast/dispatch/engine.h"

namespace capcast::dispatch {

struct LaneContext {
  store::Store* store;
  const Clock* clock;
  const EngineOptions* options;
  const std::string* owner;
  std::function<double()> random;  // thread-safe
};

// Attempts per second at most, with a burst of one second's worth (at least one).
class TokenBucket {
 public:
  explicit TokenBucket(double rate);
  // Takes up to n tokens; returns how many it took (all n when unlimited).
  int take(int n, std::chrono::steady_clock::time_point now);
  // How long until one token is available.
  std::chrono::milliseconds until_next(std::chrono::steady_clock::time_point now) const;

 private:
  void refill(std::chrono::steady_clock::time_point now);
  double rate_;
  double burst_;
  double tokens_;
  std::chrono::steady_clock::time_point last_;
};

class Lane {
 public:
  Lane(NamedChannel* channel, LaneContext ctx);
  ~Lane();

  const std::string& name() const { return channel_->name; }
  bool wants_expiry() const { return channel_->channel->wants_expiry(); }
  bool to_people() const { return channel_->channel->to_people(); }

  // On the caller's thread: claims and attempts up to `limit` due deliveries, waiting for their
  // outcomes. Returns how many were attempted.
  Result<int> pass(int limit);
  // The lane's own thread, until stop() (which drains it and joins).
  void start();
  void wake();
  void stop();

  ChannelMetrics metrics() const;

  // A receipt from the channel's peer (any thread): recorded on its part, or, when its part is
  // not recorded yet (a receipt may overtake the lane's batched write of the submit's outcome),
  // kept and matched again after the lane's next writes, for up to kOrphanTtl.
  void on_receipt(store::Receipt receipt);

 private:
  struct Orphan {
    store::Receipt receipt;
    std::chrono::steady_clock::time_point since;
  };
  void retry_orphans();
  std::mutex orphans_mu_;
  std::deque<Orphan> orphans_;
  std::atomic<bool> has_orphans_{false};

  struct Pending {
    store::Delivery delivery;
    std::string sender;
    std::string identifier;
    std::chrono::steady_clock::time_point started;
  };
  // Outcomes handed over by channels, from any thread. Shared with the callbacks, so that a
  // late callback after the lane is gone has somewhere harmless to go.
  struct Inbox {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<std::pair<int64_t, Outcome>> outcomes;
    bool wake = false;
    bool stop = false;
    size_t wake_at = 1;  // a callback wakes the lane when this many outcomes are waiting
  };

  void loop();
  // Claims up to n due at `due_ms` (now when -1) and submits them; returns how many were
  // claimed.
  Result<int> claim_and_submit(int n, int64_t due_ms = -1);
  void submit(const store::Delivery& d);
  // Takes the outcomes that arrived, waiting up to `wait` until `want` of them have.
  void collect(std::chrono::milliseconds wait, size_t want = 1);
  void settle(int64_t id, const Outcome& outcome);
  void flush();
  Result<std::shared_ptr<const store::AlertRow>> alert(int64_t id);
  int window() const;
  int64_t now_ms() const { return to_unix_ms(ctx_.clock->now()); }

  NamedChannel* channel_;
  LaneContext ctx_;
  std::shared_ptr<Inbox> inbox_ = std::make_shared<Inbox>();
  std::map<int64_t, Pending> in_flight_;  // the lane's thread only
  std::vector<store::Finish> finished_;   // outcomes not yet written
  std::shared_ptr<const store::AlertRow> last_alert_;
  std::chrono::steady_clock::time_point last_flush_{};
  TokenBucket bucket_;
  std::thread thread_;

  mutable std::mutex metrics_mu_;
  ChannelMetrics metrics_;
};

}  // namespace capcast::dispatch
