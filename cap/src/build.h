// Internal to cap/: building the model from a document already loaded by load_safe_xml (so that
// validate() loads once for both the schema check and the model).
#pragma once

#include <pugixml.hpp>

#include <string_view>

#include "capcast/cap/parse.h"

namespace capcast::cap {

Result<Parsed> build(const pugi::xml_document& doc, std::string_view xml);

}  // namespace capcast::cap
