// What one cell broadcast message is, independent of how it reaches the network: the 3GPP
// TS 23.041 message identifier, serial number, data coding scheme and 82-octet pages, the cells
// it goes to, and the operation (write, replace, kill). The mapping from CAP (plan.h) produces
// these; each transport (CBSP to a BSC, a CBC's REST API) turns them into its own requests.
// Plain data, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace capcast::dispatch::cbs {

using Bytes = std::vector<uint8_t>;

inline constexpr size_t kPageOctets =
    82;  // TS 23.041 §9.4.1.2.2, §9.3.19 (CBS-Message-Information-Page)
inline constexpr size_t kMaxPages = 15;  // TS 23.041 §9.4.1.2.4: 4-bit page count

// TS 23.041 §9.4.1.2.1 Serial Number, bits 15-14: the geographical scope, which also tells the
// handset over which area two messages with the same serial are the same message.
enum class GeoScope : uint8_t {
  kCellImmediate = 0,  // cell wide, displayed immediately
  kPlmn = 1,           // PLMN wide
  kLocationArea = 2,   // location area / service area / tracking area wide
  kCell = 3,           // cell wide
};

// TS 23.041 §9.4.1.2.1: GS (2 bits) | Message Code (10 bits) | Update Number (4 bits).
struct Serial {
  GeoScope scope = GeoScope::kPlmn;
  uint16_t message_code = 0;  // 0..1023
  uint8_t update_number = 0;  // 0..15
  uint16_t packed() const {
    return static_cast<uint16_t>((static_cast<unsigned>(scope) & 0x3u) << 14 |
                                 (message_code & 0x3FFu) << 4 | (update_number & 0xFu));
  }
  static Serial unpack(uint16_t v) {
    return Serial{static_cast<GeoScope>(v >> 14), static_cast<uint16_t>((v >> 4) & 0x3FF),
                  static_cast<uint8_t>(v & 0xF)};
  }
  bool operator==(const Serial&) const = default;
};

// TS 23.041 §9.3.24 Warning-Type (ETWS): the value in bits 15-9 of the 2-octet IE.
enum class EtwsWarningType : uint8_t {
  kEarthquake = 0,
  kTsunami = 1,
  kEarthquakeAndTsunami = 2,
  kTest = 3,
  kOther = 4,
};

struct Etws {
  EtwsWarningType type = EtwsWarningType::kEarthquake;
  bool user_alert = true;  // Warning-Type bit 8: emergency user alert (alert tone, vibration)
  bool popup = true;       // Warning-Type bit 7: display the primary notification
  bool operator==(const Etws&) const = default;
};

// A GSM cell as CBSP names it (TS 48.049 §8.2.6 Cell List, discriminator 0: the Cell Global
// Identification, MCC + MNC + LAC + CI). lac/ci are kept 32-bit so that an LTE/NR inventory
// (TAC, E-UTRAN/NR cell identity) can share the type; CBSP itself carries 16 bits of each.
struct CellId {
  uint16_t mcc = 0;           // 3 decimal digits
  uint16_t mnc = 0;           // 2 or 3 decimal digits
  bool mnc_3_digits = false;  // "01" and "001" are different MNCs
  uint32_t lac = 0;
  uint32_t ci = 0;
  bool operator==(const CellId&) const = default;
  auto operator<=>(const CellId&) const = default;
};

// TS 48.049 §8.2.7 Category.
enum class Category : uint8_t { kHighPriority = 0, kBackground = 1, kNormal = 2 };

enum class Operation {
  kWrite,    // a new message (CBSP WRITE-REPLACE without Old Serial Number)
  kReplace,  // a new version of a message on air (WRITE-REPLACE with Old Serial Number =
             // old_serial)
  kKill,     // stop broadcasting (message_id, old_serial) (CBSP KILL)
};

struct Broadcast {
  Operation operation = Operation::kWrite;
  uint16_t message_id = 0;           // TS 23.041 §9.4.1.2.2 Message Identifier
  Serial serial;                     // the new serial (kWrite, kReplace)
  std::optional<Serial> old_serial;  // kReplace, kKill: what is on air now
  uint8_t dcs = 0x0F;                // TS 23.038 §5 CBS Data Coding Scheme
  std::string language;              // ISO 639-1 ("en"), empty when none is indicated
  std::string text;          // the UTF-8 that the pages carry (for display and the REST APIs)
  std::vector<Bytes> pages;  // 1..15, each exactly kPageOctets, padding included
  std::vector<uint8_t>
      page_used;  // per page: octets of text before the padding (TS 23.041 §9.3.19 / SBc-AP)
  std::optional<Etws> etws;  // an ETWS primary notification: message_id 4352-4356, no pages needed
  bool whole_network = false;  // every cell (CBSP discriminator 6 "all cells on the BSC")
  std::vector<CellId> cells;   // otherwise these, sorted, no duplicates
  Category category = Category::kHighPriority;
  // TS 48.049 §8.2.8: how often it repeats, in seconds (the transport converts to its units).
  unsigned repetition_seconds = 60;
  unsigned broadcasts_requested = 0;  // TS 48.049 §8.2.9: 0 = until killed
  bool operator==(const Broadcast&) const = default;
};

}  // namespace capcast::dispatch::cbs
