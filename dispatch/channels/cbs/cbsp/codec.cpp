// The CBSP codec's tables (codec.h, fields.h): message and IE names, which IEs each message
// carries, causes, the period codings, and PDU framing.
#include "cbs/cbsp/codec.h"
#include "cbs/cbsp/fields.h"

namespace capcast::dispatch::cbs::cbsp {
namespace detail {
namespace {

using P = Presence;
constexpr IeRule R(uint8_t i, Presence p) {
  return IeRule{i, p};
}

// TS 48.049 §8.1.3.x: each message's IEs, in the order the section lists them.
constexpr IeRule kWriteReplace[] = {
    R(iei::kMessageIdentifier, P::kMandatory),
    R(iei::kNewSerialNumber, P::kMandatory),
    R(iei::kOldSerialNumber, P::kOptional),
    R(iei::kCellList, P::kMandatory),
    R(iei::kChannelIndicator, P::kCbs),
    R(iei::kCategory, P::kCbs),
    R(iei::kRepetitionPeriod, P::kCbs),
    R(iei::kNumBroadcastsRequested, P::kCbs),
    R(iei::kNumberOfPages, P::kCbs),
    R(iei::kDataCodingScheme, P::kCbs),
    R(iei::kMessageContent, P::kCbs),
    R(iei::kEmergencyIndicator, P::kEtws),
    R(iei::kWarningType, P::kEtws),
    R(iei::kWarningSecurityInformation, P::kOptional),
    R(iei::kWarningPeriod, P::kEtws),
};
constexpr IeRule kWriteReplaceComplete[] = {
    R(iei::kMessageIdentifier, P::kMandatory), R(iei::kNewSerialNumber, P::kMandatory),
    R(iei::kOldSerialNumber, P::kOptional),    R(iei::kNumBroadcastsCompletedList, P::kOptional),
    R(iei::kCellList, P::kOptional),           R(iei::kChannelIndicator, P::kOptional),
};
constexpr IeRule kWriteReplaceFailure[] = {
    R(iei::kMessageIdentifier, P::kMandatory),
    R(iei::kNewSerialNumber, P::kMandatory),
    R(iei::kOldSerialNumber, P::kOptional),
    R(iei::kFailureList, P::kMandatory),
    R(iei::kNumBroadcastsCompletedList, P::kOptional),
    R(iei::kCellList, P::kOptional),
    R(iei::kChannelIndicator, P::kOptional),
};
constexpr IeRule kKill[] = {
    R(iei::kMessageIdentifier, P::kMandatory),
    R(iei::kOldSerialNumber, P::kMandatory),
    R(iei::kCellList, P::kMandatory),
    R(iei::kChannelIndicator, P::kOptional),
};
constexpr IeRule kKillComplete[] = {
    R(iei::kMessageIdentifier, P::kMandatory),         R(iei::kOldSerialNumber, P::kMandatory),
    R(iei::kNumBroadcastsCompletedList, P::kOptional), R(iei::kCellList, P::kOptional),
    R(iei::kChannelIndicator, P::kOptional),
};
constexpr IeRule kKillFailure[] = {
    R(iei::kMessageIdentifier, P::kMandatory), R(iei::kOldSerialNumber, P::kMandatory),
    R(iei::kFailureList, P::kMandatory),       R(iei::kNumBroadcastsCompletedList, P::kOptional),
    R(iei::kCellList, P::kOptional),           R(iei::kChannelIndicator, P::kOptional),
};
constexpr IeRule kLoadQuery[] = {R(iei::kCellList, P::kMandatory),
                                 R(iei::kChannelIndicator, P::kMandatory)};
constexpr IeRule kLoadQueryComplete[] = {R(iei::kRadioResourceLoadingList, P::kMandatory),
                                         R(iei::kChannelIndicator, P::kMandatory)};
constexpr IeRule kLoadQueryFailure[] = {R(iei::kFailureList, P::kMandatory),
                                        R(iei::kChannelIndicator, P::kMandatory),
                                        R(iei::kRadioResourceLoadingList, P::kOptional)};
constexpr IeRule kStatusQuery[] = {
    R(iei::kMessageIdentifier, P::kMandatory), R(iei::kOldSerialNumber, P::kMandatory),
    R(iei::kCellList, P::kMandatory), R(iei::kChannelIndicator, P::kMandatory)};
constexpr IeRule kStatusQueryComplete[] = {
    R(iei::kMessageIdentifier, P::kMandatory), R(iei::kOldSerialNumber, P::kMandatory),
    R(iei::kNumBroadcastsCompletedList, P::kMandatory), R(iei::kChannelIndicator, P::kMandatory)};
constexpr IeRule kStatusQueryFailure[] = {
    R(iei::kMessageIdentifier, P::kMandatory), R(iei::kOldSerialNumber, P::kMandatory),
    R(iei::kFailureList, P::kMandatory), R(iei::kChannelIndicator, P::kMandatory),
    R(iei::kNumBroadcastsCompletedList, P::kOptional)};
constexpr IeRule kSetDrx[] = {
    R(iei::kCellList, P::kMandatory), R(iei::kSchedulePeriod, P::kOptional),
    R(iei::kNumberOfReservedSlots, P::kOptional), R(iei::kChannelIndicator, P::kMandatory)};
constexpr IeRule kSetDrxComplete[] = {R(iei::kCellList, P::kMandatory),
                                      R(iei::kChannelIndicator, P::kMandatory)};
constexpr IeRule kSetDrxFailure[] = {R(iei::kFailureList, P::kMandatory),
                                     R(iei::kCellList, P::kOptional),
                                     R(iei::kChannelIndicator, P::kMandatory)};
constexpr IeRule kCellListOnly[] = {R(iei::kCellList, P::kMandatory)};
constexpr IeRule kResetFailure[] = {R(iei::kFailureList, P::kMandatory),
                                    R(iei::kCellList, P::kOptional)};
constexpr IeRule kRestart[] = {R(iei::kCellList, P::kMandatory),
                               R(iei::kBroadcastMessageType, P::kMandatory),
                               R(iei::kRecoveryIndication, P::kMandatory)};
constexpr IeRule kFailure[] = {R(iei::kFailureList, P::kMandatory),
                               R(iei::kBroadcastMessageType, P::kMandatory)};
constexpr IeRule kErrorIndication[] = {
    R(iei::kCause, P::kMandatory), R(iei::kMessageIdentifier, P::kOptional),
    R(iei::kNewSerialNumber, P::kOptional), R(iei::kOldSerialNumber, P::kOptional),
    R(iei::kChannelIndicator, P::kOptional)};
constexpr IeRule kKeepAlive[] = {R(iei::kKeepAliveRepetitionPeriod, P::kMandatory)};

using T = MessageType;
const MessageInfo kMessages[] = {
    {T::kWriteReplace, "WRITE-REPLACE", "§8.1.3.1", kWriteReplace},
    {T::kWriteReplaceComplete, "WRITE-REPLACE COMPLETE", "§8.1.3.2", kWriteReplaceComplete},
    {T::kWriteReplaceFailure, "WRITE-REPLACE FAILURE", "§8.1.3.3", kWriteReplaceFailure},
    {T::kKill, "KILL", "§8.1.3.4", kKill},
    {T::kKillComplete, "KILL COMPLETE", "§8.1.3.5", kKillComplete},
    {T::kKillFailure, "KILL FAILURE", "§8.1.3.6", kKillFailure},
    {T::kLoadQuery, "LOAD QUERY", "§8.1.3.7", kLoadQuery},
    {T::kLoadQueryComplete, "LOAD QUERY COMPLETE", "§8.1.3.8", kLoadQueryComplete},
    {T::kLoadQueryFailure, "LOAD QUERY FAILURE", "§8.1.3.9", kLoadQueryFailure},
    {T::kMessageStatusQuery, "MESSAGE STATUS QUERY", "§8.1.3.10", kStatusQuery},
    {T::kMessageStatusQueryComplete, "MESSAGE STATUS QUERY COMPLETE", "§8.1.3.11",
     kStatusQueryComplete},
    {T::kMessageStatusQueryFailure, "MESSAGE STATUS QUERY FAILURE", "§8.1.3.12",
     kStatusQueryFailure},
    {T::kSetDrx, "SET-DRX", "§8.1.3.13", kSetDrx},
    {T::kSetDrxComplete, "SET-DRX COMPLETE", "§8.1.3.14", kSetDrxComplete},
    {T::kSetDrxFailure, "SET-DRX FAILURE", "§8.1.3.15", kSetDrxFailure},
    {T::kReset, "RESET", "§8.1.3.16", kCellListOnly},
    {T::kResetComplete, "RESET COMPLETE", "§8.1.3.17", kCellListOnly},
    {T::kResetFailure, "RESET FAILURE", "§8.1.3.18", kResetFailure},
    {T::kKeepAlive, "KEEP-ALIVE", "§8.1.3.18a", kKeepAlive},
    {T::kKeepAliveComplete, "KEEP-ALIVE COMPLETE", "§8.1.3.18b", {}},
    {T::kRestart, "RESTART", "§8.1.3.19", kRestart},
    {T::kFailure, "FAILURE", "§8.1.3.20", kFailure},
    {T::kErrorIndication, "ERROR INDICATION", "§8.1.3.21", kErrorIndication},
};

}  // namespace

const MessageInfo* find_message(uint8_t type) {
  for (const auto& m : kMessages) {
    if (static_cast<uint8_t>(m.type) == type) return &m;
  }
  return nullptr;
}

}  // namespace detail

std::string_view message_type_name(MessageType type) {
  const auto* m = detail::find_message(static_cast<uint8_t>(type));
  return m ? m->name : std::string_view();
}

std::string_view iei_name(uint8_t iei) {
  return detail::ie_info(iei).name;
}

std::string_view cause_name(uint8_t c) {
  static constexpr std::string_view kNames[] = {
      "parameter-not-recognised",
      "parameter-value-invalid",
      "message-reference-not-identified",
      "cell-identity-not-valid",
      "unrecognised-message",
      "missing-mandatory-element",
      "bsc-capacity-exceeded",
      "cell-memory-exceeded",
      "bsc-memory-exceeded",
      "cell-broadcast-not-supported",
      "cell-broadcast-not-operational",
      "incompatible-drx-parameter",
      "extended-channel-not-supported",
      "message-reference-already-used",
      "unspecified-error",
      "lai-or-lac-not-valid",
  };
  return c < std::size(kNames) ? kNames[c] : std::string_view();
}

bool is_transient(uint8_t c) {
  switch (c) {
    case cause::kBscCapacityExceeded:
    case cause::kCellMemoryExceeded:
    case cause::kBscMemoryExceeded:
    case cause::kCellBroadcastNotOperational:
    case cause::kUnspecifiedError:
      return true;
    default:
      return false;
  }
}

std::optional<size_t> cell_id_size(uint8_t d) {
  // TS 48.049 §8.2.6, with the identifications of TS 48.008 §3.2.2.27.
  switch (static_cast<Discriminator>(d)) {
    case Discriminator::kCgi:
      return 7;
    case Discriminator::kLacCi:
      return 4;
    case Discriminator::kCi:
    case Discriminator::kLac:
      return 2;
    case Discriminator::kLai:
      return 5;
    case Discriminator::kAllInBsc:
      return 0;
  }
  return std::nullopt;
}

Result<size_t> next_pdu_size(std::span<const uint8_t> s) {
  if (s.size() < kHeaderSize) return kHeaderSize;
  const size_t body = (size_t{s[1]} << 16) | (size_t{s[2]} << 8) | s[3];
  if (body > kMaxBody) {
    return parse_error("CBSP message length " + std::to_string(body) + " at offset 1: over " +
                       std::to_string(kMaxBody) + " octets (TS 48.049 §8.1.2)");
  }
  return kHeaderSize + body;
}

// TS 48.049 §8.2.8: the period is a count of 1.883 s (the 51-multiframe cycle of the CBCH,
// TS 45.002), 1 to 4095. Rounded to the nearest unit, never 0 (which the IE does not allow).
// On the wire (encode.cpp, decode.cpp) the 12 bits are one big-endian number in the IE's two
// octets, the first octet's upper nibble zero, as libosmocore (and so osmo-bsc and osmo-cbc)
// and the Osmocom TTCN-3 CBSP types read it. Wireshark reads the first octet as the 8 upper
// bits and the second octet's low nibble as the 4 lower ones (0x01 0x23: 19, not 291). The
// text of §8.2.8 was not available when this was written: the choice follows the open-source
// BSCs capcast meets, and is to be checked against the specification [verify §8.2.8]. The two
// readings agree for 1..15 units (up to 28 s).
uint16_t repetition_units(unsigned seconds) {
  const uint64_t units = (uint64_t{seconds} * 1000 + 1883 / 2) / 1883;
  if (units < 1) return 1;
  if (units > 4095) return 4095;
  return static_cast<uint16_t>(units);
}

unsigned repetition_seconds(uint16_t units) {
  return static_cast<unsigned>((uint64_t{units} * 1883 + 500) / 1000);
}

// TS 48.049 §8.2.25 Warning Period, a one-octet code in five ranges of growing steps:
//   0x01..0x0A  1..10 s   in 1 s    0x0B..0x14  12..30 s   in 2 s   0x15..0x26  35..120 s in 5 s
//   0x27..0x56  130..600 s in 10 s  0x57..0xBA  630..3600 s in 30 s
// The last range ends at 3600 s (one hour) with 30 s steps: libosmocore's decoder and the
// Osmocom TTCN-3 CBSP types read it so; Wireshark's dissector multiplies by 60 in the last
// range (0xBA = 6600 s), an end value the table's "up to 60 minutes" cannot reach. We follow
// libosmocore's decoder there (tests/dispatch/cbsp_oracle_test.cpp says so too). 0x00 and
// 0xBB..0xFF are not in the table; libosmocore reads 0x00 as "infinite", which we never send.
namespace {
struct Range {
  unsigned first_code, last_code, first_seconds, step;
};
constexpr Range kRanges[] = {
    {0x01, 0x0A, 1, 1},    {0x0B, 0x14, 12, 2},   {0x15, 0x26, 35, 5},
    {0x27, 0x56, 130, 10}, {0x57, 0xBA, 630, 30},
};
}  // namespace

uint8_t warning_period_code(unsigned seconds) {
  if (seconds < 1) seconds = 1;
  for (const auto& r : kRanges) {
    const unsigned last_seconds = r.first_seconds + (r.last_code - r.first_code) * r.step;
    if (seconds <= last_seconds) {
      const unsigned over = seconds > r.first_seconds ? seconds - r.first_seconds : 0;
      return static_cast<uint8_t>(r.first_code + (over + r.step - 1) / r.step);  // round up
    }
  }
  return 0xBA;  // at most one hour
}

std::optional<unsigned> warning_period_seconds(uint8_t code) {
  for (const auto& r : kRanges) {
    if (code >= r.first_code && code <= r.last_code) {
      return r.first_seconds + (code - r.first_code) * r.step;
    }
  }
  return std::nullopt;
}

}  // namespace capcast::dispatch::cbs::cbsp
