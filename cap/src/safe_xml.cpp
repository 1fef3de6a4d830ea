// pugixml never fetches anything and expands only the five predefined entities and character
// references. On top of that we refuse any DOCTYPE outright, so that no entity can be declared at
// all (no XXE, no billion laughs) and an attack is reported rather than silently skipped.
#include "capcast/cap/safe_xml.h"

#include <algorithm>
#include <cctype>

namespace capcast::cap {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The encoding named in the XML declaration, lower-cased; "" when none is declared.
std::string declared_encoding(std::string_view xml) {
  if (xml.size() >= 3 && xml.substr(0, 3) == "\xEF\xBB\xBF") xml.remove_prefix(3);
  if (xml.substr(0, 5) != "<?xml") return "";
  auto end = xml.find("?>");
  if (end == std::string_view::npos) return "";
  std::string_view decl = xml.substr(0, end);
  auto pos = decl.find("encoding");
  if (pos == std::string_view::npos) return "";
  pos = decl.find_first_of("\"'", pos);
  if (pos == std::string_view::npos) return "";
  auto close = decl.find(decl[pos], pos + 1);
  if (close == std::string_view::npos) return "";
  return lower(decl.substr(pos + 1, close - pos - 1));
}

bool is_latin1(const std::string& enc) {
  return enc == "iso-8859-1" || enc == "latin1" || enc == "iso_8859-1" || enc == "l1";
}

}  // namespace

std::string xml_position(std::string_view xml, ptrdiff_t offset) {
  if (offset < 0) offset = 0;
  size_t end = std::min(static_cast<size_t>(offset), xml.size());
  size_t line = 1, col = 1;
  for (size_t i = 0; i < end; ++i) {
    if (xml[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

std::string_view local_name(const char* name) {
  std::string_view n(name);
  auto colon = n.find(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

std::string_view namespace_of(pugi::xml_node element) {
  std::string_view name(element.name());
  auto colon = name.find(':');
  std::string attr =
      colon == std::string_view::npos ? "xmlns" : "xmlns:" + std::string(name.substr(0, colon));
  for (pugi::xml_node n = element; n && n.type() == pugi::node_element; n = n.parent()) {
    if (auto a = n.attribute(attr.c_str())) return a.value();
  }
  return "";
}

std::string text_of(pugi::xml_node n) {
  std::string out;
  for (auto c : n.children()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) out += c.value();
  }
  return out;
}

std::optional<std::string> latin1_to_utf8(std::string_view xml) {
  if (!is_latin1(declared_encoding(xml))) return std::nullopt;
  std::string out;
  out.reserve(xml.size() + xml.size() / 8);
  for (unsigned char c : xml) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

Status load_safe_xml(pugi::xml_document& doc, std::string_view xml, const XmlLimits& limits) {
  if (xml.size() > limits.max_bytes) {
    return Status(Code::kParseError, "document is " + std::to_string(xml.size()) +
                                         " bytes, over the limit of " +
                                         std::to_string(limits.max_bytes));
  }
  std::string enc = declared_encoding(xml);
  pugi::xml_encoding encoding;
  if (limits.utf8) {
    encoding = pugi::encoding_utf8;
  } else if (is_latin1(enc)) {
    encoding = pugi::encoding_latin1;
  } else if (enc.empty() || enc == "utf-8" || enc == "utf8" || enc == "us-ascii") {
    encoding = pugi::encoding_auto;  // UTF-8, or UTF-16/32 recognised by their byte-order mark
  } else {
    return Status(Code::kParseError, "line 1, column 1: unsupported encoding \"" + enc +
                                         "\" (UTF-8 and ISO-8859-1 are accepted)");
  }
  // parse_doctype keeps a DOCTYPE as a node so that we can refuse it below; without the flag
  // pugixml would skip it silently.
  auto res = doc.load_buffer(xml.data(), xml.size(),
                             pugi::parse_default | pugi::parse_doctype | pugi::parse_pi, encoding);
  if (!res) {
    return Status(Code::kParseError,
                  xml_position(xml, res.offset) + ": not well-formed XML: " + res.description());
  }
  for (auto n : doc.children()) {
    if (n.type() == pugi::node_doctype) {
      return Status(Code::kParseError,
                    xml_position(xml, n.offset_debug()) +
                        ": a DOCTYPE is not allowed (entity declarations are refused: no DTD "
                        "processing, no external or recursive entities)");
    }
  }
  int depth = 0;
  pugi::xml_node n = doc.first_child();
  while (n) {
    if (n.first_child()) {
      n = n.first_child();
      if (++depth > limits.max_depth) {
        return Status(Code::kParseError, xml_position(xml, n.offset_debug()) +
                                             ": elements nested deeper than " +
                                             std::to_string(limits.max_depth));
      }
      continue;
    }
    while (n && !n.next_sibling()) {
      n = n.parent();
      --depth;
    }
    if (n) n = n.next_sibling();
  }
  if (!doc.document_element()) {
    return Status(Code::kParseError, "line 1, column 1: no root element");
  }
  return {};
}

}  // namespace capcast::cap
