// pugixml never fetches anything and expands only the five predefined entities and character
// references. On top of that we refuse any DOCTYPE outright, so that no entity can be declared at
// all (no XXE, no billion laughs) and an attack is reported rather than silently skipped.
#include "capcast/cap/safe_xml.h"

#include <algorithm>
#include <cctype>

#include "xml_lexical.h"

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

size_t element_end(std::string_view xml, size_t start) {
  // Hand-written because pugixml keeps no end offsets; XML 1.0 §2.5 (comments), §2.7 (CDATA),
  // §2.6 (PIs), §3.1 (tags and attribute values).
  auto skip_past = [&](size_t from, std::string_view terminator) {
    size_t at = xml.find(terminator, from);
    return at == std::string_view::npos ? at : at + terminator.size();
  };
  int depth = 0;
  size_t pos = start;
  while (pos < xml.size()) {
    pos = xml.find('<', pos);
    if (pos == std::string_view::npos) return pos;
    std::string_view rest = xml.substr(pos);
    if (rest.rfind("<!--", 0) == 0) {
      pos = skip_past(pos + 4, "-->");
    } else if (rest.rfind("<![CDATA[", 0) == 0) {
      pos = skip_past(pos + 9, "]]>");
    } else if (rest.rfind("<?", 0) == 0) {
      pos = skip_past(pos + 2, "?>");
    } else if (rest.rfind("</", 0) == 0) {
      pos = skip_past(pos + 2, ">");
      if (pos == std::string_view::npos) return pos;
      if (--depth == 0) return pos;
    } else {
      // A start tag: find its '>' outside quoted attribute values.
      char quote = 0;
      size_t i = pos + 1;
      for (; i < xml.size(); ++i) {
        char c = xml[i];
        if (quote) {
          if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
          quote = c;
        } else if (c == '>') {
          break;
        }
      }
      if (i >= xml.size()) return std::string_view::npos;
      bool self_closing = xml[i - 1] == '/';
      pos = i + 1;
      if (!self_closing) {
        ++depth;
      } else if (depth == 0) {
        return pos;
      }
    }
    if (pos == std::string_view::npos) return pos;
  }
  return std::string_view::npos;
}

std::string text_of(pugi::xml_node n) {
  std::string out;
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
    pugi::xml_node_type type = c.type();
    if (type == pugi::node_pcdata || type == pugi::node_cdata) out += c.value();
  }
  return out;
}

namespace {

// The first node (in document order) nested deeper than max_depth, as an error. A walk over
// the tree without recursion, so that no nesting can exhaust the stack.
Status check_depth(const pugi::xml_document& doc, std::string_view xml, int max_depth) {
  int depth = 0;
  pugi::xml_node n = doc.first_child();
  while (n) {
    if (n.first_child()) {
      n = n.first_child();
      if (++depth > max_depth) {
        return Status(Code::kParseError, xml_position(xml, n.offset_debug()) +
                                             ": elements nested deeper than " +
                                             std::to_string(max_depth));
      }
      continue;
    }
    while (n && !n.next_sibling()) {
      n = n.parent();
      --depth;
    }
    if (n) n = n.next_sibling();
  }
  return {};
}

// For documents pugixml decoded itself (UTF-16/32), which the byte-level lexical scan cannot
// read: the first text or attribute value holding a control character (XML 1.0 §2.2), as an
// error. A walk over the tree without recursion.
Status check_controls(const pugi::xml_document& doc, std::string_view xml) {
  auto bad = [&](const pugi::xml_node& n, std::string_view value) -> Status {
    if (size_t at = lexical::first_control(value); at != std::string_view::npos) {
      char code[8];
      std::snprintf(code, sizeof code, "%04X", static_cast<unsigned char>(value[at]));
      return Status(Code::kParseError, xml_position(xml, n.offset_debug()) +
                                           ": not well-formed XML: control character U+" + code +
                                           " (XML 1.0 §2.2 allows none below U+0020 but TAB, "
                                           "LF and CR)");
    }
    return {};
  };
  pugi::xml_node n = doc.first_child();
  while (n) {
    if (auto st = bad(n, n.value()); !st.ok()) return st;
    for (auto a : n.attributes()) {
      if (auto st = bad(n, a.value()); !st.ok()) return st;
    }
    if (n.first_child()) {
      n = n.first_child();
      continue;
    }
    while (n && !n.next_sibling())
      n = n.parent();
    if (n) n = n.next_sibling();
  }
  return {};
}

}  // namespace

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
  // UTF-16/32 documents (a byte-order mark) are left to pugixml's own decoding.
  bool utf16or32 = xml.size() >= 2 && ((xml[0] == '\xFE' && xml[1] == '\xFF') ||
                                       (xml[0] == '\xFF' && xml[1] == '\xFE') ||
                                       (xml.size() >= 4 && xml[0] == 0 && xml[1] == 0));
  // The deepest element nesting the lexical scan saw; -1 when it did not scan the whole text.
  int deepest = -1;
  if (!utf16or32) {
    if (auto st = lexical::check_lexical(xml, encoding != pugi::encoding_latin1, &deepest);
        !st.ok()) {
      deepest = -1;
      // A DOCTYPE is reported as such below, whatever its entities.
      if (xml.find("<!DOCTYPE") == std::string_view::npos) return st;
    }
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
  // The depth limit. A node at depth d (top-level nodes at 0) is a child of an element nested d
  // deep, which has an end tag; so when the lexical scan saw no such element deeper than the
  // limit, no node is too deep and the walk would find nothing. That holds when pugixml parsed
  // the very bytes scanned: not UTF-16/32 (recognised by a byte-order mark, or by NUL bytes in
  // the first four), and no NUL byte (where pugixml stops reading).
  bool shallow =
      deepest >= 0 && deepest <= limits.max_depth && xml.find('\0') == std::string_view::npos;
  if (!shallow) {
    if (auto st = check_depth(doc, xml, limits.max_depth); !st.ok()) return st;
  }
  if (utf16or32) {
    if (auto st = check_controls(doc, xml); !st.ok()) return st;
  }
  if (!doc.document_element()) {
    return Status(Code::kParseError, "line 1, column 1: no root element");
  }
  return {};
}

}  // namespace capcast::cap
