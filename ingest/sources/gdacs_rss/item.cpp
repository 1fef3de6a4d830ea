// Reading one GDACS RSS <item>. Elements are matched by namespace and local name: RSS 2.0's own
// (no namespace), GDACS's (http://www.gdacs.org), GeoRSS Simple's (http://www.georss.org/georss)
// and W3C Basic Geo's (http://www.w3.org/2003/01/geo/wgs84_pos#). Field meanings from the feed
// itself and exxamalte/python-aio-georss-gdacs (aio_georss_gdacs/consts.py).
#include <charconv>
#include <cmath>

#include "capcast/cap/safe_xml.h"
#include "capgen/capgen.h"
#include "item.h"

namespace capcast::ingest::gdacs_rss {
namespace {

constexpr std::string_view kGdacs = "http://www.gdacs.org";
constexpr std::string_view kGeoRss = "http://www.georss.org/georss";
constexpr std::string_view kGeo = "http://www.w3.org/2003/01/geo/wgs84_pos#";
constexpr double kBoxMarginDeg = 5;

pugi::xml_node child(pugi::xml_node parent, std::string_view ns, std::string_view name) {
  for (auto c : parent.children()) {
    if (c.type() == pugi::node_element && cap::local_name(c.name()) == name &&
        cap::namespace_of(c) == ns)
      return c;
  }
  return {};
}

std::string text(pugi::xml_node parent, std::string_view ns, std::string_view name) {
  auto c = child(parent, ns, name);
  return c ? capgen::clean_text(cap::text_of(c)) : std::string();
}

std::vector<double> numbers(const std::string& s, bool* ok) {
  std::vector<double> out;
  *ok = true;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
      ++i;
    size_t b = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
      ++i;
    if (i == b) break;
    auto v = capgen::parse_double(std::string_view(s).substr(b, i - b));
    if (!v) *ok = false;
    out.push_back(v.value_or(0));
  }
  return out;
}

}  // namespace

Item read_item(pugi::xml_node node, size_t index, std::vector<std::string>& problems) {
  Item it;
  std::string guid = text(node, "", "guid");
  it.where = "item " + std::to_string(index) + (guid.empty() ? "" : " (guid " + guid + ")");
  auto problem = [&](const std::string& field, const std::string& what) {
    problems.push_back(it.where + ": " + field + ": " + what);
  };
  it.title = text(node, "", "title");
  it.description = text(node, "", "description");
  it.link = text(node, "", "link");
  it.cap_url = text(node, kGdacs, "cap");
  it.event_type = text(node, kGdacs, "eventtype");
  it.event_id = text(node, kGdacs, "eventid");
  if (!it.event_id.empty() && !capgen::is_plain_id(it.event_id)) {
    problem("gdacs:eventid", "\"" + it.event_id + "\" is not a plain id");
    it.event_id.clear();
  }
  if (std::string ep = text(node, kGdacs, "episodeid"); !ep.empty()) {
    int64_t v = 0;
    auto r = std::from_chars(ep.data(), ep.data() + ep.size(), v);
    if (r.ec == std::errc() && r.ptr == ep.data() + ep.size() && ep.size() <= 15 && ep[0] != '-') {
      it.episode_id = v;
    } else {
      problem("gdacs:episodeid", "\"" + ep + "\" is not a whole number");
    }
  }
  for (auto [field, out] : {std::pair{"pubDate", &it.pub_ms}, std::pair{"fromdate", &it.from_ms}}) {
    std::string v = text(node, std::string_view(field) == "pubDate" ? "" : kGdacs, field);
    if (v.empty()) continue;
    *out = capgen::parse_rfc822(v);
    if (!*out || !capgen::is_cap_time(**out)) {
      problem(field, "\"" + v + "\" is not an RFC 822 date-time");
      out->reset();
    }
  }
  it.country = text(node, kGdacs, "country");
  it.iso3 = text(node, kGdacs, "iso3");
  it.event_name = text(node, kGdacs, "eventname");
  it.alert_level = text(node, kGdacs, "alertlevel");
  it.alert_score = text(node, kGdacs, "alertscore");
  it.episode_alert_level = text(node, kGdacs, "episodealertlevel");
  it.is_current = text(node, kGdacs, "iscurrent");
  it.version = text(node, kGdacs, "version");
  it.glide = text(node, kGdacs, "glide");
  if (auto sev = child(node, kGdacs, "severity")) {
    it.severity_text = capgen::clean_text(cap::text_of(sev));
    it.severity_value = capgen::clean_text(sev.attribute("value").value());
    it.severity_unit = capgen::clean_text(sev.attribute("unit").value());
  }
  if (auto pop = child(node, kGdacs, "population")) {
    it.population_text = capgen::clean_text(cap::text_of(pop));
    it.population_value = capgen::clean_text(pop.attribute("value").value());
    it.population_unit = capgen::clean_text(pop.attribute("unit").value());
  }
  // <gdacs:identifiers><gdacs:identifier id="neicid" src="NEIC">us70006s89</...>: the USGS id.
  for (auto id : child(node, kGdacs, "identifiers").children()) {
    if (id.type() == pugi::node_element && cap::local_name(id.name()) == "identifier" &&
        std::string_view(id.attribute("id").value()) == "neicid") {
      std::string v = capgen::clean_text(cap::text_of(id));
      if (capgen::is_plain_id(v)) it.usgs_id = v;
    }
  }
  // GeoRSS Simple <georss:point>: "lat lon"; W3C Basic Geo <geo:Point><geo:lat/><geo:long/>.
  bool ok = true;
  if (std::string p = text(node, kGeoRss, "point"); !p.empty()) {
    auto v = numbers(p, &ok);
    if (ok && v.size() == 2) {
      it.lat = v[0];
      it.lon = v[1];
    } else {
      problem("georss:point", "\"" + p + "\" is not \"latitude longitude\"");
    }
  } else if (auto gp = child(node, kGeo, "Point")) {
    it.lat = capgen::parse_double(capgen::clean_text(cap::text_of(child(gp, kGeo, "lat"))));
    it.lon = capgen::parse_double(capgen::clean_text(cap::text_of(child(gp, kGeo, "long"))));
    if (!it.lat || !it.lon) problem("geo:Point", "no numeric geo:lat and geo:long");
  }
  if (it.lat && it.lon && (std::abs(*it.lat) > 90 || std::abs(*it.lon) > 180)) {
    problem("point", "latitude or longitude out of range; left out");
    it.lat.reset();
  }
  if (!it.lat || !it.lon) {
    it.lat.reset();
    it.lon.reset();
  }
  // <gdacs:bbox>: "lonmin lonmax latmin latmax" (as the feed's own comment says).
  if (std::string b = text(node, kGdacs, "bbox"); !b.empty()) {
    auto v = numbers(b, &ok);
    Item::Box box;
    if (ok && v.size() == 4) box = {v[0], v[1], v[2], v[3]};
    bool valid = ok && v.size() == 4 && box.lon_min < box.lon_max && box.lat_min < box.lat_max &&
                 std::abs(box.lon_min) <= 180 && std::abs(box.lon_max) <= 180 &&
                 std::abs(box.lat_min) <= 90 && std::abs(box.lat_max) <= 90;
    // The point within the box, or within kBoxMarginDeg of it: a cyclone's current position
    // (TC1000641, TC1000643 in the captures) lies just outside the box drawn around its track,
    // while a box on the other side of the globe (TC1000642) is an error.
    bool holds_point =
        !it.lat ||
        (*it.lat >= box.lat_min - kBoxMarginDeg && *it.lat <= box.lat_max + kBoxMarginDeg &&
         *it.lon >= box.lon_min - kBoxMarginDeg && *it.lon <= box.lon_max + kBoxMarginDeg);
    if (!valid) {
      problem("gdacs:bbox", "\"" + b + "\" is not \"lonmin lonmax latmin latmax\"; left out");
    } else if (!holds_point) {
      problem("gdacs:bbox", "\"" + b + "\" is more than 5 degrees from the item's point; left out");
    } else {
      it.bbox = box;
    }
  }
  return it;
}

}  // namespace capcast::ingest::gdacs_rss
