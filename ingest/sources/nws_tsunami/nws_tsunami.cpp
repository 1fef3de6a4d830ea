// The nws-tsunami format: its keys, and a body cut into products, each read and mapped.
#include "nws_tsunami.h"

#include "alert.h"
#include "capcast/cap/serialize.h"
#include "capcast/core/redact.h"
#include "capgen/capgen.h"

namespace capcast::ingest::nws_tsunami {
namespace {

// The products of a body: each ends at its "$$" line; what follows the last one, if it is not
// blank, is one more (truncated) product, which parse_product reports.
std::vector<std::pair<int, std::string_view>> products(std::string_view body) {
  std::vector<std::pair<int, std::string_view>> out;
  size_t start = 0, i = 0;
  int line = 1, start_line = 1;
  while (i < body.size()) {
    size_t j = body.find('\n', i);
    if (j == std::string_view::npos) j = body.size();
    std::string_view l = body.substr(i, j - i);
    size_t b = l.find_first_not_of(" \t\r\x01\x03");
    size_t e = l.find_last_not_of(" \t\r\x01\x03");
    if (b != std::string_view::npos && l.substr(b, e - b + 1) == "$$") {
      out.emplace_back(start_line, body.substr(start, j - start));
      start = j + 1;
      start_line = line + 1;
    }
    i = j + 1;
    ++line;
  }
  if (start < body.size() &&
      body.substr(start).find_first_not_of(" \t\r\n\x01\x03") != std::string_view::npos) {
    out.emplace_back(start_line, body.substr(start));
  }
  return out;
}

}  // namespace

std::vector<config::Key> keys() {
  using config::Key;
  using config::Type;
  using config::Value;
  return {
      Key{"sender", Type::kString, Value{std::string(kSenderPlaceholder)}, false, false,
          "CAP <sender> of the alerts this source issues: your organisation's domain or OID "
          "(CAP 1.2 §3.2.1). The default is a placeholder to replace"},
  };
}

Extracted extract(const Input& in) {
  Extracted out;
  const std::string where = mask_url_password(in.url);
  Settings s{capgen::options_of(in, kName).get_string("sender")};
  if (!capgen::is_cap_token(s.sender)) {
    out.problems.push_back("sender \"" + s.sender +
                           "\" must be non-empty without spaces, commas, '<' or '&' "
                           "(CAP 1.2 §3.2.1)");
    return out;
  }
  auto all = products(in.body);
  if (all.empty()) {
    out.problems.push_back(where + ": empty: no NWS tsunami product");
    return out;
  }
  for (const auto& [first_line, text] : all) {
    auto p = parse_product(text);
    if (!p.ok()) {
      // The product's own line numbers, shifted to the body's.
      std::string msg = p.status().message();
      if (msg.rfind("line ", 0) == 0) {
        size_t k = 5;
        int n = 0;
        while (k < msg.size() && msg[k] >= '0' && msg[k] <= '9')
          n = n * 10 + (msg[k++] - '0');
        msg = "line " + std::to_string(n + first_line - 1) + msg.substr(k);
      }
      out.problems.push_back(where + ": " + msg + "; product not taken");
      continue;
    }
    out.documents.push_back(cap::serialize(build_alert(*p, s)));
  }
  return out;
}

}  // namespace capcast::ingest::nws_tsunami
