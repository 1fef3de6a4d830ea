// Internal to cap/: the <area> rules of validation layer 2 (CAP 1.2 §3.2.4).
#pragma once

#include <string>
#include <vector>

#include "capcast/cap/validate.h"

namespace capcast::cap {

void check_area(const Area& area, const std::string& path, std::vector<Finding>& out);

}  // namespace capcast::cap
