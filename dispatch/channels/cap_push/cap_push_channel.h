// CAP push: each alert's CAP XML, as received (a signature kept byte for byte), POSTed to an
// operator's gateway (the style of the US C-interface between a federal alert gateway and the
// carriers: the operator's side turns CAP into cell broadcast itself). Named by a URL,
//   cap+https://gateway.operator.example/cap/v1/alerts   (cap+http:// without TLS)
// with Basic credentials in the URL or an Authorization value in config, and client
// certificates for mutual TLS. The gateway's answer is the delivery's outcome: 2xx delivered (409,
// "I have it already", too: a retry after a lost answer), 408/429/5xx and no answer retried
// (Retry-After honoured), any other status a permanent refusal, with the status and the start of
// its body as the reason. An Update and a Cancel are CAP messages too: pushed as they are.
// With sign_key_file and sign_cert_file, each alert is pushed with capcast's enveloped XML-DSig
// signature appended (cap/signature.h, CAP 1.2 §3.3.2.1); an alert its originator signed already
// is pushed as it is, so that the originator's signature reaches the gateway intact.
#pragma once

#include <memory>
#include <optional>

#include "capcast/cap/signature.h"
#include "capcast/config/config.h"
#include "capcast/config/schema.h"
#include "capcast/core/result.h"
#include "capcast/dispatch/channel.h"
#include "http/client.h"

namespace capcast::dispatch::cap_push {

struct CapPushOptions {
  http::Target target;
  std::string path;  // the URL's path and query
  std::string content_type = "application/cap+xml";
  std::optional<cap::Signer> signer;  // sign what is not signed yet
};

class CapPushChannel final : public Channel {
 public:
  explicit CapPushChannel(CapPushOptions options) : o_(std::move(options)) {}
  Outcome deliver(const Message& message) override;

 private:
  CapPushOptions o_;
};

// Pure: the outcome of an answer.
Outcome classify(const http::Answer& answer);

std::vector<config::Key> keys();
Result<std::unique_ptr<Channel>> create(const config::Section& section,
                                        const config::Document& doc);

}  // namespace capcast::dispatch::cap_push
