// Poller: polls every configured source on its interval through one Fetcher, follows the CAP
// links a feed lists (through the same Fetcher), and hands each CAP document to a Sink. Keeps
// each source's conditional-GET validators and health in the store, backs off with jitter after
// failures (honouring Retry-After). run() owns the calling thread; stop() may be called from any
// thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "capcast/core/clock.h"
#include "capcast/ingest/fetcher.h"
#include "capcast/ingest/format.h"
#include "capcast/store/store.h"

namespace capcast::ingest {

struct SourceSpec {
  std::string name;
  const Format* format = nullptr;
  std::string url;
  Duration interval{60'000};
  // Its [[source]] entry, for the format's own keys; null: the format's defaults. Must outlive
  // the Poller (the loaded configuration does).
  const config::Section* options = nullptr;
};

struct Document {
  std::string source;  // the source's name
  std::string url;     // where this document was read
  std::string xml;
};

// What became of a document handed to the Sink. kFailed means it could not be kept for a
// reason that may pass (the store is unavailable): the poller then fetches it again next time.
enum class Taken { kAccepted, kDuplicate, kRefused, kFailed };

// Takes one CAP document; the sink logs why it refused one.
using Sink = std::function<Taken(const Document&)>;

struct PollerOptions {
  FetchOptions fetch;
  Duration max_backoff{3'600'000};
  size_t remembered_links = 10'000;  // per source: CAP links already fetched, not fetched again
};

class Poller {
 public:
  // `store` and `clock` must outlive the Poller. `random` returns a uniform value in [0, 1).
  Poller(std::vector<SourceSpec> sources, PollerOptions options, store::Store* store, Sink sink,
         const Clock& clock, std::function<double()> random);
  ~Poller();

  // Polls until stop(). Sources are first polled at once.
  void run();
  // Polls every source once, follows its links, and returns when all transfers are done.
  void run_once();
  void stop();

 private:
  struct Source;
  void start(Source& s);
  void on_feed(Source& s, FetchResponse r);
  void on_linked(Source& s, const std::string& url, FetchResponse r);
  void done_one(Source& s);
  void drive(Duration max_wait);

  PollerOptions options_;
  store::Store* store_;
  Sink sink_;
  const Clock& clock_;
  std::function<double()> random_;
  Fetcher fetcher_;
  std::vector<std::unique_ptr<Source>> sources_;
  std::atomic<bool> stop_{false};
};

}  // namespace capcast::ingest
