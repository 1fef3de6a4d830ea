// The one table of channel kinds. Adding a channel: its folder under dispatch/channels/, one
// entry here, one line in dispatch/CMakeLists.txt.
#include "capcast/dispatch/registry.h"

#include "capcast/core/redact.h"
#include "file/file_channel.h"

namespace capcast::dispatch {

using config::Key;
using config::Type;

const std::vector<ChannelKind>& channel_kinds() {
  static const std::vector<ChannelKind> kKinds = {
      {"file",
       "one CAP XML file per alert in a folder: file:///var/capcast/out, or file:relative/dir",
       {Key{"fsync", Type::kBool, config::Value{true}, false, false,
            "fsync each file and the folder before reporting it delivered"}},
       &file::create},
  };
  return kKinds;
}

config::SectionSpec channel_section() {
  config::SectionSpec s;
  s.name = "channel";
  s.help = "a way out for alerts, named by a URL whose scheme selects its kind";
  s.repeated = true;
  s.keys = {
      Key{"name", Type::kString, std::nullopt, true, false, "a unique name, used in logs"},
      Key{"url", Type::kString, std::nullopt, true, false,
          "where to deliver; a password in it is masked in every log"},
      Key{"max_attempts", Type::kInt, config::Value{int64_t{12}}, false, false,
          "attempts before a delivery is dead-lettered"},
      Key{"backoff_base", Type::kDuration, config::Value{int64_t{1000}}, false, false,
          "first retry waits up to this long (full-jitter exponential backoff)"},
      Key{"backoff_max", Type::kDuration, config::Value{int64_t{600'000}}, false, false,
          "longest wait between two attempts"},
  };
  s.variant_key = "url";
  s.variant_from_url_scheme = true;
  for (const auto& k : channel_kinds())
    s.variants[k.scheme] = k.keys;
  return s;
}

Result<std::vector<NamedChannel>> build_channels(const config::Document& doc) {
  std::vector<NamedChannel> out;
  std::string errors;
  for (const auto& section : doc.entries("channel")) {
    std::string name = section.get_string("name");
    bool duplicate = false;
    for (const auto& c : out)
      duplicate |= c.name == name;
    if (duplicate) {
      errors += (errors.empty() ? "" : "\n") + section.location_of("name").to_string() + ": " +
                section.label() + ": a channel named '" + name + "' already exists";
      continue;
    }
    const ChannelKind* kind = nullptr;
    for (const auto& k : channel_kinds()) {
      if (section.variant() == k.scheme) kind = &k;
    }
    if (!kind) {
      errors += (errors.empty() ? "" : "\n") + section.location_of("url").to_string() + ": " +
                section.label() + ": no channel kind for url '" + section.display("url") + "'";
      continue;
    }
    auto ch = kind->create(section, doc);
    if (!ch.ok()) {
      errors += (errors.empty() ? "" : "\n") + ch.status().message();
      continue;
    }
    NamedChannel nc;
    nc.name = name;
    nc.url = mask_url_password(doc.resolve_url(section.get_string("url")));
    nc.channel = std::move(*ch);
    nc.max_attempts = static_cast<int>(std::max<int64_t>(1, section.get_int("max_attempts")));
    nc.backoff_base = section.get_duration("backoff_base");
    nc.backoff_max = section.get_duration("backoff_max");
    out.push_back(std::move(nc));
  }
  if (!errors.empty()) return Status(Code::kInvalidArgument, errors);
  return out;
}

}  // namespace capcast::dispatch
