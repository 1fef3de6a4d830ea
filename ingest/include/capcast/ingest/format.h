// A source format: a pure function from the bytes a source returned to the CAP documents they
// contain (or that they are turned into) and the links to CAP documents that must be fetched.
// Bytes in, CAP out; no I/O, no clock, no hidden state: what a format must remember between polls
// (the events it has seen, a gauge's last state) comes in as `memory` and goes out in
// Extracted::memory, and the poller keeps it in the store. Formats are declared as data (name,
// help, config keys) and registered in one table (ingest/src/formats.cpp). Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capcast/config/config.h"

namespace capcast::ingest {

struct Input {
  std::string_view body;
  std::string url;                           // where the body was read (after redirects)
  std::string source;                        // the [[source]]'s name
  const config::Section* options = nullptr;  // its [[source]] entry: the format's own keys
  std::string_view memory;                   // what the format kept last time ("" at first)
  int64_t now_ms = 0;                        // the poll's time, for formats that stamp alerts
  int page = 1;  // 1: the source's URL; 2, 3...: the pages its Extracted::next_page led to
};

struct Extracted {
  std::vector<std::string> documents;  // CAP XML documents, ready for cap::parse
  std::vector<std::string> links;      // absolute URLs of CAP documents to fetch
  std::vector<std::string> problems;   // what could not be used, and where
  std::optional<std::string> memory;   // to keep for the next poll; unset keeps the old one
  // The next page of this same collection (NWS `pagination.next`), absolute: the poller reads it
  // in the same poll with the same format (Input::page one more), on the source's host only.
  // Empty: this was the last page, or the format's own page limit was reached.
  std::string next_page;
};

struct Format {
  const char* name;  // the `type` of a [[source]]
  const char* help;
  std::vector<config::Key> keys;  // keys only this format has in a [[source]] entry
  Extracted (*extract)(const Input& input);
};

// The default `sender` of the formats that make CAP: a placeholder (".invalid", RFC 2606) that a
// configuration must replace (sources_from refuses it); tools such as `capcast convert` accept it.
inline constexpr const char* kSenderPlaceholder = "sender-not-configured.invalid";

// Every registered format.
const std::vector<Format>& formats();
// nullptr when no format has that name.
const Format* find_format(std::string_view name);
// A [[source]] section holding only the format's defaults, for callers without a configuration
// (tests, tools). The Section lives as long as the program.
const config::Section& default_options(const Format& format);

}  // namespace capcast::ingest
