// `capcast send [--config FILE] [--channel URL]... [--to NUMBER]... [--store FILE] ALERT.xml`:
// validates one alert, stores it with a delivery per channel (the configured ones, or only the
// --channel URLs given) and drives the same dispatch engine as `run` until every delivery is
// delivered or dead, showing progress: a bar on a terminal, one line per change otherwise. Exit 0
// when all were delivered, 1 when the alert is invalid or any delivery ended dead, 2 on a usage or
// configuration error. Without --store the store is a temporary one, removed at exit.
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <thread>

#include "accept.h"
#include "app_schema.h"
#include "capcast/cap/validate.h"
#include "capcast/config/config.h"
#include "capcast/core/log.h"
#include "capcast/dispatch/engine.h"
#include "capcast/dispatch/registry.h"
#include "capcast/dispatch/routing.h"
#include "capcast/dispatch/targeting.h"
#include "capcast/store/store.h"
#include "commands.h"
#include "input.h"
#include "privacy.h"

namespace capcast::app {
namespace {

// A TOML basic string (TOML 1.0 "Basic strings": backslash and quote escaped, no control chars).
std::string toml_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  return out + "\"";
}

// The channels named on the command line, as [[channel]] entries of their own document (so that
// each URL goes through the same schema, variants and checks as a configured one).
Result<config::Document> cli_channels(const std::vector<std::string>& urls) {
  std::string text;
  for (size_t i = 0; i < urls.size(); ++i) {
    text += "[[channel]]\nname = \"channel-" + std::to_string(i + 1) +
            "\"\nurl = " + toml_string(urls[i]) + "\n";
  }
  auto doc = config::load_string(text, "--channel", schema());
  // Relative file: URLs on the command line are relative to the current directory.
  std::error_code ec;
  if (doc.ok()) doc->set_base_dir(std::filesystem::current_path(ec));
  return doc;
}

// A temporary directory for the store, removed with everything in it at scope exit.
class TempStoreDir {
 public:
  TempStoreDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "capcast-send-XXXXXX").string();
    if (char* made = mkdtemp(templ.data())) path_ = made;
  }
  ~TempStoreDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct Progress {
  bool tty = false;
  std::map<int64_t, std::pair<store::DeliveryState, int>> seen;  // id -> (state, attempts)

  void show(const std::vector<store::Delivery>& ds, const std::map<std::string, std::string>& urls,
            int64_t now_ms) {
    int delivered = 0, dead = 0;
    for (const auto& d : ds) {
      delivered += d.state == store::DeliveryState::kDelivered;
      dead += d.state == store::DeliveryState::kDead;
      auto key = std::make_pair(d.state, d.attempts);
      auto it = seen.find(d.id);
      if (it != seen.end() && it->second == key) continue;
      seen[d.id] = key;
      if (d.state == store::DeliveryState::kPending || d.state == store::DeliveryState::kInFlight)
        continue;
      std::string line = d.channel + " (" + urls.at(d.channel) + ")" +
                         (d.recipient_masked.empty() ? "" : " to " + d.recipient_masked) + ": " +
                         state_text(d, now_ms);
      if (tty) std::cout << "\r\033[K";
      std::cout << line << "\n";
    }
    if (tty) {
      size_t width = 30, n = ds.empty() ? 0 : (delivered + dead) * width / ds.size();
      std::cout << "\r\033[K[" << std::string(n, '#') << std::string(width - n, '.') << "] "
                << delivered << "/" << ds.size() << " delivered" << (dead ? ", " : "")
                << (dead ? std::to_string(dead) + " dead" : "") << std::flush;
    }
  }

  static std::string state_text(const store::Delivery& d, int64_t now_ms) {
    switch (d.state) {
      case store::DeliveryState::kDelivered:
        return "delivered" + std::string(d.attempts > 1
                                             ? " after " + std::to_string(d.attempts) + " attempts"
                                             : "");
      case store::DeliveryState::kDead:
        return "dead: " + d.last_error;
      case store::DeliveryState::kRetrying:
        return "attempt " + std::to_string(d.attempts) + " failed: " + d.last_error +
               "; retrying in " +
               std::to_string(std::max<int64_t>(0, d.next_attempt_ms - now_ms) / 1000) + " s";
      default:
        return store::state_name(d.state);
    }
  }
};

}  // namespace

int send_command(const SendCmdOptions& options) {
  std::string xml;
  if (!read_input(options.file, xml)) {
    std::cerr << "capcast send: " << options.file << ": cannot read the file\n";
    return kExitUsage;
  }
  // The alert first: nothing is stored or sent when it is invalid.
  cap::ValidateOptions vo;
  vo.profiles = {"auto"};
  cap::Report report = cap::validate(xml, vo);
  for (const auto& f : report.findings) {
    if (f.level == cap::Level::kRecommendation) continue;
    std::cerr << options.file << ": " << cap::level_name(f.level) << ": " << f.path << ": "
              << f.message << " [" << f.rule << "]\n";
  }
  if (report.has_errors()) {
    std::cerr << "capcast send: " << options.file << ": not sent: the alert has errors\n";
    return kExitFailed;
  }

  auto doc = options.config_path.empty() ? config::load_string("", "(defaults)", schema())
                                         : config::load_file(options.config_path, schema());
  if (!doc.ok()) {
    std::cerr << "capcast send: configuration rejected:\n" << doc.status().message() << "\n";
    return kExitUsage;
  }
  if (auto st = init_logging(options.verbose ? "info" : "error", LogFormat::kText); !st.ok()) {
    std::cerr << "capcast send: " << st.message() << "\n";
    return kExitUsage;
  }
  std::optional<config::Document> channel_doc;
  if (!options.channels.empty()) {
    auto d = cli_channels(options.channels);
    if (!d.ok()) {
      std::cerr << "capcast send: --channel rejected:\n" << d.status().message() << "\n";
      return kExitUsage;
    }
    channel_doc = std::move(*d);
  }
  auto channels = dispatch::build_channels(channel_doc ? *channel_doc : *doc);
  if (!channels.ok()) {
    std::cerr << "capcast send: " << channels.status().message() << "\n";
    return kExitUsage;
  }
  if (channels->empty()) {
    std::cerr << "capcast send: no channel: give --channel URL, or a --config with [[channel]]\n";
    return kExitUsage;
  }
  // The configured channels are chosen by the configured routes; --channel URLs are used as
  // given.
  std::optional<dispatch::Router> router;
  if (!channel_doc) {
    auto r = dispatch::Router::build(*doc, dispatch::names_of(*channels));
    if (!r.ok()) {
      std::cerr << "capcast send: configuration rejected:\n" << r.status().message() << "\n";
      return kExitUsage;
    }
    router = std::move(*r);
  }

  // Numbers for the channels that deliver to people, checked before anything is stored.
  std::vector<std::string> people_channels;
  for (const auto& c : *channels) {
    if (c.channel->to_people()) people_channels.push_back(c.name);
  }
  for (const auto& number : options.to) {
    if (auto st = check_number(number); !st.ok()) {
      std::cerr << "capcast send: " << st.message() << "\n";
      return kExitUsage;
    }
  }
  if (!options.to.empty() && people_channels.empty()) {
    std::cerr << "capcast send: --to needs a channel that sends to people (e.g. smpp://...)\n";
    return kExitUsage;
  }
  if (options.to.empty() && !people_channels.empty() && options.store_path.empty() && channel_doc) {
    // A temporary store has no subscribers: nobody could be reached.
    std::cerr << "capcast send: " << people_channels.front()
              << " sends to people: give the numbers with --to (or a --store with subscribers)\n";
    return kExitUsage;
  }
  auto sealer = configured_sealer(*doc);
  if (!sealer.ok()) {
    std::cerr << "capcast send: configuration rejected:\n" << sealer.status().message() << "\n";
    return kExitUsage;
  }
  if (!*sealer && !options.to.empty()) {
    if (!options.store_path.empty()) {
      std::cerr << "capcast send: --to with --store needs [privacy] key in the --config: phone "
                   "numbers are never stored in clear (capcast keygen makes a key)\n";
      return kExitUsage;
    }
    // A temporary store: a key of its own, forgotten with the store at exit.
    auto once = store::sodium_sealer(store::new_sealer_key());
    if (!once.ok()) {
      std::cerr << "capcast send: " << once.status().message() << "\n";
      return kExitUsage;
    }
    *sealer = std::shared_ptr<const store::Sealer>(std::move(*once));
  }

  TempStoreDir temp;
  std::filesystem::path store_path = options.store_path;
  if (store_path.empty()) {
    if (temp.path().empty()) {
      std::cerr << "capcast send: cannot create a temporary store\n";
      return kExitUsage;
    }
    store_path = temp.path() / "capcast.db";
  }
  auto store = store::open_sqlite(store_path, *sealer);
  if (!store.ok()) {
    std::cerr << "capcast send: " << store.status().message() << "\n";
    return kExitUsage;
  }
  const Clock& clock = SystemClock::instance();
  std::mt19937_64 gen(std::random_device{}());
  dispatch::Engine engine(
      store->get(), &*channels, clock,
      [&gen] { return std::uniform_real_distribution<double>(0.0, 1.0)(gen); },
      dispatch::engine_options(*doc));

  cap::Alert parsed;
  auto alert = to_new_alert("send", xml, &parsed);
  if (!alert.ok()) {
    std::cerr << "capcast send: " << options.file << ": " << alert.status().message() << "\n";
    return kExitFailed;
  }
  dispatch::RouteDecision routed;
  if (router) {
    routed = router->decide(parsed);
  } else {
    routed.channels = engine.route();
  }
  // With the configured channels, an Update or Cancel also goes wherever (and to whomever) the
  // alerts it references went in this store (store.h); --channel URLs are used as given.
  alert->follow_references = router.has_value();
  // Channels to people: the --to numbers, or else the store's subscribers in the alert's area.
  std::vector<std::string> targets = routed.channels;
  if (!options.to.empty()) {
    for (const auto& name : people_channels) {
      auto it = std::find(targets.begin(), targets.end(), name);
      if (it == targets.end()) continue;
      targets.erase(it);
      alert->recipients.push_back({name, options.to, {}});
    }
  } else {
    auto targeted = dispatch::attach_people(**store, parsed, people_channels, targets, *alert);
    if (!targeted.ok()) {
      std::cerr << "capcast send: subscribers: " << targeted.status().message() << "\n";
      return kExitFailed;
    }
    for (const auto& name : people_channels) {
      bool used = std::any_of(alert->recipients.begin(), alert->recipients.end(),
                              [&](const store::ChannelRecipients& r) { return r.channel == name; });
      bool routed_there =
          std::find(routed.channels.begin(), routed.channels.end(), name) != routed.channels.end();
      if (routed_there && !used && parsed.msg_type != "Cancel") {
        std::cout << name
                  << ": no subscriber in the alert's area (--to NUMBER sends to a number)\n";
      }
    }
  }
  auto accepted = (*store)->accept_alert(*alert, targets);
  if (!accepted.ok()) {
    std::cerr << "capcast send: " << accepted.status().message() << "\n";
    return kExitFailed;
  }
  std::cout << "alert (" << alert->sender << ", " << alert->identifier << "): " << alert->status
            << " " << alert->msg_type << ", "
            << (accepted->inserted ? "sending to " : "already in the store; its deliveries to ")
            << routed.channels.size() << " channel(s)\n";
  for (const auto& name : routed.blocked)
    std::cout << name << ": not sent: the alert blocks it (BLOCKCHANNEL)\n";
  if (router && router->has_routes() && routed.channels.empty() && routed.blocked.empty())
    std::cout << "the alert matches no [[route]]: nothing to send\n";
  std::map<std::string, std::string> urls;
  for (const auto& c : *channels)
    urls[c.name] = c.url;  // passwords already masked

  Progress progress;
  progress.tty = isatty(STDOUT_FILENO) != 0;
  while (true) {
    auto pass = engine.run_pass();
    if (!pass.ok()) {
      std::cerr << "\ncapcast send: outbox: " << pass.status().message() << "\n";
      return kExitFailed;
    }
    auto ds = (*store)->deliveries_of(accepted->alert_id);
    if (!ds.ok()) {
      std::cerr << "\ncapcast send: " << ds.status().message() << "\n";
      return kExitFailed;
    }
    int64_t now = to_unix_ms(clock.now());
    progress.show(*ds, urls, now);
    bool done = true, dead = false;
    int64_t next = now + 1000;
    for (const auto& d : *ds) {
      if (d.event == store::Event::kExpired) continue;
      dead |= d.state == store::DeliveryState::kDead;
      if (d.state == store::DeliveryState::kDelivered || d.state == store::DeliveryState::kDead)
        continue;
      done = false;
      if (d.state == store::DeliveryState::kRetrying) next = std::min(next, d.next_attempt_ms);
    }
    if (done) {
      if (progress.tty) std::cout << "\n";
      return dead ? kExitFailed : kExitOk;
    }
    // Sleep until the next attempt is due (at most a second, to keep the progress moving).
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::clamp<int64_t>(next - now, 0, 1000)));
  }
}

}  // namespace capcast::app
