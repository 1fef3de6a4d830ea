// gzip (RFC 1952) decoding with a ceiling on what it yields, for WIS2 notification content whose
// encoding is "gzip": a few kilobytes on the wire may inflate to gigabytes (a "zip bomb"), so
// inflating stops as soon as the output would pass the limit. A pure function over zlib;
// thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "capcast/core/result.h"

namespace capcast::ingest::mqtt {

// The data of every member of a gzip stream (RFC 1952 §2.2: a file is a series of members),
// concatenated. An error when it is not gzip, is corrupt or truncated, or would inflate to more
// than `limit` bytes (the message says so, and that nothing past the limit was inflated).
Result<std::string> gunzip(std::string_view gz, size_t limit);

}  // namespace capcast::ingest::mqtt
