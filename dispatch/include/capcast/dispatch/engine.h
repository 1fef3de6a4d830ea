// Engine: drains the durable outbox (store deliveries) through the channels. It alone decides
// what happens after an attempt: a delivery is marked delivered, retried after a full-jitter
// exponential backoff, or dead-lettered when rejected, out of attempts, or when its alert has
// expired. One failing channel does not stop the others: every attempt is isolated.
// run() owns the calling thread; notify() and stop() may be called from any thread.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "capcast/core/clock.h"
#include "capcast/dispatch/registry.h"
#include "capcast/store/store.h"

namespace capcast::dispatch {

struct EngineOptions {
  int batch = 64;  // deliveries claimed per pass
  Duration idle_wait{1000};
  // Deliver alerts whose <expires> has passed. Off in service: an expired warning is no longer
  // true. On only to replay an archive (the demo's bundled samples are years old).
  bool send_expired = false;
};

// The [dispatch] section of the configuration schema, and its reading.
config::SectionSpec dispatch_section();
EngineOptions engine_options(const config::Document& doc);

class Engine {
 public:
  // `store`, `clock` and the channels must outlive the Engine. `random` returns a uniform value
  // in [0, 1), for backoff jitter.
  Engine(store::Store* store, std::vector<NamedChannel>* channels, const Clock& clock,
         std::function<double()> random, EngineOptions options = {});

  // Names of the channels a new alert gets deliveries for (all of them, for now; routing rules
  // come with the dispatch engine's routing).
  std::vector<std::string> route() const;
  // Names of the channels that are told when an alert expires (Channel::wants_expiry).
  std::vector<std::string> route_expiry() const;

  // Makes one pass: marks alerts past their <expires> as expired (queueing the expiry for the
  // channels that want it), then claims due deliveries and attempts each once. Returns how many
  // were attempted. For tests and `run --once`.
  Result<int> run_pass();
  // Passes until stop(); sleeps until the next delivery falls due or notify() is called.
  void run();
  void notify();
  void stop();

 private:
  void attempt(const store::Delivery& d);

  store::Store* store_;
  std::map<std::string, NamedChannel*> channels_;
  const Clock& clock_;
  std::function<double()> random_;
  EngineOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool notified_ = false;
};

}  // namespace capcast::dispatch
