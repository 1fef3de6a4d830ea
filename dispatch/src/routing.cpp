#include "capcast/dispatch/routing.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <optional>
#include <sstream>

#include "region.h"

namespace capcast::dispatch {

using config::Key;
using config::Type;
using config::Value;
namespace geo = cap::geo;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  const char* ws = " \t\r\n";
  auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

bool contains(const std::vector<std::string>& set, std::string_view value) {
  return std::find(set.begin(), set.end(), lower(trim(value))) != set.end();
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v)
    out += (out.empty() ? "" : ", ") + s;
  return out;
}

// The values CAP 1.2 allows (§3.2.1 status, msgType, scope; §3.2.2 category), and the ordered
// scales of §3.2.2, most pressing first. "Unknown" ends each scale but is no level: it never
// meets a minimum, and cannot be one.
const std::vector<std::string> kStatus = {"Actual", "Exercise", "System", "Test", "Draft"};
const std::vector<std::string> kMsgType = {"Alert", "Update", "Cancel", "Ack", "Error"};
const std::vector<std::string> kScope = {"Public", "Restricted", "Private"};
const std::vector<std::string> kCategory = {"Geo",       "Met",   "Safety", "Security",
                                            "Rescue",    "Fire",  "Health", "Env",
                                            "Transport", "Infra", "CBRNE",  "Other"};
const std::vector<std::string> kSeverity = {"Extreme", "Severe", "Moderate", "Minor"};
const std::vector<std::string> kUrgency = {"Immediate", "Expected", "Future", "Past"};
const std::vector<std::string> kCertainty = {"Observed", "Likely", "Possible", "Unlikely"};

// The position of `value` in `scale`, compared without case; nullopt when it is not there.
std::optional<int> rank_in(const std::vector<std::string>& scale, std::string_view value) {
  std::string v = lower(trim(value));
  for (size_t i = 0; i < scale.size(); ++i) {
    if (lower(scale[i]) == v) return static_cast<int>(i);
  }
  return std::nullopt;
}

// IPAWS BLOCKCHANNEL (the CAP v1.2 USA IPAWS Profile v1.0 context, OASIS 2009; FEMA's IPAWS-OPEN
// CAP message construction guidance): one <parameter><valueName>BLOCKCHANNEL</valueName>
// <value>CMAS</value></parameter> per dissemination channel the alert must not go out on:
// CMAS (WEA), EAS, NWEM, PUBLIC (the public feed); IPAWS feed alerts also carry CAPEXCH
// (samples/cap/us-ipaws-*). The profile's clause text could not be checked here (only its
// title page is at hand); the form above is what real IPAWS alerts carry. A channel whose
// block_names lists the value does not get the alert.
constexpr std::string_view kBlockChannel = "BLOCKCHANNEL";

struct Route {
  std::string name;
  std::vector<size_t> channels;  // indices into Router::channels_
  // Any-of sets, lower-cased; empty: no condition.
  std::vector<std::string> status, msg_type, scope, sender, category, event;
  std::optional<int> min_severity, min_urgency, min_certainty;  // ranks in the scales above
  std::vector<size_t> regions;                                  // indices into Rules::regions

  bool has_info_conditions() const {
    return !category.empty() || !event.empty() || min_severity || min_urgency || min_certainty ||
           !regions.empty();
  }
};

}  // namespace

struct Router::Rules {
  std::vector<Route> routes;
  std::vector<Region> regions;
  std::vector<std::vector<std::string>> blocks;  // per channel: block_names, lower-cased
  bool uses_regions = false;
};

config::SectionSpec route_section() {
  auto list = [](const char* name, const char* help) {
    return Key{name, Type::kStringArray, std::nullopt, false, false, help};
  };
  auto level = [](const char* name, const char* help) {
    return Key{name, Type::kString, std::nullopt, false, false, help};
  };
  config::SectionSpec s;
  s.name = "route";
  s.help =
      "which alerts go to which channels: an alert goes to the channels of every route it "
      "matches; with no [[route]] at all, every alert goes to every channel. All conditions "
      "given must hold; a list matches any of its values (without case)";
  s.repeated = true;
  s.keys = {
      Key{"name", Type::kString, std::nullopt, true, false, "a unique name, used in logs"},
      Key{"channels", Type::kStringArray, std::nullopt, true, false,
          "names of [[channel]] entries the matching alerts go to"},
      list("status", "<status>: Actual, Exercise, System, Test, Draft"),
      list("msg_type", "<msgType>: Alert, Update, Cancel, Ack, Error"),
      list("scope", "<scope>: Public, Restricted, Private"),
      list("sender", "<sender>, as written"),
      list("category", "an <info>'s <category>: Geo, Met, Safety, ... CBRNE, Other"),
      list("event", "an <info>'s <event>, as written"),
      level("min_severity", "an <info> at least this severe: Extreme > Severe > Moderate > Minor"),
      level("min_urgency", "an <info> at least this urgent: Immediate > Expected > Future > Past"),
      level("min_certainty",
            "an <info> at least this certain: Observed > Likely > Possible > Unlikely"),
      list("regions",
           "names of [[region]] entries: an <area> of the <info> must touch one of them"),
  };
  return s;
}

config::SectionSpec region_section() {
  config::SectionSpec s;
  s.name = "region";
  s.help = "a named area for [[route]] regions: polygons, a GeoJSON file, geocodes (any mix)";
  s.repeated = true;
  s.keys = {
      Key{"name", Type::kString, std::nullopt, true, false, "a unique name, used by routes"},
      Key{"polygons", Type::kStringArray, std::nullopt, false, false,
          "polygons in CAP's text: \"lat,lon lat,lon ...\", first pair = last, at least 4"},
      Key{"geojson", Type::kString, std::nullopt, false, false,
          "a GeoJSON file (Polygon, MultiPolygon, or Features of them), relative to this file"},
      Key{"geocodes", Type::kStringArray, std::nullopt, false, false,
          "\"valueName=value\" pairs, e.g. \"SAME=006037\": an <area> with one of them touches"},
  };
  return s;
}

namespace {

class Errors {
 public:
  void add(const config::Section& s, const std::string& key, const std::string& what) {
    text_ += (text_.empty() ? "" : "\n") + s.location_of(key).to_string() + ": " + s.label() +
             (s.get_string("name").empty() ? "" : " '" + s.get_string("name") + "'") + ": " + key +
             ": " + what;
  }
  bool empty() const { return text_.empty(); }
  Status status() const { return Status(Code::kInvalidArgument, text_); }

 private:
  std::string text_;
};

std::optional<Region> build_region(const config::Document& doc, const config::Section& s,
                                   Errors& errors) {
  bool ok = true;
  std::vector<geo::Polygon> polygons;
  const auto written = s.get_strings("polygons");
  for (size_t i = 0; i < written.size(); ++i) {
    auto p = geo::parse_polygon(written[i]);
    std::string why = p.ok() ? geo::check_polygon(*p).message : p.status().message();
    if (!why.empty()) {
      errors.add(s, "polygons",
                 "polygon " + std::to_string(i + 1) + ": " + why + " (CAP 1.2 §3.2.4)");
      ok = false;
      continue;
    }
    polygons.push_back(std::move(p).value());
  }
  if (s.has("geojson")) {
    auto path = doc.resolve_path(s.get_string("geojson"));
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    auto read =
        in ? polygons_from_geojson(text.str())
           : Result<std::vector<geo::Polygon>>(Status(Code::kIoError, "cannot read the file"));
    if (!read.ok()) {
      errors.add(s, "geojson", path.string() + ": " + read.status().message());
      ok = false;
    } else {
      for (auto& p : *read)
        polygons.push_back(std::move(p));
    }
  }
  std::vector<cap::ValuePair> geocodes;
  for (const auto& g : s.get_strings("geocodes")) {
    auto eq = g.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == g.size()) {
      errors.add(s, "geocodes", "\"" + g + "\" is not valueName=value");
      ok = false;
      continue;
    }
    geocodes.push_back(cap::ValuePair{g.substr(0, eq), g.substr(eq + 1)});
  }
  if (ok && polygons.empty() && geocodes.empty()) {
    errors.add(s, "name", "give polygons, geojson or geocodes");
    ok = false;
  }
  if (!ok) return std::nullopt;
  return Region(s.get_string("name"), polygons, std::move(geocodes));
}

// A lower-cased any-of set; each value must be one of `allowed` when that is given.
std::vector<std::string> value_set(const config::Section& s, const std::string& key,
                                   const std::vector<std::string>* allowed, Errors& errors) {
  std::vector<std::string> out;
  for (const auto& v : s.get_strings(key)) {
    if (allowed && !rank_in(*allowed, v)) {
      errors.add(s, key, "\"" + v + "\" is not one of " + join(*allowed) + " (CAP 1.2 §3.2)");
      continue;
    }
    out.push_back(lower(trim(v)));
  }
  return out;
}

std::optional<int> minimum(const config::Section& s, const std::string& key,
                           const std::vector<std::string>& scale, Errors& errors) {
  if (!s.has(key)) return std::nullopt;
  auto r = rank_in(scale, s.get_string(key));
  if (!r)
    errors.add(s, key,
               "\"" + s.get_string(key) + "\" is not one of " + join(scale) + " (CAP 1.2 §3.2.2)");
  return r;
}

}  // namespace

Router::Router(std::vector<std::string> channel_names) : channels_(std::move(channel_names)) {
  auto rules = std::make_shared<Rules>();
  rules->blocks.resize(channels_.size());
  rules_ = std::move(rules);
}

Result<Router> Router::build(const config::Document& doc,
                             const std::vector<std::string>& channel_names) {
  Errors errors;
  auto rules = std::make_shared<Rules>();
  rules->blocks.resize(channel_names.size());
  for (const auto& s : doc.entries("channel")) {
    auto it = std::find(channel_names.begin(), channel_names.end(), s.get_string("name"));
    if (it == channel_names.end()) continue;
    for (const auto& b : s.get_strings("block_names"))
      rules->blocks[static_cast<size_t>(it - channel_names.begin())].push_back(lower(trim(b)));
  }

  std::vector<std::string> region_names;
  for (const auto& s : doc.entries("region")) {
    const std::string name = s.get_string("name");
    if (std::find(region_names.begin(), region_names.end(), name) != region_names.end()) {
      errors.add(s, "name", "a region named '" + name + "' already exists");
      continue;
    }
    region_names.push_back(name);
    if (auto r = build_region(doc, s, errors)) rules->regions.push_back(std::move(*r));
  }

  for (const auto& s : doc.entries("route")) {
    Route r;
    r.name = s.get_string("name");
    for (const auto& other : rules->routes) {
      if (other.name == r.name) errors.add(s, "name", "a route named '" + r.name + "' exists");
    }
    const auto channels = s.get_strings("channels");
    if (channels.empty()) errors.add(s, "channels", "name at least one channel");
    for (const auto& c : channels) {
      auto it = std::find(channel_names.begin(), channel_names.end(), c);
      if (it == channel_names.end()) {
        errors.add(s, "channels",
                   "no channel named '" + c + "' (configured: " + join(channel_names) + ")");
      } else if (size_t i = static_cast<size_t>(it - channel_names.begin());
                 std::find(r.channels.begin(), r.channels.end(), i) == r.channels.end()) {
        r.channels.push_back(i);
      }
    }
    r.status = value_set(s, "status", &kStatus, errors);
    r.msg_type = value_set(s, "msg_type", &kMsgType, errors);
    r.scope = value_set(s, "scope", &kScope, errors);
    r.sender = value_set(s, "sender", nullptr, errors);
    r.category = value_set(s, "category", &kCategory, errors);
    r.event = value_set(s, "event", nullptr, errors);
    r.min_severity = minimum(s, "min_severity", kSeverity, errors);
    r.min_urgency = minimum(s, "min_urgency", kUrgency, errors);
    r.min_certainty = minimum(s, "min_certainty", kCertainty, errors);
    for (const auto& name : s.get_strings("regions")) {
      bool found = false;
      for (size_t i = 0; i < rules->regions.size(); ++i) {
        if (rules->regions[i].name() != name) continue;
        r.regions.push_back(i);
        found = true;
      }
      // A region that failed to build has been reported already.
      if (!found &&
          std::find(region_names.begin(), region_names.end(), name) == region_names.end()) {
        errors.add(s, "regions", "no [[region]] named '" + name + "'");
      }
    }
    rules->uses_regions |= !r.regions.empty();
    rules->routes.push_back(std::move(r));
  }
  if (!errors.empty()) return errors.status();
  Router router(channel_names);
  router.rules_ = std::move(rules);
  return router;
}

std::vector<std::string> names_of(const std::vector<NamedChannel>& channels) {
  std::vector<std::string> out;
  for (const auto& c : channels)
    out.push_back(c.name);
  return out;
}

bool Router::has_routes() const {
  return !rules_->routes.empty();
}

namespace {

bool meets(const std::optional<int>& min, const std::vector<std::string>& scale,
           const std::string& value) {
  if (!min) return true;
  auto r = rank_in(scale, value);  // Unknown and anything else: not on the scale
  return r && *r <= *min;
}

bool info_matches(const Route& route, const cap::Info& info, const std::vector<AlertArea>& areas,
                  const std::vector<Region>& regions) {
  if (!route.category.empty() &&
      std::none_of(info.categories.begin(), info.categories.end(),
                   [&](const std::string& c) { return contains(route.category, c); }))
    return false;
  if (!route.event.empty() && !contains(route.event, info.event)) return false;
  if (!meets(route.min_severity, kSeverity, info.severity) ||
      !meets(route.min_urgency, kUrgency, info.urgency) ||
      !meets(route.min_certainty, kCertainty, info.certainty))
    return false;
  if (route.regions.empty()) return true;
  for (size_t region : route.regions) {
    for (const auto& area : areas) {
      if (regions[region].touches(area)) return true;
    }
  }
  return false;
}

}  // namespace

RouteDecision Router::decide(const cap::Alert& alert) const {
  const Rules& rules = *rules_;
  RouteDecision out;
  std::vector<bool> chosen(channels_.size(), rules.routes.empty());
  // Each <info>'s areas, prepared once for every route that asks about regions.
  std::vector<std::vector<AlertArea>> areas(alert.infos.size());
  if (rules.uses_regions) {
    for (size_t i = 0; i < alert.infos.size(); ++i) {
      for (const auto& a : alert.infos[i].areas)
        areas[i].push_back(prepare_area(a));
    }
  }
  for (const auto& route : rules.routes) {
    if ((!route.status.empty() && !contains(route.status, alert.status)) ||
        (!route.msg_type.empty() && !contains(route.msg_type, alert.msg_type)) ||
        (!route.scope.empty() && !contains(route.scope, alert.scope)) ||
        (!route.sender.empty() && !contains(route.sender, alert.sender)))
      continue;
    // The info-level conditions hold together for one <info>: an alert whose English info is
    // Severe and whose other info is about the routed event does not match both.
    if (route.has_info_conditions()) {
      bool any = false;
      for (size_t i = 0; i < alert.infos.size() && !any; ++i)
        any = info_matches(route, alert.infos[i], areas[i], rules.regions);
      if (!any) continue;
    }
    out.matched.push_back(route.name);
    for (size_t c : route.channels)
      chosen[c] = true;
  }
  std::vector<std::string> blocked_names;
  for (const auto& info : alert.infos) {
    for (const auto& p : info.parameters) {
      if (lower(trim(p.value_name)) == lower(kBlockChannel))
        blocked_names.push_back(lower(trim(p.value)));
    }
  }
  for (size_t c = 0; c < channels_.size(); ++c) {
    if (!chosen[c]) continue;
    bool blocked =
        std::any_of(rules.blocks[c].begin(), rules.blocks[c].end(), [&](const std::string& b) {
          return std::find(blocked_names.begin(), blocked_names.end(), b) != blocked_names.end();
        });
    (blocked ? out.blocked : out.channels).push_back(channels_[c]);
  }
  return out;
}

}  // namespace capcast::dispatch
