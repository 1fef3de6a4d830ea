#include "cap_feed.h"

#include <sstream>

#include "capcast/cap/parse.h"
#include "capcast/cap/safe_xml.h"
#include "capcast/ingest/fetcher.h"

namespace capcast::ingest::cap_feed {
namespace {

using cap::local_name;
using cap::namespace_of;
using cap::text_of;

bool is_cap_namespace(std::string_view ns) {
  return ns == cap::kNs12 || ns == cap::kNs11 || ns == cap::kNs10;
}

// An embedded <alert> as a standalone document, with its namespace declared on itself.
std::string standalone(pugi::xml_node alert) {
  pugi::xml_document out;
  auto decl = out.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  pugi::xml_node copy = out.append_copy(alert);
  std::string_view name(alert.name());
  auto colon = name.find(':');
  std::string attr =
      colon == std::string_view::npos ? "xmlns" : "xmlns:" + std::string(name.substr(0, colon));
  if (!copy.attribute(attr.c_str())) {
    copy.prepend_attribute(attr.c_str()) = std::string(namespace_of(alert)).c_str();
  }
  std::ostringstream s;
  out.save(s, "", pugi::format_raw);
  return s.str();
}

bool looks_like_cap_link(std::string_view type, std::string_view href) {
  if (type == "application/cap+xml") return true;
  auto ends = [&](std::string_view suffix) {
    return href.size() >= suffix.size() && href.substr(href.size() - suffix.size()) == suffix;
  };
  return ends(".cap") || ends(".xml");
}

// One ATOM <entry> or RSS <item>: its embedded alert, else its CAP link.
void take_entry(pugi::xml_node entry, const std::string& url, int index, Extracted& out) {
  for (auto c : entry.children()) {
    if (c.type() != pugi::node_element) continue;
    // Embedded: <content type="text/xml"><alert xmlns="urn:...cap:1.2">...</alert></content>,
    // or a bare cap:alert child.
    if (local_name(c.name()) == "alert" && is_cap_namespace(namespace_of(c))) {
      out.documents.push_back(standalone(c));
      return;
    }
    if (local_name(c.name()) == "content") {
      for (auto a : c.children()) {
        if (a.type() == pugi::node_element && local_name(a.name()) == "alert" &&
            is_cap_namespace(namespace_of(a))) {
          out.documents.push_back(standalone(a));
          return;
        }
      }
    }
  }
  // Linked: an ATOM <link type="application/cap+xml">, else a link that looks like a CAP file,
  // else the first alternate link (NWS's index links to "wwacapget.php?x=..." with no type), RSS
  // <link> and <enclosure> alike. A linked document that is not CAP is refused when parsed.
  std::string best, likely, fallback;
  for (auto c : entry.children()) {
    if (c.type() != pugi::node_element) continue;
    auto name = local_name(c.name());
    std::string href;
    std::string_view type, rel = "alternate";
    if (name == "link" && c.attribute("href")) {
      href = c.attribute("href").value();
      type = c.attribute("type").value();
      if (c.attribute("rel")) rel = c.attribute("rel").value();
    } else if (name == "link") {
      href = text_of(c);
    } else if (name == "enclosure") {
      href = c.attribute("url").value();
      type = c.attribute("type").value();
    } else {
      continue;
    }
    if (href.empty() || (rel != "alternate" && rel != "related" && rel != "enclosure")) continue;
    if (type == "application/cap+xml" && best.empty()) best = href;
    if (looks_like_cap_link(type, href) && likely.empty()) likely = href;
    if (fallback.empty()) fallback = href;
  }
  std::string href = !best.empty() ? best : !likely.empty() ? likely : fallback;
  if (href.empty()) {
    out.problems.push_back(url + ": entry " + std::to_string(index) +
                           ": neither an embedded CAP alert nor a link to one");
    return;
  }
  out.links.push_back(resolve_reference(url, href));
}

}  // namespace

Extracted extract_cap(const Input& in) {
  Extracted out;
  out.documents.emplace_back(in.body);
  return out;
}

Extracted extract_feed(const Input& in) {
  std::string_view body = in.body;
  const std::string& url = in.url;
  Extracted out;
  pugi::xml_document doc;
  if (auto st = cap::load_safe_xml(doc, body, {}); !st.ok()) {
    out.problems.push_back(url + ": " + st.message());
    return out;
  }
  pugi::xml_node root = doc.document_element();
  auto root_name = local_name(root.name());
  if (root_name == "alert" && is_cap_namespace(namespace_of(root))) {
    out.documents.emplace_back(body);  // a CAP document where a feed was expected: take it
    return out;
  }
  int index = 0;
  if (root_name == "feed") {
    for (auto e : root.children()) {
      if (e.type() == pugi::node_element && local_name(e.name()) == "entry") {
        take_entry(e, url, ++index, out);
      }
    }
  } else if (root_name == "rss" || root_name == "RDF") {
    auto channel = root.child("channel");
    pugi::xml_node parent = channel ? channel : root;
    for (auto e : parent.children()) {
      if (e.type() == pugi::node_element && local_name(e.name()) == "item") {
        take_entry(e, url, ++index, out);
      }
    }
    if (!channel) {  // RSS 1.0 (RDF) keeps items beside the channel
      for (auto e : root.children()) {
        if (e.type() == pugi::node_element && local_name(e.name()) == "item") {
          take_entry(e, url, ++index, out);
        }
      }
    }
  } else {
    out.problems.push_back(url + ": root element <" + std::string(root.name()) +
                           "> is neither an ATOM <feed>, an RSS <rss> nor a CAP <alert>");
  }
  return out;
}

}  // namespace capcast::ingest::cap_feed
