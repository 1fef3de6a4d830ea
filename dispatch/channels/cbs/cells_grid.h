// Private to the cell inventory's index (cells_index.cpp), its shortcut (cells_classify.cpp)
// and its selection (cells_select.cpp): longitude helpers, the shortcut's margins and the
// per-query classification of "squares" (the grid's buckets, each cut into Grid::fine x fine).
// Not thread-safe by itself: one Squares per query.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "cbs/cells.h"

namespace capcast::dispatch::cbs {

namespace cells_grid {

// A box's longitudes as an interval starting at min_lon, `width` degrees east (<= 360).
struct LonRange {
  double lo, width;
};
inline LonRange lon_range(const cap::geo::BBox& b) {
  double hi = b.crosses_antimeridian ? b.max_lon + 360 : b.max_lon;
  return {b.min_lon, std::clamp(hi - b.min_lon, 0.0, 360.0)};
}

// [0, 360)
inline double wrap360(double d) {
  d = std::fmod(d, 360.0);
  if (d < 0) d += 360.0;
  return d >= 360.0 ? 0.0 : d;
}

// remainder(d, 360), in [-180, 180]; remainder is the identity there (exactly: the quotient
// rounds to 0, ties to even), and a call to it is a large part of a query's cost.
inline double wrap180(double d) {
  return d >= -180 && d <= 180 ? d : std::remainder(d, 360.0);
}

// A square is classified inside (outside) a shape only when every point within this many
// degrees of it (0.1 m) is; a cell's anchor and box lie within half of it of their squares
// (in_squares). Far above the rounding of the exact tests (about 1e-12 degrees for longitudes
// up to 540) and above kEdgeToleranceDeg (1e-9): see cells_classify.cpp.
inline constexpr double kMarginDeg = 1e-6;

// The direction of a segment in the (longitude, latitude) plane, modulo 180 degrees, in
// kDirectionBins bins: what the sector-outside shortcut compares (cells_classify.cpp).
inline constexpr uint32_t kDirectionBins = 65536;
inline constexpr double kPi = 3.14159265358979323846;
inline uint32_t direction_bin(double dlon, double dlat) {
  double a = std::atan2(dlat, dlon);  // [-pi, pi]
  if (a < 0) a += kPi;
  if (a >= kPi) a -= kPi;
  return static_cast<uint32_t>(
      std::clamp(std::floor(a * (kDirectionBins / kPi)), 0.0, kDirectionBins - 1.0));
}

}  // namespace cells_grid

// The squares of rows r0..r1 (all columns) classified against one query shape. A square as a
// set of points: latitudes lat_at(r) to lat_at(r + 1), longitudes lon0 + x_at(c) to lon0 +
// x_at(c + 1) (mod 360).
struct CellInventory::Squares {
  enum : uint8_t { kOff, kOpen, kBoundary, kOutside, kInside };
  uint32_t r0 = 0, r1 = 0, cols = 1;
  std::vector<uint8_t> state;  // per square, row-major from row r0
  // Per square: how many squares from it eastwards (in its row, not wrapping) share its state,
  // at most 0xFFFF; so that "is a cell's whole box inside" costs one look per row of the box.
  std::vector<uint16_t> run;
  bool circle = false;  // the shape is a PreparedCircle
  // A polygon: the direction bins (cells_classify.cpp) within kParallelRad of one of its edges'.
  std::vector<uint64_t> parallel;

  uint8_t at(uint32_t bucket) const {
    const size_t k = size_t{bucket} - size_t{r0} * cols;
    return bucket != kNoAnchor && k < state.size() ? state[k] : uint8_t{kOff};
  }
  // Whether every square of rows ra..rb, columns ca..cb (ca <= cb) is `want`.
  bool all(uint32_t ra, uint32_t rb, uint32_t ca, uint32_t cb, uint8_t want) const {
    if (ra < r0 || rb > r1) return false;
    for (uint32_t r = ra; r <= rb; ++r) {
      const size_t k = size_t{r - r0} * cols + ca;
      if (state[k] != want || run[k] <= cb - ca) return false;
    }
    return true;
  }
  // Fills `run` from `state`.
  void count_runs() {
    run.assign(state.size(), 1);
    for (uint32_t r = 0; r <= r1 - r0; ++r) {
      for (uint32_t c = cols - 1; c-- > 0;) {
        const size_t k = size_t{r} * cols + c;
        if (state[k] == state[k + 1] && run[k + 1] < 0xFFFF) run[k] = run[k + 1] + 1;
      }
    }
  }
};

}  // namespace capcast::dispatch::cbs
