// Poller: polls every configured source on its interval through one Fetcher, follows the CAP
// links a feed lists and the next pages its format finds (through the same Fetcher), and hands each
// CAP document to a Sink. Keeps each source's conditional-GET validators and health in the store,
// backs off with jitter after failures (honouring Retry-After), and lets requests to one host
// (every source's feed and the documents it links to) start no closer than min_host_interval, the
// sources on a host taking turns (HostGate). run() owns the calling thread; stop() may be called
// from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <queue>
#include <set>
#include <string>
#include <vector>

#include "capcast/core/clock.h"
#include "capcast/ingest/fetcher.h"
#include "capcast/ingest/format.h"
#include "capcast/ingest/host_gate.h"
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
  // For an mqtts:// source: its ca_bundle, cert_file and key_file, resolved against the
  // configuration's folder (sources_from); empty: none.
  std::string ca_bundle{};
  std::string cert_file{};
  std::string key_file{};
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
  // Shortest time between the starts of two requests to one host (scheme, host, port; file:// is
  // exempt); 0: no limit. When a host's sources ask for more than it allows, each is polled later
  // than its interval, all alike. Retry-After and backoff still apply per source.
  Duration min_host_interval{1'000};
  // Each source's first poll is put off by first_poll_offset(its name, min(this, its interval)),
  // so that many sources do not all start together; 0: every source is first polled at once.
  // nullopt: 100 ms per source after the first (1: at once; 1,000: over 100 s, each within its
  // interval), about 10 first polls a second.
  std::optional<Duration> first_poll_spread;
};

// How long after start a source is first polled when its first polls are spread over `spread`:
// a share of `spread` in [0, 1) fixed by the source's name (FNV-1a, then fmix64), so that a restart
// keeps each source's place and names spread evenly whatever their order in the configuration.
Duration first_poll_offset(const std::string& name, Duration spread);

class Poller {
 public:
  // `store` and `clock` must outlive the Poller. `random` returns a uniform value in [0, 1).
  Poller(std::vector<SourceSpec> sources, PollerOptions options, store::Store* store, Sink sink,
         const Clock& clock, std::function<double()> random);
  ~Poller();

  // Polls until stop(). Each source is first polled at its first_poll_offset (PollerOptions).
  void run();
  // Polls every source once, follows its links, and returns when all transfers are done. Waits
  // for the host gate by the Clock: with a ManualClock that does not move, two requests to one
  // host never both start (use step() there).
  void run_once();
  void stop();

  // One turn of run(): starts the sources due and the requests their hosts allow now, then drives
  // the transfers, waiting at most max_wait for activity.
  void step(Duration max_wait);
  // Whether step() has nothing to do until the clock moves: no transfer in flight, no request
  // its host lets start now, no source due. For tests that move a ManualClock between steps.
  bool quiet() const;

 private:
  struct Source;
  struct Request {
    FetchRequest request;
    Fetcher::Callback done;
  };
  void start(Source& s);
  void request(Source& s, FetchRequest req, Fetcher::Callback done);
  void release(TimePoint now);
  void on_feed(Source& s, FetchResponse r);
  void on_page(Source& s, const std::string& url, int page, FetchResponse r);
  void take(Source& s, const FetchResponse& r, int page);
  void on_linked(Source& s, const std::string& url, FetchResponse r);
  void done_one(Source& s);
  void drive(Duration max_wait);

  PollerOptions options_;
  store::Store* store_;
  Sink sink_;
  const Clock& clock_;
  std::function<double()> random_;
  Fetcher fetcher_;
  HostGate<Request> gate_;
  std::vector<std::unique_ptr<Source>> sources_;
  // (next_due, index) of idle sources, soonest first, so that a step does not scan every source
  // (the bench's hot spot with 1,000). Entries whose time is no longer the source's next_due
  // are stale and skipped.
  using Due = std::pair<TimePoint, size_t>;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> due_;
  std::atomic<bool> stop_{false};
};

}  // namespace capcast::ingest
