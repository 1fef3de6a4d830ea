// The sensor-threshold formats: station observations in, CAP alerts out when a configured
// threshold is crossed up or down (with hysteresis), state kept between polls in `memory`.
//   usgs-water: USGS Water Services instantaneous values (WaterML 1.1 as JSON,
//                    https://waterservices.usgs.gov/docs/instantaneous-values/);
//   csv-readings:      "station,time,value" lines (docs/sources/sensor.md, "CSV").
// Both share their [[source]] keys (rules.h) and the threshold engine (threshold.h).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "capcast/ingest/format.h"
#include "observation.h"
#include "rules.h"

namespace capcast::ingest::sensor {

// The [[source]] keys of both formats.
std::vector<config::Key> keys();

Extracted extract_usgs_water(const Input& in);
Extracted extract_csv(const Input& in);

// The two feed parsers: what they could read, by series key; problems for the rest.
FeedData parse_usgs_water(std::string_view body, std::vector<std::string>& problems);
FeedData parse_csv(std::string_view body, std::vector<std::string>& problems);

// The common part: the rules applied to the feed's observations, from and to `in.memory`.
Extracted run_thresholds(const Input& in, Dialect dialect, const FeedData& data,
                         std::vector<std::string> problems);

}  // namespace capcast::ingest::sensor
