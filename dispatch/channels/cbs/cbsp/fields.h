// Internal to the CBSP codec (codec.cpp, encode.cpp, decode.cpp): the format of each IE, and
// which IEs each message carries in which order. Not part of the channel's interface.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "cbs/cbsp/codec.h"

namespace capcast::dispatch::cbs::cbsp::detail {

// How an IE's value is delimited (TS 48.049 §8.2.1, the "format" column).
enum class Format : uint8_t {
  kUnknown,
  kOne,      // TV, one octet
  kTwo,      // TV, two octets
  kFifty,    // TV, 50 octets (Warning Security Information)
  kContent,  // TV, 83 octets (Message Content: User Information Length + 82)
  kList,     // TLV with a 16-bit length
};

struct IeInfo {
  Format format;
  std::string_view name;
  std::string_view section;
};

inline const IeInfo& ie_info(uint8_t iei) {
  static constexpr IeInfo kUnknown{Format::kUnknown, "", ""};
  static constexpr IeInfo kTable[] = {
      kUnknown,
      {Format::kContent, "Message Content", "§8.2.3"},
      {Format::kTwo, "Old Serial Number", "§8.2.4"},
      {Format::kTwo, "New Serial Number", "§8.2.5"},
      {Format::kList, "Cell List", "§8.2.6"},
      {Format::kOne, "Category", "§8.2.7"},
      {Format::kTwo, "Repetition Period", "§8.2.8"},
      {Format::kTwo, "Number of Broadcasts Requested", "§8.2.9"},
      {Format::kList, "Number of Broadcasts Completed List", "§8.2.10"},
      {Format::kList, "Failure List", "§8.2.11"},
      {Format::kList, "Radio Resource Loading List", "§8.2.12"},
      {Format::kOne, "Cause", "§8.2.13"},
      {Format::kOne, "Data Coding Scheme", "§8.2.14"},
      {Format::kOne, "Recovery Indication", "§8.2.15"},
      {Format::kTwo, "Message Identifier", "§8.2.16"},
      {Format::kOne, "Emergency Indicator", "§8.2.17"},
      {Format::kTwo, "Warning Type", "§8.2.18"},
      {Format::kFifty, "Warning Security Information", "§8.2.19"},
      {Format::kOne, "Channel Indicator", "§8.2.20"},
      {Format::kOne, "Number of Pages", "§8.2.21"},
      {Format::kOne, "Schedule Period", "§8.2.22"},
      {Format::kOne, "Number of Reserved Slots", "§8.2.23"},
      {Format::kOne, "Broadcast Message Type", "§8.2.24"},
      {Format::kOne, "Warning Period", "§8.2.25"},
      {Format::kOne, "Keep Alive Repetition Period", "§8.2.26"},
  };
  return iei < std::size(kTable) ? kTable[iei] : kUnknown;
}

// Whether a message must carry an IE. WRITE-REPLACE has two variants (§8.1.3.1): a CBS message
// (kCbs IEs mandatory, kEtws absent) and an ETWS emergency message (the reverse), told apart by
// the Emergency Indicator.
enum class Presence : uint8_t { kMandatory, kOptional, kCbs, kEtws };

struct IeRule {
  uint8_t iei;
  Presence presence;
};

struct MessageInfo {
  MessageType type;
  std::string_view name;
  std::string_view section;
  std::span<const IeRule> ies;  // in the order §8.1.3 lists them, which the encoder follows
};

// nullptr for a type §8.2.2 does not define.
const MessageInfo* find_message(uint8_t type);

}  // namespace capcast::dispatch::cbs::cbsp::detail
