// Logging set-up over spdlog. Call init_logging once at start-up, before other threads start;
// afterwards use spdlog's free functions (thread-safe). Log lines about an alert name it by
// (sender, identifier); never by a phone number in clear (see redact.h).
#pragma once

#include <string>
#include <string_view>

#include "capcast/core/status.h"

namespace capcast {

enum class LogFormat { kText, kJson };

// level: trace, debug, info, warn, error, critical, off. format: text or json (one JSON object a
// line, for log shippers). Logs go to stderr.
Status init_logging(std::string_view level, LogFormat format);

// Escapes a string for inclusion in a JSON log line.
std::string json_escape(std::string_view s);

}  // namespace capcast
