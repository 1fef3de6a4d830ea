// pugixml never fetches anything and expands only the five predefined entities and character
// references. On top of that we refuse any DOCTYPE outright, so that no entity can be declared at
// all (no XXE, no billion laughs) and an attack is reported rather than silently skipped.
#include "capcast/cap/safe_xml.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

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
  for (auto c : n.children()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) out += c.value();
  }
  return out;
}

namespace {

// What XML 1.0 requires of a well-formed document that pugixml (a non-validating, forgiving
// parser) lets through: every entity reference is one of the five predefined ones or a
// character reference (§4.1, §4.6: no DTD, so no other entity is declared), no '<' inside an
// attribute value (§3.1, production AttValue), and UTF-8 text is valid UTF-8 (§2.2, §4.3.3).
// One pass over the bytes, skipping comments, CDATA sections and PIs.
Status check_lexical(std::string_view xml, bool check_utf8) {
  auto fail = [&](size_t at, const std::string& what) {
    return Status(Code::kParseError,
                  xml_position(xml, static_cast<ptrdiff_t>(at)) + ": not well-formed XML: " + what);
  };
  auto skip_past = [&](size_t from, std::string_view terminator) {
    size_t at = xml.find(terminator, from);
    return at == std::string_view::npos ? xml.size() : at + terminator.size();
  };
  auto check_ref = [&](size_t at) -> Status {
    size_t semi = xml.find(';', at);
    if (semi == std::string_view::npos || semi - at > 12) {
      return fail(at, "'&' that starts no entity reference (write &amp;)");
    }
    std::string_view ref = xml.substr(at + 1, semi - at - 1);
    if (ref == "amp" || ref == "lt" || ref == "gt" || ref == "quot" || ref == "apos") return {};
    if (ref.size() >= 2 && ref[0] == '#') {
      bool hex = ref[1] == 'x';
      std::string_view digits = ref.substr(hex ? 2 : 1);
      bool ok = !digits.empty() && digits.size() <= 8;
      uint32_t cp = 0;
      for (char d : digits) {
        bool digit = hex ? std::isxdigit(static_cast<unsigned char>(d)) != 0 : d >= '0' && d <= '9';
        ok = ok && digit;
        if (!ok) break;
        uint32_t v = d <= '9' ? static_cast<uint32_t>(d - '0')
                              : static_cast<uint32_t>((d | 0x20) - 'a' + 10);
        cp = std::min<uint32_t>(cp * (hex ? 16 : 10) + v, 0x110000);  // saturates: not a Char
      }
      // WFC Legal Character (§4.1): a reference must name a Char (§2.2): #x9 | #xA | #xD |
      // [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]; no surrogates, no other controls.
      bool legal = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
                   (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
      if (ok && legal) return {};
      if (ok) {
        return fail(at, "character reference &" + std::string(ref) +
                            "; names no legal XML character (XML 1.0 §2.2, §4.1)");
      }
    }
    return fail(at, "undeclared entity &" + std::string(ref) +
                        "; (without a DTD only &amp; &lt; &gt; &quot; &apos; and character "
                        "references exist)");
  };
  size_t i = 0;
  while (i < xml.size()) {
    unsigned char c = static_cast<unsigned char>(xml[i]);
    if (c == '<') {
      std::string_view rest = xml.substr(i);
      if (rest.rfind("<!--", 0) == 0) {
        i = skip_past(i + 4, "-->");
        continue;
      }
      if (rest.rfind("<![CDATA[", 0) == 0) {
        i = skip_past(i + 9, "]]>");
        continue;
      }
      if (rest.rfind("<?", 0) == 0) {
        i = skip_past(i + 2, "?>");
        continue;
      }
      // A tag: check its attribute values.
      char quote = 0;
      for (++i; i < xml.size(); ++i) {
        char t = xml[i];
        if (quote) {
          if (t == quote) {
            quote = 0;
          } else if (t == '<') {
            return fail(i, "'<' inside an attribute value (write &lt;)");
          } else if (t == '&') {
            if (auto st = check_ref(i); !st.ok()) return st;
          }
        } else if (t == '"' || t == '\'') {
          quote = t;
        } else if (t == '>') {
          break;
        }
      }
      ++i;
      continue;
    }
    if (c == '&') {
      if (auto st = check_ref(i); !st.ok()) return st;
    } else if (c >= 0x80 && check_utf8) {
      // UTF-8 sequences (RFC 3629 §4): no overlongs, no surrogates, nothing above U+10FFFF.
      size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
      if (n == 0 || c > 0xF4 || i + n > xml.size()) return fail(i, "invalid UTF-8");
      unsigned char c1 = static_cast<unsigned char>(xml[i + 1]);
      if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) || (c == 0xF0 && c1 < 0x90) ||
          (c == 0xF4 && c1 > 0x8F)) {
        return fail(i, "invalid UTF-8");
      }
      for (size_t k = 1; k < n; ++k) {
        if ((static_cast<unsigned char>(xml[i + k]) & 0xC0) != 0x80) {
          return fail(i, "invalid UTF-8");
        }
      }
      i += n;
      continue;
    }
    ++i;
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
  if (!utf16or32) {
    if (auto st = check_lexical(xml, encoding != pugi::encoding_latin1); !st.ok()) {
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
