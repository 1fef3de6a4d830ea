// `capcast sms subscribers import|list|remove`: the people SMS channels reach by location
// (dispatch/targeting.h), kept in the configured store with their numbers sealed under
// [privacy] key (store/sealer.h).
//
// The import file is CSV (RFC 4180: a header row, fields separated by commas, a field in double
// quotes may hold commas and doubled quotes). Columns, in any order, `number` required:
//   number     E.164 (+254700000001) or a national number
//   languages  RFC 5646 tags, most preferred first, separated by ';' (e.g. "sw;en")
//   lat, lon   home location, WGS 84 decimal degrees (both or neither)
//   geocodes   registered areas as CAP <geocode>s, NAME=value, separated by ';'
//   channels   channel names to be reached on, separated by ';' (empty: any)
// A row with a mistake is reported (file, line, column, what) and skipped; the other rows are
// imported, in one transaction per 10,000 rows. Numbers are masked in every message.
#include <cmath>
#include <fstream>
#include <iostream>

#include "app_schema.h"
#include "capcast/config/config.h"
#include "capcast/core/redact.h"
#include "capcast/store/store.h"
#include "commands.h"
#include "privacy.h"

namespace capcast::app {
namespace {

// One CSV record (RFC 4180 §2): fields, or an error. Reads further lines for a quoted field
// with line breaks; `line` counts the lines read.
std::optional<std::vector<std::string>> read_record(std::istream& in, size_t& line,
                                                    std::string* error) {
  std::string text;
  if (!std::getline(in, text)) return std::nullopt;
  ++line;
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0;; ++i) {
    if (i == text.size()) {
      if (!quoted) break;
      std::string more;
      if (!std::getline(in, more)) {
        *error = "a quoted field is not closed";
        return std::vector<std::string>{};
      }
      ++line;
      text += "\n" + more;
    }
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"' && fields.back().empty()) {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r' || i + 1 != text.size()) {
      fields.back() += c;
    }
  }
  return fields;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(';', start);
    if (end == std::string::npos) end = s.size();
    std::string item = s.substr(start, end - start);
    while (!item.empty() && item.front() == ' ')
      item.erase(0, 1);
    while (!item.empty() && item.back() == ' ')
      item.pop_back();
    if (!item.empty()) out.push_back(item);
    start = end + 1;
  }
  return out;
}

std::optional<double> parse_degrees(const std::string& s, double limit) {
  try {
    size_t used = 0;
    double v = std::stod(s, &used);
    if (used != s.size() || !std::isfinite(v) || std::fabs(v) > limit) return std::nullopt;
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// RFC 5646 §2.1, loosely: alphanumeric subtags of 1 to 8 characters joined by '-'.
bool plausible_language(const std::string& tag) {
  size_t run = 0;
  for (char c : tag) {
    if (c == '-') {
      if (run == 0) return false;
      run = 0;
    } else if (std::isalnum(static_cast<unsigned char>(c))) {
      if (++run > 8) return false;
    } else {
      return false;
    }
  }
  return run > 0;
}

struct Opened {
  std::unique_ptr<store::Store> store;
  int rc = kExitOk;
};

Opened open_store(const std::string& config_path, const char* what) {
  Opened out;
  auto doc = config_path.empty() ? config::load_string("", "(defaults)", schema())
                                 : config::load_file(config_path, schema());
  if (!doc.ok()) {
    std::cerr << "capcast sms subscribers " << what << ": configuration rejected:\n"
              << doc.status().message() << "\n";
    out.rc = kExitUsage;
    return out;
  }
  auto sealer = configured_sealer(*doc);
  if (!sealer.ok() || !*sealer) {
    std::cerr << "capcast sms subscribers " << what << ": "
              << (sealer.ok() ? "needs [privacy] key (or key_file): phone numbers are never "
                                "stored in clear; `capcast keygen` makes a key"
                              : sealer.status().message())
              << "\n";
    out.rc = kExitUsage;
    return out;
  }
  auto path = doc->resolve_path(doc->section("store").get_string("path"));
  auto st = store::open_sqlite(path, *sealer);
  if (!st.ok()) {
    std::cerr << "capcast sms subscribers " << what << ": " << st.status().message() << "\n";
    out.rc = kExitUsage;
    return out;
  }
  out.store = std::move(*st);
  return out;
}

}  // namespace

int subscribers_import_command(const std::string& config_path, const std::string& file) {
  auto opened = open_store(config_path, "import");
  if (!opened.store) return opened.rc;
  std::ifstream in(file);
  if (!in) {
    std::cerr << "capcast sms subscribers import: " << file << ": cannot read the file\n";
    return kExitUsage;
  }
  size_t line = 0;
  std::string error;
  auto header = read_record(in, line, &error);
  if (!header || !error.empty()) {
    std::cerr << file << ":1: no header row (number,languages,lat,lon,geocodes,channels)\n";
    return kExitFailed;
  }
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < header->size(); ++i) {
    std::string name = (*header)[i];
    if (name != "number" && name != "languages" && name != "lat" && name != "lon" &&
        name != "geocodes" && name != "channels") {
      std::cerr << file << ":1: column '" << name
                << "' is not one of number, languages, lat, lon, geocodes, channels\n";
      return kExitFailed;
    }
    col[name] = i;
  }
  if (!col.count("number")) {
    std::cerr << file << ":1: no 'number' column\n";
    return kExitFailed;
  }
  if (col.count("lat") != col.count("lon")) {
    std::cerr << file << ":1: 'lat' and 'lon' go together\n";
    return kExitFailed;
  }
  size_t imported = 0, rejected = 0;
  std::vector<store::Subscriber> batch;
  auto flush = [&]() -> bool {
    if (batch.empty()) return true;
    auto n = opened.store->upsert_subscribers(batch);
    if (!n.ok()) {
      std::cerr << "capcast sms subscribers import: " << n.status().message() << "\n";
      return false;
    }
    imported += static_cast<size_t>(*n);
    batch.clear();
    return true;
  };
  while (true) {
    error.clear();
    auto rec = read_record(in, line, &error);
    if (!rec) break;
    auto reject = [&](const std::string& column, const std::string& what) {
      std::cerr << file << ":" << line << ": column '" << column << "': " << what << "\n";
      ++rejected;
    };
    if (!error.empty()) {
      reject("?", error);
      continue;
    }
    if (rec->size() == 1 && rec->front().empty()) continue;  // a blank line
    if (rec->size() != header->size()) {
      reject("*", std::to_string(rec->size()) + " fields, the header has " +
                      std::to_string(header->size()));
      continue;
    }
    auto field = [&](const char* name) {
      return col.count(name) ? (*rec)[col[name]] : std::string();
    };
    store::Subscriber s;
    s.number = field("number");
    if (auto st = check_number(s.number); !st.ok()) {
      reject("number", mask_msisdn(s.number) + ": not a phone number");
      continue;
    }
    s.languages = split_list(field("languages"));
    if (auto bad = std::find_if_not(s.languages.begin(), s.languages.end(), plausible_language);
        bad != s.languages.end()) {
      reject("languages", "'" + *bad + "' is not a language tag (RFC 5646, e.g. sw or en-KE)");
      continue;
    }
    std::string lat = field("lat"), lon = field("lon");
    if (!lat.empty() || !lon.empty()) {
      s.lat = parse_degrees(lat, 90);
      s.lon = parse_degrees(lon, 180);
      if (!s.lat) {
        reject("lat", "'" + lat + "' is not a latitude in [-90, 90]");
        continue;
      }
      if (!s.lon) {
        reject("lon", "'" + lon + "' is not a longitude in [-180, 180]");
        continue;
      }
    }
    s.geocodes = split_list(field("geocodes"));
    if (auto bad = std::find_if(s.geocodes.begin(), s.geocodes.end(),
                                [](const std::string& g) {
                                  auto eq = g.find('=');
                                  return eq == std::string::npos || eq == 0 || eq + 1 == g.size();
                                });
        bad != s.geocodes.end()) {
      reject("geocodes", "'" + *bad + "' is not NAME=value (a CAP <geocode>, e.g. FIPS6=006037)");
      continue;
    }
    s.channels = split_list(field("channels"));
    if (!s.lat && s.geocodes.empty()) {
      reject("lat", "neither a location nor a geocode: no alert could reach this subscriber");
      continue;
    }
    batch.push_back(std::move(s));
    if (batch.size() >= 10'000 && !flush()) return kExitFailed;
  }
  if (!flush()) return kExitFailed;
  std::cout << file << ": " << imported << " subscriber(s) imported"
            << (rejected ? ", " + std::to_string(rejected) + " row(s) rejected" : "") << "\n";
  return rejected ? kExitFailed : kExitOk;
}

int subscribers_list_command(const std::string& config_path, int limit) {
  auto opened = open_store(config_path, "list");
  if (!opened.store) return opened.rc;
  auto subs = opened.store->list_subscribers(limit, 0);
  if (!subs.ok()) {
    std::cerr << "capcast sms subscribers list: " << subs.status().message() << "\n";
    return kExitFailed;
  }
  auto join = [](const std::vector<std::string>& v) {
    std::string out;
    for (const auto& x : v)
      out += (out.empty() ? "" : ";") + x;
    return out.empty() ? std::string("-") : out;
  };
  for (const auto& s : *subs) {
    char where[64] = "-";
    if (s.lat && s.lon) std::snprintf(where, sizeof where, "%.5f,%.5f", *s.lat, *s.lon);
    std::cout << s.masked << "  languages " << join(s.languages) << "  at " << where << "  areas "
              << join(s.geocodes) << "  channels " << join(s.channels) << "\n";
  }
  std::cout << subs->size() << " subscriber(s)"
            << (static_cast<int>(subs->size()) == limit
                    ? " (the first " + std::to_string(limit) + "; --limit shows more)"
                    : "")
            << "\n";
  return kExitOk;
}

int subscribers_remove_command(const std::string& config_path, const std::string& number) {
  auto opened = open_store(config_path, "remove");
  if (!opened.store) return opened.rc;
  auto removed = opened.store->remove_subscriber(number);
  if (!removed.ok()) {
    std::cerr << "capcast sms subscribers remove: " << removed.status().message() << "\n";
    return kExitFailed;
  }
  std::cout << mask_msisdn(number) << (*removed ? ": removed" : ": no such subscriber") << "\n";
  return *removed ? kExitOk : kExitFailed;
}

}  // namespace capcast::app
