// Loading the cell inventory (cells.h): the CSV reader, the per-field rules and the errors. The
// index is in cells_index.cpp, the shortcut in cells_classify.cpp, the selection in
// cells_select.cpp.
#include "cbs/cells.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

namespace capcast::dispatch::cbs {

namespace {

namespace geo = cap::geo;

enum Column { kName, kMcc, kMnc, kLac, kCi, kLat, kLon, kRadius, kSector, kGeocodes, kColumns };
constexpr std::array<std::string_view, kColumns> kColumnNames = {
    "name", "mcc", "mnc", "lac", "ci", "lat", "lon", "radius_km", "sector", "geocodes"};
constexpr size_t kRequired = kSector;  // the columns before this one are required

struct Field {
  std::string text;
  size_t column = 1;  // 1-based byte column where the field starts
};

// Collects "source:line:column: message" errors; lists them by line, at most kMaxLoadErrors.
class Errors {
 public:
  explicit Errors(std::string_view source) : source_(source) {}
  void add(size_t line, size_t column, std::string message) {
    all_.push_back({line, column, std::move(message)});
  }
  size_t count() const { return all_.size(); }
  Status status() {
    std::stable_sort(all_.begin(), all_.end(),
                     [](const Error& a, const Error& b) { return a.line < b.line; });
    std::string text;
    for (size_t i = 0; i < all_.size() && i < kMaxLoadErrors; ++i) {
      if (i > 0) text += '\n';
      text += source_ + ":" + std::to_string(all_[i].line) + ":" + std::to_string(all_[i].column) +
              ": " + all_[i].message;
    }
    if (all_.size() > kMaxLoadErrors)
      text +=
          "\n" + source_ + ": and " + std::to_string(all_.size() - kMaxLoadErrors) + " more errors";
    return invalid_argument(text);
  }

 private:
  struct Error {
    size_t line, column;
    std::string message;
  };
  std::string source_;
  std::vector<Error> all_;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// Splits one line into RFC 4180 fields: unquoted (surrounding blanks trimmed) or in double quotes
// with "" for a quote. A field cannot span lines. Returns the 1-based column of a defect, or 0.
size_t split_fields(std::string_view line, std::vector<Field>& out, std::string* why) {
  out.clear();
  size_t i = 0;
  for (;;) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
      ++i;
    Field f;
    f.column = i + 1;
    if (i < line.size() && line[i] == '"') {
      for (++i;; ++i) {
        if (i >= line.size()) {
          *why = "quoted field not closed on this line";
          return f.column;
        }
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            f.text += '"';
            ++i;
            continue;
          }
          ++i;
          break;
        }
        f.text += line[i];
      }
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
        ++i;
      if (i < line.size() && line[i] != ',') {
        *why = "text after a closing quote (RFC 4180 §2)";
        return i + 1;
      }
    } else {
      size_t end = line.find(',', i);
      if (end == std::string_view::npos) end = line.size();
      std::string_view raw = line.substr(i, end - i);
      if (raw.find('"') != std::string_view::npos) {
        *why = "a quote inside an unquoted field (RFC 4180 §2)";
        return i + 1 + raw.find('"');
      }
      f.text = std::string(trim(raw));
      i = end;
    }
    out.push_back(std::move(f));
    if (i >= line.size()) return 0;
    ++i;  // the comma
  }
}

std::string quoted(std::string_view s) {
  return "\"" + std::string(s.substr(0, 40)) + (s.size() > 40 ? "...\"" : "\"");
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A decimal integer in [0, max]; an error message otherwise.
std::optional<std::string> parse_uint(std::string_view s, uint64_t max, uint64_t* out) {
  if (!all_digits(s) || s.size() > 12) return "not a decimal number";
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  if (ec != std::errc() || end != s.data() + s.size()) return "not a decimal number";
  if (*out > max) return "out of range [0, " + std::to_string(max) + "]";
  return std::nullopt;
}

std::optional<std::string> parse_real(std::string_view s, double* out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || !std::isfinite(*out))
    return "not a decimal number";
  return std::nullopt;
}

struct Row {
  Cell cell;
  size_t line = 0;
};

// The cell of one data line, or false after adding its errors.
bool parse_row(const std::vector<Field>& fields, const std::array<int, kColumns>& at, size_t line,
               Errors& errors, Cell& cell) {
  size_t before = errors.count();
  // A column the header has (every required one does).
  auto field = [&](Column c) -> const Field& { return fields[static_cast<size_t>(at[c])]; };
  auto present = [&](Column c) -> const Field* { return at[c] < 0 ? nullptr : &field(c); };
  auto fail = [&](Column c, const std::string& message) {
    const Field& f = field(c);
    errors.add(line, f.column,
               std::string(kColumnNames[c]) + " " + quoted(f.text) + ": " + message);
  };
  auto number = [&](Column c, uint64_t max, const char* rule) -> uint64_t {
    uint64_t v = 0;
    if (auto e = parse_uint(field(c).text, max, &v)) fail(c, *e + rule);
    return v;
  };

  cell.name = field(kName).text;
  if (cell.name.empty()) fail(kName, "empty: every cell needs a name");
  const std::string& mcc = field(kMcc).text;
  if (!all_digits(mcc) || mcc.size() != 3)
    fail(kMcc, "not 3 decimal digits (3GPP TS 23.003 §2.2)");
  else
    cell.id.mcc = static_cast<uint16_t>(std::stoi(mcc));
  const std::string& mnc = field(kMnc).text;
  if (!all_digits(mnc) || (mnc.size() != 2 && mnc.size() != 3)) {
    fail(kMnc, "not 2 or 3 decimal digits (3GPP TS 23.003 §2.2)");
  } else {
    cell.id.mnc = static_cast<uint16_t>(std::stoi(mnc));
    cell.id.mnc_3_digits = mnc.size() == 3;
  }
  // LAC 16 bits (TS 23.003 §4.1), TAC up to 24 bits (5GS, §19.4.2.3).
  cell.id.lac = static_cast<uint32_t>(number(kLac, 0xFFFFFF, " (a LAC or TAC, 3GPP TS 23.003)"));
  // CI 16 bits (§4.3.1), E-UTRAN cell identity 28 bits (§19.6).
  cell.id.ci = static_cast<uint32_t>(number(kCi, 0xFFFFFFF, " (a CI or ECI, 3GPP TS 23.003)"));

  if (auto e = parse_real(field(kLat).text, &cell.site.lat))
    fail(kLat, *e);
  else if (cell.site.lat < -90 || cell.site.lat > 90)
    fail(kLat, "latitude out of range [-90, 90]");
  if (auto e = parse_real(field(kLon).text, &cell.site.lon))
    fail(kLon, *e);
  else if (cell.site.lon < -180 || cell.site.lon > 180)
    fail(kLon, "longitude out of range [-180, 180]");

  const Field* sector = present(kSector);
  if (sector != nullptr && !sector->text.empty()) {
    auto polygon = geo::parse_polygon(sector->text);
    if (!polygon.ok()) {
      fail(kSector, polygon.status().message() + " (CAP 1.2 §3.2.4)");
    } else if (auto check = geo::check_polygon(*polygon); !check.ok()) {
      fail(kSector, check.message + " (CAP 1.2 §3.2.4)");
    } else {
      cell.sector = std::move(*polygon);
    }
  }
  const std::string& radius = field(kRadius).text;
  if (!(radius.empty() && sector != nullptr && !sector->text.empty())) {
    if (auto e = parse_real(radius, &cell.radius_km))
      fail(kRadius, *e + (radius.empty() ? " (empty is allowed only with a sector)" : ""));
    else if (cell.radius_km <= 0 || cell.radius_km > kMaxRadiusKm)
      fail(kRadius, "coverage radius out of range (0, " +
                        std::to_string(static_cast<int>(kMaxRadiusKm)) + "] km");
  }
  if (cell.sector) cell.radius_km = 0;

  if (const Field* g = present(kGeocodes); g != nullptr && !g->text.empty()) {
    std::string_view rest = g->text;
    for (size_t n = 1; !rest.empty() || n == 1; ++n) {
      size_t semi = rest.find(';');
      std::string_view item = trim(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      size_t eq = item.find('=');
      if (eq == std::string_view::npos || eq == 0 || trim(item.substr(eq + 1)).empty()) {
        fail(kGeocodes, "item " + std::to_string(n) + " " + quoted(item) + ": not NAME=VALUE");
        break;
      }
      cell.geocodes.push_back(std::string(trim(item.substr(0, eq))) + "=" +
                              std::string(trim(item.substr(eq + 1))));
    }
    std::sort(cell.geocodes.begin(), cell.geocodes.end());
    cell.geocodes.erase(std::unique(cell.geocodes.begin(), cell.geocodes.end()),
                        cell.geocodes.end());
  }
  return errors.count() == before;
}

std::string describe(const CellId& id) {
  std::string mnc = std::to_string(id.mnc);
  while (mnc.size() < (id.mnc_3_digits ? 3u : 2u))
    mnc.insert(0, "0");
  return std::to_string(id.mcc) + "-" + mnc + "-" + std::to_string(id.lac) + "-" +
         std::to_string(id.ci);
}

}  // namespace

Result<CellInventory> CellInventory::parse(std::string_view csv, std::string_view source) {
  Errors errors(source);
  if (csv.substr(0, 3) == "\xEF\xBB\xBF") csv.remove_prefix(3);  // a UTF-8 byte order mark
  std::array<int, kColumns> at;
  at.fill(-1);
  bool have_header = false;
  size_t header_fields = 0;
  std::vector<Field> fields;
  std::vector<Row> rows;
  std::string why;

  size_t line_no = 0;
  while (!csv.empty()) {
    size_t nl = csv.find('\n');
    std::string_view line = csv.substr(0, nl);
    csv = nl == std::string_view::npos ? std::string_view() : csv.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trim(line).empty() || trim(line).front() == '#') continue;
    if (size_t col = split_fields(line, fields, &why)) {
      errors.add(line_no, col, why);
      continue;
    }
    if (!have_header) {
      have_header = true;
      header_fields = fields.size();
      for (size_t i = 0; i < fields.size(); ++i) {
        auto it = std::find(kColumnNames.begin(), kColumnNames.end(), fields[i].text);
        if (it == kColumnNames.end()) {
          errors.add(line_no, fields[i].column,
                     "unknown column " + quoted(fields[i].text) +
                         " (columns: name, mcc, mnc, lac, ci, lat, lon, radius_km, sector, "
                         "geocodes)");
        } else if (at[static_cast<size_t>(it - kColumnNames.begin())] >= 0) {
          errors.add(line_no, fields[i].column, "column " + quoted(fields[i].text) + " twice");
        } else {
          at[static_cast<size_t>(it - kColumnNames.begin())] = static_cast<int>(i);
        }
      }
      for (size_t c = 0; c < kRequired; ++c)
        if (at[c] < 0)
          errors.add(line_no, 1,
                     "the header has no column " + quoted(kColumnNames[c]) + ", which is required");
      if (errors.count() > 0) return errors.status();  // rows cannot be read without it
      continue;
    }
    if (fields.size() != header_fields) {
      errors.add(line_no, 1,
                 std::to_string(fields.size()) + " fields, but the header has " +
                     std::to_string(header_fields) + " (a sector must be quoted: \"lat,lon ...\")");
      continue;
    }
    Row row;
    row.line = line_no;
    if (parse_row(fields, at, line_no, errors, row.cell)) rows.push_back(std::move(row));
  }
  if (!have_header) errors.add(line_no == 0 ? 1 : line_no, 1, "no header line");
  if (errors.count() == 0 && rows.empty()) errors.add(line_no, 1, "no cells");

  // Duplicates: the same CellId twice cannot be told apart by the network.
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Row& a, const Row& b) { return a.cell.id < b.cell.id; });
  for (size_t i = 1; i < rows.size(); ++i) {
    if (rows[i].cell.id == rows[i - 1].cell.id) {
      size_t first = i - 1;
      while (first > 0 && rows[first - 1].cell.id == rows[i].cell.id)
        --first;
      errors.add(rows[i].line, 1,
                 "duplicate cell " + describe(rows[i].cell.id) +
                     " (MCC-MNC-LAC-CI), first on line " + std::to_string(rows[first].line));
    }
  }
  if (errors.count() > 0) return errors.status();

  CellInventory inventory;
  inventory.cells_.reserve(rows.size());
  for (Row& r : rows)
    inventory.cells_.push_back(std::move(r.cell));
  inventory.build_index();
  return inventory;
}

Result<CellInventory> CellInventory::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error(path + ": cannot open the cell inventory");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return io_error(path + ": cannot read the cell inventory");
  return parse(text.str(), path);
}

}  // namespace capcast::dispatch::cbs
