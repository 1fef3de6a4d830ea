// The one table of channel kinds. Adding a channel: its folder under dispatch/channels/, one
// entry here, one line in dispatch/CMakeLists.txt.
#include "capcast/dispatch/registry.h"

#include <algorithm>

#include "capcast/core/redact.h"
#include "file/file_channel.h"
#include "mqtt/mqtt_channel.h"

namespace capcast::dispatch {

using config::Key;
using config::Type;

namespace {

// The keys of an mqtt:// or mqtts:// channel; a URL query key of the same name overrides one.
std::vector<Key> mqtt_keys() {
  auto str = [](const char* name, const char* dflt, const char* help, bool secret = false) {
    return Key{name, Type::kString, config::Value{std::string(dflt)}, false, secret, help};
  };
  return {
      str("topic", "cap/{status}/{sender}/{event}",
          "topic template when the url has no path: {sender} {identifier} {status} {msgType} "
          "{scope} {event} {category} {urgency} {severity} {certainty} {language} "
          "{geocode:NAME}"),
      Key{"qos", Type::kInt, config::Value{int64_t{1}}, false, false, "0, 1 or 2"},
      Key{"retain", Type::kBool, config::Value{false}, false, false,
          "keep each alert's current message retained; an Update replaces it, a Cancel or "
          "expiry clears it"},
      Key{"mqtt_version", Type::kInt, config::Value{int64_t{5}}, false, false,
          "5, or 4 for MQTT 3.1.1 (no message expiry, no content type)"},
      str("client_id", "", "MQTT client id (default capcast-NAME)"),
      str("ca_bundle", "", "mqtts: CA certificates to trust (PEM); default the system's"),
      str("cert_file", "", "mqtts: client certificate (PEM)"),
      str("key_file", "", "mqtts: client certificate's private key (PEM)"),
      str("key_password", "", "mqtts: the private key's password", true),
      Key{"keep_alive", Type::kDuration, config::Value{int64_t{30'000}}, false, false,
          "MQTT keep-alive interval"},
      Key{"timeout", Type::kDuration, config::Value{int64_t{10'000}}, false, false,
          "connect timeout, and how long an attempt waits for its acknowledgements"},
      Key{"max_inflight", Type::kInt, config::Value{int64_t{1000}}, false, false,
          "publishes awaiting acknowledgement at once (capped by the broker's Receive "
          "Maximum: set max_inflight_messages in mosquitto.conf)"},
      str("persistence_dir", "",
          "keep Paho's in-flight QoS 1/2 state here, with a persistent session"),
      Key{"expiry", Type::kBool, config::Value{true}, false, false,
          "MQTT 5 message expiry from the alert's <expires>"},
      str("mode", "cap", "cap: publish the CAP XML; wis2: publish WIS2 notification messages"),
      str("centre_id", "", "wis2: the WIS2 centre-id, e.g. int-wmo-test"),
      str("link_base", "", "wis2: the http(s) base URL where capcast serves /alerts/ID.xml"),
      str("metadata_id", "", "wis2: the dataset's WCMP2 record id"),
      str("data_id", "per-message", "wis2: per-message or per-incident data_id"),
  };
}

}  // namespace

const std::vector<ChannelKind>& channel_kinds() {
  static const std::vector<ChannelKind> kKinds = {
      {"file",
       "one CAP XML file per alert in a folder: file:///var/capcast/out, or file:relative/dir",
       {Key{"fsync", Type::kBool, config::Value{true}, false, false,
            "fsync each file and the folder before reporting it delivered"}},
       &file::create},
      {"mqtt", "publish to an MQTT broker: mqtt://user:pass@host:1883/{topic-template}?qos=1",
       mqtt_keys(), &mqtt::create},
      {"mqtts", "the same over TLS: mqtts://user:pass@host:8883/{topic-template}", mqtt_keys(),
       &mqtt::create},
  };
  return kKinds;
}

config::SectionSpec channel_section() {
  config::SectionSpec s;
  s.name = "channel";
  s.help = "a way out for alerts, named by a URL whose scheme selects its kind";
  s.repeated = true;
  s.keys = {
      Key{"name", Type::kString, std::nullopt, true, false, "a unique name, used in logs"},
      Key{"url", Type::kString, std::nullopt, true, false,
          "where to deliver; a password in it is masked in every log"},
      Key{"max_attempts", Type::kInt, config::Value{int64_t{12}}, false, false,
          "attempts before a delivery is dead-lettered"},
      Key{"backoff_base", Type::kDuration, config::Value{int64_t{1000}}, false, false,
          "first retry waits up to this long (full-jitter exponential backoff)"},
      Key{"backoff_max", Type::kDuration, config::Value{int64_t{600'000}}, false, false,
          "longest wait between two attempts"},
      Key{"window", Type::kInt, config::Value{int64_t{0}}, false, false,
          "attempts outstanding at once (0: as many as the channel allows, e.g. the MQTT "
          "in-flight window)"},
      Key{"rate", Type::kDouble, config::Value{0.0}, false, false,
          "attempts per second at most, a token bucket with a burst of one second (0: "
          "unlimited)"},
      Key{"block_names", Type::kStringArray, config::Value{std::vector<std::string>{}}, false,
          false,
          "IPAWS BLOCKCHANNEL values (CMAS, EAS, NWEM, PUBLIC ...): an alert that carries one "
          "of them is not sent to this channel"},
  };
  s.variant_key = "url";
  s.variant_from_url_scheme = true;
  for (const auto& k : channel_kinds())
    s.variants[k.scheme] = k.keys;
  return s;
}

Result<std::vector<NamedChannel>> build_channels(const config::Document& doc) {
  std::vector<NamedChannel> out;
  std::string errors;
  for (const auto& section : doc.entries("channel")) {
    std::string name = section.get_string("name");
    bool duplicate = false;
    for (const auto& c : out)
      duplicate |= c.name == name;
    if (duplicate) {
      errors += (errors.empty() ? "" : "\n") + section.location_of("name").to_string() + ": " +
                section.label() + ": a channel named '" + name + "' already exists";
      continue;
    }
    const ChannelKind* kind = nullptr;
    for (const auto& k : channel_kinds()) {
      if (section.variant() == k.scheme) kind = &k;
    }
    if (!kind) {
      errors += (errors.empty() ? "" : "\n") + section.location_of("url").to_string() + ": " +
                section.label() + ": no channel kind for url '" + section.display("url") + "'";
      continue;
    }
    auto ch = kind->create(section, doc);
    if (!ch.ok()) {
      errors += (errors.empty() ? "" : "\n") + ch.status().message();
      continue;
    }
    NamedChannel nc;
    nc.name = name;
    nc.url = mask_url_password(doc.resolve_url(section.get_string("url")));
    nc.channel = std::move(*ch);
    nc.max_attempts = static_cast<int>(std::max<int64_t>(1, section.get_int("max_attempts")));
    nc.backoff_base = section.get_duration("backoff_base");
    nc.backoff_max = section.get_duration("backoff_max");
    nc.window = static_cast<int>(std::clamp<int64_t>(section.get_int("window"), 0, 65'535));
    nc.rate = std::max(0.0, section.get_double("rate"));
    out.push_back(std::move(nc));
  }
  if (!errors.empty()) return Status(Code::kInvalidArgument, errors);
  return out;
}

}  // namespace capcast::dispatch
