// CAP XML -> model, on pugixml, loaded through load_safe_xml (safe_xml.h).
#include "capcast/cap/parse.h"

#include <pugixml.hpp>

#include <optional>
#include <sstream>

#include "build.h"
#include "capcast/cap/model.h"
#include "capcast/cap/safe_xml.h"
#include "fast_parse.h"

namespace capcast::cap {
namespace {

class Builder {
 public:
  Builder(std::string_view xml, Version version, std::vector<std::string>* notes)
      : xml_(xml), version_(version), notes_(notes) {}

  // Each element fills its part of the model in place.
  void alert(pugi::xml_node root, Alert& a) {
    for (pugi::xml_node c = root.first_child(); c; c = c.next_sibling()) {
      if (c.type() != pugi::node_element) continue;
      auto name = local_name(c.name());
      if (name == "identifier")
        a.identifier = text_of(c);
      else if (name == "sender")
        a.sender = text_of(c);
      else if (name == "sent")
        a.sent = text_of(c);
      else if (name == "status")
        a.status = text_of(c);
      else if (name == "msgType")
        a.msg_type = text_of(c);
      else if (name == "source")
        a.source = text_of(c);
      else if (name == "scope")
        a.scope = text_of(c);
      else if (name == "restriction")
        a.restriction = text_of(c);
      else if (name == "addresses")
        a.addresses = text_of(c);
      else if (name == "code")
        a.codes.push_back(text_of(c));
      else if (name == "note")
        a.note = text_of(c);
      else if (name == "references")
        a.references = text_of(c);
      else if (name == "incidents")
        a.incidents = text_of(c);
      else if (name == "info")
        info(c, a.infos.emplace_back());
      else if (name == "Signature") {
        a.signature_xml = raw_xml(c);
        a.signature_namespaces = inherited_namespaces(c);
      } else if (name == "password" && version_ == Version::kCap10) {
        notes_->push_back("dropped <password> (CAP 1.0 only; removed in CAP 1.1)");
      }
    }
  }

 private:
  void pair(pugi::xml_node n, ValuePair& p) {
    bool structured = false;
    for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
      if (c.type() != pugi::node_element) continue;
      auto name = local_name(c.name());
      if (name == "valueName")
        p.value_name = text_of(c), structured = true;
      else if (name == "value")
        p.value = text_of(c), structured = true;
    }
    if (!structured && version_ == Version::kCap10) {
      // CAP 1.0 wrote these as "valueName=value" text.
      std::string t = text_of(n);
      auto eq = t.find('=');
      p.value_name = eq == std::string::npos ? t : t.substr(0, eq);
      p.value = eq == std::string::npos ? "" : t.substr(eq + 1);
      notes_->push_back(std::string("<") + n.name() + "> \"" + t +
                        "\" split into valueName/value (CAP 1.0 form)");
    }
  }

  void info(pugi::xml_node n, Info& i) {
    for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
      if (c.type() != pugi::node_element) continue;
      auto name = local_name(c.name());
      if (name == "language")
        i.language = text_of(c);
      else if (name == "category")
        i.categories.push_back(text_of(c));
      else if (name == "event")
        i.event = text_of(c);
      else if (name == "responseType")
        i.response_types.push_back(text_of(c));
      else if (name == "urgency")
        i.urgency = text_of(c);
      else if (name == "severity")
        i.severity = text_of(c);
      else if (name == "certainty")
        i.certainty = upgrade_certainty(text_of(c));
      else if (name == "audience")
        i.audience = text_of(c);
      else if (name == "eventCode")
        pair(c, i.event_codes.emplace_back());
      else if (name == "effective")
        i.effective = text_of(c);
      else if (name == "onset")
        i.onset = text_of(c);
      else if (name == "expires")
        i.expires = text_of(c);
      else if (name == "senderName")
        i.sender_name = text_of(c);
      else if (name == "headline")
        i.headline = text_of(c);
      else if (name == "description")
        i.description = text_of(c);
      else if (name == "instruction")
        i.instruction = text_of(c);
      else if (name == "web")
        i.web = text_of(c);
      else if (name == "contact")
        i.contact = text_of(c);
      else if (name == "parameter")
        pair(c, i.parameters.emplace_back());
      else if (name == "resource")
        resource(c, i.resources.emplace_back());
      else if (name == "area")
        area(c, i.areas.emplace_back());
    }
  }

  std::string upgrade_certainty(std::string v) {
    // CAP 1.1 §3.2.2 deprecated "Very Likely"; CAP 1.2 maps it to "Likely".
    if (version_ != Version::kCap12 && v == "Very Likely") {
      notes_->push_back("certainty \"Very Likely\" changed to \"Likely\" (deprecated in CAP 1.1)");
      return "Likely";
    }
    return v;
  }

  void resource(pugi::xml_node n, Resource& r) {
    for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
      if (c.type() != pugi::node_element) continue;
      auto name = local_name(c.name());
      if (name == "resourceDesc")
        r.resource_desc = text_of(c);
      else if (name == "mimeType")
        r.mime_type = text_of(c);
      else if (name == "size")
        r.size = text_of(c);
      else if (name == "uri")
        r.uri = text_of(c);
      else if (name == "derefUri")
        r.deref_uri = text_of(c);
      else if (name == "digest")
        r.digest = text_of(c);
    }
  }

  void area(pugi::xml_node n, Area& a) {
    for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
      if (c.type() != pugi::node_element) continue;
      auto name = local_name(c.name());
      if (name == "areaDesc")
        a.area_desc = text_of(c);
      else if (name == "polygon")
        a.polygons.push_back(text_of(c));
      else if (name == "circle")
        a.circles.push_back(text_of(c));
      else if (name == "geocode")
        pair(c, a.geocodes.emplace_back());
      else if (name == "altitude")
        a.altitude = text_of(c);
      else if (name == "ceiling")
        a.ceiling = text_of(c);
    }
  }

  // The element's original bytes when they can be located (UTF-8 input), else pugixml's
  // serialisation of it. Needed to keep an enveloped signature verifiable.
  std::string raw_xml(pugi::xml_node n) {
    ptrdiff_t off = n.offset_debug();
    if (off >= 0 && static_cast<size_t>(off) < xml_.size()) {
      size_t start = xml_[static_cast<size_t>(off)] == '<'
                         ? static_cast<size_t>(off)
                         : xml_.rfind('<', static_cast<size_t>(off));
      if (start != std::string_view::npos &&
          xml_.substr(start + 1, std::string_view(n.name()).size()) == n.name()) {
        size_t end = element_end(xml_, start);
        if (end != std::string_view::npos) {
          return std::string(xml_.substr(start, end - start));
        }
      }
    }
    std::ostringstream out;
    n.print(out, "", pugi::format_raw);
    return out.str();
  }

  // The namespace prefixes the signature's bytes use but which are declared on <alert> (or
  // above) rather than inside it: serialize() declares them again on its <alert>, so that the
  // signature stays byte for byte and the output stays namespace-well-formed.
  // Namespaces in XML 1.0 §5 (Prefix Declared): every prefix used in an element or attribute
  // name of the signature is declared in scope. The prefixes declared on the signature's
  // ancestors (not inside it) are returned, so that serialize() can declare them on <alert>
  // and the kept bytes stay namespace-well-formed. pugixml does not check §5 itself.
  std::vector<ValuePair> inherited_namespaces(pugi::xml_node sig) {
    std::vector<ValuePair> out;
    std::vector<pugi::xml_node> stack{sig};
    while (!stack.empty() && !error_) {
      pugi::xml_node e = stack.back();
      stack.pop_back();
      use_prefix(sig, e, e.name(), out);
      for (auto a : e.attributes()) {
        std::string_view n(a.name());
        if (n == "xmlns" || n.rfind("xmlns:", 0) == 0) continue;  // declarations, not uses
        use_prefix(sig, e, n, out);
      }
      for (pugi::xml_node c = e.last_child(); c; c = c.previous_sibling())
        if (c.type() == pugi::node_element) stack.push_back(c);
    }
    return out;
  }

  void use_prefix(pugi::xml_node sig, pugi::xml_node e, std::string_view name,
                  std::vector<ValuePair>& out) {
    auto colon = name.find(':');
    if (colon == std::string_view::npos || error_) return;
    std::string prefix(name.substr(0, colon));
    if (prefix == "xml") return;  // bound by definition (Namespaces in XML 1.0 §3)
    std::string decl = "xmlns:" + prefix;
    for (pugi::xml_node p = e; p && p.type() == pugi::node_element; p = p.parent()) {
      pugi::xml_attribute a = p.attribute(decl.c_str());
      if (!a) continue;
      bool inside = false;
      for (pugi::xml_node q = e; q; q = q.parent()) {
        if (q == p) inside = true;
        if (q == sig) break;
      }
      if (inside) return;  // declared within the signature: its bytes carry it
      for (const auto& v : out)
        if (v.value_name == prefix) return;
      out.push_back({prefix, a.value()});
      return;
    }
    std::string what = name == std::string_view(e.name()) ? std::string()
                                                          : "attribute " + std::string(name) + ": ";
    error_ = Status(Code::kParseError, xml_position(xml_, e.offset_debug()) + ": <" + e.name() +
                                           ">: " + what + "namespace prefix \"" + prefix +
                                           "\" is not declared (Namespaces in XML 1.0 §5)");
  }

 public:
  std::optional<Status> error_;

 private:
  std::string_view xml_;
  Version version_;
  std::vector<std::string>* notes_;
};

}  // namespace

const char* version_name(Version v) {
  switch (v) {
    case Version::kCap10:
      return "CAP 1.0";
    case Version::kCap11:
      return "CAP 1.1";
    case Version::kCap12:
      return "CAP 1.2";
  }
  return "?";
}

Result<Parsed> parse(std::string_view original, const ParseOptions& options) {
  // The usual document, plain and valid CAP 1.2, in one pass (fast_parse.h).
  if (Parsed fast; fast_parse(original, options, &fast)) return fast;
  // ISO-8859-1 is converted up front, so that positions and the signature's bytes are taken
  // from the same UTF-8 text that pugixml parses.
  auto converted = latin1_to_utf8(original);
  std::string_view xml = converted ? std::string_view(*converted) : original;
  pugi::xml_document doc;
  if (auto st =
          load_safe_xml(doc, xml, {options.max_bytes, options.max_depth, converted.has_value()});
      !st.ok()) {
    return st;
  }
  return build(doc, xml);
}

Result<Parsed> build(const pugi::xml_document& doc, std::string_view xml) {
  pugi::xml_node root = doc.document_element();
  if (local_name(root.name()) != "alert") {
    return Status(Code::kParseError, xml_position(xml, root.offset_debug()) +
                                         ": root element is <" + root.name() +
                                         ">, expected a CAP <alert>");
  }
  std::string_view ns = namespace_of(root);
  Parsed out;
  if (ns == kNs12) {
    out.version = Version::kCap12;
  } else if (ns == kNs11) {
    out.version = Version::kCap11;
    out.upgrade_notes.push_back("namespace CAP 1.1 -> CAP 1.2");
  } else if (ns == kNs10) {
    out.version = Version::kCap10;
    out.upgrade_notes.push_back("namespace CAP 1.0 -> CAP 1.2");
  } else {
    return Status(Code::kParseError, xml_position(xml, root.offset_debug()) +
                                         ": <alert> is not in a CAP namespace (got \"" +
                                         std::string(ns) + "\", expected " + std::string(kNs12) +
                                         ")");
  }
  Builder b(xml, out.version, &out.upgrade_notes);
  b.alert(root, out.alert);
  if (b.error_) return *b.error_;
  return out;
}

}  // namespace capcast::cap
