// The threshold engine shared by the sensor formats: which level a series is at after each
// observation (with hysteresis, so that a gauge hovering at a threshold does not flap), which
// observations are new since the last poll, and the state kept between polls in the source's
// `memory` (a small JSON document). Pure functions on plain data; thread-safe.
//
// The rules (docs/sources/sensor.md, "Levels and hysteresis"), for levels ordered by warn:
//  - rising: a value at or above the warn of a level higher than the current one moves the series
//    to the highest such level (from none: an Alert; from a lower level: an Update);
//  - falling: a value below the clear of the current level moves the series down to the highest
//    lower level whose clear the value is still at or above (an Update), or to none (a Cancel);
//  - otherwise, in particular between a level's clear and its warn, nothing changes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "observation.h"
#include "rules.h"

namespace capcast::ingest::sensor {

constexpr int kNone = -1;           // no level in force
constexpr size_t kMaxRefs = 8;      // messages of one alert remembered for <references>
constexpr size_t kMaxOrphans = 64;  // active series kept after their threshold lines went away

// The level (index into `levels`, ascending warn) after `value`, from `current` (kNone or an
// index). Implements the rules above.
int next_level(const std::vector<Level>& levels, int current, double value);

enum class Change { kAlert, kUpdate, kCancel };

struct Transition {
  Change change = Change::kAlert;
  int from = kNone;
  int to = kNone;
  size_t observation = 0;  // index into the observations given to apply()
};

// Runs `observations` (in time order) through next_level from `level`, which ends at the level
// after the last one; returns every change of level.
std::vector<Transition> apply(const std::vector<Level>& levels, int& level,
                              const std::vector<Observation>& observations);

// The observations to process, in time order: those newer than `last_ms` (all when unset).
// Observations with the same time are one: equal values silently, different values keep the
// first in feed order and add a problem naming `series` and both places.
std::vector<Observation> newer_in_order(std::vector<Observation> observations,
                                        std::optional<int64_t> last_ms, const std::string& series,
                                        std::vector<std::string>& problems);

// What is remembered of one series between polls.
struct SeriesState {
  std::optional<int64_t> last_ms;     // time of the newest observation processed
  std::optional<double> active_warn;  // warn of the level in force; unset: no alert in force
  // The messages of the alert in force ("sender,identifier,sent", CAP 1.2 §3.2.1 references),
  // oldest first: the first Alert and then the newest Updates, at most kMaxRefs.
  std::vector<std::string> refs;
};

struct Memory {
  std::map<std::string, SeriesState> series;  // by series key
};

// The level index of a remembered warn value: the level with that warn, else the highest level
// below it (the thresholds were edited), else the lowest level; kNone when nothing is in force.
int level_of(const std::vector<Level>& levels, std::optional<double> active_warn);

// Appends a reference, keeping the first (the original Alert) and the newest ones.
void add_ref(SeriesState& state, std::string ref);

// Reads memory written by save_memory; "" is an empty memory. Anything unreadable is reported
// and forgotten (the series then start afresh, see docs/sources/sensor.md "First poll").
Memory load_memory(std::string_view text, std::vector<std::string>& problems);
// Deterministic: the same Memory always gives the same bytes.
std::string save_memory(const Memory& memory);

}  // namespace capcast::ingest::sensor
