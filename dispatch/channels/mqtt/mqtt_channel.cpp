// The mqtt channel's I/O half: Paho C++ async_client, connection upkeep, and the completion of
// attempts from PUBACK/PUBCOMP (mqtt_channel.h).
#include "mqtt/mqtt_channel.h"

#include <spdlog/spdlog.h>

#include <mqtt/async_client.h>
#include <atomic>
#include <future>

#include "capcast/config/config.h"

namespace capcast::dispatch::mqtt {
namespace {

using SteadyClock = std::chrono::steady_clock;

// MQTT 5.0 §3.4.2.1 PUBACK reason codes after which sending the same message again cannot
// succeed: the broker judged the message itself. Other failures (not authorized, quota
// exceeded, server busy, connection lost) may pass later, so they are retried.
bool permanent(int reason) {
  return reason == 0x90 /* Topic Name invalid */ || reason == 0x95 /* Packet too large */ ||
         reason == 0x99 /* Payload format invalid */;
}

}  // namespace

class MqttChannel::Impl final : public ::mqtt::iaction_listener, public ::mqtt::callback {
 public:
  explicit Impl(MqttOptions o) : o_(std::move(o)), random_(system_random()) {
    ::mqtt::create_options create(o_.mqtt_version == 5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1);
    // Paho C queues a publish until it is written; its default bound of 100 (rc -12 beyond it)
    // would cut the window. Never while disconnected: the outbox, not Paho, holds what waits.
    create.set_max_buffered_messages(std::max(100, o_.max_inflight + 100));
    create.set_send_while_disconnected(false);
    if (o_.persistence_dir.empty()) {
      client_ =
          std::make_unique<::mqtt::async_client>(o_.broker.server, o_.client_id, create, nullptr);
    } else {
      client_ = std::make_unique<::mqtt::async_client>(o_.broker.server, o_.client_id, create,
                                                       o_.persistence_dir);
    }
    client_->set_callback(*this);
    reaper_ = std::thread([this] { reap(); });
  }

  ~Impl() override {
    {
      std::lock_guard lock(mu_);
      closing_ = true;
    }
    cv_.notify_all();
    reaper_.join();
    try {
      if (client_->is_connected()) client_->disconnect()->wait_for(std::chrono::seconds(2));
    } catch (const ::mqtt::exception&) {
      // Closing anyway: the outbox re-sends what was not acknowledged.
    }
    fail_all("channel closed");
    client_.reset();  // no callback runs after this
  }

  bool ready() {
    if (connected_) return true;
    auto now = SteadyClock::now();
    {
      std::lock_guard lock(mu_);
      if (connecting_ || now < next_connect_) return false;
      connecting_ = true;
    }
    // Never call into Paho holding mu_: Paho's thread takes mu_ in its callbacks while holding
    // its own lock (connection_lost -> fail_all), so the other order would deadlock.
    try {
      client_->connect(connect_options(), reinterpret_cast<void*>(kConnectContext), *this);
    } catch (const ::mqtt::exception& e) {
      std::lock_guard lock(mu_);
      connect_failed_locked(e.what());
    }
    return false;
  }

  int max_window() const { return std::max(1, std::min(o_.max_inflight, receive_maximum_.load())); }

  void submit(const Message& m, Done done) {
    auto publishes = plan(o_, m, to_unix_ms(SystemClock::instance().now()), random_);
    if (!publishes.ok()) {
      done(Rejected{"cannot publish: " + publishes.status().message()});
      return;
    }
    if (publishes->empty()) {
      done(Delivered{});
      return;
    }
    uint64_t key;
    {
      std::lock_guard lock(mu_);
      key = ++next_key_;
      attempts_[key] = Attempt{std::move(done), static_cast<int>(publishes->size()), "", false,
                               SteadyClock::now() + o_.timeout};
    }
    for (const auto& p : *publishes) {
      auto msg = ::mqtt::make_message(p.topic, p.payload, o_.qos, p.retain);
      if (o_.mqtt_version == 5) {
        ::mqtt::properties props;
        if (!p.content_type.empty()) props.add({::mqtt::property::CONTENT_TYPE, p.content_type});
        if (p.expiry_s) {
          props.add({::mqtt::property::MESSAGE_EXPIRY_INTERVAL,
                     static_cast<int32_t>(std::min<int64_t>(*p.expiry_s, INT32_MAX))});
        }
        // An idempotency key for subscribers: the same for every retry of this delivery.
        props.add({::mqtt::property::USER_PROPERTY, std::string("capcast-delivery"),
                   std::to_string(m.delivery_id)});
        msg->set_properties(props);
      }
      try {
        client_->publish(msg, reinterpret_cast<void*>(key), *this);
      } catch (const ::mqtt::exception& e) {
        // Not connected, or Paho's buffer full (rc -12): this attempt fails, the engine retries.
        settle(key, false, std::string("publish failed: ") + e.what(), false);
      }
    }
  }

  bool wants_expiry() const { return o_.retain || o_.wis2; }
  bool wants_replaced() const { return o_.retain; }

 private:
  static constexpr uintptr_t kConnectContext = 0;

  struct Attempt {
    Done done;
    int remaining = 0;
    std::string error;
    bool rejected = false;
    SteadyClock::time_point deadline;
  };

  ::mqtt::connect_options connect_options() const {
    ::mqtt::connect_options c;
    if (o_.mqtt_version == 5) {
      c.set_mqtt_version(MQTTVERSION_5);
      c.set_clean_start(o_.persistence_dir.empty());
      if (!o_.persistence_dir.empty()) {
        // MQTT 5.0 §3.1.2.11.2: keep the session for a day across disconnections.
        c.set_properties({{::mqtt::property::SESSION_EXPIRY_INTERVAL, 86'400}});
      }
    } else {
      c.set_mqtt_version(MQTTVERSION_3_1_1);
      c.set_clean_session(o_.persistence_dir.empty());
    }
    c.set_keep_alive_interval(std::chrono::duration_cast<std::chrono::seconds>(o_.keep_alive));
    c.set_connect_timeout(std::max(std::chrono::seconds(1),
                                   std::chrono::duration_cast<std::chrono::seconds>(o_.timeout)));
    c.set_max_inflight(o_.max_inflight);
    if (!o_.broker.user.empty()) c.set_user_name(o_.broker.user);
    if (!o_.broker.password.empty()) c.set_password(o_.broker.password);
    if (o_.broker.tls) {
      ::mqtt::ssl_options ssl;
      if (!o_.ca_bundle.empty()) ssl.set_trust_store(o_.ca_bundle);
      if (!o_.cert_file.empty()) {
        ssl.set_key_store(o_.cert_file);
        ssl.set_private_key(o_.key_file);
        if (!o_.key_password.empty()) ssl.set_private_key_password(o_.key_password);
      }
      ssl.set_enable_server_cert_auth(true);
      ssl.set_verify(true);  // the host name too
      c.set_ssl(ssl);
    }
    return c;
  }

  // iaction_listener: connects (context 0) and publishes (context = the attempt's key).
  void on_success(const ::mqtt::token& tok) override {
    auto key = reinterpret_cast<uintptr_t>(tok.get_user_context());
    if (tok.get_type() == ::mqtt::token::Type::CONNECT) {
      int receive_max = 65'535;
      bool session_present = false;
      try {
        const auto& response = tok.get_connect_response();
        // MQTT 5.0 §3.2.2.1.1 / MQTT 3.1.1 §3.2.2.2: the broker kept this client id's session,
        // so the in-flight QoS 1/2 handshakes that Paho restored from persistence_dir resume.
        session_present = response.is_session_present();
        const auto& props = response.get_properties();
        if (props.contains(::mqtt::property::RECEIVE_MAXIMUM)) {
          receive_max = ::mqtt::get<uint16_t>(props, ::mqtt::property::RECEIVE_MAXIMUM);
        }
      } catch (const std::exception&) {
      }
      receive_maximum_ = receive_max;
      {
        std::lock_guard lock(mu_);
        if (!connecting_) return;  // told twice (Paho 1.2.0 may call MQTT 5 listeners twice)
        connecting_ = false;
        backoff_ = std::chrono::milliseconds(0);
      }
      connected_ = true;
      spdlog::info("mqtt channel: connected to {} as {} (MQTT {}, window {}, {})", o_.broker.server,
                   o_.client_id, o_.mqtt_version == 5 ? "5" : "3.1.1", max_window(),
                   o_.persistence_dir.empty() ? "clean session"
                   : session_present          ? "session resumed"
                                              : "new session");
      if (receive_max < o_.max_inflight) {
        spdlog::warn(
            "mqtt channel: {} allows {} messages in flight (Receive Maximum), max_inflight is "
            "{}: raise max_inflight_messages in mosquitto.conf for throughput",
            o_.broker.server, receive_max, o_.max_inflight);
      }
      return;
    }
    settle(key, true, "", false);
  }

  void on_failure(const ::mqtt::token& tok) override {
    auto key = reinterpret_cast<uintptr_t>(tok.get_user_context());
    int reason = static_cast<int>(tok.get_reason_code());
    if (tok.get_type() == ::mqtt::token::Type::CONNECT) {
      std::lock_guard lock(mu_);
      connect_failed_locked("return code " + std::to_string(tok.get_return_code()) +
                            (reason ? ", reason code " + std::to_string(reason) : ""));
      return;
    }
    std::string why = reason >= 0x80
                          ? "the broker refused it, reason code 0x" + hex(reason)
                          : "publish failed, return code " + std::to_string(tok.get_return_code());
    settle(key, false, why, permanent(reason));
  }

  // callback: the connection's state.
  void connection_lost(const std::string& cause) override {
    connected_ = false;
    spdlog::warn("mqtt channel: connection to {} lost{}", o_.broker.server,
                 cause.empty() ? "" : ": " + cause);
    // Paho's clean session forgets unacknowledged publishes: fail them now, the engine
    // re-sends (at least once, as QoS 1 promises).
    fail_all("connection lost");
  }

  void connect_failed_locked(const std::string& why) {
    connecting_ = false;
    backoff_ = std::min(std::chrono::milliseconds(30'000),
                        std::max(std::chrono::milliseconds(500), backoff_ * 2));
    next_connect_ = SteadyClock::now() + backoff_;
    spdlog::warn("mqtt channel: cannot connect to {}: {}; next try in {} ms", o_.broker.server, why,
                 backoff_.count());
  }

  static std::string hex(int v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02x", v & 0xff);
    return buf;
  }

  // Counts one publish of attempt `key` as done; the attempt completes with its last publish.
  void settle(uint64_t key, bool ok, const std::string& error, bool rejected) {
    Done done;
    Outcome outcome;
    {
      std::lock_guard lock(mu_);
      auto it = attempts_.find(key);
      if (it == attempts_.end()) return;  // timed out or failed already
      Attempt& a = it->second;
      if (!ok && a.error.empty()) a.error = error;
      a.rejected |= rejected;
      bool failed_now = !ok;
      if (--a.remaining > 0 && !failed_now) return;
      if (a.error.empty()) {
        outcome = Delivered{};
      } else if (a.rejected) {
        outcome = Rejected{a.error};
      } else {
        outcome = RetryLater{Duration{0}, a.error};
      }
      done = std::move(a.done);
      attempts_.erase(it);
    }
    done(std::move(outcome));
  }

  void fail_all(const std::string& why) {
    std::map<uint64_t, Attempt> gone;
    {
      std::lock_guard lock(mu_);
      gone.swap(attempts_);
    }
    for (auto& [key, a] : gone)
      a.done(RetryLater{Duration{0}, why});
  }

  // Completes attempts whose acknowledgements did not come in time.
  void reap() {
    std::unique_lock lock(mu_);
    while (!closing_) {
      cv_.wait_for(lock, std::chrono::milliseconds(100));
      auto now = SteadyClock::now();
      std::vector<Done> late;
      for (auto it = attempts_.begin(); it != attempts_.end();) {
        if (it->second.deadline <= now) {
          late.push_back(std::move(it->second.done));
          it = attempts_.erase(it);
        } else {
          ++it;
        }
      }
      lock.unlock();
      for (auto& d : late)
        d(RetryLater{Duration{0}, "no acknowledgement within the timeout"});
      lock.lock();
    }
  }

  MqttOptions o_;
  RandomSource random_;  // the lane's thread only
  std::mutex mu_;        // guards what follows
  std::condition_variable cv_;
  std::map<uint64_t, Attempt> attempts_;
  uint64_t next_key_ = 0;
  bool connecting_ = false;
  bool closing_ = false;
  std::chrono::milliseconds backoff_{0};
  SteadyClock::time_point next_connect_{};
  std::atomic<bool> connected_{false};
  std::atomic<int> receive_maximum_{65'535};
  std::thread reaper_;
  // Declared last, so destroyed first: no callback runs into members already destroyed.
  std::unique_ptr<::mqtt::async_client> client_;
};

MqttChannel::MqttChannel(MqttOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
MqttChannel::~MqttChannel() = default;

Outcome MqttChannel::deliver(const Message& message) {
  auto promise = std::make_shared<std::promise<Outcome>>();
  auto future = promise->get_future();
  submit(message, [promise](Outcome o) { promise->set_value(std::move(o)); });
  return future.get();  // the reaper bounds the wait
}

void MqttChannel::submit(const Message& message, Done done) {
  if (!impl_->ready()) {
    done(RetryLater{Duration{0}, "not connected to the broker"});
    return;
  }
  impl_->submit(message, std::move(done));
}

int MqttChannel::max_window() const {
  return impl_->max_window();
}
bool MqttChannel::ready() {
  return impl_->ready();
}
bool MqttChannel::wants_expiry() const {
  return impl_->wants_expiry();
}
bool MqttChannel::wants_replaced() const {
  return impl_->wants_replaced();
}

Result<std::unique_ptr<Channel>> create(const config::Section& section,
                                        const config::Document& doc) {
  auto o = mqtt_options(section, doc);
  if (!o.ok()) return o.status();
  return std::unique_ptr<Channel>(std::make_unique<MqttChannel>(std::move(*o)));
}

}  // namespace capcast::dispatch::mqtt
