#include "capcast/core/redact.h"

namespace capcast {

std::string mask_msisdn(std::string_view number) {
  std::string out(number);
  // Count digits; keep up to 4 leading and 2 trailing digits, mask the rest. Short numbers
  // (short codes) keep only their last digit.
  size_t digits = 0;
  for (char c : number)
    digits += (c >= '0' && c <= '9');
  size_t keep_head = digits >= 10 ? 4 : 0;
  size_t keep_tail = digits >= 6 ? 2 : 1;
  size_t seen = 0;
  for (char& c : out) {
    if (c < '0' || c > '9') continue;
    ++seen;
    if (seen > keep_head && seen + keep_tail <= digits) c = '*';
  }
  return out;
}

std::string mask_url_password(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  size_t auth_start = scheme_end + 3;
  size_t auth_end = url.find_first_of("/?#", auth_start);
  if (auth_end == std::string_view::npos) auth_end = url.size();
  auto at = url.rfind('@', auth_end);
  if (at == std::string_view::npos || at < auth_start) return std::string(url);
  auto colon = url.find(':', auth_start);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  std::string out(url.substr(0, colon + 1));
  out += kMasked;
  out += url.substr(at);
  return out;
}

}  // namespace capcast
