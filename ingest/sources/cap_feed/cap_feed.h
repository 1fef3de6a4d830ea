// The CAP formats: a single CAP document ("cap"), and ATOM or RSS feeds of CAP ("cap-atom"), whose
// entries embed the CAP alert in <content> or link to it (NWS, Meteoalarm, IPAWS-style feeds).
// Pure functions; thread-safe.
#pragma once

#include "capcast/ingest/format.h"

namespace capcast::ingest::cap_feed {

Extracted extract_cap(const Input& in);
Extracted extract_feed(const Input& in);

}  // namespace capcast::ingest::cap_feed
