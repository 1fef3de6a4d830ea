// Internals of the nws-tsunami format: one NWS tsunami text product (the bulletins of the
// Pacific Tsunami Warning Center, PHEB, and the National Tsunami Warning Center, PAAQ) as read
// from its text: the WMO abbreviated heading, the AWIPS id, the UGC line, the product's title,
// centre and issue time, and the earthquake it is about. Plain data and pure functions;
// thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capcast/core/result.h"

namespace capcast::ingest::nws_tsunami {

// What the product is, from its title line (see kind_of in product.cpp).
enum class Kind {
  kWarning,
  kAdvisory,
  kWatch,
  kThreat,
  kCancellation,
  kInformation,
  kTest,
  kOther
};

// The earthquake a product is about ("AN EARTHQUAKE HAS OCCURRED WITH THESE PRELIMINARY
// PARAMETERS"). The text gives the origin time to the minute and the epicentre to 0.1 degree.
struct Origin {
  int64_t time_ms = 0;  // UTC
  double lat = 0, lon = 0;
  std::optional<double> depth_km;
  std::optional<double> magnitude;
  std::string magnitude_type;  // "MW" when the line says "7.1 MW"; often absent
  std::string location;        // "70 MILES N OF HILO HAWAII"
};

struct Product {
  // WMO abbreviated heading (WMO-No. 386, Manual on the GTS, Part II §2.3.2): TTAAii CCCC YYGGgg
  // and an optional BBB (RRx delayed, CCx correction, AAx amendment).
  std::string ttaaii, cccc, yygggg, bbb;
  std::string awips_id;             // NNNXXX, the line after the heading (NWS Directive 10-1701)
  std::vector<std::string> ugcs;    // UGC codes, ranges expanded (NWS Directive 10-1702)
  std::optional<int64_t> purge_ms;  // the UGC line's expiry (DDHHMM), UTC
  std::string title;                // "TSUNAMI SEISMIC INFORMATION STATEMENT NUMBER 1"
  std::string centre;               // "NWS PACIFIC TSUNAMI WARNING CENTER EWA BEACH HI"
  std::string issued_by;            // "NWS NATIONAL TSUNAMI WARNING CENTER PALMER AK", if any
  int64_t issued_ms = 0;            // the issuance line, UTC
  Kind kind = Kind::kOther;
  bool test = false;  // a test message: not a real event
  std::optional<Origin> origin;
  std::string text;  // the product from its heading to "$$", lines joined by '\n'
};

// Reads one product. The error says what is missing or wrong and on which line (1-based, of
// `text` as given).
Result<Product> parse_product(std::string_view text);

// "1122 PM HST THU MAR 31 2016", "1116 PM HST 31 MAR 2016", "2230 UTC TUE AUG 5 2014",
// "0922Z 01 APR 2016": ms since 1970 (UTC), or nullopt with why. Zones: UTC/GMT/Z and the US
// zones of the tsunami centres' areas (HST, AKST/AKDT, PST/PDT, MST/MDT, CST/CDT, EST/EDT, AST,
// ChST, SST).
std::optional<int64_t> parse_time_line(std::string_view line, std::string* why = nullptr);

// "HIZ001>003-005-011052-": the UGC codes (ranges expanded, at most `max_codes`), and the
// expiry DDHHMM (interpreted as the first such time after `issued_ms`); false when malformed.
bool parse_ugc(std::string_view line, int64_t issued_ms, std::vector<std::string>& codes,
               std::optional<int64_t>& purge_ms, size_t max_codes = 2000);

}  // namespace capcast::ingest::nws_tsunami
