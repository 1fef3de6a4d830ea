// Redaction of personal data and secrets before anything is logged, counted or shown
// (capcast's privacy rule: phone numbers and passwords never appear in clear). Pure functions,
// thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace capcast {

// "+254700000001" -> "+2547******01": keeps the country-code-ish prefix and the last two digits,
// enough to tell two recipients apart in a log without identifying anyone.
std::string mask_msisdn(std::string_view number);

// "mqtt://user:secret@host:1883/x" -> "mqtt://user:***@host:1883/x". Leaves URLs without a
// password unchanged.
std::string mask_url_password(std::string_view url);

// A fixed placeholder for a secret value of any length.
inline constexpr std::string_view kMasked = "***";

}  // namespace capcast
