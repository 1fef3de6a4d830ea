// Fetcher: every HTTP(S) and file:// transfer of every source, driven by one libcurl multi handle
// on the caller's thread (no thread per feed). Conditional GET, gzip, bounded redirects, a size
// limit, TLS verification on. Not thread-safe, except wakeup(), which any thread may call.
#pragma once

#include <curl/curl.h>

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "capcast/core/clock.h"
#include "capcast/core/status.h"

namespace capcast::ingest {

struct FetchOptions {
  std::string user_agent = "capcast";
  Duration timeout{30'000};
  Duration connect_timeout{10'000};
  size_t max_bytes = 16 * 1024 * 1024;
  long max_redirects = 5;
  std::string ca_bundle;  // empty: the system's default CA store
};

struct FetchRequest {
  std::string url;
  std::string etag;           // sent as If-None-Match when not empty
  std::string last_modified;  // sent as If-Modified-Since when not empty
};

struct FetchResponse {
  Status status;              // not ok: transport error, HTTP error status, size limit
  long http_status = 0;       // 0 for file://
  bool not_modified = false;  // HTTP 304
  std::string body;
  std::string etag;
  std::string last_modified;
  std::string effective_url;  // after redirects
  Duration retry_after{0};    // from a Retry-After header on 429/503, if any
};

class Fetcher {
 public:
  using Callback = std::function<void(FetchResponse)>;

  explicit Fetcher(FetchOptions options);
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  // Starts a transfer; `done` runs on the thread that calls poll(), exactly once.
  void submit(const FetchRequest& request, Callback done);
  // Drives transfers and runs the callbacks of those that finished; waits at most max_wait for
  // activity (less when woken).
  void poll(Duration max_wait);
  // Interrupts a poll() in progress. Thread-safe.
  void wakeup();
  size_t in_flight() const { return transfers_.size(); }

 private:
  struct Transfer;
  void finish(CURL* easy, CURLcode result);

  FetchOptions options_;
  CURLM* multi_;
  std::map<CURL*, std::unique_ptr<Transfer>> transfers_;
};

// Resolves a possibly relative reference against a base URL (RFC 3986 §5, by libcurl's URL API).
std::string resolve_reference(const std::string& base, const std::string& ref);

}  // namespace capcast::ingest
