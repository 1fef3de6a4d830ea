#include "http_api.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "atom_feed.h"
#include "capcast/cap/validate.h"
#include "capcast/core/version.h"
#include "intake.h"
#include "metrics.h"

namespace capcast::app {
namespace {

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string when(int64_t ms) {
  return ms ? format_rfc3339_utc(from_unix_ms(ms)) : "never";
}

}  // namespace

HttpApi::HttpApi(store::Store* store, const Clock& clock, HttpOptions options, StatusInfo info,
                 Intake* intake)
    : store_(store),
      intake_(intake),
      clock_(clock),
      options_(std::move(options)),
      info_(std::move(info)),
      server_(std::make_unique<httplib::Server>()) {
  routes();
  if (intake_) push_route();
}

void HttpApi::push_route() {
  server_->set_payload_max_length(options_.push_max_bytes);
  server_->Post("/api/v1/alerts", [this](const httplib::Request& req, httplib::Response& res) {
    auto reply = [&res](int status, nlohmann::json j) {
      res.status = status;
      res.set_content(j.dump(2) + "\n", "application/json");
    };
    // RFC 6750 §2.1; compared in constant time so that the token cannot be guessed byte by byte.
    std::string auth = req.get_header_value("Authorization");
    std::string expected = "Bearer " + options_.push_token;
    unsigned diff = auth.size() != expected.size();
    for (size_t i = 0; i < expected.size(); ++i) {
      diff |= static_cast<unsigned>(i < auth.size() ? auth[i] ^ expected[i] : 1);
    }
    if (diff != 0) {
      res.set_header("WWW-Authenticate", "Bearer realm=\"capcast\"");
      reply(401, {{"error", "a valid bearer token is required"}});
      return;
    }
    std::string who = "push from " + req.remote_addr;
    if (options_.push_validate) {
      cap::Report report = cap::validate(req.body);
      if (report.has_errors()) {
        nlohmann::json findings = nlohmann::json::array();
        for (const auto& f : report.findings) {
          if (f.level != cap::Level::kError) continue;
          findings.push_back({{"path", f.path}, {"rule", f.rule}, {"message", f.message}});
        }
        reply(400, {{"error", "the alert is not valid CAP 1.2"}, {"findings", findings}});
        return;
      }
    }
    std::string why;
    int64_t id = 0;
    switch (intake_->take("push", who, req.body, &why, &id)) {
      case ingest::Taken::kAccepted:
        reply(201, {{"status", "accepted"},
                    {"id", id},
                    {"href", "/alerts/" + std::to_string(id) + ".xml"}});
        return;
      case ingest::Taken::kDuplicate:
        reply(200, {{"status", "duplicate"},
                    {"id", id},
                    {"href", "/alerts/" + std::to_string(id) + ".xml"}});
        return;
      case ingest::Taken::kRefused:
        reply(400, {{"error", why}});
        return;
      case ingest::Taken::kFailed:
        res.set_header("Retry-After", "5");
        reply(503, {{"error", why}});
        return;
    }
  });
}

HttpApi::~HttpApi() {
  stop();
}

std::vector<store::AlertRow> HttpApi::feed_alerts() {
  // Read more than the limit so that filtering out ended alerts still fills the feed. Active
  // only: an alert superseded by an Update, retracted by a Cancel or past its <expires> leaves
  // the feed; the Update or Cancel itself is in force and stays until its own expiry, so a
  // reader of the feed learns of the change.
  auto rows = store_->recent_alerts(options_.feed_limit * 4);
  if (!rows.ok()) return {};
  std::vector<store::AlertRow> out;
  int64_t now = to_unix_ms(clock_.now());
  for (auto& r : *rows) {
    if (options_.feed_active_only &&
        (r.state != store::AlertState::kActive || (r.expires_ms && *r.expires_ms <= now)))
      continue;
    if (static_cast<int>(out.size()) >= options_.feed_limit) break;
    out.push_back(std::move(r));
  }
  return out;
}

void HttpApi::routes() {
  auto base = [this](const httplib::Request& req) {
    if (!options_.base_url.empty()) return options_.base_url;
    return "http://" + req.get_header_value("Host");
  };
  server_->Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });
  server_->Get("/feed.atom", [this, base](const httplib::Request& req, httplib::Response& res) {
    FeedMeta meta{options_.feed_title, base(req), to_unix_ms(clock_.now())};
    res.set_content(render_atom(feed_alerts(), meta), "application/atom+xml; charset=utf-8");
  });
  server_->Get(R"(/alerts/(\d+)\.xml)",
               [this](const httplib::Request& req, httplib::Response& res) {
                 auto row = store_->find_alert(std::stoll(req.matches[1]));
                 if (!row.ok() || !row->has_value()) {
                   res.status = 404;
                   res.set_content("no such alert\n", "text/plain");
                   return;
                 }
                 res.set_content((*row)->xml, "application/cap+xml");
               });
  server_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    auto st = store_->stats();
    std::vector<dispatch::ChannelMetrics> m;
    if (info_.channel_metrics) m = info_.channel_metrics();
    res.set_content(render_metrics(m, st.ok() ? &*st : nullptr),
                    "text/plain; version=0.0.4; charset=utf-8");
  });
  server_->Get("/status.json", [this](const httplib::Request&, httplib::Response& res) {
    nlohmann::json j;
    j["version"] = kVersion;
    if (auto st = store_->stats(); st.ok()) {
      j["alerts"] = st->alerts;
      j["deliveries"] = {{"pending", st->deliveries_pending},
                         {"delivered", st->deliveries_delivered},
                         {"dead", st->deliveries_dead}};
    }
    j["sources"] = nlohmann::json::array();
    if (auto ss = store_->sources(); ss.ok()) {
      for (const auto& s : *ss) {
        j["sources"].push_back({{"name", s.name},
                                {"last_success", when(s.last_success_ms)},
                                {"last_attempt", when(s.last_attempt_ms)},
                                {"last_error", s.last_error},
                                {"consecutive_failures", s.consecutive_failures},
                                {"alerts_accepted", s.alerts_accepted}});
      }
    }
    j["channels"] = nlohmann::json::array();
    std::vector<dispatch::ChannelMetrics> metrics;
    if (info_.channel_metrics) metrics = info_.channel_metrics();
    for (const auto& [name, url] : info_.channels) {
      nlohmann::json c = {{"name", name}, {"url", url}};
      for (const auto& m : metrics) {
        if (m.channel != name) continue;
        c["attempts"] = m.attempts;
        c["delivered"] = m.delivered;
        c["retried"] = m.retried;
        c["dead"] = m.dead;
        c["in_flight"] = m.in_flight;
        c["window"] = m.window;
      }
      j["channels"].push_back(c);
    }
    if (info_.unrouted) j["unrouted_since_start"] = info_.unrouted();
    res.set_content(j.dump(2) + "\n", "application/json");
  });
  server_->Get("/status", [this](const httplib::Request&, httplib::Response& res) {
    std::string h =
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>capcast status"
        "</title></head><body><h1>capcast " +
        std::string(kVersion) + "</h1>";
    if (auto st = store_->stats(); st.ok()) {
      h += "<p>" + std::to_string(st->alerts) +
           " alerts stored; deliveries: " + std::to_string(st->deliveries_delivered) +
           " delivered, " + std::to_string(st->deliveries_pending) + " pending, " +
           std::to_string(st->deliveries_dead) +
           " dead. <a href=\"/feed.atom\">ATOM feed</a>"
           "</p>";
    }
    if (info_.unrouted) {
      h += "<p>" + std::to_string(info_.unrouted()) +
           " alerts since start matched no route and were not sent.</p>";
    }
    h += "<h2>Sources</h2><table border=1><tr><th>name</th><th>url</th><th>last success</th>"
         "<th>failures</th><th>last error</th><th>alerts</th></tr>";
    auto states = store_->sources();
    for (const auto& [name, url] : info_.sources) {
      store::SourceState s;
      if (states.ok()) {
        for (const auto& x : *states) {
          if (x.name == name) s = x;
        }
      }
      h += "<tr><td>" + html_escape(name) + "</td><td>" + html_escape(url) + "</td><td>" +
           when(s.last_success_ms) + "</td><td>" + std::to_string(s.consecutive_failures) +
           "</td><td>" + html_escape(s.last_error) + "</td><td>" +
           std::to_string(s.alerts_accepted) + "</td></tr>";
    }
    h += "</table><h2>Channels</h2><ul>";
    for (const auto& [name, url] : info_.channels) {
      h += "<li>" + html_escape(name) + ": " + html_escape(url) + "</li>";
    }
    h += "</ul><h2>Latest alerts</h2><table border=1><tr><th>sent</th><th>sender</th>"
         "<th>status</th><th>type</th><th>state</th><th>title</th></tr>";
    if (auto rows = store_->recent_alerts(50); rows.ok()) {
      for (const auto& r : *rows) {
        h += "<tr><td>" + html_escape(r.sent) + "</td><td>" + html_escape(r.sender) + "</td><td>" +
             html_escape(r.status) + "</td><td>" + html_escape(r.msg_type) + "</td><td>" +
             store::alert_state_name(r.state) + "</td><td><a href=\"/alerts/" +
             std::to_string(r.id) + ".xml\">" + html_escape(r.title) + "</a></td></tr>";
      }
    }
    h += "</table></body></html>\n";
    res.set_content(h, "text/html; charset=utf-8");
  });
  server_->Get(
      "/", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/status"); });
  // Delivery reports a gateway sends back (Kannel calls its dlr-url with GET; others POST a
  // form or JSON): the query or form parameters, the first value of each, and the body go to
  // the named channel.
  auto callback = [this](const httplib::Request& req, httplib::Response& res) {
    dispatch::CallbackRequest cb{req.method, {}, req.get_header_value("Content-Type"), req.body};
    for (const auto& [k, v] : req.params)
      cb.params.emplace(k, v);
    auto status =
        info_.channel_callback ? info_.channel_callback(req.matches[1].str(), cb) : std::nullopt;
    res.status = status.value_or(404);
    res.set_content(res.status == 200 ? "ok\n" : "not taken\n", "text/plain");
  };
  server_->Get(R"(/api/v1/dlr/([^/]+))", callback);
  server_->Post(R"(/api/v1/dlr/([^/]+))", callback);
}

Result<int> HttpApi::start() {
  int port = options_.port;
  if (port == 0) {
    port = server_->bind_to_any_port(options_.listen);
    if (port < 0) port = 0;
  } else if (!server_->bind_to_port(options_.listen, port)) {
    port = 0;
  }
  if (port <= 0) {
    return Status(Code::kUnavailable,
                  "cannot listen on " + options_.listen + ":" + std::to_string(options_.port));
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return port;
}

void HttpApi::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace capcast::app
