// The mqtt channel (mqtt://user:pass@host:1883/{topic-template}?qos=1, mqtts:// with TLS):
// publishes each alert's CAP XML, or in WIS2 mode a WIS2 Notification Message, with Eclipse Paho
// C++ (async_client, MQTT 3.1.1 or 5). Asynchronous: up to its window of publishes are
// outstanding at once, each completed by its PUBACK (QoS 1) or PUBCOMP (QoS 2).
//
// Retained state (retain = true): each alert's topic holds its current message; an Update
// replaces it (and clears the topics of the alerts it replaced, when they differ); a Cancel is
// published, then the topics of the alerts it cancelled are cleared with an empty retained
// message (MQTT 3.1.1 §3.3.1.3, MQTT 5.0 §3.3.1.3), and so is the topic of an alert that expires.
//
// Known traps of Paho C++ 1.2.0 / mosquitto 2.0 (docs/CHANNELS.md): completion is tracked per
// publish with an action listener and the token's user context, never through
// callback::delivery_complete (which 1.2.0 also fires for publishes that failed); the window is
// capped at the broker's Receive Maximum (MQTT 5.0 §3.2.2.3.3), so that Paho never queues a
// publish behind a full in-flight window (it would drain at about one window per second).
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "capcast/core/broker_url.h"
#include "capcast/dispatch/channel.h"
#include "mqtt/topic_template.h"
#include "mqtt/wis2.h"

namespace capcast::dispatch::mqtt {

struct MqttOptions {
  BrokerUrl broker;
  TopicTemplate topic;
  int qos = 1;
  bool retain = false;
  int mqtt_version = 5;  // 4 (MQTT 3.1.1) or 5
  std::string client_id;
  std::string ca_bundle;  // TLS: trusted CAs (empty: the system's)
  std::string cert_file;  // TLS client certificate (PEM), and its key
  std::string key_file;
  std::string key_password;
  Duration keep_alive{30'000};
  Duration timeout{10'000};  // connect, and each attempt's acknowledgements
  int max_inflight = 1000;
  // Paho's file persistence and a persistent session: a QoS 1/2 handshake interrupted by a
  // restart is completed afterwards, and the outbox re-sends its delivery too (not exactly once:
  // docs/CHANNELS.md). Empty: a clean session; the outbox alone re-sends.
  std::string persistence_dir;
  bool expiry = true;  // MQTT 5 Message Expiry Interval from CAP <expires>
  bool wis2 = false;   // publish WIS2 Notification Messages instead of the CAP
  std::string centre_id;
  std::string link_base;  // where capcast serves /alerts/ID.xml, e.g. https://alerts.example.org
  std::string metadata_id;
  DataIdScheme data_id_scheme = DataIdScheme::kPerMessage;
};

// The channel's options from its URL (scheme, credentials, path = topic template, query) and its
// [[channel]] entry; a URL query key overrides the entry's key of the same name. Pure.
Result<MqttOptions> mqtt_options(const config::Section& section, const config::Document& doc);

// One publish of an attempt: topic, payload, retain flag, and the MQTT 5 properties' inputs.
struct Publish {
  std::string topic;
  std::string payload;
  bool retain = false;
  std::string content_type;         // MQTT 5 only; empty for a clearing message
  std::optional<int64_t> expiry_s;  // MQTT 5 Message Expiry Interval
};

// What the channel publishes for one delivery, in order. Pure.
Result<std::vector<Publish>> plan(const MqttOptions& o, const Message& m, int64_t now_ms,
                                  const RandomSource& random);

class MqttChannel final : public Channel {
 public:
  explicit MqttChannel(MqttOptions options);
  ~MqttChannel() override;

  Outcome deliver(const Message& message) override;
  void submit(const Message& message, Done done) override;
  int max_window() const override;
  bool ready() override;
  bool wants_expiry() const override;
  bool wants_replaced() const override;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

Result<std::unique_ptr<Channel>> create(const config::Section& section,
                                        const config::Document& doc);

}  // namespace capcast::dispatch::mqtt
