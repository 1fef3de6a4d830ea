// `capcast run`: wires sources -> store -> dispatch engine -> channels, and the HTTP server.
// Threads: the poller, each MQTT subscription, the engine and the HTTP server each have one
// (Paho adds its own for each subscription's callbacks); the main thread waits for
// SIGINT/SIGTERM and then stops them in order, so that nothing is left half-written.
#include <signal.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "app_schema.h"
#include "capcast/config/config.h"
#include "capcast/core/log.h"
#include "capcast/core/redact.h"
#include "capcast/dispatch/cbs.h"
#include "capcast/dispatch/engine.h"
#include "capcast/dispatch/registry.h"
#include "capcast/dispatch/routing.h"
#include "capcast/ingest/poller.h"
#include "capcast/ingest/settings.h"
#include "capcast/ingest/subscriber.h"
#include "capcast/store/store.h"
#include "commands.h"
#include "http_api.h"
#include "intake.h"
#include "privacy.h"

namespace capcast::app {
namespace {

std::function<double()> make_random() {
  auto gen = std::make_shared<std::mt19937_64>(std::random_device{}());
  auto mu = std::make_shared<std::mutex>();
  return [gen, mu] {
    std::lock_guard lock(*mu);
    return std::uniform_real_distribution<double>(0.0, 1.0)(*gen);
  };
}

Result<config::Document> load(const std::string& path) {
  auto doc = config::load_file(path, schema());
  if (!doc.ok()) {
    std::cerr << "capcast: configuration rejected:\n" << doc.status().message() << "\n";
  }
  return doc;
}

}  // namespace

int config_check_command(const std::string& config_path) {
  auto doc = load(config_path);
  if (!doc.ok()) return kExitUsage;
  auto sources = ingest::sources_from(*doc);
  auto channels = dispatch::build_channels(*doc);
  auto router = channels.ok() ? dispatch::Router::build(*doc, dispatch::names_of(*channels))
                              : Result<dispatch::Router>(channels.status());
  if (!sources.ok() || !channels.ok() || !router.ok()) {
    if (!sources.ok()) std::cerr << sources.status().message() << "\n";
    if (!channels.ok()) std::cerr << channels.status().message() << "\n";
    if (channels.ok() && !router.ok()) std::cerr << router.status().message() << "\n";
    return kExitUsage;
  }
  std::vector<std::string> warnings;
  (void)dispatch::check_cbs_profiles(*doc, &warnings);  // its errors came with the channels'
  for (const auto& w : warnings)
    std::cerr << "warning: " << w << "\n";
  std::cout << config_path << ": ok (" << sources->size() << " sources, " << channels->size()
            << " channels)\n";
  return kExitOk;
}

int config_schema_command() {
  std::cout << config::render_schema(schema());
  return kExitOk;
}

int run_command(const RunOptions& options) {
  auto doc = load(options.config_path);
  if (!doc.ok()) return kExitUsage;
  const auto& log = doc->section("log");
  std::string format = options.log_format.empty() ? log.get_string("format") : options.log_format;
  if (format != "text" && format != "json") {
    std::cerr << "capcast: log format must be text or json, not '" << format << "'\n";
    return kExitUsage;
  }
  if (auto st =
          init_logging(options.log_level.empty() ? log.get_string("level") : options.log_level,
                       format == "json" ? LogFormat::kJson : LogFormat::kText);
      !st.ok()) {
    std::cerr << "capcast: " << st.message() << "\n";
    return kExitUsage;
  }
  auto sources = ingest::sources_from(*doc);
  if (!sources.ok()) {
    std::cerr << "capcast: configuration rejected:\n" << sources.status().message() << "\n";
    return kExitUsage;
  }
  auto channels = dispatch::build_channels(*doc);
  if (!channels.ok()) {
    std::cerr << "capcast: configuration rejected:\n" << channels.status().message() << "\n";
    return kExitUsage;
  }
  std::vector<std::string> cbs_warnings;
  (void)dispatch::check_cbs_profiles(*doc, &cbs_warnings);
  for (const auto& w : cbs_warnings)
    spdlog::warn("configuration: {}", w);
  auto router = dispatch::Router::build(*doc, dispatch::names_of(*channels));
  if (!router.ok()) {
    std::cerr << "capcast: configuration rejected:\n" << router.status().message() << "\n";
    return kExitUsage;
  }
  auto store_path = doc->resolve_path(doc->section("store").get_string("path"));
  auto sealer = configured_sealer(*doc);
  if (!sealer.ok()) {
    std::cerr << "capcast: configuration rejected:\n" << sealer.status().message() << "\n";
    return kExitUsage;
  }
  auto store = store::open_sqlite(store_path, *sealer);
  if (!store.ok()) {
    std::cerr << "capcast: " << store.status().message() << "\n";
    return kExitUsage;
  }
  store::Store* db = store->get();
  const Clock& clock = SystemClock::instance();

  dispatch::Engine engine(db, &*channels, clock, make_random(), dispatch::engine_options(*doc));
  Intake intake(db, &engine, &*router);
  ingest::Sink sink = [&](const ingest::Document& d) {
    return intake.take(d.source, mask_url_password(d.url), d.xml);
  };
  // Sources with an mqtt(s):// URL are read by subscription, the others polled.
  std::vector<ingest::SourceSpec> polled;
  std::vector<std::unique_ptr<ingest::MqttSubscriber>> subscribers;
  auto poller_opts = ingest::poller_options(*doc);
  for (const auto& s : *sources) {
    if (!ingest::is_subscription(s.url)) {
      polled.push_back(s);
      continue;
    }
    ingest::SubscriberOptions so;
    so.fetch = poller_opts.fetch;
    so.max_backoff = std::min(poller_opts.max_backoff, Duration{60'000});
    // Paho keeps messages received but not yet stored next to the store, so that a stop in
    // between does not lose them.
    so.persist_dir = (store_path.parent_path() / "mqtt").string();
    subscribers.push_back(
        std::make_unique<ingest::MqttSubscriber>(s, so, db, sink, clock, make_random()));
  }
  ingest::Poller poller(polled, poller_opts, db, sink, clock, make_random());

  for (const auto& c : *channels)
    std::cout << "capcast: channel " << c.name << " -> " << c.url << "\n";

  if (options.once) {
    if (!subscribers.empty()) {
      spdlog::warn("--once: the {} mqtt source(s) are read only by a running capcast",
                   subscribers.size());
    }
    poller.run_once();
    while (true) {
      auto n = engine.run_pass();
      if (!n.ok()) {
        spdlog::error("outbox: {}", n.status().message());
        return kExitFailed;
      }
      if (*n == 0) break;
    }
    auto st = db->stats();
    if (st.ok()) {
      std::cout << "capcast: " << st->alerts
                << " alerts stored; deliveries: " << st->deliveries_delivered << " delivered, "
                << st->deliveries_pending << " pending, " << st->deliveries_dead << " dead\n";
    }
    return st.ok() && st->deliveries_dead == 0 ? kExitOk : kExitFailed;
  }

  // Block the stop signals in every thread; the main thread takes them with sigtimedwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::unique_ptr<HttpApi> http;
  const auto& h = doc->section("http");
  if (h.get_bool("enabled")) {
    const auto& f = doc->section("feed");
    HttpOptions ho;
    ho.listen = h.get_string("listen");
    ho.port = static_cast<int>(h.get_int("port"));
    ho.feed_title = f.get_string("title");
    ho.base_url = f.get_string("base_url");
    ho.feed_limit = static_cast<int>(f.get_int("limit"));
    ho.feed_active_only = f.get_bool("active_only");
    StatusInfo info;
    for (const auto& c : *channels)
      info.channels.emplace_back(c.name, c.url);
    for (const auto& s : *sources)
      info.sources.emplace_back(s.name, mask_url_password(s.url));
    if (router->has_routes()) info.unrouted = [&intake] { return intake.unrouted(); };
    info.channel_metrics = [&engine] { return engine.metrics(); };
    info.channel_callback = [&channels](const std::string& name,
                                        const dispatch::CallbackRequest& request) {
      for (auto& c : *channels) {
        if (c.name == name) return c.channel->http_callback(request);
      }
      return std::optional<int>();
    };
    const auto& push = doc->section("push");
    if (push.get_bool("enabled")) {
      ho.push_token = push.get_string("token");
      ho.push_max_bytes = static_cast<size_t>(push.get_int("max_bytes"));
      ho.push_validate = push.get_bool("validate");
      if (ho.push_token.size() < 16) {
        std::cerr << "capcast: " << push.location_of("token").to_string()
                  << ": [push] token must be at least 16 characters\n";
        return kExitUsage;
      }
    }
    http = std::make_unique<HttpApi>(db, clock, ho, info,
                                     push.get_bool("enabled") ? &intake : nullptr);
    auto port = http->start();
    if (!port.ok()) {
      std::cerr << "capcast: " << port.status().message() << "\n";
      return kExitUsage;
    }
    std::string base = "http://" + ho.listen + ":" + std::to_string(*port);
    std::cout << "capcast: listening on " << base << "\n"
              << "capcast: ATOM feed   " << base << "/feed.atom\n"
              << "capcast: status page " << base << "/status\n";
  }
  std::cout << "capcast: running; Ctrl-C stops" << std::endl;

  std::thread poll_thread([&] { poller.run(); });
  std::vector<std::thread> subscriber_threads;
  for (auto& sub : subscribers)
    subscriber_threads.emplace_back([&sub] { sub->run(); });
  std::thread engine_thread([&] { engine.run(); });
  int sig = 0;
  sigwait(&stop_signals, &sig);
  spdlog::info("signal {}: stopping", sig);
  poller.stop();
  poll_thread.join();
  for (auto& sub : subscribers)
    sub->stop();
  for (auto& t : subscriber_threads)
    t.join();
  engine.stop();
  engine_thread.join();
  if (http) http->stop();
  spdlog::info("stopped cleanly");
  return kExitOk;
}

}  // namespace capcast::app
