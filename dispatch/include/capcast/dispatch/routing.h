// Routing rules: which alerts go to which channels. `[[route]]` sections name channels and the
// conditions an alert must meet to reach them; `[[region]]` sections name areas that routes can
// require an alert's area to touch; a channel's `block_names` honours the IPAWS BLOCKCHANNEL
// parameter. The Router is pure (no I/O after it is built, no clock, no logging) and immutable
// once built, so any number of threads may call route() on one Router.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "capcast/cap/model.h"
#include "capcast/config/config.h"
#include "capcast/core/result.h"
#include "capcast/dispatch/registry.h"

namespace capcast::dispatch {

// [[route]]: name, channels, and the optional conditions (documented per key in the schema).
config::SectionSpec route_section();
// [[region]]: name, polygons (CAP text), geojson (a file), geocodes ("valueName=value").
config::SectionSpec region_section();

// The names of built channels, in order: what Router::build takes.
std::vector<std::string> names_of(const std::vector<NamedChannel>& channels);

// What routing decided for one alert.
struct RouteDecision {
  std::vector<std::string> channels;  // where it goes, in the order channels are configured
  std::vector<std::string> matched;   // the routes it matched (empty when there are no routes)
  std::vector<std::string> blocked;   // channels left out because of BLOCKCHANNEL
};

class Router {
 public:
  // Every channel in `channel_names`, no routes, nothing blocked: today's fan-out to all.
  explicit Router(std::vector<std::string> channel_names);

  // Reads [[route]] and [[region]] from `doc` and each [[channel]]'s block_names for the
  // channels in `channel_names` (the channels actually built). GeoJSON files are read here,
  // relative to the configuration file. The Status lists every problem, one per line, as
  // "file:line:column: what is wrong".
  static Result<Router> build(const config::Document& doc,
                              const std::vector<std::string>& channel_names);

  // An alert's channels: the union of the channels of the routes it matches, or every channel
  // when no route is configured; minus the channels it blocks (BLOCKCHANNEL).
  std::vector<std::string> route(const cap::Alert& alert) const { return decide(alert).channels; }
  RouteDecision decide(const cap::Alert& alert) const;

  bool has_routes() const;

  struct Rules;  // opaque: the compiled routes and regions

 private:
  std::vector<std::string> channels_;
  std::shared_ptr<const Rules> rules_;
};

}  // namespace capcast::dispatch
