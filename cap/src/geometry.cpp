// CAP area geometry (geometry.h): parsing, polygon checks, boxes, containment, intersection.
#include "capcast/cap/geometry.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <limits>
#include <numbers>
#include <system_error>
#include <tuple>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace capcast::cap::geo {
namespace {

constexpr double kRad = std::numbers::pi / 180.0;
constexpr double kEps = kEdgeToleranceDeg;
constexpr double kShifts[] = {0.0, 360.0, -360.0};

// ---- Text.

bool is_xml_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Splits on XML whitespace (XML 1.0 §2.3 S).
class Tokens {
 public:
  explicit Tokens(std::string_view s) : s_(s) {}
  bool next(std::string_view* token) {
    while (i_ < s_.size() && is_xml_space(s_[i_]))
      ++i_;
    if (i_ == s_.size()) return false;
    size_t start = i_;
    while (i_ < s_.size() && !is_xml_space(s_[i_]))
      ++i_;
    *token = s_.substr(start, i_ - start);
    return true;
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_xml_space(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_xml_space(s.back()))
    s.remove_suffix(1);
  return s;
}

// Quoted, cut at 40 characters so that a malformed megabyte does not end up in a message.
std::string quote(std::string_view s) {
  if (s.size() > 40) return "\"" + std::string(s.substr(0, 37)) + "...\"";
  return "\"" + std::string(s) + "\"";
}

enum class Num { kOk, kNotNumber, kOutOfRange };

// The form nearly every coordinate has, [-]digits[.digits] with at most 15 digits, read
// directly from [p, end) up to the first byte that cannot continue it: the end of what was read,
// or null if that is not such a number. The digits make an integer m < 10^15 < 2^53 and the
// value is m / 10^k for k <= 15 decimals, a division of two exactly representable doubles,
// which IEEE 754 rounds correctly: the value from_chars gives (Clinger's fast path).
const char* read_plain_decimal(const char* p, const char* end, double* out) {
  static constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const bool negative = p != end && *p == '-';
  p += negative;
  uint64_t m = 0;  // wraps past 19 digits, but then it is not used
  auto read_digits = [&] {
    const char* start = p;
    for (; p != end && static_cast<unsigned char>(*p - '0') <= 9; ++p)
      m = m * 10 + static_cast<uint64_t>(*p - '0');
    return static_cast<size_t>(p - start);
  };
  size_t digits = read_digits(), decimals = 0;
  if (digits == 0) return nullptr;
  if (p != end && *p == '.') {
    ++p;
    decimals = read_digits();
    if (decimals == 0) return nullptr;
  }
  if (digits + decimals > 15) return nullptr;
  double v = static_cast<double>(m) / kPow10[decimals];
  *out = negative ? -v : v;
  return p;
}

Num parse_number(std::string_view s, double* out) {
  // from_chars takes no '+', which XML Schema decimals allow.
  if (s.size() > 1 && s[0] == '+' && s[1] != '-' && s[1] != '+') s.remove_prefix(1);
  const char* s_end = s.data() + s.size();
  if (double v; !s.empty() && read_plain_decimal(s.data(), s_end, &v) == s_end) {
    *out = v;
    return Num::kOk;
  }
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc::result_out_of_range) return Num::kOutOfRange;
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return Num::kNotNumber;
  *out = v;
  return Num::kOk;
}

// "lat,lon" into *p; the reason when it is not one, else "".
std::string parse_pair(std::string_view token, Point* p) {
  size_t comma = token.find(',');
  if (comma == std::string_view::npos || token.find(',', comma + 1) != std::string_view::npos)
    return "expected \"lat,lon\"";
  struct Part {
    const char* name;
    std::string_view text;
    double* out;
    double limit;
  };
  for (const Part& part : {Part{"latitude", token.substr(0, comma), &p->lat, 90},
                           Part{"longitude", token.substr(comma + 1), &p->lon, 180}}) {
    Num n = parse_number(part.text, part.out);
    if (n == Num::kNotNumber)
      return std::string(part.name) + " " + quote(part.text) + " is not a number";
    if (n == Num::kOutOfRange || std::abs(*part.out) > part.limit) {
      std::string l = part.limit == 90 ? "90" : "180";
      return std::string(part.name) + " out of range [-" + l + ", " + l + "]";
    }
  }
  return "";
}

// Shortest round-trip form, for numbers as given ("91", "51.5934").
std::string num(double v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// Six decimals without trailing zeros, for computed numbers.
std::string num6(double v) {
  char buf[400];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 6);
  std::string s(buf, r.ptr);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0')
      s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

std::string pair_text(Point p, bool computed = false) {
  if (!computed) return "(" + num(p.lat) + "," + num(p.lon) + ")";
  double lon = std::remainder(p.lon, 360.0);
  return "(" + num6(p.lat) + "," + num6(lon) + ")";
}

// ---- Planar helpers, in (lon, lat) degrees.

// Unwraps longitudes: each is the given one (brought into [-180, 180], exactly when it already
// is) plus a multiple of 360 chosen so that it differs from the previous by at most 180.
class Unwrapper {
 public:
  double next(double lon) {
    // remainder(lon, 360) is lon itself on [-180, 180] (the quotient rounds to 0 there).
    if (!(std::abs(lon) <= 180)) lon = std::remainder(lon, 360.0);
    if (started_) {
      if (lon - prev_ > 180) offset_ -= 360;
      if (lon - prev_ < -180) offset_ += 360;
    }
    started_ = true;
    prev_ = lon;
    return lon + offset_;
  }

 private:
  bool started_ = false;
  double prev_ = 0, offset_ = 0;
};

int orient(Point a, Point b, Point c) {
  double v = (b.lon - a.lon) * (c.lat - a.lat) - (b.lat - a.lat) * (c.lon - a.lon);
  return (v > 0) - (v < 0);
}

// c, collinear with a-b, lies on the closed segment a-b.
bool within(Point a, Point b, Point c) {
  return std::min(a.lon, b.lon) <= c.lon && c.lon <= std::max(a.lon, b.lon) &&
         std::min(a.lat, b.lat) <= c.lat && c.lat <= std::max(a.lat, b.lat);
}

// Closed segments a-b and c-d meet; *at gets a common point.
bool segments_meet(Point a, Point b, Point c, Point d, Point* at) {
  int o1 = orient(a, b, c), o2 = orient(a, b, d), o3 = orient(c, d, a), o4 = orient(c, d, b);
  if (o1 * o2 < 0 && o3 * o4 < 0) {
    double ex = b.lon - a.lon, ey = b.lat - a.lat, fx = d.lon - c.lon, fy = d.lat - c.lat;
    double t = ((c.lon - a.lon) * fy - (c.lat - a.lat) * fx) / (ex * fy - ey * fx);
    *at = {a.lat + t * ey, a.lon + t * ex};
    return true;
  }
  for (auto [o, s, e, p] : {std::tuple{o1, a, b, c}, std::tuple{o2, a, b, d},
                            std::tuple{o3, c, d, a}, std::tuple{o4, c, d, b}}) {
    if (o == 0 && within(s, e, p)) {
      *at = p;
      return true;
    }
  }
  return false;
}

Point shifted(Point p, double s) {
  return {p.lat, p.lon + s};
}

// A box from a latitude range and an unwrapped longitude range.
BBox make_box(double min_lat, double max_lat, double lo, double hi) {
  BBox b{min_lat, -180, max_lat, 180, false};
  if (hi - lo >= 360) return b;
  double shift = std::remainder(lo, 360.0) - lo;  // 0 when lo is in [-180, 180]
  b.min_lon = lo + shift;
  b.max_lon = hi + shift;
  if (b.max_lon > 180) b.max_lon -= 360, b.crosses_antimeridian = true;
  return b;
}

// A box's longitudes as one interval [lo, hi], hi > 180 when it crosses the antimeridian.
std::pair<double, double> lon_interval(const BBox& b) {
  return {b.min_lon, b.crosses_antimeridian ? b.max_lon + 360 : b.max_lon};
}

// The box of an unwrapped ring, and the range of its longitudes.
BBox unwrapped_box(const std::vector<Point>& ring, double* min_ulon, double* max_ulon) {
  if (ring.empty()) return {};
  double min_lat = ring[0].lat, max_lat = ring[0].lat;
  *min_ulon = *max_ulon = ring[0].lon;
  for (Point p : ring) {
    min_lat = std::min(min_lat, p.lat), max_lat = std::max(max_lat, p.lat);
    *min_ulon = std::min(*min_ulon, p.lon), *max_ulon = std::max(*max_ulon, p.lon);
  }
  return make_box(min_lat, max_lat, *min_ulon, *max_ulon);
}

double sq(double x) {
  return x * x;
}

// ---- Self-intersection: the least pair of edges of a ring that meet. The ring is v[0..m],
// unwrapped and without repeated consecutive pairs; edge k goes from v[k] to v[k + 1], k < m.

// Edges i < j meet; *at gets a common point.
bool edges_meet(const Point* v, size_t m, size_t i, size_t j, Point* at) {
  Point a = v[i], b = v[i + 1], c = v[j], d = v[j + 1];
  if (j == i + 1 || (i == 0 && j == m - 1)) {
    // Adjacent: they share q; they meet elsewhere only if they double back along a line.
    Point p = j == i + 1 ? a : c, q = j == i + 1 ? b : a, s = j == i + 1 ? d : b;
    if (orient(p, q, s) != 0) return false;
    const bool beyond = within(p, q, s);
    if (!beyond && !within(q, s, p)) return false;
    *at = beyond ? s : p;
    return true;
  }
  return segments_meet(a, b, c, d, at);
}

// Rings of up to this many edges test their pairs in order instead of sweeping. On
// cap_validate_bench's star-shaped rings the sweep visits O(m^2) pairs too (most edges overlap
// many others in latitude) and loses to testing four boxes at once up to about 400 edges (CPU
// time, 16 to 4096 edges); on long, smooth rings (a coastline) the sweep's O(m log m) wins.
constexpr size_t kPairwiseMaxEdges = 256;
// Rings of up to this many edges keep their boxes and the unwrapped ring on the stack.
constexpr size_t kStackEdges = 128;

// x rounded to a float below (above) it: boxes that overlap in double overlap in float too. The
// margin, 2^-20 of x plus 1e-30, exceeds the rounding to float (2^-24 of x).
float float_below(double x) {
  return static_cast<float>(x - std::abs(x) * 0x1p-20 - 1e-30);
}
float float_above(double x) {
  return static_cast<float>(x + std::abs(x) * 0x1p-20 + 1e-30);
}

// The edges' boxes (latitude and unwrapped longitude ranges), one array per bound: in double
// for the exact test, and rounded outward to float, with empty boxes after the last up to a
// whole group of four, for a first test on four edges at once. straight[k]: edges k and k + 1
// are collinear, the only way adjacent edges can meet beyond their shared pair (edges_meet).
class EdgeBoxes {
 public:
  EdgeBoxes(const Point* v, size_t m) {
    const bool small = m <= kStackEdges;
    if (!small) heap_.resize(4 * m), heap_float_.resize(4 * (m + 4)), heap_straight_.resize(m);
    double* d = small ? stack_ : heap_.data();
    lo = d, hi = d + m, west = d + 2 * m, east = d + 3 * m;
    float* f = small ? stack_float_ : heap_float_.data();
    flo = f, fhi = f + (m + 4), fwest = f + 2 * (m + 4), feast = f + 3 * (m + 4);
    straight = small ? stack_straight_ : heap_straight_.data();
    for (size_t k = 0; k < m; ++k) {
      lo[k] = std::min(v[k].lat, v[k + 1].lat), hi[k] = std::max(v[k].lat, v[k + 1].lat);
      west[k] = std::min(v[k].lon, v[k + 1].lon), east[k] = std::max(v[k].lon, v[k + 1].lon);
      flo[k] = float_below(lo[k]), fhi[k] = float_above(hi[k]);
      fwest[k] = float_below(west[k]), feast[k] = float_above(east[k]);
    }
    constexpr float kInf = std::numeric_limits<float>::infinity();
    for (size_t k = m; k < m + 4; ++k)
      flo[k] = fwest[k] = kInf, fhi[k] = feast[k] = -kInf;
    for (size_t k = 0; k + 1 < m; ++k)
      straight[k] = orient(v[k], v[k + 1], v[k + 2]) == 0;
  }
  EdgeBoxes(const EdgeBoxes&) = delete;
  EdgeBoxes& operator=(const EdgeBoxes&) = delete;

  // Closed boxes i and j overlap: the pairs of edges that are tested.
  bool overlap(size_t i, size_t j) const {
    return lo[j] <= hi[i] && lo[i] <= hi[j] && !(east[i] < west[j]) && !(east[j] < west[i]);
  }

  double *lo, *hi, *west, *east;
  float *flo, *fhi, *fwest, *feast;
  unsigned char* straight;

 private:
  double stack_[4 * kStackEdges];
  float stack_float_[4 * (kStackEdges + 4)];
  unsigned char stack_straight_[kStackEdges];
  std::vector<double> heap_;
  std::vector<float> heap_float_;
  std::vector<unsigned char> heap_straight_;
};

// For small rings: the pairs in lexicographic order up to the first that meets.
void first_meeting_pair(const Point* v, size_t m, const EdgeBoxes& box, size_t* best_i,
                        size_t* best_j, Point* at) {
  for (size_t i = 0; i + 1 < m; ++i) {
    if (box.straight[i] && box.overlap(i, i + 1) && edges_meet(v, m, i, i + 1, at)) {
      *best_i = i, *best_j = i + 1;
      return;
    }
    auto test = [&](size_t j) {
      if (!box.overlap(i, j) || !edges_meet(v, m, i, j, at)) return false;
      *best_i = i, *best_j = j;
      return true;
    };
#if defined(__SSE2__)
    // Boxes i and j to j + 3 overlap in float (the empty boxes past the last never do).
    const __m128 e_lo = _mm_set1_ps(box.flo[i]), e_hi = _mm_set1_ps(box.fhi[i]),
                 e_west = _mm_set1_ps(box.fwest[i]), e_east = _mm_set1_ps(box.feast[i]);
    for (size_t j = i + 2; j < m; j += 4) {
      const __m128 lat = _mm_and_ps(_mm_cmple_ps(_mm_loadu_ps(box.flo + j), e_hi),
                                    _mm_cmple_ps(e_lo, _mm_loadu_ps(box.fhi + j)));
      const __m128 lon = _mm_and_ps(_mm_cmple_ps(_mm_loadu_ps(box.fwest + j), e_east),
                                    _mm_cmple_ps(e_west, _mm_loadu_ps(box.feast + j)));
      for (unsigned bits = static_cast<unsigned>(_mm_movemask_ps(_mm_and_ps(lat, lon))); bits != 0;
           bits &= bits - 1) {
        if (test(j + static_cast<size_t>(std::countr_zero(bits)))) return;
      }
    }
#else
    for (size_t j = i + 2; j < m; ++j) {
      if (test(j)) return;
    }
#endif
  }
}

// For larger rings: a sweep in latitude over the edges sorted by it, which visits the same pairs
// (those whose boxes overlap) and keeps the least that meets.
void sweep_meeting_pairs(const Point* v, size_t m, const EdgeBoxes& box, size_t* best_i,
                         size_t* best_j, Point* at) {
  struct Edge {
    double lo, hi;      // latitude range
    double west, east;  // longitude range
    size_t k;
  };
  std::vector<Edge> edges(m);
  for (size_t k = 0; k < m; ++k)
    edges[k] = {box.lo[k], box.hi[k], box.west[k], box.east[k], k};
  // By latitude only: the order of edges with the same lo changes neither the pairs the sweep
  // below visits (those whose latitude ranges overlap) nor its result (the least meeting pair),
  // and one comparison of doubles is cheaper than a tie-break on the index.
  std::sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) { return a.lo < b.lo; });

  // For each edge, the later edges that overlap it in latitude are first listed without a
  // branch on their longitudes (whether those overlap too depends on the data, which the branch
  // predictor guesses badly: with callgrind's branch simulation on cap_validate_bench's typical
  // corpus, 267 mispredicted conditional branches per polygon before, 185 now); then the ones
  // that overlap in both are tested, in the same order as before.
  std::vector<size_t> overlapping(m);
  for (size_t ii = 0; ii < m; ++ii) {
    const Edge& e = edges[ii];
    size_t count = 0;
    for (size_t jj = ii + 1; jj < m && edges[jj].lo <= e.hi; ++jj) {
      overlapping[count] = jj;
      const size_t west_of_end = !(e.east < edges[jj].west),
                   east_of_start = !(edges[jj].east < e.west);
      count += west_of_end & east_of_start;
    }
    for (size_t n = 0; n < count; ++n) {
      const Edge& f = edges[overlapping[n]];
      size_t i = std::min(e.k, f.k), j = std::max(e.k, f.k);
      if (i > *best_i || (i == *best_i && j >= *best_j)) continue;
      if (j == i + 1 && !box.straight[i]) continue;  // edges_meet would say no
      Point here;
      if (edges_meet(v, m, i, j, &here)) *best_i = i, *best_j = j, *at = here;
    }
  }
}

}  // namespace

// ---- Parsing.

Result<Point> parse_point(std::string_view text) {
  Point p;
  std::string why = parse_pair(trim(text), &p);
  if (!why.empty()) return invalid_argument(quote(trim(text)) + ": " + why);
  return p;
}

Result<Polygon> parse_polygon(std::string_view text) {
  Polygon poly;
  // A pair takes 4 bytes at the least ("0,0 "), usually 16 to 20: room for one per 16 bytes
  // saves most reallocations without a counting pass.
  poly.ring.reserve(text.size() / 16 + 1);
  const char* at = text.data();
  const char* const end = at + text.size();
  for (size_t n = 1;; ++n) {
    while (at != end && is_xml_space(*at))
      ++at;
    if (at == end) break;
    // The usual pair, two plain decimals in range up to the next whitespace, is read in one
    // pass; any other token goes to parse_pair, which reads it alike and says what is wrong.
    Point p;
    const char* comma = read_plain_decimal(at, end, &p.lat);
    const char* next = comma && comma != end && *comma == ','
                           ? read_plain_decimal(comma + 1, end, &p.lon)
                           : nullptr;
    if (!next || (next != end && !is_xml_space(*next)) || !(std::abs(p.lat) <= 90) ||
        !(std::abs(p.lon) <= 180)) {
      next = at;
      while (next != end && !is_xml_space(*next))
        ++next;
      std::string_view token(at, static_cast<size_t>(next - at));
      std::string why = parse_pair(token, &p);
      if (!why.empty())
        return invalid_argument("pair " + std::to_string(n) + " " + quote(token) + ": " + why);
    }
    poly.ring.push_back(p);
    at = next;
  }
  return poly;
}

Result<Circle> parse_circle(std::string_view text) {
  Tokens t(text);
  std::string_view center, radius, extra;
  if (!t.next(&center) || !t.next(&radius) || t.next(&extra))
    return invalid_argument(quote(trim(text)) + ": expected \"lat,lon radius_km\"");
  Circle c;
  std::string why = parse_pair(center, &c.center);
  if (!why.empty()) return invalid_argument("centre " + quote(center) + ": " + why);
  Num n = parse_number(radius, &c.radius_km);
  if (n == Num::kNotNumber) return invalid_argument("radius " + quote(radius) + " is not a number");
  if (n == Num::kOutOfRange)
    return invalid_argument("radius " + quote(radius) + " is out of range");
  if (c.radius_km < 0) return invalid_argument("radius " + quote(radius) + " is negative");
  c.radius_km = std::abs(c.radius_km);  // -0
  return c;
}

Result<Area> parse_area(const cap::Area& area) {
  Area out;
  out.polygons.reserve(area.polygons.size());
  out.circles.reserve(area.circles.size());
  for (size_t i = 0; i < area.polygons.size(); ++i) {
    auto p = parse_polygon(area.polygons[i]);
    if (!p.ok())
      return invalid_argument("polygon " + std::to_string(i + 1) + ": " + p.status().message());
    out.polygons.push_back(std::move(p).value());
  }
  for (size_t i = 0; i < area.circles.size(); ++i) {
    auto c = parse_circle(area.circles[i]);
    if (!c.ok())
      return invalid_argument("circle " + std::to_string(i + 1) + ": " + c.status().message());
    out.circles.push_back(*c);
  }
  return out;
}

// ---- Polygon checks.

PolygonCheck check_polygon(const Polygon& polygon) {
  const std::vector<Point>& r = polygon.ring;
  for (size_t i = 0; i < r.size(); ++i) {
    const char* what = !(std::abs(r[i].lat) <= 90)    ? "latitude out of range [-90, 90]"
                       : !(std::abs(r[i].lon) <= 180) ? "longitude out of range [-180, 180]"
                                                      : nullptr;
    if (what)
      return {PolygonDefect::kOutOfRange,
              "pair " + std::to_string(i + 1) + " " + pair_text(r[i]) + ": " + what};
  }
  // CAP 1.2 §3.2.4: "A minimum of 4 coordinate pairs MUST be present and the first and last
  // pairs of coordinates MUST be the same." The caller cites the rule in its finding.
  if (r.size() < 4)
    return {PolygonDefect::kTooFewPairs,
            "too few coordinate pairs: " + std::to_string(r.size()) + ", at least 4 are required"};
  if (r.front() != r.back())
    return {PolygonDefect::kNotClosed, "ring is not closed: the first pair " +
                                           pair_text(r.front()) + " differs from the last " +
                                           pair_text(r.back())};

  // The ring without repeated consecutive pairs, unwrapped (on the stack when small).
  Point stack_ring[kStackEdges + 1];
  std::vector<Point> heap_ring;
  if (r.size() > kStackEdges + 1) heap_ring.resize(r.size());
  Point* const v = r.size() > kStackEdges + 1 ? heap_ring.data() : stack_ring;
  size_t n = 0;
  Unwrapper unwrap;
  for (size_t i = 0; i < r.size(); ++i) {
    double lon = unwrap.next(r[i].lon);
    if (i > 0 && r[i] == r[i - 1]) continue;
    v[n++] = {r[i].lat, lon};
  }
  const size_t m = n - 1;  // edges: v[k] -> v[k + 1]
  if (m < 3)
    return {PolygonDefect::kTooFewPairs,
            "too few distinct coordinate pairs: " + std::to_string(std::max<size_t>(m, 1)) +
                ", a ring needs at least 3"};

  // The finding is the least pair of edges (i, j), i < j, in lexicographic order, among those
  // whose boxes overlap (closed, in latitude and unwrapped longitude) and that meet. Small rings
  // test the pairs in that order and stop at the first; larger ones sweep (same pairs, same
  // least one).
  const EdgeBoxes boxes(v, m);
  size_t best_i = m, best_j = m;
  Point at;
  if (m <= kPairwiseMaxEdges) {
    first_meeting_pair(v, m, boxes, &best_i, &best_j, &at);
  } else {
    sweep_meeting_pairs(v, m, boxes, &best_i, &best_j, &at);
  }
  if (best_i == m) return {};
  // The 1-based pair number of v[k] in the ring as written.
  auto pair_number = [&](size_t k) {
    size_t i = 0;
    for (size_t seen = 0; i < r.size(); ++i) {
      if (i > 0 && r[i] == r[i - 1]) continue;
      if (seen++ == k) break;
    }
    return i + 1;
  };
  auto edge = [&](size_t k) {
    return "the edge from pair " + std::to_string(pair_number(k)) + " to " +
           std::to_string(pair_number(k + 1));
  };
  return {PolygonDefect::kSelfIntersecting, "ring intersects itself: " + edge(best_i) + " meets " +
                                                edge(best_j) + " at " + pair_text(at, true)};
}

// ---- Measures.

double distance_km(Point a, Point b) {
  double h =
      sq(std::sin((b.lat - a.lat) * kRad / 2)) +
      std::cos(a.lat * kRad) * std::cos(b.lat * kRad) * sq(std::sin((b.lon - a.lon) * kRad / 2));
  return 2 * kEarthRadiusKm * std::asin(std::sqrt(std::clamp(h, 0.0, 1.0)));
}

BBox bbox_of(const Polygon& polygon) {
  std::vector<Point> ring;
  ring.reserve(polygon.ring.size());
  Unwrapper unwrap;
  for (Point p : polygon.ring)
    ring.push_back({p.lat, unwrap.next(p.lon)});
  double lo, hi;
  return unwrapped_box(ring, &lo, &hi);
}

BBox bbox_of(const Circle& circle) {
  double d = (std::max(circle.radius_km, 0.0) + kCircleToleranceKm) / kEarthRadiusKm;
  double dd = d / kRad + kEps;
  double lat = circle.center.lat, lo = lat - dd, hi = lat + dd;
  if (lo <= -90 || hi >= 90) return {std::max(lo, -90.0), -180, std::min(hi, 90.0), 180, false};
  double dlon = std::asin(std::min(1.0, std::sin(d) / std::cos(lat * kRad))) / kRad + kEps;
  return make_box(lo, hi, circle.center.lon - dlon, circle.center.lon + dlon);
}

bool contains(const BBox& box, Point p) {
  if (!(p.lat >= box.min_lat && p.lat <= box.max_lat)) return false;
  auto [lo, hi] = lon_interval(box);
  for (double s : kShifts)
    if (lo <= p.lon + s && p.lon + s <= hi) return true;
  return false;
}

bool intersects(const BBox& a, const BBox& b) {
  if (a.max_lat < b.min_lat || b.max_lat < a.min_lat) return false;
  auto [alo, ahi] = lon_interval(a);
  auto [blo, bhi] = lon_interval(b);
  for (double s : kShifts)
    if (alo <= bhi + s && blo + s <= ahi) return true;
  return false;
}

// ---- Prepared polygon.

PreparedPolygon::PreparedPolygon(const Polygon& polygon) {
  const std::vector<Point>& r = polygon.ring;
  // Degenerate (fewer than 3 distinct vertices, or not finite): contains nothing.
  size_t second = 1, third;
  while (second < r.size() && r[second] == r[0])
    ++second;
  for (third = second + 1; third < r.size(); ++third)
    if (r[third] != r[0] && r[third] != r[second]) break;
  bool finite = std::all_of(r.begin(), r.end(),
                            [](Point p) { return std::isfinite(p.lat) && std::isfinite(p.lon); });
  if (third >= r.size() || !finite) return;

  Unwrapper unwrap;
  ring_.reserve(r.size() + 1);
  for (Point p : r)
    ring_.push_back({p.lat, unwrap.next(p.lon)});
  if (r.back() != r.front()) ring_.push_back(ring_.front());
  bbox_ = unwrapped_box(ring_, &min_ulon_, &max_ulon_);

  // An edge is listed in every band its latitude range meets: with E edges, K bands over the
  // height H and a total vertical travel V, that is about E + V * K / H entries. K = E / 2
  // gives a smooth ring (V = 2H) about 4 entries per band; K <= 4 E H / V keeps a jagged ring's
  // index within 5 E entries.
  const size_t edges = ring_.size() - 1;
  double travel = 0, height = bbox_.max_lat - bbox_.min_lat;
  for (size_t k = 0; k < edges; ++k)
    travel += std::abs(ring_[k + 1].lat - ring_[k].lat);
  size_t bands = edges / 2;
  if (travel > 0) bands = std::min(bands, static_cast<size_t>(4 * edges * height / travel));
  bands = std::clamp<size_t>(bands, 1, 16384);
  if (height > 0) band_height_inv_ = static_cast<double>(bands) / height;
  band_start_.assign(bands + 1, 0);
  auto for_bands = [&](size_t k, auto f) {
    Point a = ring_[k], b = ring_[k + 1];
    int hi = band_of(std::max(a.lat, b.lat) + kEps);
    for (int i = band_of(std::min(a.lat, b.lat) - kEps); i <= hi; ++i)
      f(static_cast<size_t>(i));
  };
  for (size_t k = 0; k < edges; ++k)
    for_bands(k, [&](size_t i) { ++band_start_[i + 1]; });
  for (size_t i = 0; i < bands; ++i)
    band_start_[i + 1] += band_start_[i];
  band_edges_.resize(band_start_[bands]);
  std::vector<uint32_t> fill(band_start_.begin(), band_start_.end() - 1);
  for (size_t k = 0; k < edges; ++k)
    for_bands(k, [&](size_t i) { band_edges_[fill[i]++] = static_cast<uint32_t>(k); });
}

int PreparedPolygon::band_of(double lat) const {
  double t = (lat - bbox_.min_lat) * band_height_inv_;
  int last = static_cast<int>(band_start_.size()) - 2;
  if (!(t > 0)) return 0;
  return t >= last ? last : static_cast<int>(t);
}

bool PreparedPolygon::contains(Point p) const {
  if (ring_.empty() || !(p.lat >= bbox_.min_lat - kEps && p.lat <= bbox_.max_lat + kEps))
    return false;
  for (double s : kShifts) {
    double x = p.lon + s;
    if (x >= min_ulon_ - kEps && x <= max_ulon_ + kEps && contains_unwrapped(x, p.lat)) return true;
  }
  return false;
}

bool PreparedPolygon::contains_unwrapped(double x, double y) const {
  int b = band_of(y);
  bool inside = false;
  for (const uint32_t* e = band_edges_.data() + band_start_[b];
       e != band_edges_.data() + band_start_[b + 1]; ++e) {
    Point a = ring_[*e], c = ring_[*e + 1];
    if (y < std::min(a.lat, c.lat) - kEps || y > std::max(a.lat, c.lat) + kEps) continue;
    double dx = c.lon - a.lon, dy = c.lat - a.lat;
    double cross = dx * (y - a.lat) - dy * (x - a.lon);  // > 0: the point is left of a->c
    // On the edge: within the edge's box and within kEps of its line (|cross| / |a-c| <= kEps,
    // with the cheaper L1 length, which errs towards "on").
    if (x >= std::min(a.lon, c.lon) - kEps && x <= std::max(a.lon, c.lon) + kEps &&
        std::abs(cross) <= kEps * (std::abs(dx) + std::abs(dy)))
      return true;
    // Even-odd: the edge crosses the ray from the point towards +lon.
    if ((a.lat > y) != (c.lat > y) && (cross > 0) == (dy > 0)) inside = !inside;
  }
  return inside;
}

// ---- Prepared circle and area.

PreparedCircle::PreparedCircle(const Circle& c) : circle_(c), bbox_(bbox_of(c)) {
  cos_lat_ = std::cos(c.center.lat * kRad);
  double d = (std::max(c.radius_km, 0.0) + kCircleToleranceKm) / kEarthRadiusKm;
  max_hav_ = d >= std::numbers::pi ? 1.0 : sq(std::sin(d / 2));
}

double PreparedCircle::haversine_to(Point p) const {
  return sq(std::sin((p.lat - circle_.center.lat) * kRad / 2)) +
         cos_lat_ * std::cos(p.lat * kRad) * sq(std::sin((p.lon - circle_.center.lon) * kRad / 2));
}

bool PreparedCircle::contains(Point p) const {
  return geo::contains(bbox_, p) && haversine_to(p) <= max_hav_;
}

PreparedArea::PreparedArea(const Area& area) {
  polygons_.reserve(area.polygons.size());
  for (const Polygon& p : area.polygons)
    polygons_.emplace_back(p);
  circles_.reserve(area.circles.size());
  for (const Circle& c : area.circles)
    circles_.emplace_back(c);
}

bool PreparedArea::contains(Point p) const {
  return std::any_of(polygons_.begin(), polygons_.end(),
                     [&](const PreparedPolygon& g) { return g.contains(p); }) ||
         std::any_of(circles_.begin(), circles_.end(),
                     [&](const PreparedCircle& g) { return g.contains(p); });
}

bool point_in_polygon(const Polygon& polygon, Point p) {
  return PreparedPolygon(polygon).contains(p);
}

bool point_in_circle(const Circle& circle, Point p) {
  return PreparedCircle(circle).contains(p);
}

// ---- Intersection.

bool intersects(const PreparedPolygon& x, const PreparedPolygon& y) {
  if (x.ring_.empty() || y.ring_.empty() || !intersects(x.bbox_, y.bbox_)) return false;
  if (y.contains(x.ring_[0]) || x.contains(y.ring_[0])) return true;
  // Else they meet only if some edge of one meets some edge of the other. One walk over the
  // index of the larger, b, under the box of the smaller, a: b's edges outside a's box are
  // rejected by a few compares, each of the others is tested against a's edges. Cheap for a
  // cell's sector against an alert's polygon (the bands under a sector list a handful of
  // edges); two large polygons pay (b's edges under a's box) x (a's edges), the box test first.
  const PreparedPolygon& a = x.ring_.size() <= y.ring_.size() ? x : y;
  const PreparedPolygon& b = &a == &x ? y : x;
  const double alo = a.bbox_.min_lat, ahi = a.bbox_.max_lat;
  const int first = b.band_of(alo), last = b.band_of(ahi);
  Point at;
  for (double s : kShifts) {  // b shifted by s to a's unwrapped longitudes
    if (b.min_ulon_ + s > a.max_ulon_ || b.max_ulon_ + s < a.min_ulon_) continue;
    for (int band = first; band <= last; ++band) {
      for (const uint32_t* e = b.band_edges_.data() + b.band_start_[band];
           e != b.band_edges_.data() + b.band_start_[band + 1]; ++e) {
        const Point c = shifted(b.ring_[*e], s), d = shifted(b.ring_[*e + 1], s);
        const double clo = std::min(c.lat, d.lat), chi = std::max(c.lat, d.lat),
                     cw = std::min(c.lon, d.lon), ce = std::max(c.lon, d.lon);
        if (chi < alo || clo > ahi || ce < a.min_ulon_ || cw > a.max_ulon_) continue;
        // Listed in several of the bands walked: tested at the first of them only.
        if (band != first && b.band_of(clo - kEps) < band) continue;
        // segments_meet is exact (closed segments, no tolerance): edges whose boxes do not
        // overlap cannot meet.
        for (size_t k = 0; k + 1 < a.ring_.size(); ++k) {
          const Point p = a.ring_[k], q = a.ring_[k + 1];
          if (std::max(p.lat, q.lat) < clo || std::min(p.lat, q.lat) > chi ||
              std::max(p.lon, q.lon) < cw || std::min(p.lon, q.lon) > ce)
            continue;
          if (segments_meet(p, q, c, d, &at)) return true;
        }
      }
    }
  }
  return false;
}

bool intersects(const PreparedPolygon& polygon, const PreparedCircle& circle) {
  if (polygon.ring_.empty() || !intersects(polygon.bbox_, circle.bbox_)) return false;
  const Point c = circle.circle_.center;
  if (polygon.contains(c)) return true;
  const std::vector<Point>& r = polygon.ring_;
  // The circle's box, as longitudes relative to its centre: [-half, half] (bbox_of: the cap's
  // true extent plus the tolerance, so no point of the circle lies outside it); no longitude
  // test when it spans every longitude.
  auto [blo, bhi] = lon_interval(circle.bbox_);
  const double half = (bhi - blo) / 2 + 1e-7;
  const bool by_lon = bhi - blo < 359;
  // Only the edges listed in the latitude bands under the circle's box, each tested once (at
  // the first band of the walk that lists it).
  const int first = polygon.band_of(circle.bbox_.min_lat - kEps),
            last = polygon.band_of(circle.bbox_.max_lat + kEps);
  for (int band = first; band <= last; ++band)
    for (const uint32_t* e = polygon.band_edges_.data() + polygon.band_start_[band];
         e != polygon.band_edges_.data() + polygon.band_start_[band + 1]; ++e) {
      const size_t k = *e;
      Point a = r[k], b = r[k + 1];
      const double elo = std::min(a.lat, b.lat);
      if (std::max(a.lat, b.lat) < circle.bbox_.min_lat || elo > circle.bbox_.max_lat) continue;
      if (band != first && polygon.band_of(elo - kEps) < band) continue;  // tested already
      // Local equirectangular coordinates around the centre (degrees of latitude). remainder is
      // the identity on [-180, 180] (exactly), so it is called only outside.
      double ax = a.lon - c.lon;
      if (!(ax >= -180 && ax <= 180)) ax = std::remainder(ax, 360.0);
      double bx = ax + (b.lon - a.lon);
      if (by_lon) {
        const double lo = std::min(ax, bx), hi = std::max(ax, bx);
        bool near = false;
        for (double s : kShifts)
          near = near || (lo + s <= half && hi + s >= -half);
        if (!near) continue;
      }
      double ay = a.lat - c.lat, by = b.lat - c.lat;
      double ex = (bx - ax) * circle.cos_lat_, ey = by - ay;
      double len2 = ex * ex + ey * ey;
      double t = len2 > 0 ? std::clamp(-(ax * circle.cos_lat_ * ex + ay * ey) / len2, 0.0, 1.0) : 0;
      Point nearest{a.lat + t * (b.lat - a.lat), c.lon + ax + t * (bx - ax)};
      if (circle.haversine_to(nearest) <= circle.max_hav_) return true;
    }
  return false;
}

bool intersects(const PreparedCircle& a, const PreparedCircle& b) {
  if (!intersects(a.bbox(), b.bbox())) return false;
  return distance_km(a.circle().center, b.circle().center) <=
         std::max(a.circle().radius_km, 0.0) + std::max(b.circle().radius_km, 0.0) +
             kCircleToleranceKm;
}

bool intersects(const PreparedArea& a, const PreparedArea& b) {
  for (const PreparedPolygon& p : a.polygons()) {
    for (const PreparedPolygon& q : b.polygons())
      if (intersects(p, q)) return true;
    for (const PreparedCircle& c : b.circles())
      if (intersects(p, c)) return true;
  }
  for (const PreparedCircle& c : a.circles()) {
    for (const PreparedPolygon& p : b.polygons())
      if (intersects(p, c)) return true;
    for (const PreparedCircle& d : b.circles())
      if (intersects(c, d)) return true;
  }
  return false;
}

}  // namespace capcast::cap::geo
