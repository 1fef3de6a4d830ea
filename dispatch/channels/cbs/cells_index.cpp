// The cell inventory's index (cells.h): a uniform grid over the inventory's extent, each cell's
// coverage box listed in every bucket it overlaps, and the cells again in grid order ("slots")
// with the facts the shortcut (cells_classify.cpp) needs. Also the alert's shapes. The
// selection is in cells_select.cpp.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <tuple>

#include "cbs/cells.h"
#include "cbs/cells_grid.h"

namespace capcast::dispatch::cbs {

namespace {

namespace geo = cap::geo;
using cells_grid::lon_range;
using cells_grid::LonRange;
using cells_grid::wrap360;

// At most this many rows and columns: 4M buckets, 16 MB of offsets, whatever the inventory.
constexpr uint32_t kMaxSide = 2048;
// Squares per bucket side (at most).
constexpr uint32_t kFine = 2;

// Where the grid's x = 0 lies and how wide it is: the cells' longitudes, as arcs of the circle,
// leave gaps; the widest gap is left out, so the rest is one span that no box wraps around.
// (-180, 360) when the boxes leave no gap.
std::pair<double, double> lon_span(const std::vector<geo::BBox>& boxes) {
  std::vector<std::pair<double, double>> arcs;  // [start, end] within [-180, 180]
  arcs.reserve(boxes.size() + 8);
  for (const geo::BBox& b : boxes) {
    LonRange r = lon_range(b);
    if (r.width >= 360) return {-180.0, 360.0};
    double s = wrap360(r.lo + 180) - 180, e = s + r.width;
    if (e > 180) {
      arcs.push_back({s, 180});
      arcs.push_back({-180, e - 360});
    } else {
      arcs.push_back({s, e});
    }
  }
  std::sort(arcs.begin(), arcs.end());
  std::vector<std::pair<double, double>> merged;
  for (const auto& a : arcs) {
    if (!merged.empty() && a.first <= merged.back().second)
      merged.back().second = std::max(merged.back().second, a.second);
    else
      merged.push_back(a);
  }
  if (merged.empty()) return {-180.0, 360.0};
  // The gap across the antimeridian, from the last arc's end to the first's start.
  double best = merged.front().first + 360 - merged.back().second, lon0 = merged.front().first;
  for (size_t i = 1; i < merged.size(); ++i) {
    double gap = merged[i].first - merged[i - 1].second;
    if (gap > best) best = gap, lon0 = merged[i].first;
  }
  if (best <= 0) return {-180.0, 360.0};
  return {lon0, 360 - best};
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

}  // namespace

AlertShapes alert_shapes(const cap::Alert& alert) {
  AlertShapes out;
  for (const cap::Info& info : alert.infos) {
    for (const cap::Area& area : info.areas) {
      ++out.areas;
      for (const cap::ValuePair& g : area.geocodes)
        out.geocodes.push_back(g.value_name + "=" + g.value);
      auto parsed = geo::parse_area(area);
      if (!parsed.ok()) {
        ++out.areas_unparsable;
        ++out.areas_without_geometry;
        continue;
      }
      size_t before = out.polygons.size() + out.circles.size();
      for (const geo::Polygon& p : parsed->polygons) {
        geo::PreparedPolygon prepared(p);
        if (!prepared.ring().empty()) out.polygons.push_back(std::move(prepared));
      }
      for (const geo::Circle& c : parsed->circles)
        out.circles.emplace_back(c);
      if (out.polygons.size() + out.circles.size() == before) ++out.areas_without_geometry;
    }
  }
  std::sort(out.geocodes.begin(), out.geocodes.end());
  out.geocodes.erase(std::unique(out.geocodes.begin(), out.geocodes.end()), out.geocodes.end());
  return out;
}

void CellInventory::build_index() {
  const size_t n = cells_.size();
  boxes_.resize(n);
  ids_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const Cell& c = cells_[i];
    ids_[i] = c.id;
    boxes_[i] = c.sector ? geo::bbox_of(*c.sector) : geo::bbox_of(geo::Circle{c.site, c.radius_km});
    for (const std::string& g : c.geocodes)
      by_geocode_.push_back({g, static_cast<uint32_t>(i)});
  }
  std::sort(by_geocode_.begin(), by_geocode_.end());

  Grid& g = grid_;
  if (n == 0) return;
  std::tie(g.lon0, g.width) = lon_span(boxes_);
  double max_lat = -90;
  g.min_lat = 90;
  std::vector<double> widths(n), heights(n);
  for (size_t i = 0; i < n; ++i) {
    g.min_lat = std::min(g.min_lat, boxes_[i].min_lat);
    max_lat = std::max(max_lat, boxes_[i].max_lat);
    widths[i] = lon_range(boxes_[i]).width;
    heights[i] = boxes_[i].max_lat - boxes_[i].min_lat;
  }
  g.height = max_lat - g.min_lat;
  // About one bucket per cell, but no smaller than the typical cell, so that most cells are
  // listed in at most four buckets.
  double side = std::sqrt(g.width * std::max(g.height, 1e-9) / static_cast<double>(n));
  double sx = std::max({side, median(widths), 1e-9}), sy = std::max({side, median(heights), 1e-9});
  auto count = [](double extent, double step) {
    return static_cast<uint32_t>(
        std::clamp(std::ceil(extent / step), 1.0, static_cast<double>(kMaxSide)));
  };
  g.cols = count(g.width, sx);
  g.rows = count(g.height, sy);
  g.col_inv = g.width > 0 ? g.cols / g.width : 0;
  g.row_inv = g.height > 0 ? g.rows / g.height : 0;
  // Squares for the shortcut: the finer, the fewer cells near a shape's edge it leaves to the
  // exact test, but the more squares each query classifies; at most 2048 a side, as buckets.
  g.fine = std::clamp(kMaxSide / std::max(g.cols, g.rows), 1u, kFine);
  g.square_cols = g.cols * g.fine;
  g.square_rows = g.rows * g.fine;
  g.square_col_inv = g.col_inv * g.fine;
  g.square_row_inv = g.row_inv * g.fine;

  // Each cell's buckets, then the slots in the order of their first bucket.
  std::vector<Slot> by_cell(n);
  for (size_t i = 0; i < n; ++i) {
    const geo::BBox& b = boxes_[i];
    Slot& s = by_cell[i];
    s.cell = static_cast<uint32_t>(i);
    LonRange r = lon_range(b);
    double xs = wrap360(r.lo - g.lon0), xe = xs + r.width;
    s.row0 = row_of(b.min_lat);
    s.row1 = row_of(b.max_lat);
    s.col0 = col_of(xs);
    // A box reaching x = 360 (only when the grid spans the globe) goes on at column 0: a query
    // that starts at x = 0 may touch it there.
    const bool wraps = xe >= 360;
    s.col1 = col_of(wraps ? xe - 360 : xe);
    if (wraps && s.col1 >= s.col0) s.col0 = 0, s.col1 = g.cols - 1;  // all round
  }
  const size_t buckets = size_t{g.rows} * g.cols;
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return std::pair(by_cell[a].row0, by_cell[a].col0) <
           std::pair(by_cell[b].row0, by_cell[b].col0);
  });
  slots_.reserve(n);
  slot_of_.resize(n);
  g.home.assign(buckets + 1, 0);
  for (uint32_t i : order) {
    slot_of_[i] = static_cast<uint32_t>(slots_.size());
    slots_.push_back(by_cell[i]);
    ++g.home[size_t{by_cell[i].row0} * g.cols + by_cell[i].col0 + 1];
  }
  for (size_t b = 1; b <= buckets; ++b)
    g.home[b] += g.home[b - 1];

  // Counting pass, then filling pass, over each slot's buckets.
  auto each_bucket = [&](const Slot& s, auto f) {
    for (uint32_t r = s.row0; r <= s.row1; ++r) {
      if (s.col1 >= s.col0) {
        for (uint32_t c = s.col0; c <= s.col1; ++c)
          f(r * g.cols + c);
      } else {
        for (uint32_t c = s.col0; c < g.cols; ++c)
          f(r * g.cols + c);
        for (uint32_t c = 0; c <= s.col1; ++c)
          f(r * g.cols + c);
      }
    }
  };
  g.start.assign(buckets + 1, 0);
  for (const Slot& s : slots_)
    each_bucket(s, [&](size_t b) { ++g.start[b + 1]; });
  for (size_t b = 1; b < g.start.size(); ++b)
    g.start[b] += g.start[b - 1];
  g.entries.resize(g.start.back());
  std::vector<uint32_t> fill(g.start.begin(), g.start.end() - 1);
  for (uint32_t k = 0; k < slots_.size(); ++k)
    each_bucket(slots_[k], [&](size_t b) { g.entries[fill[b]++] = k; });

  // The prepared coverages in slot order, and each sector's edge directions.
  direction_start_.push_back(0);
  for (Slot& s : slots_) {
    const Cell& c = cells_[s.cell];
    if (c.sector) {
      s.coverage = static_cast<uint32_t>(sectors_.size()) | kSectorBit;
      sectors_.emplace_back(*c.sector);
      const std::vector<geo::Point>& ring = sectors_.back().ring();
      for (size_t k = 0; k + 1 < ring.size(); ++k)
        directions_.push_back(static_cast<uint16_t>(cells_grid::direction_bin(
            ring[k + 1].lon - ring[k].lon, ring[k + 1].lat - ring[k].lat)));
      direction_start_.push_back(static_cast<uint32_t>(directions_.size()));
    } else {
      s.coverage = static_cast<uint32_t>(circles_.size());
      circles_.emplace_back(geo::Circle{c.site, c.radius_km});
    }
  }

  // The shortcut's per-cell facts, each checked against the squares' own edges (lat_at, x_at),
  // so that rounding in square_row/square_col or a clamp cannot put a cell where it is not.
  for (Slot& s : slots_)
    s.anchor = kNoAnchor;
  vertex_start_.assign(sectors_.size() + 1, 0);
  if (!(g.row_inv > 0 && g.col_inv > 0)) return;
  // The square surely holding a point, or kNoAnchor.
  auto square_of = [&](geo::Point a) {
    const uint32_t r = square_row(a.lat), c = square_col(wrap360(a.lon - g.lon0));
    return in_squares(a.lat, a.lat, a.lon, 0, r, r, c, c) ? r * g.square_cols + c : kNoAnchor;
  };
  for (Slot& s : slots_) {
    const Cell& cell = cells_[s.cell];
    if (s.coverage & kSectorBit) {
      const uint32_t j = s.coverage & ~kSectorBit;
      const std::vector<geo::Point>& ring = sectors_[j].ring();
      for (size_t v = 1; v + 1 < ring.size(); ++v) {
        const uint32_t q = square_of(ring[v]);
        if (q != kNoAnchor &&
            (vertex_squares_.size() == vertex_start_[j] || vertex_squares_.back() != q))
          vertex_squares_.push_back(q);
      }
      vertex_start_[j + 1] = static_cast<uint32_t>(vertex_squares_.size());
      if (ring.empty()) continue;
    }
    s.anchor = square_of(cell.sector ? cell.sector->ring.front() : cell.site);
    const geo::BBox& b = boxes_[s.cell];
    const LonRange lr = lon_range(b);
    const double xs = wrap360(lr.lo - g.lon0);
    s.srow0 = square_row(b.min_lat), s.srow1 = square_row(b.max_lat);
    s.scol0 = square_col(xs), s.scol1 = square_col(xs + lr.width);
    s.box_in_squares =
        xs + lr.width < 360 && s.scol0 <= s.scol1 &&
        in_squares(b.min_lat, b.max_lat, b.min_lon, lr.width, s.srow0, s.srow1, s.scol0, s.scol1);
  }
}

uint32_t CellInventory::row_of(double lat) const {
  double t = std::floor((lat - grid_.min_lat) * grid_.row_inv);
  return static_cast<uint32_t>(std::clamp(t, 0.0, static_cast<double>(grid_.rows - 1)));
}

uint32_t CellInventory::col_of(double x) const {
  double t = std::floor(x * grid_.col_inv);
  return static_cast<uint32_t>(std::clamp(t, 0.0, static_cast<double>(grid_.cols - 1)));
}

uint32_t CellInventory::square_row(double lat) const {
  double t = std::floor((lat - grid_.min_lat) * grid_.square_row_inv);
  return static_cast<uint32_t>(std::clamp(t, 0.0, static_cast<double>(grid_.square_rows - 1)));
}

uint32_t CellInventory::square_col(double x) const {
  double t = std::floor(x * grid_.square_col_inv);
  return static_cast<uint32_t>(std::clamp(t, 0.0, static_cast<double>(grid_.square_cols - 1)));
}

double CellInventory::lat_at(uint32_t row) const {
  return grid_.min_lat + row / grid_.square_row_inv;
}

double CellInventory::x_at(uint32_t col) const {
  return col / grid_.square_col_inv;
}

bool CellInventory::in_squares(double lat0, double lat1, double lon, double width, uint32_t ra,
                               uint32_t rb, uint32_t ca, uint32_t cb) const {
  const double m = cells_grid::kMarginDeg / 2, xa = x_at(ca), xb = x_at(cb + 1);
  // The box's west edge east of the buckets' middle; remainder() is exact.
  const double d = cells_grid::wrap180(lon - (grid_.lon0 + (xa + xb) / 2));
  return lat0 >= lat_at(ra) - m && lat1 <= lat_at(rb + 1) + m && d >= -(xb - xa) / 2 - m &&
         d + width <= (xb - xa) / 2 + m;
}

}  // namespace capcast::dispatch::cbs
