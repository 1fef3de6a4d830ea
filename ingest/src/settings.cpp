#include "capcast/ingest/settings.h"

#include "capcast/core/version.h"

namespace capcast::ingest {

using config::Key;
using config::Type;
using config::Value;

config::SectionSpec ingest_section() {
  config::SectionSpec s;
  s.name = "ingest";
  s.help = "how every source is fetched";
  s.keys = {
      Key{"operator", Type::kString, Value{std::string()}, false, false,
          "who runs this capcast (a contact URL or e-mail), added to the User-Agent so that feed "
          "operators can reach you (NWS requires one)"},
      Key{"timeout", Type::kDuration, Value{int64_t{30'000}}, false, false,
          "longest time one transfer may take"},
      Key{"max_bytes", Type::kInt, Value{int64_t{16 * 1024 * 1024}}, false, false,
          "largest response accepted; a larger one fails the poll"},
      Key{"max_backoff", Type::kDuration, Value{int64_t{3'600'000}}, false, false,
          "longest wait before polling a failing source again"},
      Key{"ca_bundle", Type::kString, Value{std::string()}, false, false,
          "CA certificates for HTTPS (PEM file); empty: the system store"},
  };
  return s;
}

config::SectionSpec source_section() {
  config::SectionSpec s;
  s.name = "source";
  s.help = "a feed that is polled for alerts";
  s.repeated = true;
  std::string types;
  for (const auto& f : formats())
    types += (types.empty() ? "" : ", ") + std::string(f.name);
  s.variant_key = "type";
  for (const auto& f : formats())
    s.variants[f.name] = f.keys;
  s.keys = {
      Key{"name", Type::kString, std::nullopt, true, false, "a unique name, used in logs"},
      Key{"type", Type::kString, Value{std::string("cap-atom")}, false, false,
          "what the URL returns: " + types},
      Key{"url", Type::kString, std::nullopt, true, false,
          "http(s)://..., file:///absolute/path, or file:path relative to this file"},
      Key{"interval", Type::kDuration, Value{int64_t{60'000}}, false, false,
          "time between two polls"},
      Key{"enabled", Type::kBool, Value{true}, false, false, "false: configured but not polled"},
  };
  return s;
}

PollerOptions poller_options(const config::Document& doc) {
  const auto& s = doc.section("ingest");
  PollerOptions o;
  o.fetch.user_agent = std::string("capcast/") + kVersion;
  if (!s.get_string("operator").empty())
    o.fetch.user_agent += " (" + s.get_string("operator") + ")";
  o.fetch.timeout = s.get_duration("timeout");
  o.fetch.max_bytes = static_cast<size_t>(s.get_int("max_bytes"));
  o.fetch.ca_bundle = s.get_string("ca_bundle");
  o.max_backoff = s.get_duration("max_backoff");
  return o;
}

Result<std::vector<SourceSpec>> sources_from(const config::Document& doc) {
  std::vector<SourceSpec> out;
  std::string errors;
  auto fail = [&](const config::Section& s, const std::string& key, const std::string& what) {
    errors += (errors.empty() ? "" : "\n") + s.location_of(key).to_string() + ": " + s.label() +
              ": " + what;
  };
  for (const auto& s : doc.entries("source")) {
    std::string name = s.get_string("name");
    for (const auto& o : out) {
      if (o.name == name) fail(s, "name", "a source named '" + name + "' already exists");
    }
    const Format* format = find_format(s.get_string("type"));
    if (!format) {
      std::string types;
      for (const auto& f : formats())
        types += (types.empty() ? "" : ", ") + std::string(f.name);
      fail(s, "type", "type '" + s.get_string("type") + "' is not one of: " + types);
      continue;
    }
    std::string url = doc.resolve_url(s.get_string("url"));
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0 &&
        url.rfind("file://", 0) != 0) {
      fail(s, "url", "url '" + s.display("url") + "' is not http(s):// or file:");
      continue;
    }
    if (s.get_duration("interval") < Duration{1000}) {
      fail(s, "interval", "interval must be at least 1s");
      continue;
    }
    if (!s.get_bool("enabled")) continue;
    out.push_back(SourceSpec{name, format, url, s.get_duration("interval"), &s});
  }
  if (!errors.empty()) return Status(Code::kInvalidArgument, errors);
  return out;
}

}  // namespace capcast::ingest
