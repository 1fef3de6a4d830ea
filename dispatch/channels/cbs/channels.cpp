#include "cbs/channels.h"

#include <spdlog/spdlog.h>

#include <set>

#include "capcast/core/broker_url.h"
#include "cbs/cbsp_channel.h"
#include "cbs/cells.h"
#include "cbs/ecbe.h"
#include "cbs/profile_config.h"
#include "http/client.h"

namespace capcast::dispatch::cbs {

using config::Key;
using config::Type;

namespace {

bool is_builtin_name(const std::string& name) {
  return builtin_profile(name) != nullptr;
}

Status bad(const config::Section& s, const std::string& key, const std::string& what) {
  return invalid_argument(s.location_of(key).to_string() + ": " + s.label() + ": " + what);
}

// ECBE: each broadcast as osmo-cbc's requests (ecbe.h), one at a time, in order.
class EcbeTransport final : public Transport {
 public:
  EcbeTransport(http::Target target, std::string cbe_name)
      : target_(std::move(target)), cbe_name_(std::move(cbe_name)) {}

  Outcome send(const std::vector<Broadcast>& broadcasts) override {
    Delivered done;
    for (const auto& b : broadcasts) {
      for (const auto& r : ecbe::requests(b, cbe_name_)) {
        http::Answer a = http::request(target_, r.method, r.path,
                                       r.body.empty() ? "" : "application/json", r.body);
        const std::string what = r.method + " " + r.path + ": " +
                                 (a.status ? std::to_string(a.status) + " " + a.body : a.error);
        const std::string key = r.method + " " + r.path + " " + r.body;
        switch (ecbe::classify(r, a.status)) {
          case ecbe::Verdict::kDone:
            unanswered_.erase(key);
            break;
          case ecbe::Verdict::kRetry:
            // A create that got no (good) answer may have been made all the same.
            if (r.method == "POST") unanswered_.insert(key);
            return RetryLater{std::chrono::seconds(std::max(0L, a.retry_after_s)), what};
          case ecbe::Verdict::kReject:
            if (a.status == 409 && unanswered_.erase(key) > 0) {
              // The same create, retried after an answer that never came (or a 5xx): ECBE has
              // no read, so the 409 is taken as our own earlier create having been made. Only
              // within this process: after a restart a 409 is refused as below.
              spdlog::info("ecbe {}: {}: taken as our earlier create of the same message",
                           target_.base, what);
              break;
            }
            return Rejected{a.status == 409 ? what +
                                                  " (osmo-cbc holds one message per message "
                                                  "identifier: another is on air)"
                                            : what};
        }
      }
      done.message_ids.push_back(std::to_string(b.message_id) + "/" +
                                 std::to_string(b.serial.packed()));
    }
    return done;
  }

 private:
  http::Target target_;
  std::string cbe_name_;
  // Creates (method, path, body) sent without a good answer; the lane calls send() from one
  // thread, so no lock.
  std::set<std::string> unanswered_;
};

// CBSP: the CbspChannel's links, fed the broadcasts of the delivery being made; what the BSCs
// say about each cell goes to the store.
class CbspTransport final : public Transport {
 public:
  explicit CbspTransport(CbspOptions options) {
    channel_ = std::make_unique<CbspChannel>(
        std::move(options),
        [this](const Message&) -> Result<std::vector<Broadcast>> { return current_; },
        [this](const CellReport& r) { record(r); });
  }

  Outcome send(const std::vector<Broadcast>& broadcasts) override {
    current_ = broadcasts;  // read by the planner above, on this thread, during deliver()
    return channel_->deliver(Message{});
  }
  bool ready() override { return channel_->ready(); }
  void attach(store::Store* store, const std::string& channel) override {
    std::lock_guard lock(mu_);
    store_ = store;
    name_ = channel;
  }

 private:
  void record(const CellReport& r) {
    std::lock_guard lock(mu_);
    if (store_ == nullptr) return;
    store::CbsCell c;
    c.peer = r.peer;
    c.message_id = r.message_id;
    c.serial = r.serial;
    c.cell = r.cell ? cell_key(*r.cell) : "all";
    c.ok = r.ok;
    c.cause = r.ok ? -1 : r.cause;
    c.broadcasts_completed = r.broadcasts_completed ? int64_t{*r.broadcasts_completed} : -1;
    c.at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
    if (auto st = store_->cbs_record_cells(name_, {c}); !st.ok()) {
      spdlog::warn("channel {}: cell state not recorded: {}", name_, st.message());
    }
  }

  std::vector<Broadcast> current_;
  std::unique_ptr<CbspChannel> channel_;
  std::mutex mu_;
  store::Store* store_ = nullptr;
  std::string name_;
};

}  // namespace

std::string cell_key(const CellId& c) {
  std::string mnc = std::to_string(c.mnc);
  while (mnc.size() < (c.mnc_3_digits ? 3u : 2u))
    mnc = "0" + mnc;
  return std::to_string(c.mcc) + "-" + mnc + "-" + std::to_string(c.lac) + "-" +
         std::to_string(c.ci);
}

std::vector<Key> cbs_keys() {
  auto str = [](const char* name, const char* dflt, const char* help) {
    return Key{name, Type::kString, config::Value{std::string(dflt)}, false, false, help};
  };
  return {
      str("profile", "eu-alert",
          "message identifiers by country profile: wea (cmas), eu-alert, etws, or the name of "
          "a [[cbs_profile]] (docs/CELL_BROADCAST.md lists each table)"),
      str("primary_language", "",
          "the language of the primary identifier (ISO 639-1, e.g. nl); default the profile's, "
          "else the first <info>"),
      str("geo_scope", "plmn",
          "serial number geographical scope (TS 23.041 §9.4.1.2.1): plmn, area, cell, "
          "cell-immediate"),
      Key{"max_chars", Type::kInt, config::Value{int64_t{0}}, false, false,
          "most characters of text per message, cut at a word with \"...\" (0: what 15 pages "
          "hold)"},
      str("category", "high-priority", "high-priority, normal or background (TS 48.049 §8.2.7)"),
      Key{"repetition", Type::kDuration, config::Value{int64_t{60'000}}, false, false,
          "how often each message is repeated on air (TS 48.049 §8.2.8, steps of 1.883 s)"},
      Key{"broadcasts", Type::kInt, config::Value{int64_t{0}}, false, false,
          "how many times each message is broadcast (0: until killed, cancelled or expired)"},
  };
}

std::vector<Key> ecbe_keys() {
  auto keys = cbs_keys();
  auto str = [](const char* name, const char* dflt, const char* help, bool secret = false) {
    return Key{name, Type::kString, config::Value{std::string(dflt)}, false, secret, help};
  };
  keys.push_back(str("cbe_name", "capcast", "the name capcast gives itself to the CBC (cbe_name)"));
  keys.push_back(
      str("authorization", "", "an Authorization header value, if the CBC wants one", true));
  keys.push_back(str("ca_bundle", "", "ecbes: CA certificates to trust (PEM)"));
  keys.push_back(Key{"timeout", Type::kDuration, config::Value{int64_t{10'000}}, false, false,
                     "how long one request may take (osmo-cbc answers a create once the BSCs "
                     "have)"});
  return keys;
}

std::vector<Key> cbsp_keys() {
  auto keys = cbs_keys();
  auto dur = [](const char* name, int64_t ms, const char* help) {
    return Key{name, Type::kDuration, config::Value{ms}, false, false, help};
  };
  keys.push_back(Key{"peers", Type::kStringArray, config::Value{std::vector<std::string>{}}, false,
                     false, "further BSCs, \"host[:port]\" (the url names the first)"});
  keys.push_back(Key{"cells", Type::kString, config::Value{std::string()}, false, false,
                     "a cell inventory (CSV, docs/CELL_BROADCAST.md): messages go to the cells "
                     "the alert's areas reach; empty: all cells of every BSC"});
  keys.push_back(dur("keep_alive", 30'000, "a KEEP-ALIVE after this long without traffic"));
  keys.push_back(dur("response_timeout", 10'000, "how long a request waits for its answer"));
  keys.push_back(dur("connect_timeout", 5'000, "how long connecting to a BSC may take"));
  return keys;
}

Result<CbsOptions> cbs_options(const config::Section& s, const config::Document& doc) {
  CbsOptions o;
  o.channel = s.get_string("name");
  const std::string name = s.get_string("profile");
  auto ops = operator_profiles(doc);
  const Profile* p = builtin_profile(name);
  for (size_t i = 0; ops.ok() && p == nullptr && i < ops->profiles.size(); ++i) {
    if (ops->profiles[i].name == name) p = &ops->profiles[i];
  }
  std::string known;
  bool declared = false;  // a [[cbs_profile]] of that name, with errors or not
  for (const auto& n : builtin_profile_names())
    known += (known.empty() ? "" : ", ") + n;
  for (const auto& entry : doc.entries("cbs_profile")) {
    declared = declared || entry.get_string("name") == name;
    if (!is_builtin_name(entry.get_string("name"))) known += ", " + entry.get_string("name");
  }
  if (p == nullptr && declared) {
    // build_channels() reports the profiles' own errors once.
    return bad(
        s, "profile",
        "profile '" + name + "' cannot be used: its [[cbs_profile]]/[[cbs_rule]] have errors");
  }
  if (p == nullptr) {
    return bad(s, "profile", "unknown cell broadcast profile '" + name + "' (" + known + ")");
  }
  o.profile = *p;
  if (!s.get_string("primary_language").empty()) {
    o.profile.primary_language = s.get_string("primary_language");
  }
  const std::string scope = s.get_string("geo_scope");
  if (scope == "plmn") {
    o.plan.scope = GeoScope::kPlmn;
  } else if (scope == "area") {
    o.plan.scope = GeoScope::kLocationArea;
  } else if (scope == "cell") {
    o.plan.scope = GeoScope::kCell;
  } else if (scope == "cell-immediate") {
    o.plan.scope = GeoScope::kCellImmediate;
  } else {
    return bad(s, "geo_scope", "geo_scope must be plmn, area, cell or cell-immediate");
  }
  const int64_t max_chars = s.get_int("max_chars");
  if (max_chars < 0) return bad(s, "max_chars", "max_chars must be >= 0");
  o.plan.max_chars = static_cast<size_t>(max_chars);
  const std::string category = s.get_string("category");
  if (category == "high-priority") {
    o.plan.category = Category::kHighPriority;
  } else if (category == "normal") {
    o.plan.category = Category::kNormal;
  } else if (category == "background") {
    o.plan.category = Category::kBackground;
  } else {
    return bad(s, "category", "category must be high-priority, normal or background");
  }
  const auto rep = std::chrono::duration_cast<std::chrono::seconds>(s.get_duration("repetition"));
  if (rep.count() < 2 || rep.count() > 7710) {
    return bad(s, "repetition", "repetition must be 2 s to 7710 s (1 to 4095 steps of 1.883 s)");
  }
  o.plan.repetition_seconds = static_cast<unsigned>(rep.count());
  const int64_t n = s.get_int("broadcasts");
  if (n < 0 || n > 65535) return bad(s, "broadcasts", "broadcasts must be 0 to 65535");
  o.plan.broadcasts_requested = static_cast<unsigned>(n);
  return o;
}

Result<std::unique_ptr<Channel>> create_ecbe(const config::Section& s,
                                             const config::Document& doc) {
  auto url = parse_endpoint_url(s.get_string("url"), {{"ecbe", ecbe::kDefaultPort, false},
                                                      {"ecbes", ecbe::kDefaultPort, true}});
  if (!url.ok()) return bad(s, "url", url.status().message());
  auto options = cbs_options(s, doc);
  if (!options.ok()) return options.status();
  http::Target t = http::target_of(*url);
  t.authorization = s.get_string("authorization");
  t.ca_bundle = s.get_string("ca_bundle");
  t.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(s.get_duration("timeout"));
  return std::unique_ptr<Channel>(std::make_unique<CbsChannel>(
      std::move(*options),
      std::make_unique<EcbeTransport>(std::move(t), s.get_string("cbe_name"))));
}

}  // namespace capcast::dispatch::cbs

namespace capcast::dispatch::cbs {

Result<std::unique_ptr<Channel>> create_cbsp(const config::Section& s,
                                             const config::Document& doc) {
  auto cbsp = cbsp_options(s.get_string("url"), s.get_strings("peers"));
  if (!cbsp.ok()) return bad(s, "url", cbsp.status().message());
  auto ms = [&](const char* key) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(s.get_duration(key));
  };
  cbsp->keep_alive = ms("keep_alive");
  cbsp->response_timeout = ms("response_timeout");
  cbsp->connect_timeout = ms("connect_timeout");
  auto options = cbs_options(s, doc);
  if (!options.ok()) return options.status();
  if (!s.get_string("cells").empty()) {
    auto inventory = CellInventory::load(doc.resolve_path(s.get_string("cells")).string());
    if (!inventory.ok()) return bad(s, "cells", inventory.status().message());
    auto shared = std::make_shared<const CellInventory>(std::move(*inventory));
    options->plan.cells = [shared](const cap::Alert& a) -> Result<std::vector<CellId>> {
      return shared->select(a).cells;
    };
  }
  return std::unique_ptr<Channel>(std::make_unique<CbsChannel>(
      std::move(*options), std::make_unique<CbspTransport>(std::move(*cbsp))));
}

}  // namespace capcast::dispatch::cbs
