#include "privacy.h"

#include <fstream>
#include <iterator>

#include "capcast/core/redact.h"

namespace capcast::app {

using config::Key;
using config::Type;
using config::Value;

config::SectionSpec privacy_section() {
  config::SectionSpec s;
  s.name = "privacy";
  s.help = "the key that seals recipients' phone numbers in the store (never kept in clear)";
  s.keys = {
      Key{"key", Type::kString, Value{std::string()}, false, true,
          "64 hex digits (32 bytes) from `capcast keygen`; use ${ENV_VAR} rather than writing "
          "it here"},
      Key{"key_file", Type::kString, Value{std::string()}, false, false,
          "a file holding the key (readable by capcast alone), relative to this file"},
  };
  return s;
}

Result<std::shared_ptr<const store::Sealer>> configured_sealer(const config::Document& doc) {
  const config::Section* s = &doc.section("privacy");
  std::string key = s->get_string("key");
  std::string where = s->location_of("key").to_string() + ": privacy.key";
  if (key.empty() && !s->get_string("key_file").empty()) {
    auto path = doc.resolve_path(s->get_string("key_file"));
    std::ifstream in(path);
    where = s->location_of("key_file").to_string() + ": privacy.key_file " + path.string();
    if (!in) return Status(Code::kInvalidArgument, where + ": cannot read the file");
    key.assign(std::istreambuf_iterator<char>(in), {});
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' '))
      key.pop_back();
  }
  if (key.empty()) return std::shared_ptr<const store::Sealer>();
  auto sealer = store::sodium_sealer(key);
  if (!sealer.ok()) return Status(Code::kInvalidArgument, where + ": " + sealer.status().message());
  return std::shared_ptr<const store::Sealer>(std::move(*sealer));
}

Status check_number(const std::string& number) {
  size_t digits = 0;
  for (size_t i = 0; i < number.size(); ++i) {
    char c = number[i];
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (!(c == '+' && i == 0)) {
      return invalid_argument("--to " + mask_msisdn(number) +
                              ": not a phone number (digits, with a leading + for E.164)");
    }
  }
  bool e164 = !number.empty() && number[0] == '+';
  if ((e164 && (digits < 8 || digits > 15)) || (!e164 && (digits < 3 || digits > 15))) {
    return invalid_argument("--to " + mask_msisdn(number) +
                            ": not a phone number (E.164: + and 8 to 15 digits; a national "
                            "number or short code: 3 to 15 digits)");
  }
  return {};
}

}  // namespace capcast::app
