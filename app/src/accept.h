// Turning a fetched CAP document into a stored alert: parse (cap/), check the keys every later
// step relies on, summarise for the store. Pure; thread-safe.
#pragma once

#include <string>

#include "capcast/core/result.h"
#include "capcast/store/store.h"

namespace capcast::app {

// Errors name the document's origin and what is wrong with it.
Result<store::NewAlert> to_new_alert(const std::string& source, const std::string& xml);

}  // namespace capcast::app
