// The one table of source formats. Adding a format: its folder under ingest/sources/, one line
// here, one line in ingest/CMakeLists.txt.
#include "capcast/ingest/format.h"

#include <map>
#include <mutex>

#include "cap_feed/cap_feed.h"

namespace capcast::ingest {

const std::vector<Format>& formats() {
  static const std::vector<Format> kFormats = {
      {"cap", "one CAP 1.0/1.1/1.2 XML document", {}, &cap_feed::extract_cap},
      {"cap-atom",
       "an ATOM or RSS feed whose entries embed or link to CAP documents",
       {},
       &cap_feed::extract_feed},
  };
  return kFormats;
}

const config::Section& default_options(const Format& format) {
  static std::mutex mu;
  static std::map<std::string, config::Section> cache;
  std::lock_guard lock(mu);
  auto [it, inserted] = cache.try_emplace(format.name, "source", 1, config::Location{});
  if (inserted) {
    it->second.set_variant(format.name);
    for (const auto& k : format.keys) {
      if (k.default_value) it->second.set(k.name, *k.default_value, {}, k.secret);
    }
  }
  return it->second;
}

const Format* find_format(std::string_view name) {
  for (const auto& f : formats()) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

}  // namespace capcast::ingest
