// Internal to cap/: a single pass over the bytes of a document that is schema-valid CAP 1.2 in
// the plain form feeds send (see fast_parse.cpp for the form), building the model without a
// DOM. parse() and validate() try it first; for anything else it declines and they take the
// general path (load_safe_xml, build, check_schema), which decides every other document.
#pragma once

#include <string_view>

#include "capcast/cap/parse.h"

namespace capcast::cap {

// Whether `xml` has the plain form and is valid against CAP-v1.2.xsd; if so, its model is in
// *out, which must be default-constructed (filled in place: the caller's, not moved into it),
// else *out holds a part of it, to be discarded. When it returns true, the general path would
// parse the same model with no error in its XML, depth and schema checks (and no upgrade note).
bool fast_parse(std::string_view xml, const ParseOptions& options, Parsed* out);

}  // namespace capcast::cap
