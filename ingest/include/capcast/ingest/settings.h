// The [ingest] and [[source]] sections of the configuration schema, and their reading into
// PollerOptions and SourceSpecs. Thread-safe.
#pragma once

#include <vector>

#include "capcast/config/config.h"
#include "capcast/ingest/poller.h"

namespace capcast::ingest {

config::SectionSpec ingest_section();
config::SectionSpec source_section();

PollerOptions poller_options(const config::Document& doc);
// Every enabled [[source]]; the Status lists every entry that cannot be used.
Result<std::vector<SourceSpec>> sources_from(const config::Document& doc);

}  // namespace capcast::ingest
