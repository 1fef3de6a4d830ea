#include "atom_feed.h"

#include <pugixml.hpp>

#include <sstream>

#include "capcast/core/clock.h"

namespace capcast::app {

std::string render_atom(const std::vector<store::AlertRow>& alerts, const FeedMeta& meta) {
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  auto feed = doc.append_child("feed");
  feed.append_attribute("xmlns") = "http://www.w3.org/2005/Atom";
  auto text = [](pugi::xml_node parent, const char* name, const std::string& value) {
    parent.append_child(name).text().set(value.c_str());
  };
  text(feed, "id", meta.base_url + "/feed.atom");
  text(feed, "title", meta.title);
  int64_t updated = meta.now_ms;
  if (!alerts.empty()) updated = alerts.front().received_ms;
  for (const auto& a : alerts)
    updated = std::max(updated, a.received_ms);
  text(feed, "updated", format_rfc3339_utc(from_unix_ms(updated)));
  auto self = feed.append_child("link");
  self.append_attribute("rel") = "self";
  self.append_attribute("href") = (meta.base_url + "/feed.atom").c_str();
  text(feed.append_child("author"), "name", "capcast");
  text(feed, "generator", "capcast");
  for (const auto& a : alerts) {
    auto e = feed.append_child("entry");
    std::string href = meta.base_url + "/alerts/" + std::to_string(a.id) + ".xml";
    text(e, "id", href);
    text(e, "title", a.title);
    text(e, "updated", format_rfc3339_utc(from_unix_ms(a.sent_ms)));
    text(e, "published", format_rfc3339_utc(from_unix_ms(a.sent_ms)));
    text(e.append_child("author"), "name", a.sender);
    auto link = e.append_child("link");
    link.append_attribute("rel") = "alternate";
    link.append_attribute("type") = "application/cap+xml";
    link.append_attribute("href") = href.c_str();
    text(e, "summary",
         a.status + " " + a.msg_type + " from " + a.sender + ", identifier " + a.identifier);
  }
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

}  // namespace capcast::app
