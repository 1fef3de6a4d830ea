// issue 7: selecting the cells of an alert area out of a cell inventory of 100,000 cells (target:
// under 10 ms), capcast's CellInventory (dispatch/channels/cbs/cells.h: a uniform grid, then the
// exact test) against two references in the same run, over the same cells and the same shapes:
//  - SQLite's R*Tree (Debian's libsqlite3): the cells' coverage boxes in an in-memory
//    `rtree` table, one prepared box query per alert shape, then the same exact test
//    (CellInventory::covers) on each candidate;
//  - a brute-force scan: the exact test (box first) on every cell.
// All three must return the same cells for every area; the bench stops if they do not.
//
// The inventory: --cells cells (default 100,000) on sites over Ireland's box (a country of
// 450 x 300 km), generated with a fixed seed by SplitMix64: 60 % of the sites clustered around
// ten towns, the rest uniform; half the sites omni cells (a circle of 0.5-15 km, smaller in
// towns), half three sectors of 120 degrees (a polygon of 6 pairs each). Written as CSV and
// loaded by CellInventory::parse, as an operator's file would be.
// The areas: circles of 1, 10 and 150 km, the six county polygons of a real MeteoAlarm alert
// (samples/cap/eu-meteoalarm-ie-polygons-emma.xml, 47 to 350 pairs), and that whole alert.
// Timing: for each area, --reps rounds, each running capcast (from the cap::Alert, its shapes
// prepared in the call, and from shapes prepared once), the R*Tree and the scan once in turn
// (interleaved, so a change of load touches all alike); p50 and p99 of the single calls.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "capcast/cap/parse.h"
#include "cbs/cells.h"

#ifndef CAPCAST_BENCH_BUILD
#define CAPCAST_BENCH_BUILD "unknown"
#endif
#ifndef CAPCAST_SOURCE_DIR
#define CAPCAST_SOURCE_DIR "."
#endif

namespace {

using namespace capcast;
using namespace capcast::dispatch::cbs;
namespace geo = capcast::cap::geo;
using Clock = std::chrono::steady_clock;

// SplitMix64 (Steele, Lea and Flood, OOPSLA 2014): fully specified, so the cells are the same
// with every standard library.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  double between(double lo, double hi) { return lo + (hi - lo) * unit(); }

 private:
  uint64_t state_;
};

constexpr double kLat0 = 51.4, kLat1 = 55.4, kLon0 = -10.5, kLon1 = -6.0;  // Ireland's box
constexpr double kKmPerDegLat = 111.195;

std::string fmt(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.6f", v);
  return b;
}

// The inventory as CSV: `n` cells on omni and three-sector sites.
std::string generate_csv(size_t n, uint64_t seed) {
  Rng rng(seed);
  struct Town {
    double lat, lon, spread_km;
  };
  std::vector<Town> towns;
  for (int i = 0; i < 10; ++i)
    towns.push_back({rng.between(kLat0 + 0.3, kLat1 - 0.3), rng.between(kLon0 + 0.5, kLon1 - 0.5),
                     rng.between(5, 25)});
  std::string csv = "name,mcc,mnc,lac,ci,lat,lon,radius_km,sector\n";
  csv.reserve(n * 90);
  size_t made = 0;
  for (uint32_t site = 0; made < n; ++site) {
    bool urban = rng.unit() < 0.6;
    double lat, lon, radius;
    if (urban) {
      const Town& t = towns[rng.next() % towns.size()];
      // A rough normal (the sum of three uniforms) around the town.
      double dy = (rng.unit() + rng.unit() + rng.unit() - 1.5) * t.spread_km;
      double dx = (rng.unit() + rng.unit() + rng.unit() - 1.5) * t.spread_km;
      lat = std::clamp(t.lat + dy / kKmPerDegLat, kLat0, kLat1);
      lon = std::clamp(t.lon + dx / (kKmPerDegLat * std::cos(lat * M_PI / 180)), kLon0, kLon1);
      radius = rng.between(0.5, 3);
    } else {
      lat = rng.between(kLat0, kLat1);
      lon = rng.between(kLon0, kLon1);
      radius = rng.between(3, 15);
    }
    const uint32_t lac = site / 200 + 1;
    std::string where = fmt(lat) + "," + fmt(lon);
    if (rng.unit() < 0.5) {
      csv += "s" + std::to_string(site) + ",272,01," + std::to_string(lac) + "," +
             std::to_string(site * 4) + "," + where + "," + fmt(radius) + ",\n";
      ++made;
      continue;
    }
    double azimuth = rng.between(0, 120);
    for (int s = 0; s < 3 && made < n; ++s, ++made) {
      // A wedge from the site: the site, four points on an arc of 120 degrees, the site.
      std::string ring = where;
      for (int k = 0; k <= 3; ++k) {
        double a = (azimuth + 120 * s + 40 * k) * M_PI / 180;
        double plat = lat + radius * std::cos(a) / kKmPerDegLat;
        double plon = lon + radius * std::sin(a) / (kKmPerDegLat * std::cos(lat * M_PI / 180));
        ring += " " + fmt(plat) + "," + fmt(plon);
      }
      ring += " " + where;
      csv += "s" + std::to_string(site) + "-" + std::to_string(s) + ",272,01," +
             std::to_string(lac) + "," + std::to_string(site * 4 + 1 + s) + "," + where + ",,\"" +
             ring + "\"\n";
    }
  }
  return csv;
}

struct Case {
  std::string name;
  cap::Alert alert;
  size_t pairs = 0;  // polygon pairs, all shapes together
};

cap::Alert circle_alert(double lat, double lon, double km) {
  cap::Alert a;
  cap::Info info;
  cap::Area area;
  area.area_desc = "circle";
  area.circles.push_back(fmt(lat) + "," + fmt(lon) + " " + fmt(km));
  info.areas.push_back(area);
  a.infos.push_back(info);
  return a;
}

std::vector<double> percentiles(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))]; };
  return {at(0.5), at(0.99)};
}

std::string loadavg() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

long rss_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return 0;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "?";
}

void die(const std::string& why) {
  std::fprintf(stderr, "cbs_cells_bench: %s\n", why.c_str());
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  size_t n = 100000;
  int reps = 300;
  uint64_t seed = 0xce11;
  std::string sample = CAPCAST_SOURCE_DIR "/samples/cap/eu-meteoalarm-ie-polygons-emma.xml";
  bool references = true;  // --no-references: capcast only, for a profiler
  bool cpu_time = false;   // --cpu-time: the calling thread's CPU time, not the wall clock
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) die(a + " needs a value");
      return argv[++i];
    };
    if (a == "--cells")
      n = std::stoul(value());
    else if (a == "--reps")
      reps = std::stoi(value());
    else if (a == "--seed")
      seed = std::stoull(value(), nullptr, 0);
    else if (a == "--sample")
      sample = value();
    else if (a == "--no-references")
      references = false;
    else if (a == "--cpu-time")
      cpu_time = true;
    else
      die("usage: cbs_cells_bench [--cells N] [--reps N] [--seed N] [--sample ALERT.xml] "
          "[--no-references] [--cpu-time]");
  }

  std::printf("# cbs_cells_bench\n\n");
  std::printf("machine: %s, %u hardware threads; load average (1, 5, 15 min) %s\n",
              cpu_model().c_str(), std::thread::hardware_concurrency(), loadavg().c_str());
  std::printf("build: %s; compiler %s; SQLite %s\n", CAPCAST_BENCH_BUILD, __VERSION__,
              sqlite3_libversion());
#ifndef NDEBUG
  std::printf("WARNING: built without NDEBUG: not a release build, the numbers mean nothing\n");
#endif

  // ---- The inventory.
  std::string csv = generate_csv(n, seed);
  long rss0 = rss_kb();
  auto t0 = Clock::now();
  auto loaded = CellInventory::parse(csv, "generated.csv");
  double load_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  if (!loaded.ok()) die(loaded.status().to_string());
  const CellInventory& inv = *loaded;
  size_t sectors = 0;
  for (const Cell& c : inv.cells())
    sectors += c.sector ? 1 : 0;
  std::printf(
      "\ninventory: %zu cells (%zu sectors, %zu circles), seed %#llx, %.1f MB of CSV; "
      "CellInventory::parse %.0f ms, +%.1f MB resident\n",
      inv.size(), sectors, inv.size() - sectors, static_cast<unsigned long long>(seed),
      static_cast<double>(csv.size()) / 1e6, load_ms, static_cast<double>(rss_kb() - rss0) / 1024);

  // ---- The R*Tree reference: the same boxes.
  sqlite3* db = nullptr;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) die("sqlite3_open");
  auto exec = [&](const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK)
      die(std::string(sql) + ": " + err);
  };
  exec("CREATE VIRTUAL TABLE cell_box USING rtree(id, min_lat, max_lat, min_lon, max_lon)");
  exec("BEGIN");
  sqlite3_stmt* ins = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO cell_box VALUES (?1, ?2, ?3, ?4, ?5)", -1, &ins, nullptr);
  t0 = Clock::now();
  for (size_t i = 0; i < inv.size(); ++i) {
    const geo::BBox& b = inv.coverage_box(i);
    if (b.crosses_antimeridian) die("a cell box crosses the antimeridian: not in this bench");
    sqlite3_bind_int64(ins, 1, static_cast<sqlite3_int64>(i));
    sqlite3_bind_double(ins, 2, b.min_lat);
    sqlite3_bind_double(ins, 3, b.max_lat);
    sqlite3_bind_double(ins, 4, b.min_lon);
    sqlite3_bind_double(ins, 5, b.max_lon);
    if (sqlite3_step(ins) != SQLITE_DONE) die(sqlite3_errmsg(db));
    sqlite3_reset(ins);
  }
  sqlite3_finalize(ins);
  exec("COMMIT");
  std::printf("R*Tree: %zu boxes inserted in %.0f ms\n", inv.size(),
              std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  sqlite3_stmt* query = nullptr;
  // R*Tree stores 32-bit floats rounded outwards, so its candidates are a superset.
  sqlite3_prepare_v2(db,
                     "SELECT id FROM cell_box WHERE max_lat >= ?1 AND min_lat <= ?2 AND "
                     "max_lon >= ?3 AND min_lon <= ?4",
                     -1, &query, nullptr);

  auto rtree = [&](const AlertShapes& shapes) {
    std::vector<CellId> out;
    auto one = [&](const geo::BBox& b, auto covers) {
      if (b.crosses_antimeridian) die("an area crosses the antimeridian: not in this bench");
      sqlite3_bind_double(query, 1, b.min_lat);
      sqlite3_bind_double(query, 2, b.max_lat);
      sqlite3_bind_double(query, 3, b.min_lon);
      sqlite3_bind_double(query, 4, b.max_lon);
      while (sqlite3_step(query) == SQLITE_ROW) {
        size_t i = static_cast<size_t>(sqlite3_column_int64(query, 0));
        if (covers(i)) out.push_back(inv.cells()[i].id);
      }
      sqlite3_reset(query);
    };
    for (const auto& p : shapes.polygons)
      one(p.bbox(), [&](size_t i) { return inv.covers(i, p); });
    for (const auto& c : shapes.circles)
      one(c.bbox(), [&](size_t i) { return inv.covers(i, c); });
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  };
  auto brute = [&](const AlertShapes& shapes) {
    std::vector<CellId> out;  // in cell order, which is CellId order
    for (size_t i = 0; i < inv.size(); ++i) {
      bool hit = false;
      for (const auto& p : shapes.polygons)
        if ((hit = inv.covers(i, p))) break;
      if (!hit)
        for (const auto& c : shapes.circles)
          if ((hit = inv.covers(i, c))) break;
      if (hit) out.push_back(inv.cells()[i].id);
    }
    return out;
  };

  // ---- The areas.
  std::vector<Case> cases;
  const double town_lat = 53.35, town_lon = -6.26;  // Dublin
  cases.push_back({"circle 1 km", circle_alert(town_lat, town_lon, 1), 0});
  cases.push_back({"circle 10 km", circle_alert(town_lat, town_lon, 10), 0});
  cases.push_back({"circle 150 km", circle_alert(53.4, -8.0, 150), 0});
  std::ifstream in(sample, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  auto parsed = cap::parse(bytes.str());
  if (!parsed.ok()) die(sample + ": " + parsed.status().to_string());
  const cap::Alert& real = parsed->alert;
  size_t total_pairs = 0, k = 0;
  for (const auto& info : real.infos) {
    for (const auto& area : info.areas) {
      for (const auto& poly : area.polygons) {
        cap::Alert one = real;
        one.infos.resize(1);
        one.infos[0].areas = {cap::Area{}};
        one.infos[0].areas[0].area_desc = area.area_desc;
        one.infos[0].areas[0].polygons = {poly};
        auto g = geo::parse_polygon(poly);
        size_t pairs = g.ok() ? g->ring.size() : 0;
        total_pairs += pairs;
        cases.push_back({"MeteoAlarm IE polygon " + std::to_string(++k), one, pairs});
      }
    }
  }
  cases.push_back({"MeteoAlarm IE alert (" + std::to_string(k) + " polygons)", real, total_pairs});

  std::printf("areas: circles around (%.2f, %.2f) and (53.40, -8.00); the polygons of %s\n",
              town_lat, town_lon, sample.c_str());
  std::printf("timing: %d interleaved rounds per area, each call timed alone (%s)\n\n", reps,
              cpu_time ? "the thread's CPU time" : "steady_clock");
  std::printf(
      "| area | pairs | cells | capcast select(alert) p50 / p99 | select(shapes) p50 / p99 "
      "| SQLite R*Tree + exact p50 / p99 | brute force p50 / p99 |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|\n");
  bool all_same = true;
  for (const Case& c : cases) {
    AlertShapes shapes = alert_shapes(c.alert);
    CellSelection ours = inv.select(c.alert);
    std::vector<CellId> ref = rtree(shapes), scan = brute(shapes);
    if (ours.cells != ref || ours.cells != scan) {
      std::printf("| %s | MISMATCH: capcast %zu, R*Tree %zu, brute force %zu cells |\n",
                  c.name.c_str(), ours.cells.size(), ref.size(), scan.size());
      all_same = false;
      continue;
    }
    std::vector<double> t_alert, t_shapes, t_rtree, t_brute;
    size_t sink = 0;
    auto thread_ms = [] {
      timespec t{};
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
      return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
    };
    auto time = [&](std::vector<double>& into, auto f) {
      if (cpu_time) {
        double a = thread_ms();
        sink += f();
        into.push_back(thread_ms() - a);
        return;
      }
      auto a = Clock::now();
      sink += f();
      into.push_back(std::chrono::duration<double, std::milli>(Clock::now() - a).count());
    };
    for (int r = 0; r < reps; ++r) {
      time(t_alert, [&] { return inv.select(c.alert).cells.size(); });
      time(t_shapes, [&] { return inv.select(shapes).cells.size(); });
      if (!references) continue;
      time(t_rtree, [&] { return rtree(shapes).size(); });
      time(t_brute, [&] { return brute(shapes).size(); });
    }
    if (sink != (references ? 4 : 2) * static_cast<size_t>(reps) * ours.cells.size())
      die("a timed call differed");
    if (!references) t_rtree = t_brute = {0};
    auto pa = percentiles(t_alert), ps = percentiles(t_shapes), pr = percentiles(t_rtree),
         pb = percentiles(t_brute);
    std::printf(
        "| %s | %zu | %zu | %.3f / %.3f ms | %.3f / %.3f ms | %.3f / %.3f ms | %.2f / "
        "%.2f ms |\n",
        c.name.c_str(), c.pairs, ours.cells.size(), pa[0], pa[1], ps[0], ps[1], pr[0], pr[1], pb[0],
        pb[1]);
  }
  sqlite3_finalize(query);
  sqlite3_close(db);
  std::printf("\n%s; load average after: %s\n",
              all_same ? "every area: capcast, the R*Tree and brute force selected the same cells"
                       : "MISMATCH: see the table",
              loadavg().c_str());
  return all_same ? 0 : 1;
}
