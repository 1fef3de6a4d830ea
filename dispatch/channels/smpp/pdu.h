// SMPP 3.4 PDUs as typed values, and their codec: encode to the bytes on the wire, decode one
// framed PDU, and find PDU boundaries in a TCP byte stream. A pure codec (no sockets, no
// threads, no clock): the SMPP session of the SMS channel owns the connection and uses this.
// Thread-safe: the functions keep no state.
//
// Why our own codec: libsmpp34 (the C library Debian packages) keeps its last error in
// process-wide globals (smpp34_errno, smpp34_strerror), which is unsafe with several sessions on
// several threads; the PDU layer is small enough to own and to test byte for byte.
//
// The standard is "Short Message Peer to Peer Protocol Specification v3.4", Issue 1.2 (SMPP
// Developers Forum, 1999), cited as SMPP 3.4 §N: PDU header §3.2 and §5.1, the data types
// (Integer big-endian, C-Octet String NUL-terminated, Octet String) §3.1, each PDU's body §4,
// mandatory fields §5.2, command_status values Table 5-2, optional parameters (TLVs) §5.3.
// Cross-checked against node-smpp's lib/defs.js (tests/peers/node_modules/smpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "capcast/core/result.h"

namespace capcast::dispatch::smpp {

// command_id values (SMPP 3.4 §5.1.2, Table 5-1). A response is its request's id | 0x80000000.
namespace cmd {
inline constexpr uint32_t kResponseBit = 0x80000000;
inline constexpr uint32_t kGenericNack = 0x80000000;
inline constexpr uint32_t kBindReceiver = 0x00000001;
inline constexpr uint32_t kBindReceiverResp = 0x80000001;
inline constexpr uint32_t kBindTransmitter = 0x00000002;
inline constexpr uint32_t kBindTransmitterResp = 0x80000002;
inline constexpr uint32_t kQuerySm = 0x00000003;
inline constexpr uint32_t kSubmitSm = 0x00000004;
inline constexpr uint32_t kSubmitSmResp = 0x80000004;
inline constexpr uint32_t kDeliverSm = 0x00000005;
inline constexpr uint32_t kDeliverSmResp = 0x80000005;
inline constexpr uint32_t kUnbind = 0x00000006;
inline constexpr uint32_t kUnbindResp = 0x80000006;
inline constexpr uint32_t kReplaceSm = 0x00000007;
inline constexpr uint32_t kCancelSm = 0x00000008;
inline constexpr uint32_t kBindTransceiver = 0x00000009;
inline constexpr uint32_t kBindTransceiverResp = 0x80000009;
inline constexpr uint32_t kOutbind = 0x0000000B;
inline constexpr uint32_t kEnquireLink = 0x00000015;
inline constexpr uint32_t kEnquireLinkResp = 0x80000015;
inline constexpr uint32_t kSubmitMulti = 0x00000021;
inline constexpr uint32_t kSubmitMultiResp = 0x80000021;
inline constexpr uint32_t kAlertNotification = 0x00000102;
inline constexpr uint32_t kDataSm = 0x00000103;
inline constexpr uint32_t kDataSmResp = 0x80000103;
}  // namespace cmd

// command_status values (SMPP 3.4 §5.1.3, Table 5-2), the ones an ESME meets.
namespace status {
inline constexpr uint32_t kOk = 0x00;               // ESME_ROK
inline constexpr uint32_t kInvMsgLen = 0x01;        // ESME_RINVMSGLEN
inline constexpr uint32_t kInvCmdLen = 0x02;        // ESME_RINVCMDLEN
inline constexpr uint32_t kInvCmdId = 0x03;         // ESME_RINVCMDID
inline constexpr uint32_t kInvBndSts = 0x04;        // ESME_RINVBNDSTS
inline constexpr uint32_t kAlyBnd = 0x05;           // ESME_RALYBND
inline constexpr uint32_t kSysErr = 0x08;           // ESME_RSYSERR
inline constexpr uint32_t kInvSrcAdr = 0x0A;        // ESME_RINVSRCADR
inline constexpr uint32_t kInvDstAdr = 0x0B;        // ESME_RINVDSTADR
inline constexpr uint32_t kInvMsgId = 0x0C;         // ESME_RINVMSGID
inline constexpr uint32_t kBindFail = 0x0D;         // ESME_RBINDFAIL
inline constexpr uint32_t kInvPaswd = 0x0E;         // ESME_RINVPASWD
inline constexpr uint32_t kInvSysId = 0x0F;         // ESME_RINVSYSID
inline constexpr uint32_t kMsgQFul = 0x14;          // ESME_RMSGQFUL: transient
inline constexpr uint32_t kInvSerTyp = 0x15;        // ESME_RINVSERTYP
inline constexpr uint32_t kInvNumDests = 0x33;      // ESME_RINVNUMDESTS
inline constexpr uint32_t kInvDlName = 0x34;        // ESME_RINVDLNAME
inline constexpr uint32_t kInvDestFlag = 0x40;      // ESME_RINVDESTFLAG
inline constexpr uint32_t kSubmitFail = 0x45;       // ESME_RSUBMITFAIL
inline constexpr uint32_t kInvSysTyp = 0x53;        // ESME_RINVSYSTYP
inline constexpr uint32_t kThrottled = 0x58;        // ESME_RTHROTTLED: transient
inline constexpr uint32_t kInvSched = 0x61;         // ESME_RINVSCHED
inline constexpr uint32_t kInvExpiry = 0x62;        // ESME_RINVEXPIRY
inline constexpr uint32_t kInvOptParStream = 0xC0;  // ESME_RINVOPTPARSTREAM
inline constexpr uint32_t kInvParLen = 0xC2;        // ESME_RINVPARLEN
inline constexpr uint32_t kUnknownErr = 0xFF;       // ESME_RUNKNOWNERR
}  // namespace status

// "ESME_RTHROTTLED" for 0x58; "" for a value Table 5-2 does not define (vendor-specific values
// 0x400-0x4FF included).
std::string_view status_name(uint32_t command_status);
// "submit_sm_resp" for 0x80000004; "" for an id this codec does not know.
std::string_view command_name(uint32_t command_id);
inline bool is_response(uint32_t command_id) {
  return (command_id & cmd::kResponseBit) != 0;
}

// Optional parameter tags (SMPP 3.4 §5.3.2, Table 5-3), the ones the SMS channel uses.
namespace tag {
inline constexpr uint16_t kReceiptedMessageId = 0x001E;    // C-Octet String, <= 65
inline constexpr uint16_t kUserMessageReference = 0x0204;  // 2 octets
inline constexpr uint16_t kSourcePort = 0x020A;            // 2 octets
inline constexpr uint16_t kDestinationPort = 0x020B;       // 2 octets
inline constexpr uint16_t kSarMsgRefNum = 0x020C;          // 2 octets
inline constexpr uint16_t kSarTotalSegments = 0x020E;      // 1 octet
inline constexpr uint16_t kSarSegmentSeqnum = 0x020F;      // 1 octet
inline constexpr uint16_t kScInterfaceVersion = 0x0210;    // 1 octet
inline constexpr uint16_t kNetworkErrorCode = 0x0423;      // 3 octets: type, error (2)
inline constexpr uint16_t kMessagePayload = 0x0424;        // octets, up to 64 KB
inline constexpr uint16_t kMessageState = 0x0427;          // 1 octet (receipt.h)
}  // namespace tag

// One optional parameter, kept as octets whatever its tag (unknown tags are kept, not refused:
// a receiver ignores optional parameters it does not support, SMPP 3.4 §5.3).
struct Tlv {
  uint16_t tag = 0;
  std::string value;  // at most 65535 octets (the 16-bit length field)
};
using Tlvs = std::vector<Tlv>;

// The first TLV with this tag, or nullptr.
const Tlv* find_tlv(const Tlvs& tlvs, uint16_t tag);
// The first TLV with this tag as an unsigned big-endian integer of 1, 2 or 4 octets; nullopt when
// absent or of another width.
std::optional<uint32_t> tlv_int(const Tlvs& tlvs, uint16_t tag);
// The first TLV with this tag as text: a C-Octet String value loses its NUL and what follows.
std::optional<std::string> tlv_string(const Tlvs& tlvs, uint16_t tag);
// Appends an integer TLV of `width` octets (1, 2 or 4), big-endian.
void add_tlv_int(Tlvs& tlvs, uint16_t tag, uint32_t value, size_t width);
// Appends an Octet String TLV (e.g. message_payload): the value as is.
void add_tlv_octets(Tlvs& tlvs, uint16_t tag, std::string_view value);
// Appends a C-Octet String TLV (e.g. receipted_message_id): the value and a NUL.
void add_tlv_cstring(Tlvs& tlvs, uint16_t tag, std::string_view value);

// bind_transmitter, bind_receiver, bind_transceiver (SMPP 3.4 §4.1.1, §4.1.3, §4.1.5). The
// command_id says which. C-Octet String limits include the NUL.
struct Bind {
  std::string system_id;             // <= 16
  std::string password;              // <= 9
  std::string system_type;           // <= 13
  uint8_t interface_version = 0x34;  // SMPP 3.4 §5.2.4
  uint8_t addr_ton = 0;
  uint8_t addr_npi = 0;
  std::string address_range;  // <= 41
};

// bind_*_resp (SMPP 3.4 §4.1.2, §4.1.4, §4.1.6): the SMSC's system_id and e.g.
// sc_interface_version.
struct BindResp {
  std::string system_id;  // <= 16
  Tlvs tlvs;
};

// submit_sm (SMPP 3.4 §4.4.1); deliver_sm (§4.6.1) has the same body.
struct SubmitSm {
  std::string service_type;  // <= 6
  uint8_t source_addr_ton = 0;
  uint8_t source_addr_npi = 0;
  std::string source_addr;  // <= 21
  uint8_t dest_addr_ton = 0;
  uint8_t dest_addr_npi = 0;
  std::string destination_addr;  // <= 21
  uint8_t esm_class = 0;
  uint8_t protocol_id = 0;
  uint8_t priority_flag = 0;
  std::string schedule_delivery_time;  // "" or 16 characters (§7.1.1)
  std::string validity_period;         // "" or 16 characters (§7.1.1)
  uint8_t registered_delivery = 0;
  uint8_t replace_if_present_flag = 0;
  uint8_t data_coding = 0;
  uint8_t sm_default_msg_id = 0;
  std::string short_message;  // octets, <= 254 (sm_length); empty when message_payload is used
  Tlvs tlvs;
};
using DeliverSm = SubmitSm;

// submit_sm_resp and deliver_sm_resp (SMPP 3.4 §4.4.2, §4.6.2). TLVs are not defined there in
// 3.4 but SMPP 5.0 SMSCs send some: they are kept.
struct MessageIdResp {
  std::string message_id;  // <= 65; deliver_sm_resp: unused, empty
  Tlvs tlvs;
};
using SubmitSmResp = MessageIdResp;
using DeliverSmResp = MessageIdResp;
using DataSmResp = MessageIdResp;  // SMPP 3.4 §4.7.2: message_id, then TLVs

// data_sm (SMPP 3.4 §4.7.1): submit_sm's addressing with a reduced body and no short_message;
// the user data, when any, is in message_payload. An SMSC may send delivery receipts as data_sm
// (esm_class 0x04, receipted_message_id and message_state TLVs) instead of deliver_sm.
struct DataSm {
  std::string service_type;  // <= 6
  uint8_t source_addr_ton = 0;
  uint8_t source_addr_npi = 0;
  std::string source_addr;  // <= 65 (21 in submit_sm)
  uint8_t dest_addr_ton = 0;
  uint8_t dest_addr_npi = 0;
  std::string destination_addr;  // <= 65
  uint8_t esm_class = 0;
  uint8_t registered_delivery = 0;
  uint8_t data_coding = 0;
  Tlvs tlvs;
};

// One dest_address of a submit_multi (SMPP 3.4 §4.5.1.1): an SME address (dest_flag 1) or a
// distribution list name (dest_flag 2, the name in `address`, <= 21).
struct DestAddress {
  bool distribution_list = false;
  uint8_t ton = 0;
  uint8_t npi = 0;
  std::string address;  // <= 21
};

// submit_multi (SMPP 3.4 §4.5.1): submit_sm with 1..254 destinations.
struct SubmitMulti {
  std::string service_type;
  uint8_t source_addr_ton = 0;
  uint8_t source_addr_npi = 0;
  std::string source_addr;
  std::vector<DestAddress> dests;  // 1..254 (number_of_dests)
  uint8_t esm_class = 0;
  uint8_t protocol_id = 0;
  uint8_t priority_flag = 0;
  std::string schedule_delivery_time;
  std::string validity_period;
  uint8_t registered_delivery = 0;
  uint8_t replace_if_present_flag = 0;
  uint8_t data_coding = 0;
  uint8_t sm_default_msg_id = 0;
  std::string short_message;
  Tlvs tlvs;
};

// One unsuccess_sme of a submit_multi_resp (SMPP 3.4 §4.5.2.1).
struct UnsuccessSme {
  uint8_t ton = 0;
  uint8_t npi = 0;
  std::string address;  // <= 21
  uint32_t error_status = 0;
};

// submit_multi_resp (SMPP 3.4 §4.5.2).
struct SubmitMultiResp {
  std::string message_id;
  std::vector<UnsuccessSme> unsuccess;  // <= 254 (no_unsuccess)
  Tlvs tlvs;
};

// No body: enquire_link(_resp), unbind(_resp), generic_nack, and any response with a non-zero
// command_status that carries no body (SMPP 3.4 §4.4.2: the body is not returned on error).
using Empty = std::monostate;

using Body = std::variant<Empty, Bind, BindResp, SubmitSm, MessageIdResp, SubmitMulti,
                          SubmitMultiResp, DataSm>;

// One PDU: the header (command_length is computed by encode) and its body, whose type must be
// the one its command_id has (above).
struct Pdu {
  uint32_t command_id = 0;
  uint32_t command_status = 0;
  uint32_t sequence = 0;  // 1..0x7FFFFFFF (SMPP 3.4 §5.1.4)
  Body body;
};

// The bytes on the wire. Refuses, rather than emit a PDU the peer must reject: a body that does
// not fit command_id, a C-Octet String that is too long or holds a NUL, a time that is neither
// empty nor 16 characters, short_message over 254 octets or together with message_payload, a
// TLV over 65535 octets, 0 or more than 254 destinations. Errors name the PDU, field and rule.
Result<std::string> encode(const Pdu& pdu);

// Why decode failed, and what the session answers (SMPP 3.4 §4.3.1: an invalid PDU, e.g. a bad
// command_length or an unknown command_id, is answered with generic_nack; a request whose
// fields are wrong with its own response and an error status).
struct DecodeError {
  uint32_t command_id = 0;               // as read; 0 when the header was not readable
  std::optional<uint32_t> sequence;      // when the header was readable
  uint32_t status = status::kInvCmdLen;  // the command_status of the answer
  bool generic_nack = true;  // answer with generic_nack, else with command_id's response
};

// One whole PDU (exactly command_length octets, see frame()) to a typed Pdu. Never throws, never
// reads outside `one_pdu`. On failure the Status says what, at which offset, and which rule,
// e.g. "submit_sm: source_addr at offset 22: no NUL within 21 octets (SMPP 3.4 §5.2.8)", and
// `why`, when given, says how to answer. Optional parameters with unknown tags are kept.
Result<Pdu> decode(std::string_view one_pdu, DecodeError* why = nullptr);

// The answer to a PDU that did not decode: generic_nack (a bad header: command_length, unknown
// command_id, a body shorter than its fixed fields) or the request's response (a wrong field),
// with the error status and the PDU's sequence number (0 when unreadable). nullopt for a
// generic_nack (no nack loops) and for a response with a valid header but a wrong body.
std::optional<Pdu> error_response(const DecodeError& error);

// The largest command_length accepted: 128 KiB. A submit_multi with 254 destinations (about
// 6.4 KB of addresses), every other mandatory field at its maximum, and a message_payload of
// 65535 octets (its 16-bit length field's limit) is about 72 KB, so everything valid fits; the
// bound keeps a garbage length (e.g. an HTTP or TLS peer on the port) from making a session
// buffer gigabytes.
inline constexpr uint32_t kMaxCommandLength = 128 * 1024;
inline constexpr uint32_t kHeaderLength = 16;  // SMPP 3.4 §3.2: four 4-octet integers

// What the bytes buffered so far hold at their start.
struct Frame {
  enum class Kind { kNeedMore, kComplete, kError };
  Kind kind = Kind::kNeedMore;
  size_t length = 0;  // kComplete: the PDU's length (the first `length` octets)
  Status error;       // kError: why; the stream cannot be re-synchronised: nack and close
  DecodeError nack;   // kError: the answer (ESME_RINVCMDLEN, sequence when buffered)
};

// kNeedMore until 4 octets (command_length) and then that many are buffered; kError when
// command_length < 16 or > kMaxCommandLength (SMPP 3.4 §5.1.1).
Frame frame(std::string_view buffered);

}  // namespace capcast::dispatch::smpp
