// Validates a TOML document against a Schema. toml++ does the parsing (and rejects duplicate
// keys with their line); this file only walks the tree and checks it against the tables.
#include <toml++/toml.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "capcast/config/config.h"

namespace capcast::config {
namespace {

Location loc(const std::string& file, const toml::source_region& r) {
  return {file, static_cast<int>(r.begin.line), static_cast<int>(r.begin.column)};
}

class Validator {
 public:
  Validator(const std::string& file, const EnvLookup& env) : file_(file), env_(env) {}

  void error(const Location& at, const std::string& what) {
    errors_.push_back(at.to_string() + ": " + what);
  }
  const std::vector<std::string>& errors() const { return errors_; }

  // Replaces ${NAME} with the environment's value; "$${" stands for a literal "${".
  std::optional<std::string> substitute(const std::string& in, const Location& at,
                                        const std::string& key) {
    std::string out;
    for (size_t i = 0; i < in.size(); ++i) {
      if (in.compare(i, 3, "$${") == 0) {
        out += "${";
        i += 2;
        continue;
      }
      if (in.compare(i, 2, "${") != 0) {
        out += in[i];
        continue;
      }
      auto close = in.find('}', i + 2);
      if (close == std::string::npos) {
        error(at, "key '" + key + "': unterminated ${ in value");
        return std::nullopt;
      }
      std::string name = in.substr(i + 2, close - i - 2);
      auto value = env_(name);
      if (!value) {
        error(at, "key '" + key + "': environment variable " + name + " is not set");
        return std::nullopt;
      }
      out += *value;
      i = close;
    }
    return out;
  }

  std::optional<Value> convert(const Key& spec, const toml::node& node, const Location& at) {
    auto wrong = [&](const char* got) {
      error(at, "key '" + spec.name + "': expected " + type_name(spec.type) + ", got " + got);
      return std::nullopt;
    };
    switch (spec.type) {
      case Type::kString:
        if (auto s = node.value_exact<std::string>())
          return to_value(substitute(*s, at, spec.name));
        break;
      case Type::kInt:
        if (auto i = node.value_exact<int64_t>()) return Value{*i};
        break;
      case Type::kBool:
        if (auto b = node.value_exact<bool>()) return Value{*b};
        break;
      case Type::kDouble:
        if (auto d = node.value_exact<double>()) return Value{*d};
        if (auto i = node.value_exact<int64_t>()) return Value{static_cast<double>(*i)};
        break;
      case Type::kDuration:
        if (auto i = node.value_exact<int64_t>()) {
          if (*i < 0) return wrong("a negative number");
          return Value{*i * 1000};
        }
        if (auto s = node.value_exact<std::string>()) {
          if (auto d = parse_duration(*s)) return Value{static_cast<int64_t>(d->count())};
          error(at, "key '" + spec.name + "': '" + *s +
                        "' is not a duration (write e.g. \"250ms\", \"30s\", \"5m\", \"2h\")");
          return std::nullopt;
        }
        break;
      case Type::kStringArray:
        if (const auto* arr = node.as_array()) {
          std::vector<std::string> out;
          for (const auto& el : *arr) {
            auto s = el.value_exact<std::string>();
            if (!s) return wrong("an array with a non-string element");
            auto sub = substitute(*s, at, spec.name);
            if (!sub) return std::nullopt;
            out.push_back(*sub);
          }
          return Value{std::move(out)};
        }
        break;
    }
    std::ostringstream got;
    got << node.type();
    return wrong(got.str().c_str());
  }

  static std::optional<Value> to_value(std::optional<std::string> s) {
    if (!s) return std::nullopt;
    return Value{std::move(*s)};
  }

  Section validate_table(const SectionSpec& spec, const toml::table* table, int index,
                         const Location& where) {
    Section out(spec.name, index, where);
    std::string label = out.label();
    std::vector<const Key*> keys;
    for (const auto& k : spec.keys)
      keys.push_back(&k);
    if (!spec.variant_key.empty() && table) {
      std::string variant = variant_of(spec, *table);
      auto it = spec.variants.find(variant);
      if (it != spec.variants.end()) {
        for (const auto& k : it->second)
          keys.push_back(&k);
        out.set_variant(variant);
      } else if (!variant.empty()) {
        std::string known;
        for (const auto& [name, _] : spec.variants)
          known += (known.empty() ? "" : ", ") + name;
        const auto* node = table->get(spec.variant_key);
        error(loc(file_, node->source()),
              label + ": " + spec.variant_key + " '" + variant + "' is not one of: " + known);
      }
    }
    std::set<std::string> seen;
    if (table) {
      for (auto&& [k, node] : *table) {
        std::string name(k.str());
        Location at = loc(file_, node.source());
        const Key* key = nullptr;
        for (const Key* candidate : keys) {
          if (candidate->name == name) key = candidate;
        }
        if (!key) {
          std::string known;
          for (const Key* candidate : keys)
            known += (known.empty() ? "" : ", ") + candidate->name;
          error(at, label + ": unknown key '" + name + "' (known keys: " + known + ")");
          continue;
        }
        seen.insert(name);
        if (auto v = convert(*key, node, at)) out.set(name, std::move(*v), at, key->secret);
      }
    }
    for (const Key* key : keys) {
      if (seen.count(key->name)) continue;
      if (key->required) {
        error(where, label + ": missing required key '" + key->name + "' (" + key->help + ")");
      } else if (key->default_value) {
        out.set(key->name, *key->default_value, where, key->secret);
      }
    }
    return out;
  }

 private:
  static std::string variant_of(const SectionSpec& spec, const toml::table& table) {
    auto v = table[spec.variant_key].value<std::string>();
    if (!v) return "";
    if (!spec.variant_from_url_scheme) return *v;
    auto colon = v->find(':');
    return colon == std::string::npos ? "" : v->substr(0, colon);
  }

  std::string file_;
  const EnvLookup& env_;
  std::vector<std::string> errors_;
};

Result<Document> validate(const toml::table& root, const std::string& file, const Schema& schema,
                          const EnvLookup& env) {
  Validator v(file, env);
  Document doc;
  auto& sections = doc.mutable_sections();
  for (auto&& [k, node] : root) {
    std::string name(k.str());
    const SectionSpec* spec = schema.find(name);
    Location at = loc(file, node.source());
    if (!spec) {
      std::string known;
      for (const auto& s : schema.sections)
        known += (known.empty() ? "" : ", ") + s.name;
      v.error(at, "unknown section or key '" + name + "' (known sections: " + known + ")");
      continue;
    }
    if (spec->repeated) {
      const auto* arr = node.as_array();
      if (!arr || !arr->is_array_of_tables()) {
        v.error(at, "'" + name + "' must be written as [[" + name + "]] tables");
        continue;
      }
      int i = 0;
      for (const auto& el : *arr) {
        sections[name].push_back(
            v.validate_table(*spec, el.as_table(), ++i, loc(file, el.source())));
      }
    } else {
      const auto* table = node.as_table();
      if (!table) {
        v.error(at, "'" + name + "' must be written as a [" + name + "] table");
        continue;
      }
      sections[name].push_back(v.validate_table(*spec, table, 0, at));
    }
  }
  // Sections absent from the file still get their defaults and their required-key checks.
  for (const auto& spec : schema.sections) {
    if (!spec.repeated && sections.count(spec.name) == 0) {
      sections[spec.name].push_back(v.validate_table(spec, nullptr, 0, Location{file, 0, 0}));
    } else if (spec.repeated) {
      sections[spec.name];  // an empty list
    }
  }
  if (!v.errors().empty()) {
    std::string msg;
    for (const auto& e : v.errors())
      msg += (msg.empty() ? "" : "\n") + e;
    return Status(Code::kInvalidArgument, msg);
  }
  return doc;
}

}  // namespace

std::string Location::to_string() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

std::optional<Duration> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  size_t i = 0;
  int64_t n = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    if (n > (int64_t{1} << 40)) return std::nullopt;
    n = n * 10 + (text[i] - '0');
    ++i;
  }
  if (i == 0) return std::nullopt;
  std::string_view unit = text.substr(i);
  int64_t ms;
  if (unit.empty() || unit == "s") {
    ms = n * 1000;
  } else if (unit == "ms") {
    ms = n;
  } else if (unit == "m") {
    ms = n * 60'000;
  } else if (unit == "h") {
    ms = n * 3'600'000;
  } else if (unit == "d") {
    ms = n * 86'400'000;
  } else {
    return std::nullopt;
  }
  return Duration{ms};
}

Result<Document> load_string(std::string_view toml_text, const std::string& source_name,
                             const Schema& schema, const EnvLookup& env) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    Location at = loc(source_name, e.source());
    return Status(Code::kParseError, at.to_string() + ": " + std::string(e.description()));
  }
  return validate(root, source_name, schema, env);
}

Result<Document> load_file(const std::filesystem::path& path, const Schema& schema,
                           const EnvLookup& env) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(Code::kNotFound, path.string() + ": cannot open configuration file");
  std::ostringstream text;
  text << in.rdbuf();
  auto doc = load_string(text.str(), path.string(), schema, env);
  if (!doc.ok()) return doc;
  std::error_code ec;
  auto abs = std::filesystem::absolute(path, ec);
  doc->set_base_dir(ec ? path.parent_path() : abs.parent_path());
  return doc;
}

}  // namespace capcast::config
