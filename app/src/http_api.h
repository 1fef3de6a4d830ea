// capcast's HTTP server on cpp-httplib: the CAP ATOM feed (/feed.atom), each alert's CAP XML
// (/alerts/N.xml), a status page (/status, /status.json), Prometheus metrics (/metrics), a
// liveness probe (/healthz), channels' callbacks (/api/v1/dlr/{channel}: delivery reports), and
// when enabled the push endpoint (POST /api/v1/alerts, bearer token).
// start() runs the server on a thread of its own; stop() may be called from any thread.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "capcast/core/clock.h"
#include "capcast/core/result.h"
#include "capcast/dispatch/engine.h"
#include "capcast/store/store.h"

namespace httplib {
class Server;
}

namespace capcast::app {

class Intake;

struct HttpOptions {
  std::string listen = "127.0.0.1";
  int port = 8080;  // 0: any free port
  std::string feed_title = "capcast alerts";
  std::string base_url;  // empty: from the request's Host header
  int feed_limit = 200;
  bool feed_active_only = true;
  std::string
      push_token;  // POST /api/v1/alerts bearer token (push enabled when an Intake is given)
  size_t push_max_bytes = 2 * 1024 * 1024;
  bool push_validate = true;
};

// What the status page shows besides the store's contents.
struct StatusInfo {
  std::vector<std::pair<std::string, std::string>> channels;  // name, url (password masked)
  std::vector<std::pair<std::string, std::string>> sources;   // name, url (password masked)
  // Alerts accepted since start that matched no [[route]] (empty when no route is configured).
  // Called from the server's threads.
  std::function<int64_t()> unrouted;
  // The dispatch engine's per-channel counters, for /metrics and the status page (may be empty).
  std::function<std::vector<dispatch::ChannelMetrics>()> channel_metrics;
  // A channel's callbacks (a delivery report at /api/v1/dlr/{channel}): the HTTP status to
  // answer, or nullopt when no channel of that name takes them (404). Called from the server's
  // threads; may be empty.
  std::function<std::optional<int>(const std::string& channel,
                                   const dispatch::CallbackRequest& request)>
      channel_callback;
};

class HttpApi {
 public:
  // `intake` null: no push endpoint.
  HttpApi(store::Store* store, const Clock& clock, HttpOptions options, StatusInfo info,
          Intake* intake = nullptr);
  ~HttpApi();
  // Binds and starts serving; returns the port it listens on.
  Result<int> start();
  void stop();

 private:
  void routes();
  std::vector<store::AlertRow> feed_alerts();

  void push_route();

  store::Store* store_;
  Intake* intake_;
  const Clock& clock_;
  HttpOptions options_;
  StatusInfo info_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

}  // namespace capcast::app
