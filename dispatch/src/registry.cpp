// The one table of channel kinds. Adding a channel: its folder under dispatch/channels/, one
// entry here, one line in dispatch/CMakeLists.txt.
#include "capcast/dispatch/registry.h"

#include <algorithm>

#include "cap_push/cap_push_channel.h"
#include "capcast/core/redact.h"
#include "cbs/channels.h"
#include "cbs/profile_config.h"
#include "file/file_channel.h"
#include "http_sms/http_sms_channel.h"
#include "mqtt/mqtt_channel.h"
#include "smpp/smpp_channel.h"

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

// The keys of an smpp:// channel; the url's query may set source, binds, window, rate, bind,
// system_type and concatenation.
std::vector<Key> smpp_keys() {
  auto str = [](const char* name, const char* dflt, const char* help) {
    return Key{name, Type::kString, config::Value{std::string(dflt)}, false, false, help};
  };
  auto num = [](const char* name, int64_t dflt, const char* help) {
    return Key{name, Type::kInt, config::Value{dflt}, false, false, help};
  };
  auto dur = [](const char* name, int64_t ms, const char* help) {
    return Key{name, Type::kDuration, config::Value{ms}, false, false, help};
  };
  return {
      str("source", "",
          "the sender people see: an alphanumeric id (at most 11 characters), a "
          "short code, or a number (+E.164); url: source="),
      str("bind", "transceiver",
          "transceiver (receipts come back on the same bind) or transmitter; url: bind="),
      num("binds", 1, "sessions to the SMSC at once; url: binds="),
      num("bind_window", 10, "submit_sm awaiting their response, per bind; url: window="),
      Key{"bind_rate", Type::kDouble, config::Value{0.0}, false, false,
          "submit_sm per second per bind (0: unlimited); url: rate="},
      Key{"total_rate", Type::kDouble, config::Value{0.0}, false, false,
          "submit_sm per second over all binds, shared evenly (0: unlimited)"},
      str("system_type", "", "system_type of the bind, when the SMSC wants one"),
      num("source_ton", -1, "source_addr TON (-1: from the source's form)"),
      num("source_npi", -1, "source_addr NPI (-1: from the source's form)"),
      num("dest_ton", -1, "destination TON (-1: from each number's form: +E.164 is 1)"),
      num("dest_npi", -1, "destination NPI (-1: from each number's form: +E.164 is 1)"),
      Key{"registered_delivery", Type::kBool, config::Value{true}, false, false,
          "ask the SMSC for a delivery receipt of each part"},
      Key{"submit_multi", Type::kBool, config::Value{false}, false, false,
          "send one submit_multi to many people with the same text (where the SMSC supports it)"},
      num("multi_max", 100, "submit_multi: most destinations in one PDU (1..254)"),
      dur("multi_wait", 20, "submit_multi: how long deliveries of the same text are gathered"),
      str("concatenation", "udh8",
          "how long texts are split: udh8, udh16, sar (TLVs) or payload (message_payload, the "
          "SMSC splits); url: concatenation="),
      str("gsm7_coding", "smsc-default",
          "data_coding of GSM 7-bit text: smsc-default (0x00) or ia5 (0x01, ASCII)"),
      num("max_parts", 6, "most SMS parts one message may take"),
      num("max_segments", 3, "the text is cut to fit this many parts (with an ellipsis)"),
      str("language", "en", "the <info> language to send when the recipient's is unknown"),
      str("url_template", "",
          "a link added when the <info> has no <web>; {identifier} is replaced"),
      dur("enquire_link", 30'000, "an enquire_link after this long without traffic"),
      dur("response_timeout", 10'000, "how long a request waits for its response"),
      dur("throttle_wait", 1'000,
          "after ESME_RTHROTTLED or ESME_RMSGQFUL: pause the bind this long and halve its rate"),
  };
}

// The keys of the HTTP SMS channels (http_sms_channel.h): those of both kinds, then Kannel's
// or the generic gateway's.
std::vector<Key> http_sms_keys(bool kannel) {
  auto str = [](const char* name, const char* dflt, const char* help, bool secret = false) {
    return Key{name, Type::kString, config::Value{std::string(dflt)}, false, secret, help};
  };
  auto list = [](const char* name, std::vector<std::string> dflt, const char* help,
                 bool secret = false) {
    return Key{name, Type::kStringArray, config::Value{std::move(dflt)}, false, secret, help};
  };
  std::vector<Key> keys = {
      str("from", "",
          kannel
              ? "the sender people see (sendsms from=; empty: Kannel's global-sender, which must "
                "then be set, else Kannel refuses with 400); url: from="
              : "the sender people see, the value of {from}"),
      str("language", "en", "the <info> language to send when the recipient's is unknown"),
      Key{"max_segments", Type::kInt, config::Value{int64_t{3}}, false, false,
          "the text is cut to fit this many SMS parts (with an ellipsis)"},
      str("url_template", "",
          "a link added when the <info> has no <web>; {identifier} is replaced"),
      Key{"timeout", Type::kDuration, config::Value{int64_t{10'000}}, false, false,
          "how long one request may take, answer included"},
      Key{"connect_timeout", Type::kDuration, config::Value{int64_t{5'000}}, false, false,
          "how long connecting to the gateway may take"},
      Key{"max_in_flight", Type::kInt, config::Value{int64_t{10}}, false, false,
          "requests outstanding at once (connections to the gateway)"},
      str("dlr_base", "",
          kannel ? "where Kannel reaches capcast's HTTP server (http://host:port): reports "
                   "come to /api/v1/dlr/{name}; empty: no reports"
                 : "where the gateway reaches capcast's HTTP server (http://host:port): "
                   "{dlr_url} is {dlr_base}/api/v1/dlr/{name}"),
      str("dlr_token", "",
          "a secret put in the dlr-url ({dlr_url}): reports without it are refused (the "
          "endpoint has no other authentication)",
          true),
  };
  if (kannel) {
    keys.push_back(str("smsc", "",
                       "route through this smsc group (sendsms smsc=; only binding when the "
                       "groups set allowed-smsc-id or preferred-smsc-id); url: smsc="));
    keys.push_back(Key{"dlr_mask", Type::kInt, config::Value{int64_t{31}}, false, false,
                       "delivery reports wanted: 1 delivered, 2 failed, 4 buffered, 8 accepted "
                       "by the SMSC, 16 rejected by the SMSC; url: dlr-mask="});
    return keys;
  }
  keys.push_back(
      str("ca_bundle", "", "https: CA certificates to trust (PEM); default the system's"));
  keys.push_back(str("method", "POST", "GET, POST or PUT"));
  keys.push_back(
      list("headers", {}, "extra request headers, \"Name: value\" (may hold API keys)", true));
  keys.push_back(str("authorization", "", "the Authorization header's value (a token)", true));
  keys.push_back(str("content_type", "application/json",
                     "of the body: placeholders are JSON-escaped in a JSON body, %-encoded in "
                     "an application/x-www-form-urlencoded one, else inserted as they are"));
  keys.push_back(str("body", "",
                     "the body template: {to} (+E.164), {text}, {from}, {id} (capcast's id of "
                     "the delivery); in the url they are %-encoded"));
  keys.push_back(list("success_codes", {"2xx"}, "status codes (200) or classes (2xx) of success"));
  keys.push_back(list("retry_codes", {"408", "429", "5xx"},
                      "status codes that mean try again later (Retry-After honoured); any "
                      "other is a permanent refusal"));
  keys.push_back(str("id_pointer", "",
                     "where the gateway's message id is in a JSON answer: a JSON pointer "
                     "(RFC 6901), e.g. /messages/0/id"));
  keys.push_back(str("id_regex", "", "or a regex whose first group is the id in the answer"));
  keys.push_back(str("dlr_id", "",
                     "where a delivery report names the message: a JSON pointer (/message_id) "
                     "into a JSON body, or a query/form field; empty: no reports taken"));
  keys.push_back(str("dlr_status", "", "where a report's status is: a JSON pointer or a field"));
  keys.push_back(str("dlr_list", "",
                     "where a JSON body holds several reports: a JSON pointer to their array "
                     "(/results); dlr_id and dlr_status are then pointers within each"));
  keys.push_back(list("dlr_delivered", {"delivered", "DELIVRD"},
                      "report statuses that mean delivered (any case)"));
  keys.push_back(
      list("dlr_failed",
           {"failed", "undelivered", "undeliverable", "rejected", "expired", "UNDELIV", "REJECTD"},
           "report statuses that mean not delivered, finally; any other is not final"));
  return keys;
}

// kannels:// (Kannel's sendsms over TLS): Kannel's keys and the CA to trust.
std::vector<Key> kannels_keys() {
  std::vector<Key> keys = http_sms_keys(true);
  keys.push_back(Key{"ca_bundle", Type::kString, config::Value{std::string()}, false, false,
                     "CA certificates to trust (PEM), e.g. those of a private CA that signed "
                     "smsbox's ssl-server-cert-file; default the system's"});
  return keys;
}

std::optional<store::CancelPending> parse_cancel_pending(const std::string& v) {
  if (v == "cancel") return store::CancelPending::kCancel;
  if (v == "notify") return store::CancelPending::kNotify;
  return std::nullopt;
}

// A channel's cancel_pending, from its url's query (which wins, like every url option) or its
// key. The option is the engine's, not the kind's: it is taken out of the url the kind reads,
// since kinds refuse query keys they do not know, or pass them on to the peer.
Status take_cancel_pending(config::Section& section, std::optional<store::CancelPending>* out) {
  if (section.has("cancel_pending")) {
    std::string v = section.get_string("cancel_pending");
    *out = parse_cancel_pending(v);
    if (!*out) {
      return Status(Code::kInvalidArgument,
                    section.location_of("cancel_pending").to_string() + ": " + section.label() +
                        ": cancel_pending must be \"cancel\" or \"notify\", not '" + v + "'");
    }
  }
  const std::string url = section.get_string("url");
  const size_t q = url.find('?');
  if (q == std::string::npos) return {};
  const size_t end = std::min(url.find('#', q), url.size());
  std::string kept;
  bool found = false;
  size_t at = q + 1;
  while (at <= end) {
    size_t amp = std::min(url.find('&', at), end);
    std::string param = url.substr(at, amp - at);
    if (param.rfind("cancel_pending=", 0) == 0) {
      std::string v = param.substr(std::string("cancel_pending=").size());
      *out = parse_cancel_pending(v);
      if (!*out) {
        return Status(Code::kInvalidArgument,
                      section.location_of("url").to_string() + ": " + section.label() +
                          ": url option cancel_pending=" + v + ": not cancel or notify");
      }
      found = true;
    } else if (!param.empty()) {
      kept += (kept.empty() ? "" : "&") + param;
    }
    at = amp + 1;
  }
  if (found) {
    section.set("url", url.substr(0, q) + (kept.empty() ? "" : "?" + kept) + url.substr(end),
                section.location_of("url"), false);
  }
  return {};
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
      {"smpp",
       "SMS to people through an SMSC (SMPP 3.4): "
       "smpp://system_id:password@host:2775?source=EWS&binds=2&window=64",
       smpp_keys(), &smpp::create},
      {"kannel",
       "SMS to people through Kannel's sendsms: "
       "kannel://user:pass@host:13013/cgi-bin/sendsms?from=EWS&smsc=SMPP1",
       http_sms_keys(true), &http_sms::create},
      {"kannels",
       "the same over TLS (smsbox sendsms-port-ssl): "
       "kannels://user:pass@host:13013?from=EWS",
       kannels_keys(), &http_sms::create},
      {"http+sms",
       "SMS to people through an HTTP gateway, the url a template: "
       "http+sms://user:pass@host/send?to={to}&text={text}",
       http_sms_keys(false), &http_sms::create},
      {"https+sms", "the same over TLS: https+sms://host/v1/messages", http_sms_keys(false),
       &http_sms::create},
      {"cbsp",
       "cell broadcast over CBSP (3GPP TS 48.049) to BSCs, capcast as the CBC: "
       "cbsp://bsc.operator.example:48049",
       cbs::cbsp_keys(), &cbs::create_cbsp},
      {"ecbe", "cell broadcast through osmo-cbc's ECBE REST API (whole network): ecbe://host:12345",
       cbs::ecbe_keys(), &cbs::create_ecbe},
      {"ecbes", "the same over TLS: ecbes://host:12345", cbs::ecbe_keys(), &cbs::create_ecbe},
      {"cap+http",
       "the CAP itself POSTed to an operator's gateway: cap+http://user:pass@host/cap/alerts",
       cap_push::keys(), &cap_push::create},
      {"cap+https", "the same over TLS (client certificates optional): cap+https://host/cap",
       cap_push::keys(), &cap_push::create},
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
      Key{"cancel_pending", Type::kString, std::nullopt, false, false,
          "what a Cancel does where the alert it cancels is still pending: cancel (drop it, "
          "send no Cancel: the default for channels to people) or notify (drop it, send the "
          "Cancel instead: the default for the others); url: cancel_pending="},
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
  // The operator's cell broadcast profiles, once, whether a channel uses them or not.
  if (auto profiles = cbs::operator_profiles(doc); !profiles.ok()) {
    errors = profiles.status().message();
  }
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
    // The kind reads its url without the engine's own option.
    config::Section own = section;
    std::optional<store::CancelPending> cancel_pending;
    if (auto st = take_cancel_pending(own, &cancel_pending); !st.ok()) {
      errors += (errors.empty() ? "" : "\n") + st.message();
      continue;
    }
    auto ch = kind->create(own, doc);
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
    nc.cancel_pending = cancel_pending;
    out.push_back(std::move(nc));
  }
  if (!errors.empty()) return Status(Code::kInvalidArgument, errors);
  return out;
}

}  // namespace capcast::dispatch
