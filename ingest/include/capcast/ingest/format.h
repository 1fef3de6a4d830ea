// A source format: a pure function from the bytes a source returned to the CAP documents they
// contain and the links to CAP documents that must be fetched (bytes in, CAP out; no I/O).
// Formats are declared as data and registered in one table (ingest/src/formats.cpp).
// Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace capcast::ingest {

struct Extracted {
  std::vector<std::string> documents;  // CAP XML documents, ready for cap::parse
  std::vector<std::string> links;      // absolute URLs of CAP documents to fetch
  std::vector<std::string> problems;   // what could not be used, and where
};

struct Format {
  const char* name;  // the `type` of a [[source]]
  const char* help;
  Extracted (*extract)(std::string_view body, const std::string& url);
};

// Every registered format.
const std::vector<Format>& formats();
// nullptr when no format has that name.
const Format* find_format(std::string_view name);

}  // namespace capcast::ingest
