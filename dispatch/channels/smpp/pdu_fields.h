// Internal to the SMPP codec (pdu.cpp, pdu_encode.cpp, pdu_decode.cpp): which body each
// command_id carries, the C-Octet String fields with their limits and rules, and small helpers.
// Not part of the channel's interface.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "smpp/pdu.h"

namespace capcast::dispatch::smpp::detail {

// What body a command_id carries; the value is the index of that alternative in Body.
enum class Kind : size_t { kEmpty, kBind, kBindResp, kSm, kMsgIdResp, kMulti, kMultiResp, kData };
static_assert(
    std::is_same_v<std::variant_alternative_t<static_cast<size_t>(Kind::kMultiResp), Body>,
                   SubmitMultiResp>);
static_assert(
    std::is_same_v<std::variant_alternative_t<static_cast<size_t>(Kind::kSm), Body>, SubmitSm>);
static_assert(
    std::is_same_v<std::variant_alternative_t<static_cast<size_t>(Kind::kData), Body>, DataSm>);

struct CommandInfo {
  uint32_t id;
  std::string_view name;
  std::string_view section;  // where SMPP 3.4 defines its body
  Kind kind;
};

// The PDUs this codec decodes. query_sm, replace_sm, cancel_sm, outbind and alert_notification
// are not used by the SMS channel: they decode as unknown (answered ESME_RINVCMDID). data_sm is
// decoded because SMSCs send delivery receipts in it.
inline constexpr CommandInfo kCommands[] = {
    {cmd::kGenericNack, "generic_nack", "§4.3.1", Kind::kEmpty},
    {cmd::kBindReceiver, "bind_receiver", "§4.1.3", Kind::kBind},
    {cmd::kBindReceiverResp, "bind_receiver_resp", "§4.1.4", Kind::kBindResp},
    {cmd::kBindTransmitter, "bind_transmitter", "§4.1.1", Kind::kBind},
    {cmd::kBindTransmitterResp, "bind_transmitter_resp", "§4.1.2", Kind::kBindResp},
    {cmd::kBindTransceiver, "bind_transceiver", "§4.1.5", Kind::kBind},
    {cmd::kBindTransceiverResp, "bind_transceiver_resp", "§4.1.6", Kind::kBindResp},
    {cmd::kSubmitSm, "submit_sm", "§4.4.1", Kind::kSm},
    {cmd::kSubmitSmResp, "submit_sm_resp", "§4.4.2", Kind::kMsgIdResp},
    {cmd::kDeliverSm, "deliver_sm", "§4.6.1", Kind::kSm},
    {cmd::kDeliverSmResp, "deliver_sm_resp", "§4.6.2", Kind::kMsgIdResp},
    {cmd::kUnbind, "unbind", "§4.2.1", Kind::kEmpty},
    {cmd::kUnbindResp, "unbind_resp", "§4.2.2", Kind::kEmpty},
    {cmd::kEnquireLink, "enquire_link", "§4.11.1", Kind::kEmpty},
    {cmd::kEnquireLinkResp, "enquire_link_resp", "§4.11.2", Kind::kEmpty},
    {cmd::kSubmitMulti, "submit_multi", "§4.5.1", Kind::kMulti},
    {cmd::kSubmitMultiResp, "submit_multi_resp", "§4.5.2", Kind::kMultiResp},
    {cmd::kDataSm, "data_sm", "§4.7.1", Kind::kData},
    {cmd::kDataSmResp, "data_sm_resp", "§4.7.2", Kind::kMsgIdResp},
};

inline const CommandInfo* find_command(uint32_t id) {
  for (const auto& c : kCommands) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

// A C-Octet String field: its name, its size with the NUL, the rule, and the command_status that
// answers a request in which it is wrong.
struct CField {
  std::string_view name;
  size_t max;
  std::string_view rule;
  uint32_t status;
};

inline constexpr CField kSystemId{"system_id", 16, "SMPP 3.4 §5.2.1", status::kInvSysId};
inline constexpr CField kPassword{"password", 9, "SMPP 3.4 §5.2.2", status::kInvPaswd};
inline constexpr CField kSystemType{"system_type", 13, "SMPP 3.4 §5.2.3", status::kInvSysTyp};
inline constexpr CField kAddressRange{"address_range", 41, "SMPP 3.4 §5.2.7", status::kSysErr};
inline constexpr CField kSourceAddr{"source_addr", 21, "SMPP 3.4 §5.2.8", status::kInvSrcAdr};
inline constexpr CField kDestAddr{"destination_addr", 21, "SMPP 3.4 §5.2.9", status::kInvDstAdr};
// data_sm's addresses are longer (SMPP 3.4 §4.7.1: Var. max 65).
inline constexpr CField kDataSourceAddr{"source_addr", 65, "SMPP 3.4 §4.7.1", status::kInvSrcAdr};
inline constexpr CField kDataDestAddr{"destination_addr", 65, "SMPP 3.4 §4.7.1",
                                      status::kInvDstAdr};
inline constexpr CField kDlName{"dl_name", 21, "SMPP 3.4 §4.5.1.1", status::kInvDlName};
inline constexpr CField kServiceType{"service_type", 6, "SMPP 3.4 §5.2.11", status::kInvSerTyp};
inline constexpr CField kSchedule{"schedule_delivery_time", 17, "SMPP 3.4 §7.1", status::kInvSched};
inline constexpr CField kValidity{"validity_period", 17, "SMPP 3.4 §7.1", status::kInvExpiry};
inline constexpr CField kMessageId{"message_id", 65, "SMPP 3.4 §5.2.23", status::kInvMsgId};

inline constexpr size_t kMaxShortMessage = 254;  // sm_length, SMPP 3.4 §4.4.1
inline constexpr size_t kMaxDests = 254;         // number_of_dests, SMPP 3.4 §4.5.1

// The big-endian integer of 4 octets at `at` (the caller checked the size).
inline uint32_t be32(std::string_view s, size_t at) {
  const auto b = [&](size_t i) { return static_cast<uint32_t>(static_cast<uint8_t>(s[at + i])); };
  return (b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3);
}

inline std::string hex8(uint32_t v) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%08X", v);
  return b;
}

inline std::string hex4(uint16_t v) {
  char b[8];
  std::snprintf(b, sizeof b, "%04X", v);
  return b;
}

}  // namespace capcast::dispatch::smpp::detail
