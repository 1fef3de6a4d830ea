// Written out by hand rather than through pugixml's DOM because an enveloped signature must be
// copied byte for byte (pugixml can only re-serialise a node, changing its bytes and breaking the
// signature), and because the output order is fixed by the schema anyway.
#include "capcast/cap/serialize.h"

namespace capcast::cap {
namespace {

class Writer {
 public:
  std::string out;

  void open(const char* name, int depth) {
    indent(depth);
    out += '<';
    out += name;
    out += ">\n";
  }
  void close(const char* name, int depth) {
    indent(depth);
    out += "</";
    out += name;
    out += ">\n";
  }
  void text(const char* name, const std::string& value, int depth) {
    indent(depth);
    out += '<';
    out += name;
    out += '>';
    escape(value);
    out += "</";
    out += name;
    out += ">\n";
  }
  void opt(const char* name, const std::optional<std::string>& value, int depth) {
    if (value) text(name, *value, depth);
  }
  void pairs(const char* name, const std::vector<ValuePair>& pairs, int depth) {
    for (const auto& p : pairs) {
      open(name, depth);
      text("valueName", p.value_name, depth + 1);
      text("value", p.value, depth + 1);
      close(name, depth);
    }
  }

 private:
  void indent(int depth) { out.append(static_cast<size_t>(depth) * 2, ' '); }
  // XML 1.0 §2.4 and §2.11: < and & always; > for "]]>"; CR as a character reference so that
  // end-of-line normalisation does not turn it into LF.
  void escape(const std::string& s) {
    for (char c : s) {
      switch (c) {
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '&':
          out += "&amp;";
          break;
        case '\r':
          out += "&#13;";
          break;
        default:
          out += c;
      }
    }
  }
};

}  // namespace

std::string serialize(const Alert& a) {
  Writer w;
  w.out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  w.out += "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"";
  for (const auto& ns : a.signature_namespaces) {
    w.out += " xmlns:" + ns.value_name + "=\"";
    for (char c : ns.value)
      w.out += c == '"'   ? std::string("&quot;")
               : c == '&' ? std::string("&amp;")
               : c == '<' ? std::string("&lt;")
                          : std::string(1, c);
    w.out += '"';
  }
  w.out += ">\n";
  // CAP 1.2 §3.2.1, in schema order.
  w.text("identifier", a.identifier, 1);
  w.text("sender", a.sender, 1);
  w.text("sent", a.sent, 1);
  w.text("status", a.status, 1);
  w.text("msgType", a.msg_type, 1);
  w.opt("source", a.source, 1);
  w.text("scope", a.scope, 1);
  w.opt("restriction", a.restriction, 1);
  w.opt("addresses", a.addresses, 1);
  for (const auto& c : a.codes)
    w.text("code", c, 1);
  w.opt("note", a.note, 1);
  w.opt("references", a.references, 1);
  w.opt("incidents", a.incidents, 1);
  for (const auto& i : a.infos) {
    // §3.2.2 <info>.
    w.open("info", 1);
    w.opt("language", i.language, 2);
    for (const auto& c : i.categories)
      w.text("category", c, 2);
    w.text("event", i.event, 2);
    for (const auto& r : i.response_types)
      w.text("responseType", r, 2);
    w.text("urgency", i.urgency, 2);
    w.text("severity", i.severity, 2);
    w.text("certainty", i.certainty, 2);
    w.opt("audience", i.audience, 2);
    w.pairs("eventCode", i.event_codes, 2);
    w.opt("effective", i.effective, 2);
    w.opt("onset", i.onset, 2);
    w.opt("expires", i.expires, 2);
    w.opt("senderName", i.sender_name, 2);
    w.opt("headline", i.headline, 2);
    w.opt("description", i.description, 2);
    w.opt("instruction", i.instruction, 2);
    w.opt("web", i.web, 2);
    w.opt("contact", i.contact, 2);
    w.pairs("parameter", i.parameters, 2);
    for (const auto& r : i.resources) {
      // §3.2.3 <resource>.
      w.open("resource", 2);
      w.text("resourceDesc", r.resource_desc, 3);
      w.text("mimeType", r.mime_type, 3);
      w.opt("size", r.size, 3);
      w.opt("uri", r.uri, 3);
      w.opt("derefUri", r.deref_uri, 3);
      w.opt("digest", r.digest, 3);
      w.close("resource", 2);
    }
    for (const auto& ar : i.areas) {
      // §3.2.4 <area>.
      w.open("area", 2);
      w.text("areaDesc", ar.area_desc, 3);
      for (const auto& p : ar.polygons)
        w.text("polygon", p, 3);
      for (const auto& c : ar.circles)
        w.text("circle", c, 3);
      w.pairs("geocode", ar.geocodes, 3);
      w.opt("altitude", ar.altitude, 3);
      w.opt("ceiling", ar.ceiling, 3);
      w.close("area", 2);
    }
    w.close("info", 1);
  }
  if (a.signature_xml) {
    w.out += "  ";
    w.out += *a.signature_xml;
    w.out += '\n';
  }
  w.out += "</alert>\n";
  return w.out;
}

}  // namespace capcast::cap
