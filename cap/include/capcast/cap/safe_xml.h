// Hardened XML loading shared by every parser of untrusted XML (CAP, ATOM/RSS feeds): a size
// limit, ISO-8859-1 or UTF-8 by the declaration, no DOCTYPE (so no entity of any kind can be
// declared or expanded, and nothing is ever fetched), and a depth limit checked without
// recursion. Thread-safe.
#pragma once

#include <pugixml.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "capcast/core/status.h"

namespace capcast::cap {

struct XmlLimits {
  size_t max_bytes = 8 * 1024 * 1024;
  int max_depth = 32;
  // The bytes are UTF-8 whatever the declaration says (they were converted already).
  bool utf8 = false;
};

// When the XML declaration names ISO-8859-1, the document converted to UTF-8 (its declaration
// left as it was: pass XmlLimits::utf8 when loading it); otherwise nullopt.
std::optional<std::string> latin1_to_utf8(std::string_view xml);

// Loads `xml` into `doc`. Errors are kParseError and start with "line L, column C: ".
Status load_safe_xml(pugi::xml_document& doc, std::string_view xml, const XmlLimits& limits);

// "line L, column C" of a byte offset.
std::string xml_position(std::string_view xml, ptrdiff_t offset);

// The local part of a possibly prefixed element name ("cap:alert" -> "alert").
std::string_view local_name(const char* name);

// The namespace URI of an element, from the xmlns declarations on it and its ancestors.
std::string_view namespace_of(pugi::xml_node element);

// The end (one past its closing '>') of the element whose start tag begins at xml[start] ('<'),
// in a document already known to be well-formed: comments, CDATA sections, processing
// instructions and quoted attribute values are skipped, nested elements counted. npos if the
// element does not end.
size_t element_end(std::string_view xml, size_t start);

// All text and CDATA children of an element, concatenated.
std::string text_of(pugi::xml_node element);

}  // namespace capcast::cap
