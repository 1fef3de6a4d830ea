// The mqtt channel's pure half: its options from URL and config, and what it publishes for a
// delivery (mqtt_channel.h).
#include <algorithm>
#include <set>

#include "capcast/cap/datetime.h"
#include "capcast/cap/parse.h"
#include "capcast/config/config.h"
#include "mqtt/mqtt_channel.h"

namespace capcast::dispatch::mqtt {
namespace {

Status config_error(const config::Section& s, const std::string& key, const std::string& what) {
  return invalid_argument(s.location_of(key).to_string() + ": " + s.label() + ": " + what);
}

std::optional<bool> parse_bool(const std::string& v) {
  if (v == "true" || v == "1" || v == "yes") return true;
  if (v == "false" || v == "0" || v == "no") return false;
  return std::nullopt;
}

std::optional<int64_t> parse_int(const std::string& v) {
  if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoll(v);
}

// The latest <expires> of the alert's <info>s: the message is true while any of them is.
std::optional<int64_t> expires_ms(const cap::Alert& a) {
  std::optional<int64_t> latest;
  for (const auto& info : a.infos) {
    if (!info.expires) return std::nullopt;  // an <info> without <expires> does not expire
    auto t = cap::parse_datetime(*info.expires);
    if (!t) return std::nullopt;
    latest = std::max(latest.value_or(t->unix_ms), t->unix_ms);
  }
  return latest;
}

}  // namespace

Result<MqttOptions> mqtt_options(const config::Section& s, const config::Document& doc) {
  MqttOptions o;
  auto url = parse_broker_url(s.get_string("url"));
  if (!url.ok())
    return config_error(s, "url", "url '" + s.display("url") + "': " + url.status().message());
  o.broker = std::move(*url);
  std::string topic = o.broker.path.empty() ? s.get_string("topic") : o.broker.path;
  o.qos = static_cast<int>(s.get_int("qos"));
  o.retain = s.get_bool("retain");
  o.mqtt_version = static_cast<int>(s.get_int("mqtt_version"));
  o.client_id = s.get_string("client_id");
  o.ca_bundle = s.get_string("ca_bundle");
  if (!o.ca_bundle.empty()) o.ca_bundle = doc.resolve_path(o.ca_bundle).string();
  o.cert_file = s.get_string("cert_file");
  if (!o.cert_file.empty()) o.cert_file = doc.resolve_path(o.cert_file).string();
  o.key_file = s.get_string("key_file");
  if (!o.key_file.empty()) o.key_file = doc.resolve_path(o.key_file).string();
  o.key_password = s.get_string("key_password");
  o.keep_alive = s.get_duration("keep_alive");
  o.timeout = s.get_duration("timeout");
  o.max_inflight = static_cast<int>(s.get_int("max_inflight"));
  o.persistence_dir = s.get_string("persistence_dir");
  if (!o.persistence_dir.empty()) o.persistence_dir = doc.resolve_path(o.persistence_dir).string();
  o.expiry = s.get_bool("expiry");
  std::string mode = s.get_string("mode");
  o.centre_id = s.get_string("centre_id");
  o.link_base = s.get_string("link_base");
  o.metadata_id = s.get_string("metadata_id");
  std::string scheme = s.get_string("data_id");

  // "Options not in the URL come from the config section": the URL wins where both say, and
  // an error about a value the URL gave points at the url.
  std::set<std::string> from_url;
  auto at = [&](const std::string& key) { return from_url.count(key) ? "url" : key; };
  for (const auto& [key, value] : o.broker.query) {
    from_url.insert(key == "version" ? "mqtt_version" : key == "window" ? "max_inflight" : key);
    auto bad = [&](const std::string& what) {
      return config_error(s, "url", "url option " + key + "=" + value + ": " + what);
    };
    if (key == "qos") {
      auto v = parse_int(value);
      if (!v) return bad("not a number");
      o.qos = static_cast<int>(*v);
    } else if (key == "retain" || key == "expiry") {
      auto v = parse_bool(value);
      if (!v) return bad("not true or false");
      (key == "retain" ? o.retain : o.expiry) = *v;
    } else if (key == "mqtt_version" || key == "version") {
      auto v = parse_int(value);
      if (!v) return bad("not a number");
      o.mqtt_version = static_cast<int>(*v);
    } else if (key == "max_inflight" || key == "window") {
      auto v = parse_int(value);
      if (!v) return bad("not a number");
      o.max_inflight = static_cast<int>(*v);
    } else if (key == "client_id") {
      o.client_id = value;
    } else if (key == "mode") {
      mode = value;
    } else if (key == "centre_id") {
      o.centre_id = value;
    } else if (key == "link_base") {
      o.link_base = value;
    } else if (key == "data_id") {
      scheme = value;
    } else {
      return bad(
          "unknown option (known: qos, retain, expiry, mqtt_version, max_inflight, "
          "client_id, mode, centre_id, link_base, data_id)");
    }
  }

  if (o.qos < 0 || o.qos > 2) return config_error(s, at("qos"), "qos must be 0, 1 or 2");
  if (o.mqtt_version != 4 && o.mqtt_version != 5) {
    return config_error(s, at("mqtt_version"), "mqtt_version must be 4 (MQTT 3.1.1) or 5");
  }
  if (o.max_inflight < 1 || o.max_inflight > 65'535) {
    // MQTT 5.0 §3.2.2.3.3: Receive Maximum is 1..65535.
    return config_error(s, at("max_inflight"), "max_inflight must be 1..65535");
  }
  if (o.client_id.empty()) o.client_id = "capcast-" + s.get_string("name");
  if (o.client_id.size() > 65'535) return config_error(s, at("client_id"), "client_id is too long");
  if ((o.cert_file.empty()) != (o.key_file.empty())) {
    return config_error(s, "cert_file", "cert_file and key_file go together");
  }
  if (!o.broker.tls && (!o.cert_file.empty() || !o.ca_bundle.empty())) {
    return config_error(s, "url", "ca_bundle/cert_file need an mqtts:// url");
  }
  if (mode == "wis2") {
    o.wis2 = true;
    if (!valid_centre_id(o.centre_id)) {
      return config_error(s, at("centre_id"),
                          "wis2 mode needs a centre_id of lowercase letters, digits and dashes, "
                          "e.g. \"int-wmo-test\" (WIS2 topic hierarchy)");
    }
    if (o.link_base.rfind("https://", 0) != 0 && o.link_base.rfind("http://", 0) != 0) {
      return config_error(s, at("link_base"),
                          "wis2 mode needs link_base, the http(s) URL where capcast serves "
                          "/alerts/ID.xml (WNM /req/core/links)");
    }
    while (!o.link_base.empty() && o.link_base.back() == '/')
      o.link_base.pop_back();
    if (o.retain) {
      return config_error(s, at("retain"), "WIS2 forbids retained messages (WIS2 Guide §2.5.1)");
    }
    if (scheme == "per-message") {
      o.data_id_scheme = DataIdScheme::kPerMessage;
    } else if (scheme == "per-incident") {
      o.data_id_scheme = DataIdScheme::kPerIncident;
    } else {
      return config_error(s, at("data_id"), "data_id must be per-message or per-incident");
    }
    topic = "wis2";  // the WIS2 topic is fixed; the template is not used
  } else if (mode != "cap") {
    return config_error(s, at("mode"), "mode must be cap or wis2");
  }
  auto t = parse_topic_template(topic);
  if (!t.ok())
    return config_error(s, o.broker.path.empty() ? "topic" : "url",
                        "topic '" + topic + "': " + t.status().message());
  o.topic = std::move(*t);
  return o;
}

Result<std::vector<Publish>> plan(const MqttOptions& o, const Message& m, int64_t now_ms,
                                  const RandomSource& random) {
  auto parsed = cap::parse(m.xml);
  if (!parsed.ok()) return parsed.status();
  const cap::Alert& alert = parsed->alert;
  std::vector<Publish> out;

  if (o.wis2) {
    Wis2Options w;
    w.centre_id = o.centre_id;
    w.href = o.link_base + "/alerts/" + std::to_string(m.alert_id) + ".xml";
    w.data_id_scheme = o.data_id_scheme;
    w.metadata_id = o.metadata_id;
    w.now = from_unix_ms(now_ms);
    w.random = random;
    auto wnm = build_notification(alert, m.xml, m.event, w);
    if (!wnm.ok()) return wnm.status();
    auto topic = wis2_topic(o.centre_id);
    if (!topic.ok()) return topic.status();
    // WIS2 Guide §2.5.1: QoS 1, never retained.
    out.push_back({*topic, std::move(*wnm), false, "application/geo+json", std::nullopt});
    return out;
  }

  std::string topic = expand(o.topic, alert);
  std::optional<int64_t> expiry_s;
  if (o.expiry && o.mqtt_version == 5) {
    if (auto e = expires_ms(alert); e && *e > now_ms) expiry_s = (*e - now_ms + 999) / 1000;
  }
  std::string ct(kCapMediaType);
  auto clear = [&](const std::string& t) { out.push_back({t, "", true, "", std::nullopt}); };

  if (m.event == store::Event::kExpired) {
    if (o.retain) clear(topic);
    return out;
  }
  bool cancel = m.event == store::Event::kCancelled;
  out.push_back({topic, std::string(m.xml), o.retain && !cancel, ct, expiry_s});
  if (o.retain && (cancel || m.event == store::Event::kUpdated)) {
    std::set<std::string> cleared;
    for (auto xml : m.replaced) {
      auto old = cap::parse(xml);
      if (!old.ok()) continue;  // stored alerts parse; nothing to clear otherwise
      std::string t = expand(o.topic, old->alert);
      // An Update on the same topic replaced the retained message already.
      if ((cancel || t != topic) && cleared.insert(t).second) clear(t);
    }
  }
  return out;
}

}  // namespace capcast::dispatch::mqtt
