#include "cap_push/cap_push_channel.h"

#include <spdlog/spdlog.h>

#include "capcast/core/broker_url.h"

namespace capcast::dispatch::cap_push {

using config::Key;
using config::Type;

Outcome classify(const http::Answer& a) {
  if (a.status == 0) return RetryLater{Duration{0}, "no answer: " + a.error};
  const std::string what =
      "HTTP " + std::to_string(a.status) + (a.body.empty() ? "" : ": " + a.body.substr(0, 200));
  if ((a.status >= 200 && a.status < 300) || a.status == 409) return Delivered{};
  if (a.status == 408 || a.status == 429 || a.status >= 500) {
    return RetryLater{std::chrono::seconds(std::max(0L, a.retry_after_s)), what};
  }
  return Rejected{what};
}

Outcome CapPushChannel::deliver(const Message& m) {
  http::Target t = o_.target;
  // An idempotency key: the same delivery, retried, carries the same value.
  t.headers.push_back("X-Capcast-Delivery: " + std::to_string(m.delivery_id));
  std::string body(m.xml);
  if (o_.signer && cap::is_signed(m.xml)) {
    // The originator's signature covers the whole alert: a second one would change nothing it
    // proves, and changing the alert would break it. So the alert goes as it came.
    spdlog::info(
        "cap push: ({}, {}) is signed by its originator already: pushed as it is, "
        "without capcast's signature",
        m.sender, m.identifier);
  } else if (o_.signer) {
    auto signed_xml = cap::sign(m.xml, *o_.signer);
    if (!signed_xml.ok())
      return Rejected{"cannot sign the alert: " + signed_xml.status().message()};
    body = std::move(*signed_xml);
  }
  return classify(http::request(t, "POST", o_.path, o_.content_type, std::move(body)));
}

std::vector<Key> keys() {
  auto str = [](const char* name, const char* dflt, const char* help, bool secret = false) {
    return Key{name, Type::kString, config::Value{std::string(dflt)}, false, secret, help};
  };
  return {
      str("authorization", "", "the Authorization header's value (e.g. Bearer ...)", true),
      Key{"headers", Type::kStringArray, config::Value{std::vector<std::string>{}}, false, true,
          "extra request headers, \"Name: value\""},
      str("content_type", "application/cap+xml", "the Content-Type of the CAP"),
      str("ca_bundle", "", "cap+https: CA certificates to trust (PEM); default the system's"),
      str("cert_file", "", "cap+https: client certificate (PEM), for mutual TLS"),
      str("key_file", "", "cap+https: the client certificate's private key (PEM)"),
      Key{"timeout", Type::kDuration, config::Value{int64_t{10'000}}, false, false,
          "how long one request may take, answer included"},
      str("sign_key_file", "",
          "sign each alert (XML-DSig, CAP 1.2 §3.3.2.1) with this PEM private key (RSA or EC); "
          "alerts signed by their originator are pushed as they are"),
      str("sign_cert_file", "", "the signing key's PEM certificate, written to KeyInfo"),
      str("sign_key_password", "", "the password of an encrypted sign_key_file", true),
  };
}

Result<std::unique_ptr<Channel>> create(const config::Section& s, const config::Document& doc) {
  auto url =
      parse_endpoint_url(s.get_string("url"), {{"cap+http", 80, false}, {"cap+https", 443, true}});
  if (!url.ok()) {
    return invalid_argument(s.location_of("url").to_string() + ": " + s.label() + ": " +
                            url.status().message());
  }
  CapPushOptions o;
  o.target = http::target_of(*url);
  o.target.authorization = s.get_string("authorization");
  o.target.headers = s.get_strings("headers");
  o.target.ca_bundle =
      s.get_string("ca_bundle").empty() ? "" : doc.resolve_path(s.get_string("ca_bundle")).string();
  o.target.cert_file =
      s.get_string("cert_file").empty() ? "" : doc.resolve_path(s.get_string("cert_file")).string();
  o.target.key_file =
      s.get_string("key_file").empty() ? "" : doc.resolve_path(s.get_string("key_file")).string();
  o.target.timeout =
      std::chrono::duration_cast<std::chrono::milliseconds>(s.get_duration("timeout"));
  // The path and query as written (still %-encoded: they go to the gateway as they are).
  const std::string raw = s.get_string("url");
  const size_t slash = raw.find('/', raw.find("://") + 3);
  o.path = slash == std::string::npos ? "/" : raw.substr(slash);
  o.content_type = s.get_string("content_type");
  const std::string sign_key = s.get_string("sign_key_file");
  const std::string sign_cert = s.get_string("sign_cert_file");
  if (sign_key.empty() != sign_cert.empty()) {
    const char* given = sign_key.empty() ? "sign_cert_file" : "sign_key_file";
    return invalid_argument(s.location_of(given).to_string() + ": " + s.label() +
                            ": sign_key_file and sign_cert_file go together");
  }
  if (!sign_key.empty()) {
    auto signer =
        cap::load_signer(doc.resolve_path(sign_key).string(), doc.resolve_path(sign_cert).string(),
                         s.get_string("sign_key_password"));
    if (!signer.ok()) {
      return invalid_argument(s.location_of("sign_key_file").to_string() + ": " + s.label() + ": " +
                              signer.status().message());
    }
    spdlog::info("{}: signing alerts as {} ({})", s.label(), signer->subject(),
                 signer->algorithm());
    o.signer = std::move(*signer);
  }
  return std::unique_ptr<Channel>(std::make_unique<CapPushChannel>(std::move(o)));
}

}  // namespace capcast::dispatch::cap_push
