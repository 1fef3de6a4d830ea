// CBSP, the Cell Broadcast Service Protocol between a Cell Broadcast Centre and a BSC (3GPP TS
// 48.049), as typed values and their codec: encode a PDU to the bytes on the wire, decode one
// framed PDU, and find PDU boundaries in a TCP byte stream. A pure codec (no sockets, no
// threads, no clock): the CBSP client (client.h) owns the connection and uses this.
// Thread-safe: the functions keep no state.
//
// Written against the specification, cited as TS 48.049 §N: the message header and the
// messages §8.1 (§8.1.3.x, one per message), the information elements §8.2 (§8.2.1 the IEIs,
// §8.2.3 Message Content ... §8.2.26 Keep Alive Repetition Period), the procedures §7. The
// section numbers are those of the Release 12+ text (ETSI TS 148 049), which libosmocore's and
// Wireshark's CBSP code also cite. Checked against both of them by tests/dispatch/
// cbsp_oracle_test.cpp; where they disagree, codec.cpp says which one the specification backs.
//
// One PDU is `msg_type(1) | length(3, big-endian, the octets after the header) | IEs`. Every IE
// starts with its IEI (one octet); its length is implied by the IEI (one or two octets, 50 or
// 83 octets) except for the lists (Cell List, Number of Broadcasts Completed List, Failure
// List, Radio Resource Loading List), which carry a 16-bit length (§8.2.1).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "capcast/core/result.h"
#include "cbs/broadcast.h"

namespace capcast::dispatch::cbs::cbsp {

inline constexpr int kDefaultPort = 48049;  // TS 48.049 §5.2 (IANA "cbsp")
inline constexpr size_t kHeaderSize = 4;
// The largest PDU body this codec accepts: far above a WRITE-REPLACE with 15 pages and a cell
// list of one full 16-bit IE (about 67 KB), low enough that a corrupt length cannot make the
// client buffer without bound.
inline constexpr size_t kMaxBody = 1u << 20;

// TS 48.049 §8.2.2 Message Type.
enum class MessageType : uint8_t {
  kWriteReplace = 0x01,
  kWriteReplaceComplete = 0x02,
  kWriteReplaceFailure = 0x03,
  kKill = 0x04,
  kKillComplete = 0x05,
  kKillFailure = 0x06,
  kLoadQuery = 0x07,
  kLoadQueryComplete = 0x08,
  kLoadQueryFailure = 0x09,
  kMessageStatusQuery = 0x0A,
  kMessageStatusQueryComplete = 0x0B,
  kMessageStatusQueryFailure = 0x0C,
  kSetDrx = 0x0D,
  kSetDrxComplete = 0x0E,
  kSetDrxFailure = 0x0F,
  kReset = 0x10,
  kResetComplete = 0x11,
  kResetFailure = 0x12,
  kRestart = 0x13,
  kFailure = 0x14,
  kErrorIndication = 0x15,
  kKeepAlive = 0x16,
  kKeepAliveComplete = 0x17,
};
// "WRITE-REPLACE COMPLETE"; "" for a value §8.2.2 does not define.
std::string_view message_type_name(MessageType type);

// TS 48.049 §8.2.1 Information Element Identifiers.
namespace iei {
inline constexpr uint8_t kMessageContent = 0x01;
inline constexpr uint8_t kOldSerialNumber = 0x02;
inline constexpr uint8_t kNewSerialNumber = 0x03;
inline constexpr uint8_t kCellList = 0x04;
inline constexpr uint8_t kCategory = 0x05;
inline constexpr uint8_t kRepetitionPeriod = 0x06;
inline constexpr uint8_t kNumBroadcastsRequested = 0x07;
inline constexpr uint8_t kNumBroadcastsCompletedList = 0x08;
inline constexpr uint8_t kFailureList = 0x09;
inline constexpr uint8_t kRadioResourceLoadingList = 0x0A;
inline constexpr uint8_t kCause = 0x0B;
inline constexpr uint8_t kDataCodingScheme = 0x0C;
inline constexpr uint8_t kRecoveryIndication = 0x0D;
inline constexpr uint8_t kMessageIdentifier = 0x0E;
inline constexpr uint8_t kEmergencyIndicator = 0x0F;
inline constexpr uint8_t kWarningType = 0x10;
inline constexpr uint8_t kWarningSecurityInformation = 0x11;
inline constexpr uint8_t kChannelIndicator = 0x12;
inline constexpr uint8_t kNumberOfPages = 0x13;
inline constexpr uint8_t kSchedulePeriod = 0x14;
inline constexpr uint8_t kNumberOfReservedSlots = 0x15;
inline constexpr uint8_t kBroadcastMessageType = 0x16;
inline constexpr uint8_t kWarningPeriod = 0x17;
inline constexpr uint8_t kKeepAliveRepetitionPeriod = 0x18;
}  // namespace iei
// "Cell List"; "" for an IEI §8.2.1 does not define.
std::string_view iei_name(uint8_t iei);

// TS 48.049 §8.2.13 Cause.
namespace cause {
inline constexpr uint8_t kParameterNotRecognised = 0x00;
inline constexpr uint8_t kParameterValueInvalid = 0x01;
inline constexpr uint8_t kMessageReferenceNotIdentified = 0x02;
inline constexpr uint8_t kCellIdentityNotValid = 0x03;
inline constexpr uint8_t kUnrecognisedMessage = 0x04;
inline constexpr uint8_t kMissingMandatoryElement = 0x05;
inline constexpr uint8_t kBscCapacityExceeded = 0x06;
inline constexpr uint8_t kCellMemoryExceeded = 0x07;
inline constexpr uint8_t kBscMemoryExceeded = 0x08;
inline constexpr uint8_t kCellBroadcastNotSupported = 0x09;
inline constexpr uint8_t kCellBroadcastNotOperational = 0x0A;
inline constexpr uint8_t kIncompatibleDrxParameter = 0x0B;
inline constexpr uint8_t kExtendedChannelNotSupported = 0x0C;
inline constexpr uint8_t kMessageReferenceAlreadyUsed = 0x0D;
inline constexpr uint8_t kUnspecifiedError = 0x0E;
inline constexpr uint8_t kLaiOrLacNotValid = 0x0F;
}  // namespace cause
// "cell-memory-exceeded"; "" for a value §8.2.13 does not define.
std::string_view cause_name(uint8_t cause);
// Whether the same request may succeed later without being changed: the BSC or a cell is out
// of capacity or memory, cell broadcast is not operational now, or an unspecified error. The
// others say the request itself is wrong for this BSC (TS 48.049 §8.2.13).
bool is_transient(uint8_t cause);

// TS 48.049 §8.2.6 Cell List (the Cell Identification Discriminator, after TS 48.008 §3.2.2.27).
enum class Discriminator : uint8_t {
  kCgi = 0,       // MCC, MNC, LAC, CI
  kLacCi = 1,     // LAC, CI
  kCi = 2,        // CI
  kLai = 4,       // MCC, MNC, LAC
  kLac = 5,       // LAC
  kAllInBsc = 6,  // every cell of the BSC: no identification follows
};
// Octets of one cell identification with this discriminator; nullopt when CBSP does not use it.
std::optional<size_t> cell_id_size(uint8_t discriminator);

// A list of cells sharing one discriminator. Each CellId uses the fields its discriminator
// names (the others are zero); lac and ci must fit 16 bits.
struct CellList {
  Discriminator discriminator = Discriminator::kAllInBsc;
  std::vector<CellId> cells;
  bool operator==(const CellList&) const = default;
};

// TS 48.049 §8.2.10: one cell's count of broadcasts completed.
struct Completed {
  CellId cell;
  uint16_t broadcasts = 0;
  uint8_t info = 0;  // Number of Broadcasts Completed Info: 0 valid, 1 overflow, 2 unknown
  bool operator==(const Completed&) const = default;
};
struct CompletedList {
  Discriminator discriminator = Discriminator::kCgi;
  std::vector<Completed> items;
  bool operator==(const CompletedList&) const = default;
};

// TS 48.049 §8.2.11: one cell (each with its own discriminator) and why it failed.
struct Failure {
  Discriminator discriminator = Discriminator::kCgi;
  CellId cell;
  uint8_t cause = cause::kUnspecifiedError;
  bool operator==(const Failure&) const = default;
};

// TS 48.049 §8.2.3 Message Content: one CBS page (82 octets, padding included) and how many of
// its octets carry the message (User Information Length).
struct Page {
  uint8_t used = 0;
  std::array<uint8_t, kPageOctets> data{};
  bool operator==(const Page&) const = default;
};

// An IE this codec carries without interpreting (Radio Resource Loading List, Schedule Period,
// Number of Reserved Slots): its IEI and value octets.
struct RawIe {
  uint8_t iei = 0;
  Bytes value;
  bool operator==(const RawIe&) const = default;
};

// One CBSP PDU: its type and the IEs it carries. Which IEs a message type must or may carry is
// the codec's table (codec.cpp, from TS 48.049 §8.1.3); values are as on the wire, except that
// Number of Pages is implied by `pages`.
struct Pdu {
  MessageType type = MessageType::kKeepAlive;
  std::optional<uint16_t> message_id;            // §8.2.16
  std::optional<uint16_t> new_serial;            // §8.2.5
  std::optional<uint16_t> old_serial;            // §8.2.4
  std::optional<CellList> cell_list;             // §8.2.6
  std::optional<uint8_t> channel_indicator;      // §8.2.20: 0 basic, 1 extended
  std::optional<uint8_t> category;               // §8.2.7: Category values
  std::optional<uint16_t> repetition_period;     // §8.2.8: units of 1.883 s, 1..4095
  std::optional<uint16_t> broadcasts_requested;  // §8.2.9: 0 = until killed
  std::optional<uint8_t> dcs;                    // §8.2.14
  std::vector<Page> pages;                       // §8.2.3, with §8.2.21 Number of Pages
  std::optional<uint8_t> emergency_indicator;    // §8.2.17: 1 = ETWS information
  std::optional<uint16_t> warning_type;          // §8.2.18 (TS 23.041 §9.3.24)
  std::optional<std::array<uint8_t, 50>> warning_security_information;  // §8.2.19
  std::optional<uint8_t> warning_period;          // §8.2.25, coded (warning_period_code)
  std::optional<uint8_t> keep_alive_period;       // §8.2.26, coded like the Warning Period
  std::optional<CompletedList> completed;         // §8.2.10
  std::optional<std::vector<Failure>> failures;   // §8.2.11
  std::optional<uint8_t> cause;                   // §8.2.13
  std::optional<uint8_t> recovery_indication;     // §8.2.15: 0 data available, 1 data lost
  std::optional<uint8_t> broadcast_message_type;  // §8.2.24: 0 CBS, 1 emergency
  std::vector<RawIe> other;                       // IEs carried, not interpreted
  bool operator==(const Pdu&) const = default;
};

// The bytes of one PDU, header included. kInvalidArgument when a mandatory IE of its type is
// missing or a value does not fit its IE (e.g. 16 pages, a LAC over 16 bits), naming the IE
// and the section.
Result<Bytes> encode(const Pdu& pdu);

// One framed PDU (exactly the octets next_pdu_size() counted). kParseError names what is wrong,
// where (the octet offset in the PDU, the IE), and the section: a truncated or overlong IE, an
// unknown IEI or message type, a missing mandatory IE, a value out of its range. Never reads
// outside `bytes`, whatever they hold.
Result<Pdu> decode(std::span<const uint8_t> bytes);

// TCP reassembly: how many octets the PDU at the start of `stream` has, header included; while
// fewer than 4 octets are there, kHeaderSize (read at least that many). kParseError when the
// length field exceeds kMaxBody: the stream cannot be re-synchronised.
Result<size_t> next_pdu_size(std::span<const uint8_t> stream);

// TS 48.049 §8.2.8: seconds to units of 1.883 s (the nearest, at least 1, at most 4095), and
// back (rounded to whole seconds).
uint16_t repetition_units(unsigned seconds);
unsigned repetition_seconds(uint16_t units);

// TS 48.049 §8.2.25 Warning Period (and §8.2.26 Keep Alive Repetition Period, coded alike):
// the code for at least `seconds` (1..3600; 0x01..0xBA), and the seconds a code stands for
// (nullopt for 0x00 and 0xBB..0xFF, which the table does not define).
uint8_t warning_period_code(unsigned seconds);
std::optional<unsigned> warning_period_seconds(uint8_t code);

}  // namespace capcast::dispatch::cbs::cbsp
