// Turns one change of level of one series into a CAP 1.2 alert (Alert, Update or Cancel), and the
// identifier scheme of the sensor formats. Everything in the alert comes from the configuration
// and the observation, nothing from the clock, so the same crossing always gives the same bytes
// and the store's (sender, identifier, sent) deduplication makes a restart reissue nothing.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "capcast/cap/model.h"
#include "observation.h"
#include "rules.h"
#include "threshold.h"

namespace capcast::ingest::sensor {

struct AlertInput {
  const Rules* rules = nullptr;
  const SeriesRule* series = nullptr;
  const StationInfo* station = nullptr;  // what the feed said about the station
  std::string source;                    // the [[source]] name
  Transition transition;
  const Observation* observation = nullptr;  // the one that crossed
  std::vector<std::string> references;       // for Update and Cancel
};

// "{source}.{station}.{parameter}.{w<warn>|clear}.{YYYYMMDDThhmmssZ}", every part reduced to
// [A-Za-z0-9._-] (CAP 1.2 §3.2.1: no spaces, commas, '<' or '&'), e.g.
// "usgs-md.01491000.00065.w5.0.20200213T221500Z". The time is the crossing observation's (UTC).
std::string make_identifier(const std::string& source, const std::string& station,
                            const std::string& param, const std::string& level_tag,
                            int64_t time_ms);

cap::Alert build_alert(const AlertInput& in);

}  // namespace capcast::ingest::sensor
