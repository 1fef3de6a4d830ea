// The cell inventory for cell broadcast (issue 7, "Target cells"): every cell an operator can
// broadcast to, with where it covers, loaded from a CSV file; and the selection of the cells an
// alert reaches: those whose coverage meets any <polygon> or <circle> of any <area> of any <info>
// (CAP 1.2 §3.2.4: the union), plus those registered under one of the alert's <geocode>s.
//
// The inventory file (RFC 4180 CSV, UTF-8): a header line naming the columns, in any order:
//   name       the operator's name for the cell (non-empty)
//   mcc        3 digits (3GPP TS 23.003 §2.2)
//   mnc        2 or 3 digits as written: "01" and "001" are different (TS 23.003 §2.2)
//   lac        LAC (16 bits, TS 23.003 §4.1) or TAC (up to 24 bits, TS 23.003 §19.4.2.3), decimal
//   ci         CI (16 bits, TS 23.003 §4.3.1) or E-UTRAN cell identity (28 bits, §19.6), decimal
//   lat, lon   the site, WGS-84 decimal degrees
//   radius_km  the coverage: a circle of this radius (km, > 0, at most kMaxRadiusKm) around the
//              site; may be empty when the row has a sector
//   sector     optional: a polygon "lat,lon lat,lon ..." written as in CAP (CAP 1.2 §3.2.4, so
//              quoted in the CSV); when present it is the coverage instead of the circle
//   geocodes   optional: "NAME=VALUE;NAME=VALUE", e.g. "EMMA_ID=IE004;FIPS=EI30": the alert's
//              <geocode>s (valueName, value) that select this cell
// Empty lines and lines starting with '#' are skipped. One bad line makes the whole load fail
// (an operator must fix the inventory); the error lists every bad field, "file:line:column: ...".
//
// Geometry is that of cap/geometry.h (plate-carrée polygon edges, great-circle circles, touching
// counts as meeting, antimeridian-safe). Pure apart from CellInventory::load, which reads a file.
// Thread-safe: an inventory is immutable once built; any number of threads may select at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capcast/cap/geometry.h"
#include "capcast/cap/model.h"
#include "capcast/core/result.h"
#include "cbs/broadcast.h"

namespace capcast::dispatch::cbs {

// A larger radius is a region, not a cell: most likely a unit error (metres for km).
inline constexpr double kMaxRadiusKm = 1000;
// At most this many errors are listed when a load fails; the rest are counted.
inline constexpr size_t kMaxLoadErrors = 50;

struct Cell {
  std::string name;
  CellId id;
  cap::geo::Point site;
  double radius_km = 0;                     // 0 when the sector is the coverage
  std::optional<cap::geo::Polygon> sector;  // as written, closing pair included
  std::vector<std::string> geocodes;        // "NAME=VALUE", sorted, unique
};

// The alert's geometry and geocodes, prepared once per selection. Areas whose geometry does not
// parse are skipped here, as targeting.h does (validation reports them).
struct AlertShapes {
  std::vector<cap::geo::PreparedPolygon> polygons;  // of every <area> of every <info>
  std::vector<cap::geo::PreparedCircle> circles;
  std::vector<std::string> geocodes;  // "valueName=value", sorted, unique
  size_t areas = 0;                   // <area>s seen
  size_t areas_without_geometry = 0;  // with no usable <polygon> or <circle> (geocodes only,
                                      // degenerate, or not parsable)
  size_t areas_unparsable = 0;        // of those, the ones whose geometry did not parse
};
AlertShapes alert_shapes(const cap::Alert& alert);

struct CellSelection {
  std::vector<CellId> cells;  // sorted, unique
  size_t by_geometry = 0;     // cells whose coverage meets a polygon or circle
  size_t by_geocode = 0;      // cells registered under one of the alert's geocodes
  size_t areas = 0;           // as in AlertShapes
  size_t areas_without_geometry = 0;
  size_t areas_unparsable = 0;
};

class CellInventory {
 public:
  // Parses inventory text; `source` names it in errors ("cells.csv:7:12: ..."). Errors are
  // kInvalidArgument, one line per bad field (at most kMaxLoadErrors, then how many more).
  static Result<CellInventory> parse(std::string_view csv, std::string_view source);
  // Reads the file at `path` (kIoError when it cannot) and parses it, naming it by `path`.
  static Result<CellInventory> load(const std::string& path);

  // The cells the alert reaches. Cost: per shape, the squares (grid buckets cut 2 x 2) under
  // its box and a ring of buckets around it classified once (inside the shape, outside it, or
  // near its edge), then each cell listed under the box visited once: settled by that
  // classification where it is sure, else by the exact test (about 1 us per cell;
  // docs/BENCHMARKS.md). The result is the exact test's. Allocates the result, a bitmap over the
  // cells, 3 bytes per classified square (and AlertShapes, in the first overload), nothing per
  // cell.
  CellSelection select(const cap::Alert& alert) const;
  CellSelection select(const AlertShapes& shapes) const;

  // The cells, sorted by CellId; indexes below are into this.
  const std::vector<Cell>& cells() const { return cells_; }
  size_t size() const { return cells_.size(); }
  // The box around the coverage of cells()[i].
  const cap::geo::BBox& coverage_box(size_t i) const { return boxes_[i]; }
  // Whether the coverage of cells()[i] meets the shape: the exact test select() applies to the
  // candidates its index finds (exposed for references that find candidates their own way).
  bool covers(size_t i, const cap::geo::PreparedPolygon& polygon) const;
  bool covers(size_t i, const cap::geo::PreparedCircle& circle) const;

 private:
  CellInventory() = default;
  void build_index();                 // cells_index.cpp
  uint32_t row_of(double lat) const;  // the grid row of a latitude, clamped to the grid
  uint32_t col_of(double x) const;    // the grid column of x (degrees east of lon0), clamped
  // The shortcut classifies "squares", a finer grid: each bucket cut into fine x fine.
  uint32_t square_row(double lat) const;  // as row_of, in squares
  uint32_t square_col(double x) const;    // as col_of, in squares
  double lat_at(uint32_t row) const;      // the south edge of a row of squares
  double x_at(uint32_t col) const;        // the west edge of a column of squares, as x
  // Whether the box [lat0, lat1] x [lon, lon + width] lies in the squares of rows ra..rb and
  // columns ca..cb (ca <= cb), give or take half the shortcut's margin.
  bool in_squares(double lat0, double lat1, double lon, double width, uint32_t ra, uint32_t rb,
                  uint32_t ca, uint32_t cb) const;

  // The shortcut past the exact test (cells_shortcut.h, cells_classify.cpp): the buckets around
  // one query shape, each classified inside it, outside it, or neither.
  struct Squares;
  void classify(const cap::geo::PreparedPolygon& polygon, Squares& squares) const;
  void classify(const cap::geo::PreparedCircle& circle, Squares& squares) const;
  // What the classification alone shows for the cell in slot s: its coverage meets the shape
  // (1), does not (0), or nothing (-1: the exact test decides).
  int settled(uint32_t s, const Squares& squares) const;
  // Sets in `hits` (a bitmap over cells()) the cells whose coverage meets `shape` (a
  // PreparedPolygon or PreparedCircle). cells_select.cpp.
  template <typename Shape>
  void select_shape(const Shape& shape, std::vector<uint64_t>& hits) const;
  template <typename Shape>
  bool covers_slot(uint32_t s, const Shape& shape) const;

  std::vector<Cell> cells_;
  std::vector<CellId> ids_;  // cells_[i].id, packed: a selection reads out tens of thousands
  std::vector<cap::geo::BBox> boxes_;
  std::vector<std::pair<std::string, uint32_t>> by_geocode_;  // ("NAME=VALUE", cell), sorted

  // The cells again, in grid order ("slots"): by the first bucket of their box, row-major, so
  // that the cells whose box starts in a run of buckets of one row are one run of slots, and a
  // query reads them, their facts and their geometry from consecutive memory.
  struct Slot {
    uint32_t cell = 0;      // index into cells_
    uint32_t coverage = 0;  // index into sectors_ (with kSectorBit) or circles_
    // The buckets of its box: rows row0..row1, columns col0..col1 (col1 < col0: the box wraps
    // past x = 360 to column 0).
    uint32_t row0 = 0, row1 = 0, col0 = 0, col1 = 0;
    // For the shortcut, in squares: the square (row * square columns + col) of its anchor, the
    // point its exact test against a polygon tests first (the circle's centre, the sector's
    // first pair), or kNoAnchor when that point is not surely in it; and the squares of its box,
    // rows srow0..srow1, columns scol0..scol1, when box_in_squares. Checked with in_squares,
    // not assumed.
    uint32_t anchor = 0;
    uint32_t srow0 = 0, srow1 = 0, scol0 = 0, scol1 = 0;
    bool box_in_squares = false;
  };
  static constexpr uint32_t kSectorBit = 0x80000000u;
  static constexpr uint32_t kNoAnchor = 0xFFFFFFFFu;
  std::vector<Slot> slots_;
  std::vector<uint32_t> slot_of_;  // per cell
  std::vector<cap::geo::PreparedPolygon> sectors_;
  std::vector<cap::geo::PreparedCircle> circles_;
  // Per sector, the direction of each edge (cells_classify.cpp, kDirectionBins): sector k's
  // are directions_[direction_start_[k] .. direction_start_[k + 1]).
  std::vector<uint32_t> direction_start_;
  std::vector<uint16_t> directions_;
  // Per sector, the squares of its pairs after the first, where surely in them (in_squares):
  // sector k's are vertex_squares_[vertex_start_[k] .. vertex_start_[k + 1]).
  std::vector<uint32_t> vertex_start_;
  std::vector<uint32_t> vertex_squares_;

  // A uniform grid over the inventory's extent. Longitudes are measured as x = the distance
  // east of lon0 (mod 360), lon0 being the east end of the widest longitude gap between cells,
  // so that no cell box wraps within [0, width] unless the cells circle the globe (width 360).
  struct Grid {
    double lon0 = -180, width = 360, min_lat = -90, height = 180;
    double col_inv = 0, row_inv = 0;  // buckets per degree
    uint32_t cols = 1, rows = 1;
    // Squares per bucket side, and the squares' rows, columns and squares per degree.
    uint32_t fine = 1, square_rows = 1, square_cols = 1;
    double square_col_inv = 0, square_row_inv = 0;
    // Every bucket lists the slots whose box overlaps it: entries[start[b] .. start[b + 1]).
    std::vector<uint32_t> start, entries;
    // The slots whose box starts in bucket b: home[b] .. home[b + 1].
    std::vector<uint32_t> home;
  } grid_;
};

}  // namespace capcast::dispatch::cbs
