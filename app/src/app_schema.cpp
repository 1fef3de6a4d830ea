#include "app_schema.h"

#include "capcast/dispatch/cbs.h"
#include "capcast/dispatch/engine.h"
#include "capcast/dispatch/registry.h"
#include "capcast/dispatch/routing.h"
#include "capcast/ingest/settings.h"
#include "privacy.h"

namespace capcast::app {

using config::Key;
using config::SectionSpec;
using config::Type;
using config::Value;

namespace {

SectionSpec section(std::string name, std::string help, std::vector<Key> keys) {
  SectionSpec s;
  s.name = std::move(name);
  s.help = std::move(help);
  s.keys = std::move(keys);
  return s;
}

}  // namespace

const config::Schema& schema() {
  static const config::Schema kSchema = [] {
    config::Schema s;
    s.sections.push_back(section("log", "logging (to stderr)",
                                 {Key{"level", Type::kString, Value{std::string("info")}, false,
                                      false, "trace, debug, info, warn, error, critical or off"},
                                  Key{"format", Type::kString, Value{std::string("text")}, false,
                                      false, "text, or json for one JSON object a line"}}));
    s.sections.push_back(
        section("store", "where capcast keeps its state",
                {Key{"path", Type::kString, Value{std::string("var/capcast.db")}, false, false,
                     "the SQLite file, relative to this configuration file unless absolute"}}));
    s.sections.push_back(
        section("http", "the HTTP server: ATOM feed, alerts, status page",
                {Key{"enabled", Type::kBool, Value{true}, false, false, "false: no HTTP server"},
                 Key{"listen", Type::kString, Value{std::string("127.0.0.1")}, false, false,
                     "address to listen on"},
                 Key{"port", Type::kInt, Value{int64_t{8080}}, false, false,
                     "port to listen on; 0 picks a free one (printed at start)"}}));
    s.sections.push_back(section(
        "feed", "the CAP ATOM feed capcast publishes at /feed.atom",
        {Key{"title", Type::kString, Value{std::string("capcast alerts")}, false, false,
             "the feed's <title>"},
         Key{"base_url", Type::kString, Value{std::string()}, false, false,
             "public URL of this server (behind a proxy); empty: from the Host header"},
         Key{"limit", Type::kInt, Value{int64_t{200}}, false, false, "most entries in the feed"},
         Key{"active_only", Type::kBool, Value{true}, false, false,
             "list only alerts in force: not superseded by an Update, not retracted by a "
             "Cancel, <expires> not passed"}}));
    s.sections.push_back(section(
        "push", "receiving CAP pushed by another authority: POST /api/v1/alerts",
        {Key{"enabled", Type::kBool, Value{false}, false, false,
             "accept pushed alerts on the HTTP server"},
         Key{"token", Type::kString, Value{std::string()}, false, true,
             "the bearer token a pusher must send (at least 16 characters; use ${ENV_VAR})"},
         Key{"max_bytes", Type::kInt, Value{int64_t{2 * 1024 * 1024}}, false, false,
             "largest document accepted"},
         Key{"validate", Type::kBool, Value{true}, false, false,
             "refuse documents with validation errors (schema and CAP rules)"}}));
    s.sections.push_back(privacy_section());
    s.sections.push_back(ingest::ingest_section());
    s.sections.push_back(ingest::source_section());
    s.sections.push_back(dispatch::dispatch_section());
    s.sections.push_back(dispatch::channel_section());
    s.sections.push_back(dispatch::cbs_profile_section());
    s.sections.push_back(dispatch::cbs_rule_section());
    s.sections.push_back(dispatch::route_section());
    s.sections.push_back(dispatch::region_section());
    return s;
  }();
  return kSchema;
}

}  // namespace capcast::app
