// MqttSubscriber: reads one type = "mqtt" [[source]] (ingest/sources/mqtt/): subscribes to its
// topics on its broker and hands each CAP document a message carries (or links to, then fetched
// through a Fetcher) to the Sink, like the Poller does for polled sources. So that nothing is
// lost across a disconnect or a restart it keeps a persistent session (clean session off, a
// fixed client id, QoS 1: the broker queues what arrives meanwhile) and reconnects with jittered
// exponential backoff. The source's health (last success, last error, consecutive failures) is
// kept in the store like a polled source's. run() owns the calling thread; the Sink is also
// called from Paho's callback thread (it must be thread-safe, as Intake is); stop() may be
// called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "capcast/core/broker_url.h"
#include "capcast/core/clock.h"
#include "capcast/core/result.h"
#include "capcast/ingest/fetcher.h"
#include "capcast/ingest/poller.h"
#include "capcast/store/store.h"

namespace capcast::ingest {

// True for a source read by subscription (an mqtt:// or mqtts:// URL), not by polling.
bool is_subscription(std::string_view url);

struct SubscriberOptions {
  FetchOptions fetch;  // for CAP documents that a notification links to
  Duration min_backoff{1'000};
  Duration max_backoff{60'000};
  Duration connect_timeout{10'000};
  // Paho's file persistence for messages received but not yet handed to the Sink, so that a
  // stop in between does not lose them; empty: kept in memory only.
  std::string persist_dir;
};

class MqttSubscriber {
 public:
  struct Counters {
    int64_t messages = 0;    // messages received
    int64_t accepted = 0;    // alerts stored
    int64_t duplicates = 0;  // alerts already stored
    int64_t refused = 0;     // messages or documents refused (logged with topic and reason)
  };

  // `spec.format` must be the "mqtt" format and `spec.url` an mqtt(s):// URL (sources_from
  // checks both). `store` and `clock` must outlive the subscriber. `random` returns a uniform
  // value in [0, 1).
  MqttSubscriber(SourceSpec spec, SubscriberOptions options, store::Store* store, Sink sink,
                 const Clock& clock, std::function<double()> random);
  ~MqttSubscriber();
  MqttSubscriber(const MqttSubscriber&) = delete;
  MqttSubscriber& operator=(const MqttSubscriber&) = delete;

  // Connects, stays connected and fetches linked documents until stop(); then disconnects,
  // leaving the session on the broker.
  void run();
  void stop();
  Counters counters() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace capcast::ingest
