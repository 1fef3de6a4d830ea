// The configuration schema: every key capcast reads is declared once, as data (name, type,
// default, help), by the module that uses it (STYLE.md §6). The loader validates a TOML file
// against it, so an unknown key, a wrong type or a missing required value is rejected with file,
// line and key before anything starts; `capcast config schema` prints the same tables.
// Plain data; thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace capcast::config {

enum class Type {
  kString,
  kInt,
  kBool,
  kDouble,
  kStringArray,
  kDuration,  // "250ms", "30s", "5m", "2h" or an integer number of seconds; kept in milliseconds
};

const char* type_name(Type t);

// A value as stored after validation. Durations are int64_t milliseconds.
using Value = std::variant<bool, int64_t, double, std::string, std::vector<std::string>>;

struct Key {
  std::string name;
  Type type = Type::kString;
  std::optional<Value> default_value;  // none and !required: the key is optional with no value
  bool required = false;
  bool secret = false;  // never logged or shown in clear; may (and should) come from ${ENV}
  std::string help;
};

// A [section] or, when repeated, an array of tables [[section]]. Repeated sections may have
// variants: keys that exist only for one kind of entry, chosen by the value of variant_key (a
// source's `type`), or by the scheme of that value when it is a URL (a channel's `url`).
struct SectionSpec {
  std::string name;
  std::string help;
  bool repeated = false;
  std::vector<Key> keys;
  std::string variant_key;
  bool variant_from_url_scheme = false;
  std::map<std::string, std::vector<Key>> variants;
};

struct Schema {
  std::vector<SectionSpec> sections;
  const SectionSpec* find(const std::string& name) const;
};

// Renders the schema as documentation: one block per section, one line per key with its type,
// default and help.
std::string render_schema(const Schema& schema);

}  // namespace capcast::config
