// MQTT broker URLs, as operators write them in a config or on a command line:
// mqtt://[user[:password]@]host[:port][/path][?key=value&...], and mqtts:// for TLS. Split so that
// the credentials go to the MQTT CONNECT packet and never into a log; shared by the mqtt source
// (ingest) and the mqtt channel (dispatch). Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "capcast/core/result.h"

namespace capcast {

struct BrokerUrl {
  std::string server;  // "mqtt://host:port" or "mqtts://host:port" (default ports 1883, 8883)
  std::string scheme;  // "mqtt", "smpp" ...
  std::string host;    // without the brackets of an IPv6 literal
  int port = 0;        // the URL's, or the scheme's default
  std::string user;
  std::string password;
  bool tls = false;
  // What follows the authority, '/' excluded, %-decoded: the mqtt channel's topic template.
  std::string path;
  // The query's key=value pairs in order, %-decoded ('+' is not a space here: topics may hold it).
  std::vector<std::pair<std::string, std::string>> query;
};

// Percent-escapes in user, password, path and query are decoded (RFC 3986 §2.1, §3.2.1).
Result<BrokerUrl> parse_broker_url(std::string_view url);

// The same for another protocol's endpoint URLs (smpp://system_id:password@host:2775?...): the
// schemes it accepts, each with its default port and whether it means TLS.
struct EndpointScheme {
  std::string name;
  int default_port = 0;
  bool tls = false;
};
Result<BrokerUrl> parse_endpoint_url(std::string_view url,
                                     const std::vector<EndpointScheme>& schemes);

}  // namespace capcast
