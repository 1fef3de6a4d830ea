// The cell inventory's index and the selection of an alert's cells (cells.h).
//
// The index is a uniform grid over the inventory's extent, each cell's coverage box listed in
// every bucket it overlaps. A query walks the buckets under one alert shape's box and tests each
// cell once: in the first bucket (lowest row, then lowest column) that both its box and the query
// share, so a cell listed in several buckets is neither tested nor reported twice per shape.
// Before that, the buckets under the shape are classified (inside it, outside, or crossed by
// its edge), which settles most cells of a large area without the exact test (the shortcut,
// below).
#include <algorithm>
#include <cmath>
#include <tuple>
#include <type_traits>

#include "cbs/cells.h"

namespace capcast::dispatch::cbs {

namespace {

namespace geo = cap::geo;

// At most this many rows and columns: 4M buckets, 16 MB of offsets, whatever the inventory.
constexpr uint32_t kMaxSide = 2048;

// A box's longitudes as an interval starting at min_lon, `width` degrees east (<= 360).
struct LonRange {
  double lo, width;
};
LonRange lon_range(const geo::BBox& b) {
  double hi = b.crosses_antimeridian ? b.max_lon + 360 : b.max_lon;
  return {b.min_lon, std::clamp(hi - b.min_lon, 0.0, 360.0)};
}

// [0, 360)
double wrap360(double d) {
  d = std::fmod(d, 360.0);
  if (d < 0) d += 360.0;
  return d >= 360.0 ? 0.0 : d;
}

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
  coverage_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const Cell& c = cells_[i];
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

  g.row0.resize(n);
  g.col0.resize(n);
  g.col1.resize(n);
  g.row1.resize(n);
  std::vector<uint32_t>& row1 = g.row1;
  for (size_t i = 0; i < n; ++i) {
    const geo::BBox& b = boxes_[i];
    LonRange r = lon_range(b);
    double xs = wrap360(r.lo - g.lon0), xe = xs + r.width;
    g.row0[i] = row_of(b.min_lat);
    row1[i] = row_of(b.max_lat);
    g.col0[i] = col_of(xs);
    // A box reaching x = 360 (only when the grid spans the globe) goes on at column 0: a query
    // that starts at x = 0 may touch it there.
    const bool wraps = xe >= 360;
    g.col1[i] = col_of(wraps ? xe - 360 : xe);
    if (wraps && g.col1[i] >= g.col0[i]) g.col0[i] = 0, g.col1[i] = g.cols - 1;  // all round
  }
  // Counting pass, then filling pass, over each cell's buckets.
  auto each_bucket = [&](size_t i, auto f) {
    for (uint32_t r = g.row0[i]; r <= row1[i]; ++r) {
      if (g.col1[i] >= g.col0[i]) {
        for (uint32_t c = g.col0[i]; c <= g.col1[i]; ++c)
          f(r * g.cols + c);
      } else {
        for (uint32_t c = g.col0[i]; c < g.cols; ++c)
          f(r * g.cols + c);
        for (uint32_t c = 0; c <= g.col1[i]; ++c)
          f(r * g.cols + c);
      }
    }
  };
  g.start.assign(size_t{g.rows} * g.cols + 1, 0);
  for (size_t i = 0; i < n; ++i)
    each_bucket(i, [&](size_t b) { ++g.start[b + 1]; });
  for (size_t b = 1; b < g.start.size(); ++b)
    g.start[b] += g.start[b - 1];
  g.entries.resize(g.start.back());
  std::vector<uint32_t> fill(g.start.begin(), g.start.end() - 1);
  for (size_t i = 0; i < n; ++i)
    each_bucket(i, [&](size_t b) { g.entries[fill[b]++] = static_cast<uint32_t>(i); });

  // The prepared coverages in grid order (by first bucket), not CellId order, so that a query
  // reads neighbouring cells' geometry from neighbouring memory.
  std::vector<uint32_t> order(n);
  for (uint32_t i = 0; i < n; ++i)
    order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return std::pair(g.row0[a], g.col0[a]) < std::pair(g.row0[b], g.col0[b]);
  });
  for (uint32_t i : order) {
    const Cell& c = cells_[i];
    if (c.sector) {
      coverage_[i] = static_cast<uint32_t>(sectors_.size()) | kSectorBit;
      sectors_.emplace_back(*c.sector);
    } else {
      coverage_[i] = static_cast<uint32_t>(circles_.size());
      circles_.emplace_back(geo::Circle{c.site, c.radius_km});
    }
  }

  // The shortcut's per-cell facts, each checked against the buckets' own edges (lat_at, x_at),
  // so that rounding in row_of/col_of or a clamp cannot put a cell where it is not.
  g.anchor.assign(n, Grid::kNoAnchor);
  g.box_in_buckets.assign(n, 0);
  if (!(g.row_inv > 0 && g.col_inv > 0)) return;
  for (size_t i = 0; i < n; ++i) {
    const uint32_t k = coverage_[i];
    if (k & kSectorBit && sectors_[k & ~kSectorBit].ring().empty()) continue;
    const geo::Point a = cells_[i].sector ? cells_[i].sector->ring.front() : cells_[i].site;
    const uint32_t r = row_of(a.lat), c = col_of(wrap360(a.lon - g.lon0));
    if (in_buckets(a.lat, a.lat, a.lon, 0, r, r, c, c)) g.anchor[i] = r * g.cols + c;
    const geo::BBox& b = boxes_[i];
    g.box_in_buckets[i] =
        g.col0[i] <= g.col1[i] && in_buckets(b.min_lat, b.max_lat, b.min_lon, lon_range(b).width,
                                             g.row0[i], row1[i], g.col0[i], g.col1[i]);
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

bool CellInventory::covers(size_t i, const geo::PreparedPolygon& polygon) const {
  // The sector first: intersects() walks the first polygon's edges against the second's index.
  const uint32_t k = coverage_[i];
  return k & kSectorBit ? geo::intersects(sectors_[k & ~kSectorBit], polygon)
                        : geo::intersects(polygon, circles_[k]);
}

bool CellInventory::covers(size_t i, const geo::PreparedCircle& circle) const {
  const uint32_t k = coverage_[i];
  return k & kSectorBit ? geo::intersects(sectors_[k & ~kSectorBit], circle)
                        : geo::intersects(circles_[k], circle);
}

// ---- The shortcut. A bucket "square" is a grid bucket as a set of points: rows from lat_at(r)
// to lat_at(r + 1), longitudes lon0 + x_at(c) to lon0 + x_at(c + 1) (mod 360). A square is
// marked inside a shape only when every point within kMarginDeg of it is inside; a cell's anchor
// (or box) lies within kMarginDeg / 2 of its square(s) (in_buckets, checked when the index is
// built). The exact test then surely says yes, so it is skipped:
//  - a polygon: the exact test (covers) asks the polygon first whether it contains the anchor,
//    the circle's centre or the sector's first pair, and returns true if so (geometry.cpp,
//    intersects); so the cells whose anchor is in an inside square;
//  - a circle, for an omni cell: the test is the distance between centres <= r1 + r2 + 1 m, and
//    the anchor, its centre, is within the alert's radius; for a sector, the first edge's
//    nearest point to the centre lies on the sector, so the sectors whose whole box is in
//    inside squares.
// And an omni cell against a polygon is surely missed when its whole box lies in squares outside
// the polygon: the exact test asks whether the polygon contains its centre (no), then measures
// from the centre to a point on each edge, and every edge point lies outside the box, which
// holds the whole circle. (Not a sector: its edge-against-edge test might round to "meets" for
// nearly collinear edges a few cm apart, so it keeps the exact test.)
// The margin, 1e-6 degrees (0.1 m), is far above the rounding of these tests (about 1e-12
// degrees for longitudes up to 540) and above kEdgeToleranceDeg (1e-9), so that the exact test
// computes, at every point a cell brings, the answer exact arithmetic gives.
struct CellInventory::Squares {
  enum : uint8_t { kUnknown, kOpen, kBoundary, kOutside, kInside };
  uint32_t r0 = 0, r1 = 0;     // the rows under the shape's box
  std::vector<uint8_t> state;  // per bucket of rows r0..r1, all columns, row-major
  bool has(uint32_t bucket, uint8_t want) const {
    const size_t at = size_t{bucket} - size_t{r0} * cols;
    return bucket != Grid::kNoAnchor && at < state.size() && state[at] == want;
  }
  uint32_t cols = 1;
};

namespace {
constexpr double kMarginDeg = 1e-6;
// Circles: every corner of an inside square is within radius - this (10 m, far above the
// rounding of haversine and of the latitude widths below); and the radius is at most
// kMaxShortcutKm (45 degrees of arc: see classify).
constexpr double kCircleMarginKm = 0.01;
constexpr double kMaxShortcutKm = 5000;
}  // namespace

double CellInventory::lat_at(uint32_t row) const {
  return grid_.min_lat + row / grid_.row_inv;
}

double CellInventory::x_at(uint32_t col) const {
  return col / grid_.col_inv;
}

bool CellInventory::in_buckets(double lat0, double lat1, double lon, double width, uint32_t ra,
                               uint32_t rb, uint32_t ca, uint32_t cb) const {
  const double m = kMarginDeg / 2, xa = x_at(ca), xb = x_at(cb + 1);
  // The box's west edge east of the buckets' middle; remainder() is exact.
  const double d = std::remainder(lon - (grid_.lon0 + (xa + xb) / 2), 360.0);
  return lat0 >= lat_at(ra) - m && lat1 <= lat_at(rb + 1) + m && d >= -(xb - xa) / 2 - m &&
         d + width <= (xb - xa) / 2 + m;
}

// A polygon. Boundary squares: those a polygon edge may meet, found by cutting each edge into
// pieces of at most a bucket and marking every bucket the piece's box, widened by the margin,
// touches, at whichever turn of 360 degrees (x is taken mod 360): a superset, which only costs
// speed. Every other square is crossed by no edge, so (Jordan curve theorem, as the even-odd
// rule counts it) all its points are on the same side of the ring, and so are those of a run of
// such squares side by side in a row: one point-in-polygon test of a square's centre decides
// the run. A square reaching the antimeridian is left out (its points' longitudes, as
// contains() shifts them by 360, would not all fall in the same copy of the ring).
void CellInventory::classify(const geo::PreparedPolygon& polygon, Squares& sq) const {
  const Grid& g = grid_;
  const std::vector<geo::Point>& ring = polygon.ring();
  const double m = kMarginDeg;
  auto mark = [&](double lat0, double lat1, double lon0, double lon1) {
    const uint32_t ra = std::max(row_of(lat0 - m), sq.r0), rb = std::min(row_of(lat1 + m), sq.r1);
    const double x = wrap360(lon0 - m - g.lon0), w = lon1 - lon0 + 2 * m;
    uint32_t spans[2][2] = {{col_of(x), col_of(x + w)}, {1, 0}};
    if (w >= 360) {
      spans[0][0] = 0, spans[0][1] = g.cols - 1;
    } else if (x + w >= 360) {
      spans[0][1] = g.cols - 1, spans[1][0] = 0, spans[1][1] = col_of(x + w - 360);
    }
    for (uint32_t r = ra; r <= rb; ++r)
      for (const auto& span : spans)
        for (uint32_t c = span[0]; c <= span[1]; ++c)
          sq.state[size_t{r - sq.r0} * g.cols + c] = Squares::kBoundary;
  };
  for (size_t k = 0; k + 1 < ring.size(); ++k) {
    const geo::Point a = ring[k], b = ring[k + 1];
    const double dy = b.lat - a.lat, dx = b.lon - a.lon;
    const double need = std::ceil(std::max(std::abs(dx) * g.col_inv, std::abs(dy) * g.row_inv));
    const int pieces = static_cast<int>(std::clamp(need, 1.0, 256.0));
    geo::Point p = a;
    for (int j = 1; j <= pieces; ++j) {
      const double t = static_cast<double>(j) / pieces;
      const geo::Point q = j == pieces ? b : geo::Point{a.lat + t * dy, a.lon + t * dx};
      mark(std::min(p.lat, q.lat), std::max(p.lat, q.lat), std::min(p.lon, q.lon),
           std::max(p.lon, q.lon));
      p = q;
    }
  }
  for (uint32_t r = sq.r0; r <= sq.r1; ++r) {
    const double lat = (lat_at(r) + lat_at(r + 1)) / 2;
    uint8_t run = Squares::kUnknown;  // the state of the run going on, or kUnknown
    for (uint32_t c = 0; c < g.cols; ++c) {
      uint8_t& state = sq.state[size_t{r - sq.r0} * g.cols + c];
      const double half = (x_at(c + 1) - x_at(c)) / 2 + m;
      const double lon = std::remainder(g.lon0 + x_at(c) + half - m, 360.0);
      if (state == Squares::kOpen && (lon - half <= -180 || lon + half >= 180))
        state = Squares::kBoundary;
      if (state != Squares::kOpen) {
        run = Squares::kUnknown;
        continue;
      }
      if (run == Squares::kUnknown)
        run = polygon.contains({lat, lon}) ? Squares::kInside : Squares::kOutside;
      state = run;
    }
  }
}

// A circle of radius r <= 45 degrees of arc, not around a pole. On a parallel, the distance to
// the centre grows with the longitude difference (haversine: sin^2(dlon / 2) scaled by cos(lat)
// >= 0) while that stays within 180 degrees; on a meridian, within 45 degrees of the centre, it
// has no maximum inside a segment whose ends are within 45 degrees (a great circle's distance
// from a point peaks only at the far side, at least 135 degrees away). So a square whose four
// corners are within the radius lies within it. The points of the parallel at latitude lat
// within the shrunk radius are those with |dlon| <= 2 asin(sqrt(s)), s = (hav(r) -
// hav(lat - lat_c)) / (cos(lat_c) cos(lat)).
void CellInventory::classify(const geo::PreparedCircle& circle, Squares& sq) const {
  constexpr double kRad = 3.14159265358979323846 / 180;
  const Grid& g = grid_;
  const geo::Circle& cc = circle.circle();
  if (cc.radius_km <= kCircleMarginKm || cc.radius_km > kMaxShortcutKm ||
      circle.bbox().min_lat <= -90 || circle.bbox().max_lat >= 90)
    return;
  const double d = (cc.radius_km - kCircleMarginKm + geo::kCircleToleranceKm) / geo::kEarthRadiusKm;
  const double hav_r = std::pow(std::sin(d / 2), 2), cos_c = std::cos(cc.center.lat * kRad);
  auto half_width = [&](double lat) {  // degrees; < 0 when the parallel misses the circle
    double s = (hav_r - std::pow(std::sin((lat - cc.center.lat) * kRad / 2), 2)) /
               (cos_c * std::cos(lat * kRad));
    return s < 0 ? -1.0 : s >= 1 ? 180.0 : 2 * std::asin(std::sqrt(s)) / kRad;
  };
  const double m = kMarginDeg;
  for (uint32_t r = sq.r0; r <= sq.r1; ++r) {
    const double hw = std::min(half_width(lat_at(r) - m), half_width(lat_at(r + 1) + m));
    if (hw < 0) continue;
    for (uint32_t c = 0; c < g.cols; ++c) {
      uint8_t& state = sq.state[size_t{r - sq.r0} * g.cols + c];
      if (state != Squares::kOpen) continue;
      const double xa = x_at(c) - m, xb = x_at(c + 1) + m;
      const double da = std::remainder(g.lon0 + xa - cc.center.lon, 360.0), db = da + (xb - xa);
      if (da >= -hw && db <= hw && da > -180 && db < 180) state = Squares::kInside;
    }
  }
}

template <typename Shape>
int CellInventory::settled(uint32_t i, const Squares& sq) const {
  const Grid& g = grid_;
  const bool sector = coverage_[i] & kSectorBit,
             circle = std::is_same_v<Shape, geo::PreparedCircle>;
  if (!(circle && sector) && sq.has(g.anchor[i], Squares::kInside)) return 1;
  // Every bucket of its box: a sector against a circle, inside; an omni cell against a polygon,
  // outside.
  const uint8_t want = circle && sector     ? Squares::kInside
                       : !circle && !sector ? Squares::kOutside
                                            : 0;
  if (want == 0 || !g.box_in_buckets[i]) return -1;
  for (uint32_t r = g.row0[i]; r <= g.row1[i]; ++r)
    for (uint32_t c = g.col0[i]; c <= g.col1[i]; ++c)
      if (!sq.has(r * g.cols + c, want)) return -1;
  return want == Squares::kInside ? 1 : 0;
}

template <typename Shape>
void CellInventory::select_shape(const Shape& shape, std::vector<uint32_t>& out) const {
  const Grid& g = grid_;
  const geo::BBox& box = shape.bbox();
  if (g.entries.empty() || box.max_lat < g.min_lat || box.min_lat > g.min_lat + g.height) return;
  const uint32_t r0 = row_of(box.min_lat), r1 = row_of(box.max_lat);
  LonRange lr = lon_range(box);
  const double xs = wrap360(lr.lo - g.lon0);
  // The query's x interval, and the same shifted by a turn: together they cover every x that
  // the box covers; each is clipped to the grid's [0, width].
  std::vector<std::pair<uint32_t, uint32_t>> spans;
  for (double a : {xs, xs - 360}) {
    double b = a + lr.width;
    if (b < 0 || a > g.width) continue;
    spans.push_back({col_of(std::max(a, 0.0)), col_of(std::min(b, g.width))});
  }
  Squares sq;
  sq.r0 = r0, sq.r1 = r1, sq.cols = g.cols;
  if (g.row_inv > 0 && g.col_inv > 0) {
    sq.state.assign(size_t{r1 - r0 + 1} * g.cols, Squares::kUnknown);
    for (uint32_t r = r0; r <= r1; ++r)
      for (auto [c0, c1] : spans)
        std::fill_n(sq.state.begin() + static_cast<long>(size_t{r - r0} * g.cols + c0), c1 - c0 + 1,
                    Squares::kOpen);
    classify(shape, sq);
  }
  for (auto [c0, c1] : spans) {
    for (uint32_t r = r0; r <= r1; ++r) {
      for (uint32_t c = c0; c <= c1; ++c) {
        const uint32_t* e = g.entries.data() + g.start[size_t{r} * g.cols + c];
        const uint32_t* end = g.entries.data() + g.start[size_t{r} * g.cols + c + 1];
        for (; e != end; ++e) {
          const uint32_t i = *e;
          if (std::max(g.row0[i], r0) != r) continue;
          uint32_t first = g.col1[i] >= g.col0[i] || c0 > g.col1[i] ? std::max(g.col0[i], c0) : c0;
          if (first != c) continue;
          const int known = settled<Shape>(i, sq);
          if (known > 0 || (known < 0 && covers(i, shape))) out.push_back(i);
        }
      }
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
  // Cell indexes: their order is CellId order, and they sort faster.
  std::vector<uint32_t> hits;
  for (const geo::PreparedPolygon& p : shapes.polygons)
    select_shape(p, hits);
  for (const geo::PreparedCircle& c : shapes.circles)
    select_shape(c, hits);
  std::sort(hits.begin(), hits.end());
  hits.erase(std::unique(hits.begin(), hits.end()), hits.end());
  s.by_geometry = hits.size();

  const size_t geometric = hits.size();
  for (const std::string& code : shapes.geocodes) {
    auto [lo, hi] = std::equal_range(
        by_geocode_.begin(), by_geocode_.end(), code, [](const auto& a, const auto& b) {
          if constexpr (std::is_same_v<std::decay_t<decltype(a)>, std::string>)
            return a < b.first;
          else
            return a.first < b;
        });
    for (auto it = lo; it != hi; ++it)
      hits.push_back(it->second);
  }
  auto tail = hits.begin() + static_cast<long>(geometric);
  std::sort(tail, hits.end());
  hits.erase(std::unique(tail, hits.end()), hits.end());
  s.by_geocode = static_cast<size_t>(hits.end() - tail);
  std::inplace_merge(hits.begin(), tail, hits.end());
  hits.erase(std::unique(hits.begin(), hits.end()), hits.end());
  s.cells.reserve(hits.size());
  for (uint32_t i : hits)
    s.cells.push_back(cells_[i].id);
  return s;
}

}  // namespace capcast::dispatch::cbs
