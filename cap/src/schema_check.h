// Internal to cap/: layer 1 of validation, what the official CAP 1.2 XSD (CAP-v1.2.xsd) checks,
// implemented natively on the pugixml tree.
#pragma once

#include <pugixml.hpp>

#include <vector>

#include "capcast/cap/validate.h"

namespace capcast::cap {

void check_schema(const pugi::xml_document& doc, std::vector<Finding>& out);

}  // namespace capcast::cap
