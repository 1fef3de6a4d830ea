// The selection of an alert's cells (cells.h). A query walks the grid buckets under one alert
// shape's box and decides each cell once: at the first bucket of its box ("home": its slots
// are consecutive, cells_index.cpp) when that lies under the query, else at the first bucket
// (lowest row, then lowest column) that its box and the query share, which is on the query's
// first row or first column. Before that, the squares around the shape are classified (inside
// it, outside, or neither, cells_classify.cpp), which settles most cells of a large area
// without the exact test. The cells found are bits in a bitmap over the cells, so that the
// shapes of a multi-area alert and the geocodes need no sort to merge.
#include <algorithm>
#include <bit>
#include <type_traits>

#include "cbs/cells.h"
#include "cbs/cells_grid.h"

namespace capcast::dispatch::cbs {

namespace {

namespace geo = cap::geo;
using cells_grid::lon_range;
using cells_grid::LonRange;
using cells_grid::wrap360;

void set_bit(std::vector<uint64_t>& bits, uint32_t i) {
  bits[i / 64] |= uint64_t{1} << (i % 64);
}

size_t count_bits(const std::vector<uint64_t>& bits) {
  size_t n = 0;
  for (uint64_t w : bits)
    n += static_cast<size_t>(std::popcount(w));
  return n;
}

}  // namespace

template <typename Shape>
bool CellInventory::covers_slot(uint32_t s, const Shape& shape) const {
  // The sector first: intersects() walks the first polygon's edges against the second's index.
  const uint32_t k = slots_[s].coverage;
  if constexpr (std::is_same_v<Shape, geo::PreparedPolygon>)
    return k & kSectorBit ? geo::intersects(sectors_[k & ~kSectorBit], shape)
                          : geo::intersects(shape, circles_[k]);
  else
    return k & kSectorBit ? geo::intersects(sectors_[k & ~kSectorBit], shape)
                          : geo::intersects(circles_[k], shape);
}

bool CellInventory::covers(size_t i, const geo::PreparedPolygon& polygon) const {
  return covers_slot(slot_of_[i], polygon);
}

bool CellInventory::covers(size_t i, const geo::PreparedCircle& circle) const {
  return covers_slot(slot_of_[i], circle);
}

template <typename Shape>
void CellInventory::select_shape(const Shape& shape, std::vector<uint64_t>& hits) const {
  const Grid& g = grid_;
  const geo::BBox& box = shape.bbox();
  if (g.entries.empty() || box.max_lat < g.min_lat || box.min_lat > g.min_lat + g.height) return;
  const uint32_t r0 = row_of(box.min_lat), r1 = row_of(box.max_lat);
  LonRange lr = lon_range(box);
  const double xs = wrap360(lr.lo - g.lon0);
  // The query's x interval, and the same shifted by a turn: together they cover every x that
  // the box covers; each is clipped to the grid's [0, width].
  std::pair<uint32_t, uint32_t> spans[2];
  size_t n_spans = 0;
  for (double a : {xs, xs - 360}) {
    double b = a + lr.width;
    if (b < 0 || a > g.width) continue;
    spans[n_spans++] = {col_of(std::max(a, 0.0)), col_of(std::min(b, g.width))};
  }
  // Classified: the squares under the box's buckets and one bucket more each side, so that a
  // cell sticking out of the box's buckets can still be settled outside.
  Squares sq;
  sq.circle = std::is_same_v<Shape, geo::PreparedCircle>;
  sq.cols = g.square_cols;
  sq.r0 = r0 > 0 ? (r0 - 1) * g.fine : 0;
  sq.r1 = std::min((r1 + 2) * g.fine - 1, g.square_rows - 1);
  const bool shortcut = g.row_inv > 0 && g.col_inv > 0;
  if (shortcut) {
    sq.state.assign(size_t{sq.r1 - sq.r0 + 1} * sq.cols, Squares::kOff);
    const bool round = g.width >= 360;  // columns wrap
    for (size_t j = 0; j < n_spans; ++j) {
      const int64_t a = int64_t{spans[j].first} * g.fine - g.fine,
                    b = int64_t{spans[j].second + 2} * g.fine - 1, n = sq.cols;
      for (int64_t c = round ? a : std::max<int64_t>(a, 0); c <= (round ? b : std::min(b, n - 1));
           ++c) {
        const size_t col = static_cast<size_t>((c % n + n) % n);
        for (uint32_t r = sq.r0; r <= sq.r1; ++r)
          sq.state[size_t{r - sq.r0} * sq.cols + col] = Squares::kOpen;
      }
    }
    classify(shape, sq);
    sq.count_runs();
  }
  auto decide = [&](uint32_t k) {
    // Already found by an earlier shape of the alert (neighbouring areas share their border
    // cells): nothing to decide.
    const uint32_t cell = slots_[k].cell;
    if (hits[cell / 64] >> (cell % 64) & 1) return;
    const int known = shortcut ? settled(k, sq) : -1;
    if (known > 0 || (known < 0 && covers_slot(k, shape))) set_bit(hits, cell);
  };
  auto home_in_range = [&](const Slot& s) {
    if (s.row0 < r0 || s.row0 > r1) return false;
    for (size_t j = 0; j < n_spans; ++j)
      if (s.col0 >= spans[j].first && s.col0 <= spans[j].second) return true;
    return false;
  };
  for (size_t j = 0; j < n_spans; ++j) {
    const auto [c0, c1] = spans[j];
    // A cell homed elsewhere, at the first bucket its box shares with the query.
    auto visitor = [&](uint32_t r, uint32_t c) {
      const uint32_t* e = g.entries.data() + g.start[size_t{r} * g.cols + c];
      const uint32_t* end = g.entries.data() + g.start[size_t{r} * g.cols + c + 1];
      for (; e != end; ++e) {
        const Slot& s = slots_[*e];
        if (home_in_range(s) || std::max(s.row0, r0) != r) continue;
        const uint32_t first = s.col1 >= s.col0 || c0 > s.col1 ? std::max(s.col0, c0) : c0;
        if (first == c) decide(*e);
      }
    };
    for (uint32_t r = r0; r <= r1; ++r) {
      const size_t row = size_t{r} * g.cols;
      for (uint32_t k = g.home[row + c0]; k < g.home[row + c1 + 1]; ++k)
        decide(k);
      if (r == r0)
        for (uint32_t c = c0; c <= c1; ++c)
          visitor(r, c);
      else
        visitor(r, c0);
    }
  }
}

CellSelection CellInventory::select(const cap::Alert& alert) const {
  return select(alert_shapes(alert));
}

CellSelection CellInventory::select(const AlertShapes& shapes) const {
  CellSelection s;
  s.areas = shapes.areas;
  s.areas_without_geometry = shapes.areas_without_geometry;
  s.areas_unparsable = shapes.areas_unparsable;
  // Bits over cells_, whose order is CellId order: reading them out sorts.
  std::vector<uint64_t> hits((cells_.size() + 63) / 64, 0);
  for (const geo::PreparedPolygon& p : shapes.polygons)
    select_shape(p, hits);
  for (const geo::PreparedCircle& c : shapes.circles)
    select_shape(c, hits);
  s.by_geometry = count_bits(hits);

  if (!shapes.geocodes.empty()) {
    std::vector<uint64_t> coded(hits.size(), 0);
    for (const std::string& code : shapes.geocodes) {
      auto [lo, hi] = std::equal_range(
          by_geocode_.begin(), by_geocode_.end(), code, [](const auto& a, const auto& b) {
            if constexpr (std::is_same_v<std::decay_t<decltype(a)>, std::string>)
              return a < b.first;
            else
              return a.first < b;
          });
      for (auto it = lo; it != hi; ++it)
        set_bit(coded, it->second);
    }
    s.by_geocode = count_bits(coded);
    for (size_t w = 0; w < hits.size(); ++w)
      hits[w] |= coded[w];
  }
  s.cells.reserve(count_bits(hits));
  for (size_t w = 0; w < hits.size(); ++w)
    for (uint64_t bits = hits[w]; bits != 0; bits &= bits - 1)
      s.cells.push_back(ids_[w * 64 + static_cast<size_t>(std::countr_zero(bits))]);
  return s;
}

}  // namespace capcast::dispatch::cbs
