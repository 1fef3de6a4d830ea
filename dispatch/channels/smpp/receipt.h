// SMSC delivery receipts: a deliver_sm (or a data_sm, SMPP 3.4 §4.7.1, which some SMSCs use
// instead) with esm_class message type 0x04 (SMPP 3.4 §5.2.12) that tells the fate of a
// message submitted earlier. The SMS channel matches it to the
// message_id of that submit_sm_resp and records the outcome. Pure functions, thread-safe.
//
// The receipt's short_message text is "vendor specific" (SMPP 3.4 Appendix B gives only an
// example format); SMSCs vary it, so the parser is tolerant:
//   id:IIIIIIIIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DDDDDDD
//   err:E text:...
// Keys in any order, any of them missing, in any case; dates with or without seconds. The TLVs
// receipted_message_id (0x001E) and message_state (0x0427), when present, win over the text
// (SMPP 3.4 §5.3.2.12, §5.3.2.35). A data_sm has no short_message: its TLVs, else the text in
// its message_payload TLV, give the id and state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capcast/core/result.h"
#include "smpp/pdu.h"

namespace capcast::dispatch::smpp {

// message_state values (SMPP 3.4 §5.2.28) and the stat: words of Appendix B.
enum class MessageState : uint8_t {
  kEnroute = 1,        // ENROUTE: not final
  kDelivered = 2,      // DELIVRD
  kExpired = 3,        // EXPIRED
  kDeleted = 4,        // DELETED
  kUndeliverable = 5,  // UNDELIV
  kAccepted = 6,       // ACCEPTD
  kUnknown = 7,        // UNKNOWN
  kRejected = 8,       // REJECTD
};

// "DELIVRD" for kDelivered, as Appendix B writes them.
std::string_view state_name(MessageState state);
// The state of a stat: word, in any case; also the long forms some SMSCs write ("DELIVERED",
// "UNDELIVERABLE", "ACCEPTED", "REJECTED", "ENROUTE"). nullopt for anything else.
std::optional<MessageState> parse_stat(std::string_view word);
// The state of a message_state value 1..8; nullopt for any other.
std::optional<MessageState> state_from_message_state(uint32_t value);
// Every state but ENROUTE is final (SMPP 3.4 §5.2.28).
inline bool is_final(MessageState s) {
  return s != MessageState::kEnroute;
}

// The fields of a receipt text, as written (dates not reformatted); absent keys stay empty.
struct ReceiptText {
  std::string id;
  std::string sub;
  std::string dlvrd;
  std::string submit_date;  // YYMMDDhhmm or YYMMDDhhmmss
  std::string done_date;
  std::string stat;
  std::string err;
  std::string text;
};

// Splits a receipt text into its fields. Never fails: unknown words are ignored.
ReceiptText parse_receipt_text(std::string_view short_message);

struct Receipt {
  std::string id;  // receipted_message_id, else id: from the text, as given
  MessageState state = MessageState::kUnknown;
  bool final = true;
  std::string err;                        // err: as written ("000"), "" when absent
  std::optional<uint32_t> network_error;  // network_error_code TLV: type << 16 | code
  ReceiptText text;                       // the text's fields
};

// True when a deliver_sm or data_sm is a delivery receipt: esm_class bits 2-5 equal 0001
// (value 0x04).
bool is_receipt(const DeliverSm& deliver_sm);
bool is_receipt(const DataSm& data_sm);

// The receipt in a deliver_sm or data_sm. Fails when it is not a receipt, or when neither the
// TLVs nor the text give an id and a known state; the error names the PDU.
Result<Receipt> parse_receipt(const DeliverSm& deliver_sm);
Result<Receipt> parse_receipt(const DataSm& data_sm);

// Message ids: SMSCs write the id of one message in hex in submit_sm_resp and in decimal in the
// receipt (or the reverse), with leading zeros, in either case (Kannel's msg-id-type exists for
// this). canonical_message_id() trims spaces, lowercases and drops leading zeros ("0" stays):
//   "00A1B2" -> "a1b2", "  0042 " -> "42", "000" -> "0".
std::string canonical_message_id(std::string_view id);

// The keys (canonical, distinct, the given form first) under which a receipt id may have been
// returned by submit_sm_resp: the id itself; if it is all decimal digits (and fits 64 bits), its
// hex form; if it is all hex digits (and fits 64 bits), its decimal form. Store the canonical
// submit_sm_resp id and look each key up:
//   "0A132C" -> {"a132c", "660268"}           "abc-1" -> {"abc-1"}
//   "660268" -> {"660268", "a132c", "6685288"} (decimal digits are hex digits too: 0x660268)
//   "10" -> {"10", "a", "16"}                  (decimal 10 is hex a; hex 10 is decimal 16)
// A false match needs two live messages whose ids are each other's other base: rare, and the
// caller can narrow it by the receipt's destination address.
std::vector<std::string> message_id_keys(std::string_view receipt_id);

}  // namespace capcast::dispatch::smpp
