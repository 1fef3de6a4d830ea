// The cell inventory and the selection of an alert's cells (dispatch/channels/cbs/cells.h):
// loading tests/data/cbs/cells.csv (made up), polygon, circle, sector and geocode selection, a
// cell just outside, the antimeridian, every load error with its line and column, and the grid
// index and its shortcut (squares inside or outside a shape) cross-checked against testing
// every cell: dense and sectored inventories, concave polygons, cells on square borders.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "cbs/cells.h"
#include "support/helpers.h"

using namespace capcast;
using namespace capcast::dispatch::cbs;

namespace {

std::string data_file() {
  return (test::source_dir() / "tests/data/cbs/cells.csv").string();
}

const CellInventory& inventory() {
  static const CellInventory inv = [] {
    auto loaded = CellInventory::load(data_file());
    INFO(loaded.status().to_string());
    REQUIRE(loaded.ok());
    return std::move(loaded).value();
  }();
  return inv;
}

cap::Area polygon_area(std::string polygon) {
  cap::Area a;
  a.area_desc = "test";
  a.polygons.push_back(std::move(polygon));
  return a;
}

cap::Area circle_area(std::string circle) {
  cap::Area a;
  a.area_desc = "test";
  a.circles.push_back(std::move(circle));
  return a;
}

cap::Area geocode_area(std::string name, std::string value) {
  cap::Area a;
  a.area_desc = "test";
  a.geocodes.push_back({std::move(name), std::move(value)});
  return a;
}

cap::Alert alert_of(std::vector<std::vector<cap::Area>> infos) {
  cap::Alert alert;
  for (auto& areas : infos) {
    cap::Info info;
    info.areas = std::move(areas);
    alert.infos.push_back(std::move(info));
  }
  return alert;
}

// The names of the selected cells, sorted.
std::vector<std::string> names(const CellSelection& s) {
  std::vector<std::string> out;
  for (const CellId& id : s.cells) {
    for (const Cell& c : inventory().cells())
      if (c.id == id) out.push_back(c.name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

using Names = std::vector<std::string>;

// The 0.4-degree square around 50N 10E.
const char* kSquare = "49.8,9.8 49.8,10.2 50.2,10.2 50.2,9.8 49.8,9.8";

}  // namespace

TEST_CASE("the inventory loads, sorted by cell id, MNC 01 and 001 apart", "[cbs][cells]") {
  const auto& cells = inventory().cells();
  REQUIRE(cells.size() == 15);
  CHECK(std::is_sorted(cells.begin(), cells.end(),
                       [](const Cell& a, const Cell& b) { return a.id < b.id; }));
  auto find = [&](const std::string& name) -> const Cell& {
    auto it =
        std::find_if(cells.begin(), cells.end(), [&](const Cell& c) { return c.name == name; });
    REQUIRE(it != cells.end());
    return *it;
  };
  const Cell& two = find("centre");
  const Cell& three = find("centre-other-network");
  CHECK(two.id == CellId{262, 1, false, 100, 1});
  CHECK(three.id == CellId{262, 1, true, 100, 1});
  CHECK(find("sector-west").sector.has_value());
  CHECK(find("sector-west").radius_km == 0);
  CHECK(find("sector-east").radius_km == 0);  // the sector replaces the circle
  CHECK(find("edge-long").radius_km == 2.3);
  CHECK(find("coastal").geocodes == Names{"EMMA_ID=DE123", "NUTS3=DEF01"});
  CHECK(find("fiji-east").site == cap::geo::Point{-17.0, -179.8});
}

TEST_CASE("a polygon selects the cells whose coverage meets it, not the one just outside",
          "[cbs][cells]") {
  CellSelection s = inventory().select(alert_of({{polygon_area(kSquare)}}));
  // edge-short's circle ends 0.14 km short of the edge, edge-long's crosses it; sector-east
  // has a 5 km radius that would reach the square, but its sector points away.
  CHECK(names(s) == Names{"centre", "centre-other-network", "edge-long", "sector-west"});
  CHECK(s.by_geometry == 4);
  CHECK(s.by_geocode == 0);
  CHECK(s.areas == 1);
  CHECK(s.areas_without_geometry == 0);
  CHECK(std::is_sorted(s.cells.begin(), s.cells.end()));
}

TEST_CASE("a circle selects by great-circle distance between centres", "[cbs][cells]") {
  // circle-near is 5.56 km away (< 5 + 1), circle-far 7.00 km (> 5 + 1).
  CellSelection s = inventory().select(alert_of({{circle_area("51.0,11.0 5")}}));
  CHECK(names(s) == Names{"circle-near"});
  // A point (radius 0) inside a cell's circle selects it.
  CHECK(names(inventory().select(alert_of({{circle_area("51.05,11.005 0")}}))) ==
        Names{"circle-near"});
}

TEST_CASE("the union of every area of every info, cells once", "[cbs][cells]") {
  CellSelection s = inventory().select(alert_of(
      {{polygon_area(kSquare), circle_area("51.0,11.0 5")},
       {polygon_area(kSquare), geocode_area("NUTS3", "DEF02"), geocode_area("NUTS3", "DEF02")}}));
  CHECK(names(s) == Names{"centre", "centre-other-network", "circle-near", "edge-long", "inland",
                          "sector-west"});
  CHECK(s.by_geometry == 5);
  CHECK(s.by_geocode == 1);
  CHECK(s.areas == 5);
  CHECK(s.areas_without_geometry == 2);
  CHECK(std::adjacent_find(s.cells.begin(), s.cells.end()) == s.cells.end());
}

TEST_CASE("geocodes select by valueName and value", "[cbs][cells]") {
  CellSelection s = inventory().select(alert_of({{geocode_area("EMMA_ID", "DE123")}}));
  CHECK(names(s) == Names{"coastal"});
  CHECK(s.by_geocode == 1);
  CHECK(s.areas_without_geometry == 1);
  CHECK(inventory().select(alert_of({{geocode_area("EMMA", "DE123")}})).cells.empty());
  CHECK(inventory().select(alert_of({{geocode_area("EMMA_ID", "DE12")}})).cells.empty());
  // A cell found both ways counts in both and is listed once.
  cap::Area both = polygon_area(kSquare);
  both.geocodes.push_back({"NUTS3", "DEF01"});
  CellSelection b = inventory().select(alert_of({{both, geocode_area("EMMA_ID", "DE123")}}));
  CHECK(b.cells.size() == 5);
  CHECK(b.by_geocode == 1);
}

TEST_CASE("areas whose geometry does not parse are counted, not fatal", "[cbs][cells]") {
  CellSelection s = inventory().select(
      alert_of({{polygon_area("garbage"), circle_area("51.0,11.0 5"), cap::Area{}}}));
  CHECK(names(s) == Names{"circle-near"});
  CHECK(s.areas == 3);
  CHECK(s.areas_without_geometry == 2);
  CHECK(s.areas_unparsable == 1);
}

TEST_CASE("selection across the antimeridian", "[cbs][cells]") {
  // A polygon from 179.5E to 179.5W.
  CellSelection across = inventory().select(
      alert_of({{polygon_area("-17.5,179.5 -17.5,-179.5 -16.5,-179.5 -16.5,179.5 -17.5,179.5")}}));
  CHECK(names(across) == Names{"fiji-across", "fiji-east", "fiji-west"});
  // East of it only: fiji-across's circle (site 179.99W, 5 km) reaches 179.95W; fiji-west's
  // (179.9E) does not.
  CellSelection east = inventory().select(alert_of(
      {{polygon_area("-17.5,-179.95 -17.5,-179.5 -16.5,-179.5 -16.5,-179.95 -17.5,-179.95")}}));
  CHECK(names(east) == Names{"fiji-across", "fiji-east"});
  // A circle centred on the antimeridian.
  CellSelection circle = inventory().select(alert_of({{circle_area("-17.0,180.0 30")}}));
  CHECK(names(circle) == Names{"fiji-across", "fiji-east", "fiji-west"});
  // A circle far from every cell finds none.
  CHECK(inventory().select(alert_of({{circle_area("-17.0,10.0 300")}})).cells.empty());
}

namespace {

// A generated inventory in CSV: `n` cells, random sites in the box, a fifth with sectors.
std::string generated(std::mt19937_64& rng, size_t n, double lat0, double lat1, double lon0,
                      double width, double max_radius) {
  std::uniform_real_distribution<double> lat(lat0, lat1), dlon(0, width), r(0.1, max_radius),
      u(0, 1);
  std::string csv = "name,mcc,mnc,lac,ci,lat,lon,radius_km,sector\n";
  for (size_t i = 0; i < n; ++i) {
    double la = lat(rng), lo = std::remainder(lon0 + dlon(rng), 360.0);
    std::string site = std::to_string(la) + "," + std::to_string(lo);
    csv += "c" + std::to_string(i) + ",001,01," + std::to_string(i / 1000) + "," +
           std::to_string(i) + "," + site + ",";
    if (u(rng) < 0.2) {
      double a = u(rng) * 6.28, s = r(rng) / 111.0;
      auto corner = [&](double ang) {
        return std::to_string(la + s * std::sin(ang)) + "," +
               std::to_string(std::remainder(lo + s * std::cos(ang), 360.0));
      };
      csv += ",\"" + site + " " + corner(a) + " " + corner(a + 1.0) + " " + site + "\"\n";
    } else {
      csv += std::to_string(r(rng)) + ",\n";
    }
  }
  return csv;
}

// select() against every cell tested by covers(), for random polygons and circles.
void cross_check(const CellInventory& inv, std::mt19937_64& rng, double lat0, double lat1,
                 double lon0, double width, double max_km) {
  std::uniform_real_distribution<double> lat(lat0, lat1), dlon(0, width), u(0, 1);
  size_t found = 0;
  for (int q = 0; q < 60; ++q) {
    double la = lat(rng), lo = std::remainder(lon0 + dlon(rng), 360.0), km = u(rng) * max_km;
    AlertShapes shapes;
    if (q % 2 == 0) {
      shapes.circles.emplace_back(cap::geo::Circle{{la, lo}, km});
    } else {
      double d = km / 111.0;
      cap::geo::Polygon p;
      for (double a : {0.0, 2.0, 3.5, 5.0, 0.0})
        p.ring.push_back({std::clamp(la + d * std::sin(a), -89.0, 89.0),
                          std::remainder(lo + 1.5 * d * std::cos(a), 360.0)});
      shapes.polygons.emplace_back(p);
    }
    std::vector<CellId> brute;
    for (size_t i = 0; i < inv.size(); ++i) {
      bool hit = shapes.circles.empty() ? inv.covers(i, shapes.polygons[0])
                                        : inv.covers(i, shapes.circles[0]);
      if (hit) brute.push_back(inv.cells()[i].id);
    }
    CellSelection s = inv.select(shapes);
    INFO("query " << q << " at " << la << "," << lo << " size " << km << " km");
    CHECK(s.cells == brute);
    found += brute.size();
  }
  CHECK(found > 0);  // the queries did hit cells
}

}  // namespace

TEST_CASE("the grid finds exactly the cells that testing every cell finds", "[cbs][cells]") {
  std::mt19937_64 rng(7);
  SECTION("a country") {
    auto inv = CellInventory::parse(generated(rng, 3000, 47, 55, 5, 10, 15), "gen");
    REQUIRE(inv.ok());
    cross_check(*inv, rng, 46, 56, 4, 12, 150);
  }
  SECTION("a country across the antimeridian") {
    auto inv = CellInventory::parse(generated(rng, 3000, -22, -12, 176, 8, 15), "gen");
    REQUIRE(inv.ok());
    cross_check(*inv, rng, -23, -11, 175, 10, 150);
  }
  SECTION("cells all round the globe, large and small") {
    auto inv = CellInventory::parse(generated(rng, 3000, -70, 70, -180, 360, 900), "gen");
    REQUIRE(inv.ok());
    cross_check(*inv, rng, -80, 80, -180, 360, 3000);
  }
}

namespace {

// Star-shaped polygons (concave, 5 to 40 spikes) and circles over dense cells, where most grid
// buckets under a shape lie wholly inside it: select() decides most cells there without the
// exact test (cells_select.cpp, the shortcut), and must still agree with it on every cell.
void cross_check_dense(const CellInventory& inv, std::mt19937_64& rng, double lat0, double lat1,
                       double lon0, double width) {
  std::uniform_real_distribution<double> lat(lat0, lat1), dlon(0, width), u(0, 1);
  size_t found = 0;
  for (int q = 0; q < 40; ++q) {
    double la = lat(rng), lo = std::remainder(lon0 + dlon(rng), 360.0), km = 5 + u(rng) * 95;
    AlertShapes shapes;
    if (q % 2 == 0) {
      shapes.circles.emplace_back(cap::geo::Circle{{la, lo}, km});
    } else {
      const int spikes = 5 + static_cast<int>(u(rng) * 35);
      cap::geo::Polygon p;
      for (int k = 0; k < 2 * spikes; ++k) {
        double a = 3.14159265 * k / spikes,
               d = km / 111.0 * (k % 2 == 0 ? 1.0 : 0.3 + u(rng) * 0.4);
        p.ring.push_back({la + d * std::sin(a), std::remainder(lo + 1.6 * d * std::cos(a), 360.0)});
      }
      p.ring.push_back(p.ring.front());
      shapes.polygons.emplace_back(p);
    }
    std::vector<CellId> brute;
    for (size_t i = 0; i < inv.size(); ++i) {
      bool hit = shapes.circles.empty() ? inv.covers(i, shapes.polygons[0])
                                        : inv.covers(i, shapes.circles[0]);
      if (hit) brute.push_back(inv.cells()[i].id);
    }
    CellSelection s = inv.select(shapes);
    INFO("query " << q << " at " << la << "," << lo << " size " << km << " km");
    CHECK(s.cells == brute);
    found += brute.size();
  }
  CHECK(found > 20000);  // large areas: thousands of cells each, most of them deep inside
}

}  // namespace

TEST_CASE("large areas over dense cells select exactly what the exact test selects",
          "[cbs][cells]") {
  std::mt19937_64 rng(11);
  SECTION("a region") {
    auto inv = CellInventory::parse(generated(rng, 20000, 50, 52, 5, 3, 3), "gen");
    REQUIRE(inv.ok());
    cross_check_dense(*inv, rng, 50.3, 51.7, 5.5, 2);
  }
  SECTION("a region across the antimeridian") {
    auto inv = CellInventory::parse(generated(rng, 20000, -18, -16, 178.5, 3, 3), "gen");
    REQUIRE(inv.ok());
    cross_check_dense(*inv, rng, -17.7, -16.3, 179, 2);
  }
}

namespace {

// An inventory of wedge sectors (three per site, as operators draw them: the site, three points
// on an arc of 120 degrees, the site) and omni cells, `sector_share` of the sites sectored.
std::string sectored(std::mt19937_64& rng, size_t sites, double lat0, double lat1, double lon0,
                     double width, double max_km, double sector_share) {
  std::uniform_real_distribution<double> lat(lat0, lat1), dlon(0, width), u(0, 1);
  std::string csv = "name,mcc,mnc,lac,ci,lat,lon,radius_km,sector\n";
  uint32_t ci = 0;
  for (size_t i = 0; i < sites; ++i) {
    const double la = lat(rng), lo = std::remainder(lon0 + dlon(rng), 360.0);
    const double km = 0.1 + u(rng) * max_km, a0 = u(rng) * 120;
    const std::string site = std::to_string(la) + "," + std::to_string(lo);
    if (u(rng) >= sector_share) {
      csv += "o" + std::to_string(i) + ",001,01,1," + std::to_string(++ci) + "," + site + "," +
             std::to_string(km) + ",\n";
      continue;
    }
    for (int s = 0; s < 3; ++s) {
      std::string ring = site;
      for (int k = 0; k <= 2; ++k) {
        const double a = (a0 + 120 * s + 60 * k) * 3.14159265358979 / 180;
        ring +=
            " " + std::to_string(la + km / 111.2 * std::cos(a)) + "," +
            std::to_string(std::remainder(
                lo + km / (111.2 * std::cos(la * 3.14159265358979 / 180)) * std::sin(a), 360.0));
      }
      csv += "w" + std::to_string(i) + "-" + std::to_string(s) + ",001,01,1," +
             std::to_string(++ci) + "," + site + ",,\"" + ring + " " + site + "\"\n";
    }
  }
  return csv;
}

// select() against covers() on every cell, for one alert shape.
size_t check_one(const CellInventory& inv, const AlertShapes& shapes, const std::string& what) {
  std::vector<CellId> brute;
  for (size_t i = 0; i < inv.size(); ++i) {
    bool hit = false;
    for (const auto& p : shapes.polygons)
      hit = hit || inv.covers(i, p);
    for (const auto& c : shapes.circles)
      hit = hit || inv.covers(i, c);
    if (hit) brute.push_back(inv.cells()[i].id);
  }
  CellSelection s = inv.select(shapes);
  INFO(what);
  CHECK(s.cells == brute);
  CHECK(s.by_geometry == brute.size());
  return brute.size();
}

// A "C": a square of side 2d around (la, lo) with a notch from the east side reaching `deep`
// of the way in, `gap` wide (as a share of d): cells in the notch are surrounded but outside.
cap::geo::Polygon c_shape(double la, double lo, double d, double deep, double gap) {
  const double w = 1.6 * d, x = lo + w - 2 * w * deep, g = d * gap;
  cap::geo::Polygon p;
  p.ring = {{la - d, lo - w}, {la - d, lo + w}, {la - g, lo + w}, {la - g, x},     {la + g, x},
            {la + g, lo + w}, {la + d, lo + w}, {la + d, lo - w}, {la - d, lo - w}};
  for (auto& pt : p.ring)
    pt.lon = std::remainder(pt.lon, 360.0);
  return p;
}

}  // namespace

TEST_CASE("sectors and omni cells around concave polygons and circles: the shortcut agrees",
          "[cbs][cells]") {
  // Dense sectors (which the shortcut settles outside a polygon only when no edge of theirs is
  // nearly parallel to one of the polygon's) and omni cells, against C-shaped polygons whose
  // notch holds cells that are surrounded but outside, stars, and circles (which settle cells
  // outside them too), at mid and high latitude and across the antimeridian.
  std::mt19937_64 rng(23);
  struct Region {
    const char* name;
    double lat0, lat1, lon0, width;
  };
  for (const Region& r :
       {Region{"mid latitude", 50, 52, 5, 3}, Region{"high latitude", 68, 70, 20, 6},
        Region{"across the antimeridian", -18, -16, 178.5, 3}}) {
    auto inv =
        CellInventory::parse(sectored(rng, 6000, r.lat0, r.lat1, r.lon0, r.width, 4, 0.6), "gen");
    REQUIRE(inv.ok());
    std::uniform_real_distribution<double> u(0, 1);
    size_t found = 0;
    for (int q = 0; q < 24; ++q) {
      const double la = r.lat0 + 0.3 + u(rng) * (r.lat1 - r.lat0 - 0.6);
      const double lo = std::remainder(r.lon0 + 0.3 + u(rng) * (r.width - 0.6), 360.0);
      const double d = 0.1 + u(rng) * 0.5;
      AlertShapes shapes;
      if (q % 3 == 0)
        shapes.polygons.emplace_back(c_shape(la, lo, d, 0.5 + 0.4 * u(rng), 0.1 + 0.3 * u(rng)));
      else if (q % 3 == 1)
        shapes.circles.emplace_back(cap::geo::Circle{{la, lo}, d * 111});
      else
        shapes.polygons.emplace_back(c_shape(la, lo, d, 0.9, 0.02));  // a thin deep notch
      found += check_one(*inv, shapes,
                         std::string(r.name) + " query " + std::to_string(q) + " at " +
                             std::to_string(la) + "," + std::to_string(lo));
    }
    CHECK(found > 5000);
  }
}

TEST_CASE("cells on square borders and polygon edges on cell sites: the shortcut agrees",
          "[cbs][cells]") {
  // Sites on a lattice of 0.01 degrees over a 2 x 2 degree extent, so that the index's bucket
  // and square borders (a whole number of them over the extent) fall on sites and on the
  // edges of cell boxes; then axis-aligned polygons and circles through those sites, where a
  // cell touching the area counts (cap/geometry.h) and a shortcut off by one square or one
  // margin would settle it wrongly. A third of the omni cells are 1 m across, so that a circle's
  // inside squares reaching past its radius by tens of metres would select one wrongly.
  std::string csv = "name,mcc,mnc,lac,ci,lat,lon,radius_km,sector\n";
  uint32_t ci = 0;
  for (int i = 0; i <= 200; i += 2) {
    for (int j = 0; j <= 200; j += 2) {
      const double la = 50 + i * 0.01, lo = 5 + j * 0.01;
      const std::string site = std::to_string(la) + "," + std::to_string(lo);
      ++ci;
      if ((i + j) % 4 == 0) {
        csv += "o" + std::to_string(ci) + ",001,01,1," + std::to_string(ci) + "," + site + "," +
               std::to_string(0.001 + (i % 6) * 0.5) + ",\n";
      } else {  // a square sector reaching 0.01 degrees north and east of the site
        csv += "s" + std::to_string(ci) + ",001,01,1," + std::to_string(ci) + "," + site + ",,\"" +
               site + " " + std::to_string(la + 0.01) + "," + std::to_string(lo) + " " +
               std::to_string(la + 0.01) + "," + std::to_string(lo + 0.01) + " " +
               std::to_string(la) + "," + std::to_string(lo + 0.01) + " " + site + "\"\n";
      }
    }
  }
  auto inv = CellInventory::parse(csv, "lattice");
  REQUIRE(inv.ok());
  size_t found = 0;
  for (int k = 0; k < 8; ++k) {
    const double a = 50.2 + 0.1 * k, b = 5.3 + 0.05 * k, side = 0.3 + 0.1 * k;
    AlertShapes shapes;
    cap::geo::Polygon p;
    p.ring = {{a, b}, {a, b + side}, {a + side, b + side}, {a + side, b}, {a, b}};
    shapes.polygons.emplace_back(p);
    found += check_one(*inv, shapes, "square " + std::to_string(k));
    AlertShapes circle;
    circle.circles.emplace_back(cap::geo::Circle{{a, b}, side * 80});
    found += check_one(*inv, circle, "circle " + std::to_string(k));
  }
  CHECK(found > 10000);
}

TEST_CASE("a sector in line with a polygon edge: touching selects it, a gap does not",
          "[cbs][cells]") {
  // The sector-outside shortcut leaves to the exact test a sector with an edge nearly parallel
  // to a polygon edge (cells_classify.cpp). Here sector edges lie on the line of a polygon edge,
  // one touching its end, one 1e-4 degrees beyond it; omni cells fill the inventory so that
  // the grid is fine.
  std::string csv = "name,mcc,mnc,lac,ci,lat,lon,radius_km,sector\n";
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> lat(49, 53), lon(8, 12);
  for (int i = 0; i < 3000; ++i)
    csv += "o" + std::to_string(i) + ",001,01,1," + std::to_string(i + 10) + "," +
           std::to_string(lat(rng)) + "," + std::to_string(lon(rng)) + ",0.5,\n";
  // The polygon's south-east edge runs from (50.5,10.5) to (50.7,10.7); its line goes on
  // north-east.
  csv += "touching,001,01,1,1,50.7,10.7,,\"50.7,10.7 50.8,10.8 50.8,10.9 50.7,10.7\"\n";
  csv +=
      "beyond,001,01,1,2,50.7001,10.7001,,\"50.7001,10.7001 50.8,10.8 50.8,10.9 "
      "50.7001,10.7001\"\n";
  auto inv = CellInventory::parse(csv, "line");
  REQUIRE(inv.ok());
  AlertShapes shapes;
  shapes.polygons.emplace_back(
      cap::geo::Polygon{{{50.5, 10.5}, {50.7, 10.7}, {50.9, 10.3}, {50.5, 10.5}}});
  CellSelection s = inv->select(shapes);
  auto has = [&](uint32_t ci) {
    return std::any_of(s.cells.begin(), s.cells.end(),
                       [&](const CellId& id) { return id.ci == ci && id.lac == 1; });
  };
  CHECK(has(1));
  CHECK_FALSE(has(2));
  check_one(*inv, shapes, "in line");
}

TEST_CASE("every bad line is listed with its line, column and rule", "[cbs][cells]") {
  const std::vector<std::string> lines = {
      "name,mcc,mnc,lac,ci,lat,lon,radius_km,sector,geocodes",                 // 1
      "ok,262,01,1,1,50,10,1,,",                                               // 2
      "bad-lat,262,01,1,2,91.5,10,1,,",                                        // 3
      "bad-number,262,01,1,3,50,1O,1,,",                                       // 4
      "bad-mcc,26,01,1,4,50,10,1,,",                                           // 5
      "bad-mnc,262,1,1,5,50,10,1,,",                                           // 6
      "bad-lac,262,01,16777216,6,50,10,1,,",                                   // 7
      "bad-ci,262,01,1,268435456,50,10,1,,",                                   // 8
      "bad-radius,262,01,1,8,50,10,0,,",                                       // 9
      "no-radius,262,01,1,9,50,10,,,",                                         // 10
      "open-sector,262,01,1,10,50,10,,\"50,10 50.1,10 50.1,10.1 50,10.1\",",   // 11
      "bowtie,262,01,1,11,50,10,,\"50,10 50.1,10.1 50.1,10 50,10.1 50,10\",",  // 12
      "bad-geocode,262,01,1,12,50,10,1,,EMMA_ID",                              // 13
      ",262,01,1,13,50,10,1,,",                                                // 14
      "few-fields,262,01,1,14,50,10",                                          // 15
      "unquoted-sector,262,01,1,15,50,10,,50,10 50.1,10 50.1,10.1 50,10,",     // 16
      "dup,262,01,1,1,50,10,1,,",                                              // 17
      "open-quote,262,01,1,17,50,10,1,\"50,10,",                               // 18
      "bad-lon,262,01,1,18,50,-180.5,1,,",                                     // 19
      "far-radius,262,01,1,19,50,10,1000.5,,",                                 // 20
      "# a comment line is skipped, as are empty lines",                       // 21
      "",                                                                      // 22
      "ok-too,262,001,1,1,50,10,1,,",                                          // 23
  };
  std::string csv;
  for (const auto& l : lines)
    csv += l + "\r\n";
  auto inv = CellInventory::parse(csv, "cells.csv");
  REQUIRE_FALSE(inv.ok());
  CHECK(inv.status().code() == Code::kInvalidArgument);
  const std::string& m = inv.status().message();
  INFO(m);
  // "cells.csv:LINE:COLUMN: " where COLUMN is where `field` starts on that line.
  auto at = [&](size_t line, const std::string& field) {
    size_t col = lines[line - 1].find(field);
    REQUIRE(col != std::string::npos);
    return "cells.csv:" + std::to_string(line) + ":" + std::to_string(col + 1) + ": ";
  };
  CHECK_THAT(m, Catch::Contains(at(3, "91.5") + "lat \"91.5\": latitude out of range [-90, 90]"));
  CHECK_THAT(m, Catch::Contains(at(4, "1O") + "lon \"1O\": not a decimal number"));
  CHECK_THAT(m, Catch::Contains(at(5, "26,") + "mcc \"26\": not 3 decimal digits"));
  CHECK_THAT(m, Catch::Contains(at(6, "1,1") + "mnc \"1\": not 2 or 3 decimal digits"));
  CHECK_THAT(m, Catch::Contains(at(7, "16777216") + "lac \"16777216\": out of range"));
  CHECK_THAT(m, Catch::Contains(at(8, "268435456") + "ci \"268435456\": out of range"));
  CHECK_THAT(m, Catch::Contains(at(9, "0,,") + "radius_km \"0\": coverage radius out of range"));
  const std::string empty_at = "cells.csv:10:" + std::to_string(lines[9].find(",,,") + 2) + ": ";
  CHECK_THAT(m, Catch::Contains(empty_at + "radius_km \"\": not a decimal number") &&
                    Catch::Contains("only with a sector"));
  CHECK_THAT(m, Catch::Contains(at(11, "\"50") + "sector \"50,10 50.1,10 50.1,10.1 50,10.1\": "
                                                 "ring is not closed") &&
                    Catch::Contains("(CAP 1.2 §3.2.4)"));
  CHECK_THAT(
      m, Catch::Contains(at(12, "\"50") + "sector") && Catch::Contains("ring intersects itself"));
  CHECK_THAT(m, Catch::Contains(at(13, "EMMA") + "geocodes \"EMMA_ID\": item 1 \"EMMA_ID\": "
                                                 "not NAME=VALUE"));
  CHECK_THAT(m, Catch::Contains("cells.csv:14:1: name \"\": empty"));
  CHECK_THAT(m, Catch::Contains("cells.csv:15:1: 7 fields, but the header has 10"));
  CHECK_THAT(m, Catch::Contains("cells.csv:16:1: 14 fields, but the header has 10"));
  CHECK_THAT(m, Catch::Contains("cells.csv:17:1: duplicate cell 262-01-1-1 (MCC-MNC-LAC-CI), "
                                "first on line 2"));
  CHECK_THAT(m, Catch::Contains(at(18, "\"50") + "quoted field not closed on this line"));
  CHECK_THAT(m, Catch::Contains(at(19, "-180.5") + "lon \"-180.5\": longitude out of range"));
  CHECK_THAT(m, Catch::Contains(at(20, "1000.5") + "radius_km \"1000.5\""));
  // Good lines are not mentioned; errors are listed by line.
  CHECK_THAT(m, !Catch::Contains("cells.csv:2:") && !Catch::Contains("cells.csv:23:") &&
                    !Catch::Contains("cells.csv:21:") && !Catch::Contains("cells.csv:22:"));
  CHECK(m.find("cells.csv:3:") < m.find("cells.csv:17:"));
  CHECK(m.find("cells.csv:17:") < m.find("cells.csv:18:"));
  CHECK(std::count(m.begin(), m.end(), '\n') + 1 == 18);
}

TEST_CASE("header errors, empty inventories, the error cap and missing files", "[cbs][cells]") {
  auto bad_header = CellInventory::parse("name,mcc,mnc,lac,ci,lat,lat,radius,sector\n", "h.csv");
  REQUIRE_FALSE(bad_header.ok());
  const std::string& m = bad_header.status().message();
  CHECK_THAT(m, Catch::Contains("h.csv:1:25: column \"lat\" twice"));
  CHECK_THAT(m, Catch::Contains("h.csv:1:29: unknown column \"radius\""));
  CHECK_THAT(m, Catch::Contains("h.csv:1:1: the header has no column \"lon\", which is required"));
  CHECK_THAT(m, Catch::Contains("no column \"radius_km\""));

  auto empty = CellInventory::parse("# nothing but a comment\n", "e.csv");
  REQUIRE_FALSE(empty.ok());
  CHECK_THAT(empty.status().message(), Catch::Contains("e.csv:1:1: no header line"));
  auto header_only = CellInventory::parse("name,mcc,mnc,lac,ci,lat,lon,radius_km\n", "o.csv");
  REQUIRE_FALSE(header_only.ok());
  CHECK_THAT(header_only.status().message(), Catch::Contains("o.csv:1:1: no cells"));

  std::string many = "name,mcc,mnc,lac,ci,lat,lon,radius_km\n";
  for (int i = 0; i < 60; ++i)
    many += "c,262,01,1," + std::to_string(i) + ",95,10,1\n";
  auto capped = CellInventory::parse(many, "m.csv");
  REQUIRE_FALSE(capped.ok());
  const std::string& c = capped.status().message();
  CHECK(std::count(c.begin(), c.end(), '\n') + 1 == static_cast<long>(kMaxLoadErrors) + 1);
  CHECK_THAT(c, Catch::Contains("m.csv:51:") && !Catch::Contains("m.csv:52:") &&
                    Catch::EndsWith("m.csv: and 10 more errors"));

  auto missing = CellInventory::load("/nonexistent/cells.csv");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == Code::kIoError);
  CHECK_THAT(missing.status().message(), Catch::Contains("/nonexistent/cells.csv"));
}
