// Internal to cap/: layer 1 of validation, what the official CAP 1.2 XSD (CAP-v1.2.xsd) checks,
// implemented natively on the pugixml tree.
#pragma once

#include <pugixml.hpp>

#include <string_view>
#include <vector>

#include "cap12_xsd.h"
#include "capcast/cap/validate.h"

namespace capcast::cap {

void check_schema(const pugi::xml_document& doc, std::vector<Finding>& out);

// Whether `text` (the element's text, all its pieces) is in the lexical space of the particle's
// simple type, as check_schema decides it; true for the types that constrain nothing (strings).
bool simple_value_ok(const xsd::Particle& part, std::string_view text);

}  // namespace capcast::cap
