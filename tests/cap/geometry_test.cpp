#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <numbers>
#include <random>

#include "capcast/cap/geometry.h"
#include "capcast/cap/parse.h"
#include "support/helpers.h"

using namespace capcast;
using namespace capcast::cap::geo;

namespace {

Polygon poly(std::string_view text) {
  auto p = parse_polygon(text);
  REQUIRE(p.ok());
  return *p;
}

Circle circle(std::string_view text) {
  auto c = parse_circle(text);
  REQUIRE(c.ok());
  return *c;
}

bool poly_poly(std::string_view a, std::string_view b) {
  PreparedPolygon pa(poly(a)), pb(poly(b));
  bool ab = intersects(pa, pb), ba = intersects(pb, pa);
  CHECK(ab == ba);
  return ab;
}

bool poly_circle(std::string_view p, std::string_view c) {
  return intersects(PreparedPolygon(poly(p)), PreparedCircle(circle(c)));
}

bool circle_circle(std::string_view a, std::string_view b) {
  PreparedCircle ca(circle(a)), cb(circle(b));
  bool ab = intersects(ca, cb), ba = intersects(cb, ca);
  CHECK(ab == ba);
  return ab;
}

constexpr const char* kSquare = "0,0 0,10 10,10 10,0 0,0";
// A U open to the north: arms at lon 0..3 and 7..10, joined by a bar at lat 0..3.
constexpr const char* kU = "0,0 0,10 10,10 10,7 3,7 3,3 10,3 10,0 0,0";
// Around the antimeridian, like Fiji: lon 177 to -178 (183), lat -16 to -20.
constexpr const char* kFiji = "-16,177 -16,-178 -20,-178 -20,177 -16,177";
constexpr const char* kFijiFromEast = "-16,-178 -20,-178 -20,177 -16,177 -16,-178";

// A closed star-shaped ring of 3001 pairs around (40, center_lon), radii 0.5 to 2 degrees,
// longitudes unwrapped (beyond 180 near the antimeridian), for the references below.
std::vector<Point> star_ring(double center_lon, std::mt19937& rng) {
  std::uniform_real_distribution<double> radius(0.5, 2.0);
  std::vector<Point> ring;
  for (int i = 0; i < 3000; ++i) {
    double t = 2 * std::numbers::pi * i / 3000, r = radius(rng);
    ring.push_back({40 + r * std::sin(t), center_lon + r * std::cos(t)});
  }
  ring.push_back(ring[0]);
  return ring;
}

// The ring as a CAP polygon (longitudes brought into [-180, 180]).
Polygon wrapped(const std::vector<Point>& ring) {
  Polygon p;
  for (Point q : ring)
    p.ring.push_back({q.lat, std::remainder(q.lon, 360.0)});
  return p;
}

// A plain even-odd test over an unwrapped ring: the reference.
bool even_odd(const std::vector<Point>& ring, Point q) {
  bool in = false;
  for (size_t i = 0; i + 1 < ring.size(); ++i) {
    Point a = ring[i], b = ring[i + 1];
    if ((a.lat > q.lat) != (b.lat > q.lat) &&
        q.lon < a.lon + (q.lat - a.lat) * (b.lon - a.lon) / (b.lat - a.lat))
      in = !in;
  }
  return in;
}

}  // namespace

TEST_CASE("geometry: polygons and circles parse into numbers") {
  // The CAP 1.2 §3.2.4 example.
  Polygon p = poly("38.47,-120.14 38.34,-119.95 38.52,-119.74 38.62,-119.89 38.47,-120.14");
  REQUIRE(p.ring.size() == 5);
  CHECK(p.ring[0] == Point{38.47, -120.14});
  CHECK(p.ring[3] == Point{38.62, -119.89});
  // Any XML whitespace, a leading '+'.
  p = poly("\n\t 1,2  +3,-4\r\n5,+6 1,2 ");
  CHECK(p.ring == std::vector<Point>{{1, 2}, {3, -4}, {5, 6}, {1, 2}});
  CHECK(poly(" \n ").ring.empty());

  Circle c = circle("32.9525,-115.5527 0");
  CHECK(c == Circle{{32.9525, -115.5527}, 0});
  CHECK(circle(" -35.3888,147.0598\t25.0\n") == Circle{{-35.3888, 147.0598}, 25});
  CHECK(circle("1,2 -0").radius_km == 0);

  auto pt = parse_point(" 48.8566,2.3522 ");
  REQUIRE(pt.ok());
  CHECK(*pt == Point{48.8566, 2.3522});
  CHECK(parse_point("48.8566").status().message() == "\"48.8566\": expected \"lat,lon\"");
}

TEST_CASE("geometry: malformed polygons are refused, saying what and where") {
  const std::string longtok = "1," + std::string(60, '7');
  struct Case {
    std::string text, error;
  } cases[] = {
      {"1,1 2,2 91.0,10 1,1", "pair 3 \"91.0,10\": latitude out of range [-90, 90]"},
      {"1,1 -90.5,2", "pair 2 \"-90.5,2\": latitude out of range [-90, 90]"},
      {"1,1 2,181", "pair 2 \"2,181\": longitude out of range [-180, 180]"},
      {"1,1 2,1e999", "pair 2 \"2,1e999\": longitude out of range [-180, 180]"},
      {"1,1 2;2", "pair 2 \"2;2\": expected \"lat,lon\""},
      {"1,1 2,2,3", "pair 2 \"2,2,3\": expected \"lat,lon\""},
      {"1,1 2, 3", "pair 2 \"2,\": longitude \"\" is not a number"},
      {"x,1", "pair 1 \"x,1\": latitude \"x\" is not a number"},
      {"1,1 ,2", "pair 2 \",2\": latitude \"\" is not a number"},
      {"1,nan", "pair 1 \"1,nan\": longitude \"nan\" is not a number"},
      {"inf,1", "pair 1 \"inf,1\": latitude \"inf\" is not a number"},
      {"1,--2", "pair 1 \"1,--2\": longitude \"--2\" is not a number"},
      {"1,+-2", "pair 1 \"1,+-2\": longitude \"+-2\" is not a number"},
      {"1,0x1", "pair 1 \"1,0x1\": longitude \"0x1\" is not a number"},
      // A long token is quoted cut at 40 characters.
      {"1,1 " + longtok,
       "pair 2 \"1," + std::string(35, '7') + "...\": longitude out of range [-180, 180]"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto p = parse_polygon(c.text);
    REQUIRE_FALSE(p.ok());
    CHECK(p.status().code() == Code::kInvalidArgument);
    CHECK(p.status().message() == c.error);
  }
}

TEST_CASE("geometry: malformed circles are refused, saying what and where") {
  struct Case {
    const char* text;
    const char* error;
  } cases[] = {
      {"", "\"\": expected \"lat,lon radius_km\""},
      {" 1,2 ", "\"1,2\": expected \"lat,lon radius_km\""},
      {"1,2 3 4", "\"1,2 3 4\": expected \"lat,lon radius_km\""},
      {"1,200 3", "centre \"1,200\": longitude out of range [-180, 180]"},
      {"1 3", "centre \"1\": expected \"lat,lon\""},
      {"1,2 -3", "radius \"-3\" is negative"},
      {"1,2 km", "radius \"km\" is not a number"},
      {"1,2 5km", "radius \"5km\" is not a number"},
      {"1,2 inf", "radius \"inf\" is not a number"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto r = parse_circle(c.text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kInvalidArgument);
    CHECK(r.status().message() == c.error);
  }
}

TEST_CASE("geometry: parse_area reads a model area and names the bad element") {
  cap::Area a;
  a.polygons = {kSquare, kFiji};
  a.circles = {"1,2 3"};
  a.geocodes = {{"SAME", "006109"}};
  auto g = parse_area(a);
  REQUIRE(g.ok());
  CHECK(g->polygons.size() == 2);
  CHECK(g->circles == std::vector<Circle>{{{1, 2}, 3}});

  a.polygons.push_back("1,1 2,x");
  CHECK(parse_area(a).status().message() ==
        "polygon 3: pair 2 \"2,x\": longitude \"x\" is not a number");
  a.polygons.pop_back();
  a.circles.push_back("1,2");
  CHECK(parse_area(a).status().message() == "circle 2: \"1,2\": expected \"lat,lon radius_km\"");

  cap::Area geocodes_only;
  geocodes_only.geocodes = {{"SAME", "006109"}};
  auto e = parse_area(geocodes_only);
  REQUIRE(e.ok());
  CHECK(PreparedArea(*e).empty());
}

TEST_CASE("geometry: check_polygon applies the CAP 1.2 §3.2.4 rules and refuses self-crossing") {
  using D = PolygonDefect;
  struct Case {
    const char* text;
    D defect;
    const char* message;
  } cases[] = {
      {kSquare, D::kNone, ""},
      {"0,0 0,10 10,10 0,0", D::kNone, ""},
      {kU, D::kNone, ""},
      {kFiji, D::kNone, ""},
      {"0,0 0,10 0,10 10,10 10,0 0,0", D::kNone, ""},  // a repeated pair is tolerated
      {"0,0 0,10 0,0", D::kTooFewPairs, "too few coordinate pairs: 3, at least 4 are required"},
      {"", D::kTooFewPairs, "too few coordinate pairs: 0, at least 4 are required"},
      {"0,0 0,10 10,10 10,0", D::kNotClosed,
       "ring is not closed: the first pair (0,0) differs from the last (10,0)"},
      {"1,1 1,1 1,1 1,1", D::kTooFewPairs,
       "too few distinct coordinate pairs: 1, a ring needs at least 3"},
      // A bow-tie: its diagonals cross in the middle.
      {"0,0 10,10 10,0 0,10 0,0", D::kSelfIntersecting,
       "ring intersects itself: the edge from pair 1 to 2 meets the edge from pair 3 to 4 at "
       "(5,5)"},
      {"0,0 10,10 10,0 0,3 0,0", D::kSelfIntersecting,
       "ring intersects itself: the edge from pair 1 to 2 meets the edge from pair 3 to 4 at "
       "(2.307692,2.307692)"},
      // Two triangles touching at a vertex (a figure 8).
      {"0,0 0,10 5,5 10,10 10,0 5,5 0,0", D::kSelfIntersecting,
       "ring intersects itself: the edge from pair 2 to 3 meets the edge from pair 5 to 6 at "
       "(5,5)"},
      // Adjacent edges that double back along a line.
      {"0,0 0,10 0,5 0,0", D::kSelfIntersecting,
       "ring intersects itself: the edge from pair 1 to 2 meets the edge from pair 2 to 3 at "
       "(0,5)"},
      // A bow-tie across the antimeridian.
      {"-16,177 -20,-178 -20,177 -16,-178 -16,177", D::kSelfIntersecting,
       "ring intersects itself: the edge from pair 1 to 2 meets the edge from pair 3 to 4 at "
       "(-18,179.5)"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    PolygonCheck r = check_polygon(poly(c.text));
    CHECK(r.defect == c.defect);
    CHECK(r.ok() == (c.defect == D::kNone));
    CHECK(r.message == c.message);
  }
  // Ranges, for polygons built in code.
  PolygonCheck r = check_polygon({{{0, 0}, {91, 10}, {1, 1}, {0, 0}}});
  CHECK(r.defect == D::kOutOfRange);
  CHECK(r.message == "pair 2 (91,10): latitude out of range [-90, 90]");
  r = check_polygon({{{0, 0}, {1, 1}, {1, -180.5}, {0, 0}}});
  CHECK(r.message == "pair 3 (1,-180.5): longitude out of range [-180, 180]");
  r = check_polygon({{{0, 0}, {1, 1}, {NAN, 1}, {0, 0}}});
  CHECK(r.defect == D::kOutOfRange);
}

TEST_CASE("geometry: points in a square, a concave polygon and across the antimeridian") {
  struct Case {
    const char* ring;
    Point p;
    bool inside;
  } cases[] = {
      {kSquare, {5, 5}, true},
      {kSquare, {0, 5}, true},  // on an edge
      {kSquare, {0, 0}, true},  // on a vertex
      {kSquare, {10, 10}, true},
      {kSquare, {5, 10 + 1e-10}, true},  // within kEdgeToleranceDeg
      {kSquare, {5, 10 + 1e-7}, false},
      {kSquare, {11, 5}, false},
      {kSquare, {-0.0001, 5}, false},
      {kSquare, {5, -175}, false},
      {kU, {1, 5}, true},  // the bar
      {kU, {5, 1}, true},  // the arms
      {kU, {5, 9}, true},
      {kU, {5, 5}, false},  // the notch
      {kU, {9.9, 5}, false},
      {kU, {3, 5}, true},  // the notch's floor
      {kU, {3, 1}, true},  // level with two vertices and a horizontal edge
      {kU, {3, 8}, true},
      {kU, {3, 11}, false},
      {kU, {3, -1}, false},
      {kU, {10, 1.5}, true},
      {kU, {10, 5}, false},
      {kFiji, {-18, 179.5}, true},
      {kFiji, {-18, -179}, true},
      {kFiji, {-18, 180}, true},
      {kFiji, {-18, -180}, true},
      {kFiji, {-16, 179}, true},   // on the northern edge
      {kFiji, {-18, -178}, true},  // on the eastern edge
      {kFiji, {-18, 176.9}, false},
      {kFiji, {-18, -177.9}, false},
      {kFiji, {-18, 0}, false},
      {kFiji, {-15.9, 179}, false},
      {kFijiFromEast, {-18, 179.5}, true},
      {kFijiFromEast, {-18, -179}, true},
      {kFijiFromEast, {-18, 180}, true},
      {kFijiFromEast, {-18, 176.9}, false},
      {kFijiFromEast, {-18, -177.9}, false},
  };
  for (const Case& c : cases) {
    INFO(c.ring << " (" << c.p.lat << "," << c.p.lon << ")");
    CHECK(PreparedPolygon(poly(c.ring)).contains(c.p) == c.inside);
    CHECK(point_in_polygon(poly(c.ring), c.p) == c.inside);
  }
  // Degenerate rings contain nothing; an unclosed one is closed.
  CHECK_FALSE(PreparedPolygon(poly("1,1 1,1 2,2 1,1")).contains({1, 1}));
  CHECK_FALSE(PreparedPolygon(Polygon{}).contains({0, 0}));
  CHECK(PreparedPolygon(poly("0,0 0,10 10,10 10,0")).contains({5, 5}));
  CHECK_FALSE(PreparedPolygon(poly(kSquare)).contains({NAN, 5}));
}

TEST_CASE("geometry: the prepared polygon agrees with a plain even-odd test on random points") {
  // A star of 3001 pairs (a banded edge index with many bands), around lon 20 and lon 179.5.
  for (double center_lon : {20.0, 179.5}) {
    INFO("centre lon " << center_lon);
    std::mt19937 rng(42);
    std::uniform_real_distribution<double> unit(0, 1);
    std::vector<Point> ring = star_ring(center_lon, rng);  // unwrapped, for the reference
    Polygon p = wrapped(ring);
    REQUIRE(check_polygon(p).ok());
    PreparedPolygon prepared(p);
    int mismatches = 0, inside = 0;
    for (int k = 0; k < 20000; ++k) {
      Point q{38 + 4 * unit(rng), center_lon - 2 + 4 * unit(rng)};
      bool expected = even_odd(ring, q);
      inside += expected;
      mismatches += prepared.contains({q.lat, std::remainder(q.lon, 360.0)}) != expected;
    }
    CHECK(mismatches == 0);
    CHECK(inside > 5000);
  }
}

TEST_CASE("geometry: great-circle distances and circles") {
  const Point paris{48.8566, 2.3522}, london{51.5074, -0.1278};
  CHECK(distance_km(paris, london) == Approx(343.5).margin(1));
  CHECK(distance_km(london, paris) == Approx(distance_km(paris, london)));
  CHECK(distance_km(paris, paris) == 0);
  CHECK(distance_km({0, 0}, {90, 0}) == Approx(kEarthRadiusKm * std::numbers::pi / 2));
  CHECK(distance_km({0, 179.9}, {0, -179.9}) == Approx(22.239).margin(0.001));

  struct Case {
    const char* circle;
    Point p;
    bool inside;
  } cases[] = {
      {"48.8566,2.3522 350", london, true},
      {"48.8566,2.3522 340", london, false},
      // Radius 0: the point itself, within kCircleToleranceKm (1 m).
      {"32.9525,-115.5527 0", {32.9525, -115.5527}, true},
      {"32.9525,-115.5527 0", {32.9525 + 1e-6, -115.5527}, true},   // 0.11 m
      {"32.9525,-115.5527 0", {32.9525 + 1e-4, -115.5527}, false},  // 11 m
      {"0,179.9 50", {0, -179.9}, true},                            // 22 km across the antimeridian
      {"0,179.9 50", {0, -179.0}, false},                           // 122 km
      {"89.9,0 50", {89.9, 180}, true},                             // 22 km across the pole
      {"89.9,0 50", {89, 0}, false},
  };
  for (const Case& c : cases) {
    INFO(c.circle << " (" << c.p.lat << "," << c.p.lon << ")");
    CHECK(PreparedCircle(circle(c.circle)).contains(c.p) == c.inside);
    CHECK(point_in_circle(circle(c.circle), c.p) == c.inside);
  }
}

TEST_CASE("geometry: bounding boxes, across the antimeridian and at the poles") {
  CHECK(bbox_of(poly(kSquare)) == BBox{0, 0, 10, 10, false});
  CHECK(bbox_of(poly(kFiji)) == BBox{-20, 177, -16, -178, true});
  CHECK(bbox_of(poly(kFijiFromEast)) == BBox{-20, 177, -16, -178, true});
  CHECK(PreparedPolygon(poly(kFiji)).bbox() == BBox{-20, 177, -16, -178, true});

  const double one_degree_km = kEarthRadiusKm * std::numbers::pi / 180;
  BBox b = bbox_of(Circle{{0, 0}, one_degree_km});
  CHECK(b.min_lat == Approx(-1).margin(1e-4));
  CHECK(b.max_lat == Approx(1).margin(1e-4));
  CHECK(b.min_lon == Approx(-1).margin(1e-4));
  CHECK(b.max_lon == Approx(1).margin(1e-4));
  CHECK_FALSE(b.crosses_antimeridian);
  b = bbox_of(Circle{{60, 10}, one_degree_km});  // twice as wide at 60 degrees
  CHECK(b.min_lon == Approx(10 - 2.0003).margin(1e-3));
  CHECK(b.max_lon == Approx(10 + 2.0003).margin(1e-3));
  b = bbox_of(Circle{{89.5, 0}, one_degree_km});  // covers the pole
  CHECK(b.max_lat == 90);
  CHECK(b.min_lat == Approx(88.5).margin(1e-4));
  CHECK((b.min_lon == -180 && b.max_lon == 180 && !b.crosses_antimeridian));
  b = bbox_of(Circle{{0, 179.5}, one_degree_km});
  CHECK(b.crosses_antimeridian);
  CHECK(b.min_lon == Approx(178.5).margin(1e-4));
  CHECK(b.max_lon == Approx(-179.5).margin(1e-4));

  const BBox across{-10, 170, 10, -170, true};
  CHECK(contains(across, {0, 180}));
  CHECK(contains(across, {0, -180}));
  CHECK(contains(across, {0, -175}));
  CHECK_FALSE(contains(across, {0, 0}));
  CHECK_FALSE(contains(across, {11, 175}));
  CHECK(intersects(across, BBox{0, 175, 1, 176, false}));
  CHECK(intersects(across, BBox{0, -175, 1, -174, false}));
  CHECK(intersects(across, BBox{0, 160, 1, -160, true}));
  CHECK_FALSE(intersects(across, BBox{0, 0, 1, 10, false}));
  CHECK_FALSE(intersects(across, BBox{20, 175, 21, 176, false}));
  CHECK(intersects(BBox{0, 170, 1, 180, false}, BBox{0, -180, 1, -170, false}));  // touch at 180
}

TEST_CASE("geometry: polygon-polygon intersection") {
  struct Case {
    const char* a;
    const char* b;
    bool meet;
  } cases[] = {
      {kSquare, "20,20 20,30 30,30 30,20 20,20", false},      // disjoint boxes
      {"0,0 0,10 10,0 0,0", "10,10 10,2 2,10 10,10", false},  // boxes overlap, triangles do not
      {kU, "4,4 4,6 6,6 6,4 4,4", false},                     // in the notch
      {kSquare, "5,5 5,15 15,15 15,5 5,5", true},             // edges cross
      {kSquare, "2,2 2,3 3,3 3,2 2,2", true},                 // one inside the other
      {kSquare, "0,10 0,20 10,20 10,10 0,10", true},          // a shared edge
      {kSquare, "10,10 10,20 20,20 20,10 10,10", true},       // a shared vertex
      {kFiji, "-17,-179.5 -17,-179 -19,-179 -19,-179.5 -17,-179.5", true},  // inside, east
      {kFiji, "-17,176 -17,178 -19,178 -19,176 -17,176", true},  // across the western edge
      {kFijiFromEast, "-17,179 -17,-179 -19,-179 -19,179 -17,179", true},
      {kFiji, "-17,170 -17,175 -19,175 -19,170 -17,170", false},
      {kFiji, "-17,-170 -17,-175 -19,-175 -19,-170 -17,-170", false},
  };
  for (const Case& c : cases) {
    INFO(c.a << " / " << c.b);
    CHECK(poly_poly(c.a, c.b) == c.meet);
  }
  CHECK_FALSE(intersects(PreparedPolygon(Polygon{}), PreparedPolygon(poly(kSquare))));
}

TEST_CASE("geometry: intersections through the edge index agree with testing every edge pair") {
  // A star of 3001 pairs (many latitude bands) around lon 20 and lon 179.5, against small
  // polygons (3 to 12 pairs, like a cell's sector) and circles scattered over its border. The
  // reference below tests every pair of edges, and every edge against the circle, with no index.
  auto orient = [](Point a, Point b, Point c) {
    double v = (b.lon - a.lon) * (c.lat - a.lat) - (b.lat - a.lat) * (c.lon - a.lon);
    return (v > 0) - (v < 0);
  };
  auto crosses = [&](Point a, Point b, Point c, Point d) {
    return orient(a, b, c) * orient(a, b, d) < 0 && orient(c, d, a) * orient(c, d, b) < 0;
  };
  for (double center_lon : {20.0, 179.5}) {
    INFO("centre lon " << center_lon);
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> unit(0, 1);
    std::vector<Point> star = star_ring(center_lon, rng);  // unwrapped
    PreparedPolygon prepared(wrapped(star));
    int met = 0, missed = 0, mismatches = 0, circles_met = 0, circles_missed = 0;
    for (int k = 0; k < 3000; ++k) {
      // Around a point near the star's border: up to 0.05 degrees across.
      double t = 2 * std::numbers::pi * unit(rng), r = 0.4 + 1.8 * unit(rng);
      Point c{40 + r * std::sin(t), center_lon + r * std::cos(t)};
      std::vector<Point> small;
      int n = 3 + static_cast<int>(unit(rng) * 10);
      for (int i = 0; i < n; ++i) {
        double u = 2 * std::numbers::pi * (i + unit(rng) * 0.8) / n, s = 0.005 + 0.02 * unit(rng);
        small.push_back({c.lat + s * std::sin(u), c.lon + s * std::cos(u)});
      }
      small.push_back(small[0]);
      bool expected = even_odd(star, small[0]) || even_odd(small, star[0]);
      for (size_t i = 0; !expected && i + 1 < small.size(); ++i)
        for (size_t j = 0; !expected && j + 1 < star.size(); ++j)
          expected = crosses(small[i], small[i + 1], star[j], star[j + 1]);
      PreparedPolygon ps(wrapped(small));
      bool ab = intersects(ps, prepared), ba = intersects(prepared, ps);
      mismatches += ab != expected || ba != expected;
      (expected ? met : missed) += 1;

      // A circle of 0.1 to 3 km there: the centre inside, or some edge's nearest point (as the
      // library measures it, in a local plane) within the radius.
      Circle circle{{c.lat, std::remainder(c.lon, 360.0)}, 0.1 + 2.9 * unit(rng)};
      bool near = even_odd(star, c);
      for (size_t j = 0; !near && j + 1 < star.size(); ++j) {
        Point a = star[j], b = star[j + 1];
        double cl = std::cos(c.lat * std::numbers::pi / 180);
        double ax = a.lon - c.lon, bx = b.lon - c.lon, ay = a.lat - c.lat, by = b.lat - c.lat;
        double ex = (bx - ax) * cl, ey = by - ay, len2 = ex * ex + ey * ey;
        double u = std::clamp(-(ax * cl * ex + ay * ey) / len2, 0.0, 1.0);
        Point nearest{a.lat + u * (b.lat - a.lat),
                      std::remainder(c.lon + ax + u * (bx - ax), 360.0)};
        near = distance_km(nearest, circle.center) <= circle.radius_km + kCircleToleranceKm;
      }
      mismatches += intersects(prepared, PreparedCircle(circle)) != near;
      (near ? circles_met : circles_missed) += 1;
    }
    CHECK(mismatches == 0);
    // Both answers are common: the comparison means something.
    CHECK(met > 500);
    CHECK(missed > 500);
    CHECK(circles_met > 300);
    CHECK(circles_missed > 300);
  }
}

TEST_CASE("geometry: polygon-circle intersection") {
  struct Case {
    const char* polygon;
    const char* circle;
    bool meet;
  } cases[] = {
      {kSquare, "20,20 10", false},  // disjoint boxes
      {kSquare, "5,5 1", true},      // centre inside
      {kSquare, "5,10.5 60", true},  // 55.4 km from the eastern edge
      {kSquare, "5,10.5 50", false},
      {kSquare, "10.5,10.5 80", true},           // 78.0 km from the corner
      {kSquare, "10.5,10.5 75", false},          // boxes overlap, the circle misses the corner
      {kSquare, "5,10 0", true},                 // a radius-0 circle on the edge
      {"0,0 0,1 1,1 1,0 0,0", "2,2 500", true},  // the polygon inside the circle
      {kU, "6,5 100", false},                    // in the notch, 221 km from the arms
      {kU, "6,5 230", true},
      {kFiji, "-18,-177.5 60", true},  // 52.9 km east of the eastern edge, across 180
      {kFiji, "-18,-177.5 45", false},
      {kFiji, "-18,179.9 1", true},
  };
  for (const Case& c : cases) {
    INFO(c.polygon << " / " << c.circle);
    CHECK(poly_circle(c.polygon, c.circle) == c.meet);
  }
}

TEST_CASE("geometry: circle-circle intersection") {
  struct Case {
    const char* a;
    const char* b;
    bool meet;
  } cases[] = {
      {"48.8566,2.3522 10", "51.5074,-0.1278 10", false},    // disjoint boxes
      {"48.8566,2.3522 200", "51.5074,-0.1278 150", true},   // 343.6 km apart
      {"48.8566,2.3522 200", "51.5074,-0.1278 140", false},  // boxes overlap
      {"48.8566,2.3522 1000", "51.5074,-0.1278 1", true},    // one inside the other
      {"0,179.9 20", "0,-179.9 5", true},                    // 22.2 km across the antimeridian
      {"0,179.9 10", "0,-179.9 5", false},
      {"32.9525,-115.5527 0", "32.9525,-115.5527 0", true},
  };
  for (const Case& c : cases) {
    INFO(c.a << " / " << c.b);
    CHECK(circle_circle(c.a, c.b) == c.meet);
  }
}

TEST_CASE("geometry: a prepared area is the union of its polygons and circles") {
  Area a{{poly(kSquare), poly(kFiji)}, {circle("48.8566,2.3522 350")}};
  PreparedArea area(a);
  CHECK_FALSE(area.empty());
  CHECK(area.contains({5, 5}));
  CHECK(area.contains({-18, 180}));
  CHECK(area.contains({51.5074, -0.1278}));
  CHECK_FALSE(area.contains({20, 20}));

  CHECK(intersects(area, PreparedArea({{}, {circle("5,10.5 60")}})));
  CHECK(intersects(PreparedArea({{}, {circle("51.5,-0.1 1")}}), area));
  CHECK(intersects(area, PreparedArea({{poly("-17,176 -17,178 -19,178 -19,176 -17,176")}, {}})));
  CHECK_FALSE(intersects(area, PreparedArea({{poly("30,30 30,31 31,31 31,30 30,30")}, {}})));
  CHECK_FALSE(intersects(area, PreparedArea(Area{})));
}

TEST_CASE("geometry: every polygon and circle of the bundled samples parses and is checked") {
  // What is wrong with the real samples' polygons, by file and element.
  const std::map<std::string, std::string> defects = {
      {"eu-meteoalarm-ie-polygons-emma.xml info[1]/area[1]/polygon[5]",
       // Pairs 75 and 77 are the same point, 76 is 11 m away: a spike back along one line.
       "ring intersects itself: the edge from pair 74 to 75 meets the edge from pair 76 to 77 at "
       "(51.5934,-8.7633)"},
  };
  std::map<std::string, std::string> found;
  int polygons = 0, circles = 0;
  for (const auto& e : std::filesystem::directory_iterator(test::samples_dir())) {
    const std::string file = e.path().filename().string();
    auto doc = cap::parse(test::read_file(e.path()));
    REQUIRE(doc.ok());
    for (size_t i = 0; i < doc->alert.infos.size(); ++i) {
      for (size_t j = 0; j < doc->alert.infos[i].areas.size(); ++j) {
        const cap::Area& model = doc->alert.infos[i].areas[j];
        const std::string where =
            file + " info[" + std::to_string(i + 1) + "]/area[" + std::to_string(j + 1) + "]/";
        INFO(where);
        auto area = parse_area(model);
        REQUIRE(area.ok());
        for (size_t k = 0; k < area->polygons.size(); ++k) {
          ++polygons;
          PolygonCheck c = check_polygon(area->polygons[k]);
          if (!c.ok()) found[where + "polygon[" + std::to_string(k + 1) + "]"] = c.message;
          // Every sample's polygon contains its own first vertex and is non-degenerate.
          CHECK(PreparedPolygon(area->polygons[k]).contains(area->polygons[k].ring[0]));
        }
        circles += static_cast<int>(area->circles.size());
        PreparedArea prepared(*area);
        for (const Circle& c : area->circles)
          CHECK(prepared.contains(c.center));
      }
    }
  }
  CHECK(found == defects);
  CHECK(polygons == 16);
  CHECK(circles == 5);

  // Spot checks: Manila is inside PAGASA's tropical cyclone polygon; the MD polygon (a circle of
  // 40 pairs) contains the mean of its pairs.
  auto ph =
      cap::parse(test::read_file(test::samples_dir() / "ph-pagasa-tc-alert-polygon-signed.xml"));
  REQUIRE(ph.ok());
  PreparedArea ph_area(*parse_area(ph->alert.infos.at(0).areas.at(0)));
  CHECK(ph_area.contains({14.5995, 120.9842}));
  CHECK_FALSE(ph_area.contains({14.5995, 112.9}));
  auto md = cap::parse(
      test::read_file(test::samples_dir() / "us-ipaws-md-lae-polygon-wea-cmamtext-signed.xml"));
  REQUIRE(md.ok());
  Polygon md_poly = parse_area(md->alert.infos.at(0).areas.at(0))->polygons.at(0);
  Point mean{0, 0};
  for (size_t i = 0; i + 1 < md_poly.ring.size(); ++i)
    mean.lat += md_poly.ring[i].lat, mean.lon += md_poly.ring[i].lon;
  mean.lat /= static_cast<double>(md_poly.ring.size() - 1);
  mean.lon /= static_cast<double>(md_poly.ring.size() - 1);
  CHECK(point_in_polygon(md_poly, mean));
  CHECK_FALSE(point_in_polygon(md_poly, {mean.lat + 1, mean.lon}));
}
