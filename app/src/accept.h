// Turning a fetched CAP document into a stored alert: parse (cap/), check the keys every later
// step relies on, summarise for the store. Pure; thread-safe.
#pragma once

#include <string>

#include "capcast/cap/model.h"
#include "capcast/core/result.h"
#include "capcast/store/store.h"

namespace capcast::app {

// Errors name the document's origin and what is wrong with it. `parsed` (when given) receives
// the parsed alert, for routing.
Result<store::NewAlert> to_new_alert(const std::string& source, const std::string& xml,
                                     cap::Alert* parsed = nullptr);

}  // namespace capcast::app
