#include <cassert>

#include "capcast/config/config.h"
#include "capcast/core/redact.h"

namespace capcast::config {
namespace {

template <typename T>
T get_as(const std::map<std::string, Value>& values, const std::string& key) {
  auto it = values.find(key);
  if (it == values.end()) return T{};
  const T* v = std::get_if<T>(&it->second);
  assert(v && "config getter used with the wrong type");
  return v ? *v : T{};
}

}  // namespace

std::string Section::label() const {
  if (index_ == 0) return "[" + name_ + "]";
  return "[[" + name_ + "]] #" + std::to_string(index_);
}

void Section::set(const std::string& key, Value v, Location at, bool secret) {
  values_[key] = std::move(v);
  locations_[key] = std::move(at);
  secret_[key] = secret;
}

std::string Section::get_string(const std::string& key) const {
  return get_as<std::string>(values_, key);
}
int64_t Section::get_int(const std::string& key) const {
  return get_as<int64_t>(values_, key);
}
bool Section::get_bool(const std::string& key) const {
  return get_as<bool>(values_, key);
}
double Section::get_double(const std::string& key) const {
  return get_as<double>(values_, key);
}
std::vector<std::string> Section::get_strings(const std::string& key) const {
  return get_as<std::vector<std::string>>(values_, key);
}
Duration Section::get_duration(const std::string& key) const {
  return Duration{get_as<int64_t>(values_, key)};
}

Location Section::location_of(const std::string& key) const {
  auto it = locations_.find(key);
  return it == locations_.end() ? where_ : it->second;
}

std::string Section::display(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) return "";
  if (secret_.count(key) && secret_.at(key)) return std::string(kMasked);
  if (const auto* s = std::get_if<std::string>(&it->second)) return mask_url_password(*s);
  if (const auto* i = std::get_if<int64_t>(&it->second)) return std::to_string(*i);
  if (const auto* b = std::get_if<bool>(&it->second)) return *b ? "true" : "false";
  if (const auto* d = std::get_if<double>(&it->second)) return std::to_string(*d);
  std::string out;
  for (const auto& s : std::get<std::vector<std::string>>(it->second)) {
    out += (out.empty() ? "" : ",") + mask_url_password(s);
  }
  return out;
}

const Section& Document::section(const std::string& name) const {
  static const Section kEmpty;
  auto it = sections_.find(name);
  if (it == sections_.end() || it->second.empty()) return kEmpty;
  return it->second.front();
}

const std::vector<Section>& Document::entries(const std::string& name) const {
  static const std::vector<Section> kNone;
  auto it = sections_.find(name);
  return it == sections_.end() ? kNone : it->second;
}

std::filesystem::path Document::resolve_path(const std::string& written) const {
  std::filesystem::path p(written);
  if (p.is_absolute() || base_dir_.empty()) return p;
  return (base_dir_ / p).lexically_normal();
}

std::string Document::resolve_url(const std::string& written) const {
  // file:///abs stays; file:relative/path and file:./x are resolved against the config's folder.
  if (written.rfind("file:", 0) != 0 || written.rfind("file://", 0) == 0) return written;
  return "file://" + resolve_path(written.substr(5)).string();
}

}  // namespace capcast::config
