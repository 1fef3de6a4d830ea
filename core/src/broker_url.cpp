// MQTT broker URLs (broker_url.h). Written by hand rather than with a URL library: the topic
// template in the path holds '{' and '}', which RFC 3986 parsers (curl's included) refuse.
#include "capcast/core/broker_url.h"

#include <algorithm>
#include <optional>
#include <string>

namespace capcast {
namespace {

// RFC 3986 §2.1 percent-decoding; nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

}  // namespace

Result<BrokerUrl> parse_broker_url(std::string_view url) {
  return parse_endpoint_url(url, {{"mqtt", 1883, false}, {"mqtts", 8883, true}});
}

Result<BrokerUrl> parse_endpoint_url(std::string_view url,
                                     const std::vector<EndpointScheme>& schemes) {
  BrokerUrl b;
  std::string_view rest;
  int default_port = 0;
  std::string names;
  for (const auto& sch : schemes) {
    std::string prefix = sch.name + "://";
    names += (names.empty() ? "" : " or ") + prefix;
    if (rest.empty() && url.rfind(prefix, 0) == 0) {
      b.scheme = sch.name;
      b.tls = sch.tls;
      default_port = sch.default_port;
      rest = url.substr(prefix.size());
    }
  }
  if (b.scheme.empty()) return invalid_argument("not a " + names + " URL");
  // The authority ends at the first '/', '?' or '#' (RFC 3986 §3.2).
  size_t authority_end = std::min(rest.find_first_of("/?#"), rest.size());
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view tail = rest.substr(authority_end);
  tail = tail.substr(0, tail.find('#'));  // a fragment means nothing to a broker
  std::string_view query = tail.find('?') == std::string_view::npos
                               ? std::string_view()
                               : tail.substr(tail.find('?') + 1);
  std::string_view path = tail.substr(0, tail.find('?'));
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  auto decoded_path = percent_decode(path);
  if (!decoded_path) return invalid_argument("malformed %-escape in the path");
  b.path = std::move(*decoded_path);
  while (!query.empty()) {
    std::string_view pair = query.substr(0, query.find('&'));
    query.remove_prefix(std::min(query.size(), pair.size() + 1));
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq));
    auto value =
        percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!key || !value) return invalid_argument("malformed %-escape in the query");
    b.query.emplace_back(std::move(*key), std::move(*value));
  }
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view info = authority.substr(0, at);
    authority.remove_prefix(at + 1);
    auto colon = info.find(':');
    auto user = percent_decode(info.substr(0, colon));
    auto password = percent_decode(colon == std::string_view::npos ? std::string_view()
                                                                   : info.substr(colon + 1));
    if (!user || !password) return invalid_argument("malformed %-escape in the user or password");
    b.user = std::move(*user);
    b.password = std::move(*password);
  }
  if (authority.empty() || authority.front() == ':') return invalid_argument("no host");
  std::string host(authority);
  // A port is digits after the last ':' that is not inside an IPv6 literal's brackets.
  auto colon = host.rfind(':');
  bool has_port = colon != std::string::npos && host.find(']', colon) == std::string::npos;
  if (has_port) {
    std::string port = host.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) == 0 ||
        std::stoi(port) > 65535) {
      return invalid_argument("port '" + port + "' is not a TCP port");
    }
    b.host = host.substr(0, colon);
    b.port = std::stoi(host.substr(colon + 1));
  } else {
    b.host = host;
    b.port = default_port;
    host += ":" + std::to_string(default_port);
  }
  if (b.host.size() > 2 && b.host.front() == '[' && b.host.back() == ']')
    b.host = b.host.substr(1, b.host.size() - 2);
  b.server = b.scheme + "://" + host;
  return b;
}

}  // namespace capcast
