// Serialising the model to canonical CAP 1.2 XML: UTF-8, the CAP 1.2 namespace as default
// namespace, elements in schema order, two-space indentation, text escaped so that parsing gives
// back exactly the same strings, and an enveloped signature written back byte for byte.
// parse(serialize(a)).alert == a for every alert parse produced. Thread-safe.
#pragma once

#include <string>

#include "capcast/cap/model.h"

namespace capcast::cap {

std::string serialize(const Alert& alert);

}  // namespace capcast::cap
