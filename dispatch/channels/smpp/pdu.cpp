// The SMPP 3.4 PDU codec (pdu.h): names, TLV helpers, framing and error answers. Encoding is in
// pdu_encode.cpp, decoding in pdu_decode.cpp. Section numbers are those of SMPP 3.4 Issue 1.2.
#include "smpp/pdu.h"

#include <string>
#include <utility>

#include "smpp/pdu_fields.h"

namespace capcast::dispatch::smpp {
namespace {

// Named in messages, not decoded.
constexpr std::pair<uint32_t, std::string_view> kOtherCommands[] = {
    {cmd::kQuerySm, "query_sm"},
    {cmd::kReplaceSm, "replace_sm"},
    {cmd::kCancelSm, "cancel_sm"},
    {cmd::kOutbind, "outbind"},
    {cmd::kAlertNotification, "alert_notification"},
};

// SMPP 3.4 Table 5-2 (0xC0-0xC4 under their 3.4 names; SMPP 5.0 renamed them ..TLV..).
constexpr std::pair<uint32_t, std::string_view> kStatusNames[] = {
    {0x00, "ESME_ROK"},
    {0x01, "ESME_RINVMSGLEN"},
    {0x02, "ESME_RINVCMDLEN"},
    {0x03, "ESME_RINVCMDID"},
    {0x04, "ESME_RINVBNDSTS"},
    {0x05, "ESME_RALYBND"},
    {0x06, "ESME_RINVPRTFLG"},
    {0x07, "ESME_RINVREGDLVFLG"},
    {0x08, "ESME_RSYSERR"},
    {0x0A, "ESME_RINVSRCADR"},
    {0x0B, "ESME_RINVDSTADR"},
    {0x0C, "ESME_RINVMSGID"},
    {0x0D, "ESME_RBINDFAIL"},
    {0x0E, "ESME_RINVPASWD"},
    {0x0F, "ESME_RINVSYSID"},
    {0x11, "ESME_RCANCELFAIL"},
    {0x13, "ESME_RREPLACEFAIL"},
    {0x14, "ESME_RMSGQFUL"},
    {0x15, "ESME_RINVSERTYP"},
    {0x33, "ESME_RINVNUMDESTS"},
    {0x34, "ESME_RINVDLNAME"},
    {0x40, "ESME_RINVDESTFLAG"},
    {0x42, "ESME_RINVSUBREP"},
    {0x43, "ESME_RINVESMCLASS"},
    {0x44, "ESME_RCNTSUBDL"},
    {0x45, "ESME_RSUBMITFAIL"},
    {0x48, "ESME_RINVSRCTON"},
    {0x49, "ESME_RINVSRCNPI"},
    {0x50, "ESME_RINVDSTTON"},
    {0x51, "ESME_RINVDSTNPI"},
    {0x53, "ESME_RINVSYSTYP"},
    {0x54, "ESME_RINVREPFLAG"},
    {0x55, "ESME_RINVNUMMSGS"},
    {0x58, "ESME_RTHROTTLED"},
    {0x61, "ESME_RINVSCHED"},
    {0x62, "ESME_RINVEXPIRY"},
    {0x63, "ESME_RINVDFTMSGID"},
    {0x64, "ESME_RX_T_APPN"},
    {0x65, "ESME_RX_P_APPN"},
    {0x66, "ESME_RX_R_APPN"},
    {0x67, "ESME_RQUERYFAIL"},
    {0xC0, "ESME_RINVOPTPARSTREAM"},
    {0xC1, "ESME_ROPTPARNOTALLWD"},
    {0xC2, "ESME_RINVPARLEN"},
    {0xC3, "ESME_RMISSINGOPTPARAM"},
    {0xC4, "ESME_RINVOPTPARAMVAL"},
    {0xFE, "ESME_RDELIVERYFAILURE"},
    {0xFF, "ESME_RUNKNOWNERR"},
};

}  // namespace

using detail::be32;
using detail::find_command;

const Tlv* find_tlv(const Tlvs& tlvs, uint16_t tag) {
  for (const auto& t : tlvs) {
    if (t.tag == tag) return &t;
  }
  return nullptr;
}

std::optional<uint32_t> tlv_int(const Tlvs& tlvs, uint16_t tag) {
  const Tlv* t = find_tlv(tlvs, tag);
  if (t == nullptr) return std::nullopt;
  const size_t n = t->value.size();
  if (n != 1 && n != 2 && n != 4) return std::nullopt;
  uint32_t v = 0;
  for (char c : t->value)
    v = (v << 8) | static_cast<uint8_t>(c);
  return v;
}

std::optional<std::string> tlv_string(const Tlvs& tlvs, uint16_t tag) {
  const Tlv* t = find_tlv(tlvs, tag);
  if (t == nullptr) return std::nullopt;
  return t->value.substr(0, t->value.find('\0'));
}

void add_tlv_int(Tlvs& tlvs, uint16_t tag, uint32_t value, size_t width) {
  std::string v;
  for (size_t i = width; i-- > 0;)
    v.push_back(static_cast<char>(value >> (8 * i)));
  tlvs.push_back(Tlv{tag, std::move(v)});
}

void add_tlv_octets(Tlvs& tlvs, uint16_t tag, std::string_view value) {
  tlvs.push_back(Tlv{tag, std::string(value)});
}

void add_tlv_cstring(Tlvs& tlvs, uint16_t tag, std::string_view value) {
  std::string v(value);
  v.push_back('\0');
  tlvs.push_back(Tlv{tag, std::move(v)});
}

std::string_view status_name(uint32_t command_status) {
  for (const auto& [value, name] : kStatusNames) {
    if (value == command_status) return name;
  }
  return "";
}

std::string_view command_name(uint32_t command_id) {
  if (const auto* c = find_command(command_id)) return c->name;
  for (const auto& [id, name] : kOtherCommands) {
    if (id == command_id) return name;
  }
  return "";
}

std::optional<Pdu> error_response(const DecodeError& error) {
  // A generic_nack is never answered (no nack loops); a bad header (generic_nack set) is
  // answered whatever the PDU was (SMPP 3.4 §4.3.1); a response whose body is wrong is not.
  if (error.command_id == cmd::kGenericNack) return std::nullopt;
  if (!error.generic_nack && is_response(error.command_id)) return std::nullopt;
  Pdu p;
  p.command_id = error.generic_nack ? cmd::kGenericNack : (error.command_id | cmd::kResponseBit);
  p.command_status = error.status;
  p.sequence = error.sequence.value_or(0);
  return p;
}

Frame frame(std::string_view buffered) {
  Frame f;
  if (buffered.size() < 4) return f;
  const uint32_t length = be32(buffered, 0);
  if (length < kHeaderLength || length > kMaxCommandLength) {
    f.kind = Frame::Kind::kError;
    f.error =
        parse_error("command_length " + std::to_string(length) + ": " +
                    (length < kHeaderLength
                         ? "shorter than the 16-octet header"
                         : "over the " + std::to_string(kMaxCommandLength) + " octets accepted") +
                    " (SMPP 3.4 §5.1.1)");
    f.nack.status = status::kInvCmdLen;
    if (buffered.size() >= kHeaderLength) {
      f.nack.command_id = be32(buffered, 4);
      f.nack.sequence = be32(buffered, 12);
    }
    return f;
  }
  if (buffered.size() < length) return f;
  f.kind = Frame::Kind::kComplete;
  f.length = length;
  return f;
}

}  // namespace capcast::dispatch::smpp
