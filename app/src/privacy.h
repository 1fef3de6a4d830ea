// The key that seals phone numbers at rest ([privacy] in the configuration; issue 6), and how
// the commands obtain it.
#pragma once

#include <memory>
#include <string>

#include "capcast/config/config.h"
#include "capcast/core/result.h"
#include "capcast/store/sealer.h"

namespace capcast::app {

config::SectionSpec privacy_section();

// The configured key ([privacy] key, or the file named by key_file), or nullptr when neither is
// set. A key that is set but malformed, or a key_file that cannot be read, is an error.
Result<std::shared_ptr<const store::Sealer>> configured_sealer(const config::Document& doc);

// A plausible phone number: E.164 ("+" and 8 to 15 digits, ITU-T E.164 §6.1) or a national
// number of 3 to 15 digits (short codes included). Errors name the argument, masked.
Status check_number(const std::string& number);

}  // namespace capcast::app
