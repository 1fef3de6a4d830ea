#include "capcast/ingest/settings.h"

#include "capcast/core/version.h"
#include "capcast/ingest/subscriber.h"

namespace capcast::ingest {
namespace {

// A type = "mqtt" entry: an mqtt(s):// broker URL, QoS 0 or 1, at least one topic filter.
// On error, *key names the key at fault.
Status check_mqtt_source(const config::Section& s, const std::string& url, std::string* key) {
  *key = "url";
  if (!is_subscription(url)) {
    return invalid_argument("url '" + s.display("url") + "' is not mqtt:// or mqtts://");
  }
  if (auto b = parse_broker_url(url); !b.ok()) {
    return invalid_argument("url '" + s.display("url") + "': " + b.status().message());
  }
  // QoS 2 would add nothing here: duplicates are dropped by the store anyway.
  *key = "qos";
  if (s.get_int("qos") < 0 || s.get_int("qos") > 1) return invalid_argument("qos must be 0 or 1");
  *key = "topics";
  if (s.get_strings("topics").empty()) return invalid_argument("topics is empty");
  *key = "cert_file";
  if (s.get_string("cert_file").empty() != s.get_string("key_file").empty()) {
    return invalid_argument("cert_file and key_file go together");
  }
  if (url.rfind("mqtts://", 0) != 0) {
    for (const char* k : {"ca_bundle", "cert_file"}) {
      *key = k;
      if (!s.get_string(k).empty())
        return invalid_argument(std::string(k) + " needs an mqtts:// url");
    }
  }
  return {};
}

}  // namespace

using config::Key;
using config::Type;
using config::Value;

config::SectionSpec ingest_section() {
  config::SectionSpec s;
  s.name = "ingest";
  s.help = "how every source is fetched";
  s.keys = {
      Key{"operator", Type::kString, Value{std::string()}, false, false,
          "who runs this capcast (a contact URL or e-mail), added to the User-Agent so that feed "
          "operators can reach you (NWS requires one)"},
      Key{"timeout", Type::kDuration, Value{int64_t{30'000}}, false, false,
          "longest time one transfer may take"},
      Key{"max_bytes", Type::kInt, Value{int64_t{16 * 1024 * 1024}}, false, false,
          "largest response accepted; a larger one fails the poll"},
      Key{"max_backoff", Type::kDuration, Value{int64_t{3'600'000}}, false, false,
          "longest wait before polling a failing source again"},
      Key{"min_host_interval", Type::kDuration, Value{int64_t{1'000}}, false, false,
          "shortest time between the starts of two requests to one host (scheme, host, port; "
          "file:// is exempt), so that several sources on one server do not hammer it; its "
          "sources take turns; 0: no limit"},
      Key{"ca_bundle", Type::kString, Value{std::string()}, false, false,
          "CA certificates for HTTPS (PEM file); empty: the system store"},
      Key{"first_poll_spread", Type::kDuration, std::nullopt, false, false,
          "at start, each source's first poll is put off by a share of this (at most its "
          "interval) fixed by its name, so that many sources do not all start at once; \"0s\": "
          "every source at once; not set: 100 ms per polled source after the first"},
  };
  return s;
}

config::SectionSpec source_section() {
  config::SectionSpec s;
  s.name = "source";
  s.help = "a feed that is polled for alerts";
  s.repeated = true;
  std::string types;
  for (const auto& f : formats())
    types += (types.empty() ? "" : ", ") + std::string(f.name);
  s.variant_key = "type";
  for (const auto& f : formats())
    s.variants[f.name] = f.keys;
  s.keys = {
      Key{"name", Type::kString, std::nullopt, true, false, "a unique name, used in logs"},
      Key{"type", Type::kString, Value{std::string("cap-atom")}, false, false,
          "what the URL returns: " + types},
      Key{"url", Type::kString, std::nullopt, true, false,
          "http(s)://..., file:///absolute/path, or file:path relative to this file; for type "
          "mqtt: mqtt(s)://[user[:password]@]host[:port]"},
      Key{"interval", Type::kDuration, Value{int64_t{60'000}}, false, false,
          "time between two polls"},
      Key{"enabled", Type::kBool, Value{true}, false, false, "false: configured but not polled"},
  };
  return s;
}

PollerOptions poller_options(const config::Document& doc) {
  const auto& s = doc.section("ingest");
  PollerOptions o;
  o.fetch.user_agent = std::string("capcast/") + kVersion;
  if (!s.get_string("operator").empty())
    o.fetch.user_agent += " (" + s.get_string("operator") + ")";
  o.fetch.timeout = s.get_duration("timeout");
  o.fetch.max_bytes = static_cast<size_t>(s.get_int("max_bytes"));
  o.fetch.ca_bundle = s.get_string("ca_bundle");
  o.max_backoff = s.get_duration("max_backoff");
  o.min_host_interval = s.get_duration("min_host_interval");
  if (s.has("first_poll_spread")) o.first_poll_spread = s.get_duration("first_poll_spread");
  return o;
}

Result<std::vector<SourceSpec>> sources_from(const config::Document& doc) {
  std::vector<SourceSpec> out;
  std::string errors;
  auto fail = [&](const config::Section& s, const std::string& key, const std::string& what) {
    errors += (errors.empty() ? "" : "\n") + s.location_of(key).to_string() + ": " + s.label() +
              ": " + what;
  };
  for (const auto& s : doc.entries("source")) {
    std::string name = s.get_string("name");
    for (const auto& o : out) {
      if (o.name == name) fail(s, "name", "a source named '" + name + "' already exists");
    }
    const Format* format = find_format(s.get_string("type"));
    if (!format) {
      std::string types;
      for (const auto& f : formats())
        types += (types.empty() ? "" : ", ") + std::string(f.name);
      fail(s, "type", "type '" + s.get_string("type") + "' is not one of: " + types);
      continue;
    }
    std::string url = doc.resolve_url(s.get_string("url"));
    if (std::string_view(format->name) == "mqtt") {
      // Read by subscription (MqttSubscriber), not polled.
      std::string key;
      if (auto st = check_mqtt_source(s, url, &key); !st.ok()) {
        fail(s, key, st.message());
        continue;
      }
    } else if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0 &&
               url.rfind("file://", 0) != 0) {
      fail(s, "url", "url '" + s.display("url") + "' is not http(s):// or file:");
      continue;
    }
    if (s.get_duration("interval") < Duration{1000}) {
      fail(s, "interval", "interval must be at least 1s");
      continue;
    }
    // A format that makes CAP puts `sender` in every alert: refuse the placeholder default and
    // what CAP 1.2 §3.2.1 forbids there (spaces, commas, '<', '&'), before anything is issued.
    bool has_sender = false;
    for (const auto& k : format->keys)
      has_sender |= k.name == "sender";
    if (has_sender) {
      std::string sender = s.get_string("sender");
      if (sender.empty() || sender == kSenderPlaceholder) {
        fail(s, "sender",
             "set sender: the CAP <sender> of the alerts this source makes (your domain or an "
             "OID, CAP 1.2 §3.2.1)");
        continue;
      }
      if (sender.find_first_of(" \t\r\n,<&") != std::string::npos) {
        fail(s, "sender",
             "sender '" + sender + "' may not contain spaces, commas, '<' or '&' (CAP 1.2 §3.2.1)");
        continue;
      }
    }
    if (!s.get_bool("enabled")) continue;
    SourceSpec spec{name, format, url, s.get_duration("interval"), &s};
    if (std::string_view(format->name) == "mqtt") {
      auto path = [&](const char* k) {
        std::string written = s.get_string(k);
        return written.empty() ? written : doc.resolve_path(written).string();
      };
      spec.ca_bundle = path("ca_bundle");
      spec.cert_file = path("cert_file");
      spec.key_file = path("key_file");
    }
    out.push_back(std::move(spec));
  }
  if (!errors.empty()) return Status(Code::kInvalidArgument, errors);
  return out;
}

}  // namespace capcast::ingest
