// One synchronous HTTP request with libcurl, for the channels whose peers answer each request at
// once and take one at a time (a CBC's REST API, an operator's CAP gateway). TLS verification is
// always on; no redirects (a redirect would resend a credential or the alert elsewhere).
// Thread-compatible: one request per call, no shared state.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "capcast/core/broker_url.h"

namespace capcast::dispatch::http {

struct Target {
  std::string base;  // "http://host:port" or "https://host:port", no credentials, no path
  std::string user;  // HTTP Basic, when set
  std::string password;
  std::string authorization;         // an Authorization header value, e.g. "Bearer ..."
  std::vector<std::string> headers;  // "Name: value"
  std::string ca_bundle;             // PEM CAs to trust; default the system's
  std::string cert_file;             // a client certificate (PEM), for mutual TLS
  std::string key_file;
  std::chrono::milliseconds timeout{10'000};
  std::chrono::milliseconds connect_timeout{5'000};
};

struct Answer {
  int status = 0;           // 0: no answer (error says why)
  std::string body;         // at most 64 KiB kept
  std::string error;        // libcurl's, naming the host but never a credential
  long retry_after_s = -1;  // a Retry-After in seconds, when the peer sent one
};

// The target of a channel URL: base "http(s)://host:port" (an IPv6 literal in brackets) by
// url.tls, and its credentials; the rest is the caller's.
Target target_of(const BrokerUrl& url);

Answer request(const Target& target, const std::string& method, const std::string& path,
               const std::string& content_type, const std::string& body);

}  // namespace capcast::dispatch::http
