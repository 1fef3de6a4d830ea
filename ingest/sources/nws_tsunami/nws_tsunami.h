// The "nws-tsunami" format: the text products of the NWS tsunami warning centres (PTWC, Ewa
// Beach HI, WMO centre PHEB; NTWC, Palmer AK, PAAQ) turned into CAP 1.2, one alert per product:
// warnings, advisories, watches, threat messages, cancellations, information statements and the
// monthly communications tests (status Test). The earthquake a product is about goes into the
// alert as parameters (EventOriginTime, EventLatLon...), by which the store links it with other
// feeds' alerts about the same quake. The mapping is in docs/sources/nws-tsunami.md. A pure
// function of its Input, without memory: the identifier comes from the product itself, so a
// re-poll gives the same alert. Thread-safe.
#pragma once

#include <vector>

#include "capcast/config/schema.h"
#include "capcast/ingest/format.h"

namespace capcast::ingest::nws_tsunami {

inline constexpr const char* kName = "nws-tsunami";

// The format's keys in a [[source]] entry.
std::vector<config::Key> keys();

Extracted extract(const Input& in);

}  // namespace capcast::ingest::nws_tsunami
