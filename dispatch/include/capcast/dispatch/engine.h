// Engine: drains the durable outbox (store deliveries) through the channels. It alone decides
// what happens after an attempt: a delivery is marked delivered, retried after a full-jitter
// exponential backoff, or dead-lettered when rejected, out of attempts, or when its alert has
// expired.
//
// Each channel has a lane: in run(), a thread of its own that claims that channel's due
// deliveries (urgent first), at most its window outstanding at once and at most its rate per
// second, and records the outcomes in batches. So a slow or failing channel holds back no other,
// and memory stays bounded: what a lane has not claimed waits in the outbox, never in a queue.
// Claims are leases held by this engine instance; leases of a process that died are taken back
// at once, others' when they run out (EngineOptions::lease).
// run() owns the calling thread; notify(), stop() and metrics() may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "capcast/core/clock.h"
#include "capcast/dispatch/registry.h"
#include "capcast/store/store.h"

namespace capcast::dispatch {

struct EngineOptions {
  int batch = 64;  // deliveries a lane claims at once, at most
  Duration idle_wait{1000};
  // Deliver alerts whose <expires> has passed. Off in service: an expired warning is no longer
  // true. On only to replay an archive (the demo's bundled samples are years old).
  bool send_expired = false;
  // A delivery claimed by another engine instance that is not known to be dead is taken back
  // when its claim is older than this. Longer than any channel's attempt timeout.
  Duration lease{60'000};
  // At stop(), how long outstanding asynchronous attempts are awaited before their deliveries
  // are put back in the outbox (to be sent again at the next start).
  Duration drain{5'000};
};

// The [dispatch] section of the configuration schema, and its reading.
config::SectionSpec dispatch_section();
EngineOptions engine_options(const config::Document& doc);

// Counters of one channel since start (Prometheus-style: monotonic, plus gauges).
struct ChannelMetrics {
  std::string channel;
  int64_t attempts = 0;
  int64_t delivered = 0;
  int64_t retried = 0;
  int64_t dead = 0;
  int64_t in_flight = 0;  // gauge: submitted, outcome not known yet
  int window = 1;
  double rate = 0;  // configured messages per second, 0 = unlimited
  // Attempt latency (claim to outcome) histogram: counts per upper bound in ms, and the sum.
  std::vector<std::pair<double, int64_t>> latency_buckets;
  int64_t latency_count = 0;
  double latency_sum_ms = 0;
};

class Lane;  // dispatch/src/lane.h

class Engine {
 public:
  // `store`, `clock` and the channels must outlive the Engine. `random` returns a uniform value
  // in [0, 1), for backoff jitter (called from the lanes' threads: must be thread-safe).
  Engine(store::Store* store, std::vector<NamedChannel>* channels, const Clock& clock,
         std::function<double()> random, EngineOptions options = {});
  ~Engine();

  // Names of the channels a new alert gets deliveries for when no routing applies (all).
  std::vector<std::string> route() const;
  // Names of the channels that are told when an alert expires (Channel::wants_expiry).
  std::vector<std::string> route_expiry() const;
  // Names of the channels that deliver to people (Channel::to_people): their deliveries are
  // one per recipient (store::NewAlert::recipients, dispatch/targeting.h).
  std::vector<std::string> route_people() const;

  // Makes one pass on the calling thread: takes back dead leases, marks alerts past their
  // <expires> as expired (queueing the expiry for the channels that want it), then lets each
  // lane claim up to `batch` due deliveries and attempt each once, waiting for asynchronous
  // outcomes. Returns how many were attempted. For tests, `run --once` and `send`.
  Result<int> run_pass();
  // Runs the lanes until stop(); then drains them (EngineOptions::drain).
  void run();
  void notify();
  void stop();

  std::vector<ChannelMetrics> metrics() const;
  // This instance's lease holder id: "host:pid:start-time".
  const std::string& owner() const { return owner_; }

 private:
  Status take_back_leases();
  Status expire();

  store::Store* store_;
  std::vector<NamedChannel>* channels_ = nullptr;  // for detaching receipt sinks
  const Clock& clock_;
  std::function<double()> random_;
  std::mutex random_mu_;
  EngineOptions options_;
  std::string owner_;
  std::vector<std::unique_ptr<Lane>> lanes_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool notified_ = false;
};

// An engine instance's lease holder id, and whether the one that wrote `owner` is known to be
// dead (same host, its process gone or another process with its pid). Linux /proc.
std::string lease_owner_id();
bool owner_is_dead(const std::string& owner);

}  // namespace capcast::dispatch
