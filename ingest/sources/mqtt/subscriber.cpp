// The I/O half of the "mqtt" source: Paho MQTT C++ (1.2.0) in, the Sink out. The payload
// decoder is the format's pure function (payload.cpp); retry and health live here, once.
#include "capcast/ingest/subscriber.h"

#include <mqtt/async_client.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "capcast/core/redact.h"

namespace capcast::ingest {

bool is_subscription(std::string_view url) {
  return url.rfind("mqtt://", 0) == 0 || url.rfind("mqtts://", 0) == 0;
}

class MqttSubscriber::Impl final : public ::mqtt::callback {
 public:
  Impl(SourceSpec spec, SubscriberOptions options, store::Store* store, Sink sink,
       const Clock& clock, std::function<double()> random);
  ~Impl() override;

  void run();
  void stop() {
    stop_ = true;
    fetcher_.wakeup();
  }
  Counters counters() const {
    std::lock_guard lock(mu_);
    return counters_;
  }

  // ::mqtt::callback, called on Paho's thread.
  void connection_lost(const std::string& cause) override;
  void message_arrived(::mqtt::const_message_ptr msg) override;

 private:
  bool connect();
  void failed(const std::string& what);
  void refused(const std::string& where, const std::string& why);
  void take(Document doc);
  struct Link {
    std::string url;
    int attempts = 0;  // made so far
    TimePoint due{};   // not before
  };
  void start_links();
  void on_linked(const Link& link, FetchResponse r);
  void save_locked();

  SourceSpec spec_;
  SubscriberOptions options_;
  store::Store* store_;
  Sink sink_;
  const Clock& clock_;
  std::function<double()> random_;
  const config::Section* section_;
  Result<BrokerUrl> broker_;
  std::string where_;  // the broker's URL without credentials
  std::vector<std::string> topics_;
  int qos_ = 1;
  std::string client_id_;
  std::string ca_bundle_;
  std::string key_password_;
  Fetcher fetcher_;

  mutable std::mutex mu_;  // guards what follows
  store::SourceState state_;
  Counters counters_;
  std::deque<Link> links_;  // CAP links to fetch, from Paho's thread to run()'s, and retries
  TimePoint next_attempt_{};

  std::atomic<bool> stop_{false};
  std::atomic<bool> connected_{false};
  // Declared last, so destroyed first: no callback can run into members already destroyed.
  std::unique_ptr<::mqtt::async_client> client_;
};

MqttSubscriber::Impl::Impl(SourceSpec spec, SubscriberOptions options, store::Store* store,
                           Sink sink, const Clock& clock, std::function<double()> random)
    : spec_(std::move(spec)),
      options_(std::move(options)),
      store_(store),
      sink_(std::move(sink)),
      clock_(clock),
      random_(std::move(random)),
      section_(spec_.options ? spec_.options : &default_options(*spec_.format)),
      broker_(parse_broker_url(spec_.url)),
      fetcher_(options_.fetch) {
  where_ = broker_.ok() ? broker_->server : mask_url_password(spec_.url);
  if (section_->has("topics")) topics_ = section_->get_strings("topics");
  if (section_->has("qos")) qos_ = static_cast<int>(section_->get_int("qos"));
  client_id_ = section_->has("client_id") ? section_->get_string("client_id") : "";
  if (client_id_.empty()) client_id_ = "capcast-" + spec_.name;
  key_password_ = section_->has("key_password") ? section_->get_string("key_password") : "";
  ca_bundle_ = spec_.ca_bundle.empty() ? options_.fetch.ca_bundle : spec_.ca_bundle;
  state_.name = spec_.name;
  if (auto loaded = store_->load_source(spec_.name); loaded.ok() && loaded->has_value()) {
    state_ = **loaded;
  }
}

MqttSubscriber::Impl::~Impl() = default;

void MqttSubscriber::Impl::save_locked() {
  if (auto st = store_->save_source(state_); !st.ok()) {
    spdlog::error("source {}: cannot save its state: {}", spec_.name, st.message());
  }
}

void MqttSubscriber::Impl::failed(const std::string& what) {
  std::lock_guard lock(mu_);
  ++state_.consecutive_failures;
  state_.last_error = what;
  // Full jitter over an exponential backoff, as the poller does.
  int shift = std::min(state_.consecutive_failures - 1, 16);
  auto ceiling =
      std::min<int64_t>(options_.min_backoff.count() << shift, options_.max_backoff.count());
  auto wait = std::max<int64_t>(options_.min_backoff.count(),
                                static_cast<int64_t>(random_() * static_cast<double>(ceiling)));
  next_attempt_ = clock_.now() + Duration{wait};
  spdlog::warn("source {}: {}: {}; {} consecutive failure(s), next attempt in {} ms", spec_.name,
               where_, what, state_.consecutive_failures, wait);
  save_locked();
}

void MqttSubscriber::Impl::refused(const std::string& where, const std::string& why) {
  std::lock_guard lock(mu_);
  ++counters_.refused;
  state_.last_error = "refused a message on " + where + ": " + why;
  spdlog::warn("source {}: {}: refused ({} so far): {}", spec_.name, where, counters_.refused, why);
  save_locked();
}

bool MqttSubscriber::Impl::connect() {
  {
    std::lock_guard lock(mu_);
    state_.last_attempt_ms = to_unix_ms(clock_.now());
  }
  auto timeout = std::chrono::duration_cast<std::chrono::seconds>(options_.connect_timeout);
  try {
    ::mqtt::connect_options o;
    // A persistent session (MQTT 3.1.1 §3.1.2.4): the broker keeps the subscriptions and queues
    // QoS 1 messages while capcast is away, and sends them on reconnection.
    o.set_clean_session(false);
    o.set_keep_alive_interval(std::chrono::seconds(30));
    o.set_connect_timeout(std::max(timeout, std::chrono::seconds(1)));
    if (!broker_->user.empty()) o.set_user_name(broker_->user);
    if (!broker_->password.empty()) o.set_password(broker_->password);
    if (broker_->tls) {
      ::mqtt::ssl_options ssl;
      if (!ca_bundle_.empty()) ssl.set_trust_store(ca_bundle_);
      if (!spec_.cert_file.empty()) {
        ssl.set_key_store(spec_.cert_file);
        ssl.set_private_key(spec_.key_file);
        if (!key_password_.empty()) ssl.set_private_key_password(key_password_);
      }
      ssl.set_enable_server_cert_auth(true);
      ssl.set_verify(true);  // the host name too
      o.set_ssl(ssl);
    }
    auto tok = client_->connect(o);
    if (!tok->wait_for(timeout + std::chrono::seconds(2))) {
      failed("connection timed out");
      return false;
    }
    bool session = tok->get_connect_response().is_session_present();
    // Subscribing again when the session is present changes nothing the broker queued
    // (MQTT 3.1.1 §3.8.4: an identical subscription is replaced, its messages kept).
    for (const auto& topic : topics_) {
      auto sub = client_->subscribe(topic, qos_);
      if (!sub->wait_for(timeout + std::chrono::seconds(2))) {
        failed("subscription to '" + topic + "' timed out");
        client_->disconnect();
        return false;
      }
      auto granted = sub->get_subscribe_response();  // by value: keep it while reading it
      for (auto code : granted.get_reason_codes()) {
        if (code >= 0x80) {  // MQTT 3.1.1 §3.9.3: 0x80 is Failure
          failed("the broker refused the subscription to '" + topic + "'");
          client_->disconnect()->wait_for(timeout);
          return false;
        }
      }
    }
    connected_ = true;
    std::lock_guard lock(mu_);
    state_.consecutive_failures = 0;
    state_.last_error.clear();
    state_.last_success_ms = to_unix_ms(clock_.now());
    save_locked();
    spdlog::info("source {}: connected to {} as {} ({} session), subscribed to {} topic(s)",
                 spec_.name, where_, client_id_, session ? "resumed" : "new", topics_.size());
    return true;
  } catch (const ::mqtt::exception& e) {
    failed(std::string("cannot connect: ") + e.what());
    return false;
  }
}

void MqttSubscriber::Impl::connection_lost(const std::string& cause) {
  connected_ = false;
  failed("connection lost" + (cause.empty() ? std::string() : ": " + cause));
  fetcher_.wakeup();
}

void MqttSubscriber::Impl::take(Document doc) {
  Taken t = sink_(doc);
  // Paho has acknowledged the message to the broker on receipt (QoS 1), so a store failure here
  // would lose it: keep it and try again, waiting longer each time (1 s doubling to 30 s), until
  // it is stored or capcast stops. Meanwhile Paho queues (and persists) what else arrives.
  for (int64_t wait_ms = 1000; t == Taken::kFailed && !stop_;
       wait_ms = std::min<int64_t>(wait_ms * 2, 30'000)) {
    spdlog::warn("source {}: {}: not stored; trying again in {} s", spec_.name, doc.url,
                 wait_ms / 1000);
    for (int64_t slept = 0; slept < wait_ms && !stop_; slept += 100)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!stop_) t = sink_(doc);
  }
  std::lock_guard lock(mu_);
  switch (t) {
    case Taken::kAccepted:
      ++counters_.accepted;
      ++state_.alerts_accepted;
      state_.last_success_ms = to_unix_ms(clock_.now());
      break;
    case Taken::kDuplicate:
      ++counters_.duplicates;
      state_.last_success_ms = to_unix_ms(clock_.now());
      break;
    case Taken::kRefused:  // the sink has logged why
      ++counters_.refused;
      state_.last_error = "refused a document from " + doc.url;
      break;
    case Taken::kFailed:
      // Still failing when capcast stopped: the broker has its acknowledgement, so only the
      // publisher can send this one again.
      state_.last_error = "a document from " + doc.url + " could not be stored";
      spdlog::error("source {}: {}: not stored before capcast stopped: lost for this subscription",
                    spec_.name, doc.url);
      break;
  }
  save_locked();
}

void MqttSubscriber::Impl::message_arrived(::mqtt::const_message_ptr msg) {
  // Nothing may escape into Paho's C thread.
  try {
    if (!msg) return;
    std::string where = where_ + "/" + msg->get_topic();
    {
      std::lock_guard lock(mu_);
      ++counters_.messages;
    }
    Input in{msg->get_payload_str(), where, spec_.name, section_, "", to_unix_ms(clock_.now())};
    Extracted ex = spec_.format->extract(in);
    if (ex.documents.empty() && ex.links.empty()) {
      std::string why;
      for (const auto& p : ex.problems)
        why += (why.empty() ? "" : "; ") + p;
      refused(where, why.empty() ? "nothing in it" : why);
      return;
    }
    for (const auto& p : ex.problems)
      spdlog::warn("source {}: {}: {}", spec_.name, where, p);
    for (auto& d : ex.documents)
      take(Document{spec_.name, where, std::move(d)});
    if (!ex.links.empty()) {
      std::lock_guard lock(mu_);
      for (auto& url : ex.links)
        links_.push_back(Link{std::move(url), 0, TimePoint{}});
    }
    if (!ex.links.empty()) fetcher_.wakeup();
  } catch (const std::exception& e) {
    spdlog::error("source {}: a message could not be handled: {}", spec_.name, e.what());
  }
}

void MqttSubscriber::Impl::start_links() {
  std::vector<Link> due;
  const TimePoint now = clock_.now();
  {
    std::lock_guard lock(mu_);
    for (auto it = links_.begin(); it != links_.end();) {
      if (it->due <= now) {
        due.push_back(std::move(*it));
        it = links_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& link : due) {
    fetcher_.submit({link.url, "", ""},
                    [this, link](FetchResponse r) { on_linked(link, std::move(r)); });
  }
}

// A notification arrives once: a linked CAP that cannot be fetched now is fetched again later
// (no answer, 408, 429 or 5xx; backoff as the source's, Retry-After honoured), up to
// kLinkAttempts, while capcast runs. Another error (404, not CAP...) is final.
void MqttSubscriber::Impl::on_linked(const Link& link, FetchResponse r) {
  constexpr int kLinkAttempts = 8;
  if (!r.status.ok()) {
    std::lock_guard lock(mu_);
    const long h = r.http_status;
    const bool transient = h == 0 || h == 408 || h == 429 || h >= 500;
    const int attempts = link.attempts + 1;
    state_.last_error = "linked CAP " + mask_url_password(link.url) + ": " + r.status.message();
    if (transient && attempts < kLinkAttempts) {
      const int shift = std::min(attempts - 1, 16);
      Duration wait{
          std::min<int64_t>(options_.min_backoff.count() << shift, options_.max_backoff.count())};
      wait = std::max(wait, r.retry_after);
      links_.push_back(Link{link.url, attempts, clock_.now() + wait});
      spdlog::warn("source {}: {} (attempt {} of {}; again in {} ms)", spec_.name,
                   state_.last_error, attempts, kLinkAttempts, wait.count());
    } else {
      spdlog::warn("source {}: {}: given up after {} attempt(s)", spec_.name, state_.last_error,
                   attempts);
    }
    save_locked();
    return;
  }
  take(Document{spec_.name, r.effective_url, std::move(r.body)});
}

void MqttSubscriber::Impl::run() {
  if (!broker_.ok()) {
    failed("url: " + broker_.status().message());
    return;
  }
  try {
    if (options_.persist_dir.empty()) {
      client_ = std::make_unique<::mqtt::async_client>(
          broker_->server, client_id_, static_cast<::mqtt::iclient_persistence*>(nullptr));
    } else {
      client_ =
          std::make_unique<::mqtt::async_client>(broker_->server, client_id_, options_.persist_dir);
    }
  } catch (const ::mqtt::exception& e) {
    failed(std::string("cannot create the MQTT client: ") + e.what());
    return;
  }
  client_->set_callback(*this);
  while (!stop_) {
    start_links();
    TimePoint now = clock_.now();
    TimePoint next;
    {
      std::lock_guard lock(mu_);
      next = next_attempt_;
    }
    if (!connected_ && next <= now) {
      connect();
      continue;
    }
    auto wait = connected_ ? Duration{1000}
                           : std::clamp(std::chrono::duration_cast<Duration>(next - now),
                                        Duration{0}, Duration{1000});
    fetcher_.poll(wait);
  }
  // Finish the fetches in flight so that no linked alert is dropped, then leave: the session
  // stays on the broker, which queues what arrives until the next run.
  while (fetcher_.in_flight() > 0)
    fetcher_.poll(Duration{200});
  try {
    if (client_->is_connected()) client_->disconnect()->wait_for(std::chrono::seconds(5));
  } catch (const ::mqtt::exception& e) {
    spdlog::warn("source {}: disconnect: {}", spec_.name, e.what());
  }
  connected_ = false;
}

MqttSubscriber::MqttSubscriber(SourceSpec spec, SubscriberOptions options, store::Store* store,
                               Sink sink, const Clock& clock, std::function<double()> random)
    : impl_(std::make_unique<Impl>(std::move(spec), std::move(options), store, std::move(sink),
                                   clock, std::move(random))) {}

MqttSubscriber::~MqttSubscriber() = default;

void MqttSubscriber::run() {
  impl_->run();
}

void MqttSubscriber::stop() {
  impl_->stop();
}

MqttSubscriber::Counters MqttSubscriber::counters() const {
  return impl_->counters();
}

}  // namespace capcast::ingest
