#include "capcast/config/schema.h"

#include <sstream>

namespace capcast::config {

const char* type_name(Type t) {
  switch (t) {
    case Type::kString:
      return "string";
    case Type::kInt:
      return "integer";
    case Type::kBool:
      return "boolean";
    case Type::kDouble:
      return "float";
    case Type::kStringArray:
      return "array of strings";
    case Type::kDuration:
      return "duration";
  }
  return "?";
}

const SectionSpec* Schema::find(const std::string& name) const {
  for (const auto& s : sections) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

namespace {

std::string render_value(const Value& v, Type t) {
  std::ostringstream out;
  std::visit(
      [&](const auto& x) {
        using X = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<X, bool>) {
          out << (x ? "true" : "false");
        } else if constexpr (std::is_same_v<X, int64_t>) {
          if (t == Type::kDuration) {
            out << '"' << x << "ms\"";
          } else {
            out << x;
          }
        } else if constexpr (std::is_same_v<X, double>) {
          out << x;
        } else if constexpr (std::is_same_v<X, std::string>) {
          out << '"' << x << '"';
        } else {
          out << '[';
          for (size_t i = 0; i < x.size(); ++i)
            out << (i ? ", " : "") << '"' << x[i] << '"';
          out << ']';
        }
      },
      v);
  return out.str();
}

void render_keys(std::ostringstream& out, const std::vector<Key>& keys) {
  for (const auto& k : keys) {
    out << "  " << k.name << " (" << type_name(k.type);
    if (k.required) out << ", required";
    if (k.default_value) out << ", default " << render_value(*k.default_value, k.type);
    if (k.secret) out << ", secret: use ${ENV_VAR}";
    out << ")\n      " << k.help << "\n";
  }
}

}  // namespace

std::string render_schema(const Schema& schema) {
  std::ostringstream out;
  for (const auto& s : schema.sections) {
    out << (s.repeated ? "[[" : "[") << s.name << (s.repeated ? "]]" : "]") << "  # " << s.help
        << "\n";
    render_keys(out, s.keys);
    for (const auto& [variant, keys] : s.variants) {
      out << "  # when " << s.variant_key << (s.variant_from_url_scheme ? " has scheme " : " = ")
          << '"' << variant << "\":\n";
      render_keys(out, keys);
    }
    out << "\n";
  }
  return out.str();
}

}  // namespace capcast::config
