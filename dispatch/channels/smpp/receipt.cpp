// SMSC delivery receipts (receipt.h). SMPP 3.4 Appendix B for the text, §5.3.2 for the TLVs.
#include "smpp/receipt.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <utility>

namespace capcast::dispatch::smpp {
namespace {

char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}
bool space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && space(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && space(s.back()))
    s.remove_suffix(1);
  return s;
}

// The receipt keys, with the spellings seen in the field ("submit date", "submit_date").
struct Key {
  std::string_view spelling;
  std::string ReceiptText::*field;
};
constexpr size_t kKeys = 10;
const Key kKeyTable[kKeys] = {
    {"id:", &ReceiptText::id},
    {"sub:", &ReceiptText::sub},
    {"dlvrd:", &ReceiptText::dlvrd},
    {"submit date:", &ReceiptText::submit_date},
    {"submit_date:", &ReceiptText::submit_date},
    {"done date:", &ReceiptText::done_date},
    {"done_date:", &ReceiptText::done_date},
    {"stat:", &ReceiptText::stat},
    {"err:", &ReceiptText::err},
    {"text:", &ReceiptText::text},
};

// Where `key` first starts at a word boundary in `s` (case-insensitive), or npos.
size_t find_key(std::string_view s, std::string_view key) {
  for (size_t at = 0; at + key.size() <= s.size(); ++at) {
    if ((at == 0 || space(s[at - 1])) && iequals(s.substr(at, key.size()), key)) return at;
  }
  return std::string_view::npos;
}

bool all_of(std::string_view s, int (*pred)(int)) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [&](char c) {
    return pred(static_cast<unsigned char>(c)) != 0;
  });
}

}  // namespace

std::string_view state_name(MessageState state) {
  switch (state) {
    case MessageState::kEnroute:
      return "ENROUTE";
    case MessageState::kDelivered:
      return "DELIVRD";
    case MessageState::kExpired:
      return "EXPIRED";
    case MessageState::kDeleted:
      return "DELETED";
    case MessageState::kUndeliverable:
      return "UNDELIV";
    case MessageState::kAccepted:
      return "ACCEPTD";
    case MessageState::kUnknown:
      return "UNKNOWN";
    case MessageState::kRejected:
      return "REJECTD";
  }
  return "UNKNOWN";
}

std::optional<MessageState> parse_stat(std::string_view word) {
  word = trim(word);
  static const std::pair<std::string_view, MessageState> kWords[] = {
      {"DELIVRD", MessageState::kDelivered},     {"DELIVERED", MessageState::kDelivered},
      {"EXPIRED", MessageState::kExpired},       {"DELETED", MessageState::kDeleted},
      {"UNDELIV", MessageState::kUndeliverable}, {"UNDELIVERABLE", MessageState::kUndeliverable},
      {"ACCEPTD", MessageState::kAccepted},      {"ACCEPTED", MessageState::kAccepted},
      {"UNKNOWN", MessageState::kUnknown},       {"REJECTD", MessageState::kRejected},
      {"REJECTED", MessageState::kRejected},     {"ENROUTE", MessageState::kEnroute},
  };
  for (const auto& [w, s] : kWords) {
    if (iequals(word, w)) return s;
  }
  return std::nullopt;
}

std::optional<MessageState> state_from_message_state(uint32_t value) {
  if (value < 1 || value > 8) return std::nullopt;
  return static_cast<MessageState>(value);
}

ReceiptText parse_receipt_text(std::string_view s) {
  // Find each field's first key; a value runs to the next key found (text: included), so that
  // the keys may come in any order. Values other than text: stop at the first space too.
  size_t starts[kKeys];
  for (size_t i = 0; i < kKeys; ++i)
    starts[i] = find_key(s, kKeyTable[i].spelling);
  ReceiptText out;
  for (size_t i = 0; i < kKeys; ++i) {
    if (starts[i] == std::string_view::npos) continue;
    const size_t from = starts[i] + kKeyTable[i].spelling.size();
    size_t to = s.size();
    for (size_t j = 0; j < kKeys; ++j) {
      if (starts[j] != std::string_view::npos && starts[j] >= from) to = std::min(to, starts[j]);
    }
    std::string_view value = trim(s.substr(from, to - from));
    if (kKeyTable[i].field != &ReceiptText::text) value = value.substr(0, value.find(' '));
    std::string& field = out.*kKeyTable[i].field;
    if (field.empty()) field.assign(value);
  }
  return out;
}

namespace {

bool is_receipt(uint8_t esm_class) {
  return (esm_class & 0x3C) == 0x04;
}

// The receipt of a deliver_sm or data_sm (`pdu` names it in errors), from its esm_class, its
// text and its TLVs.
Result<Receipt> parse_receipt(std::string_view pdu, uint8_t esm_class, std::string_view text,
                              const Tlvs& tlvs) {
  if (!is_receipt(esm_class)) {
    char b[8];
    std::snprintf(b, sizeof b, "0x%02X", esm_class);
    return invalid_argument(std::string(pdu) + ": esm_class " + b +
                            " is not a delivery receipt (0x04, SMPP 3.4 §5.2.12)");
  }
  Receipt r;
  r.text = parse_receipt_text(text);
  if (auto id = tlv_string(tlvs, tag::kReceiptedMessageId); id && !trim(*id).empty()) {
    r.id = std::string(trim(*id));
  } else {
    r.id = r.text.id;
  }
  if (r.id.empty()) {
    return invalid_argument(std::string(pdu) +
                            " receipt: no receipted_message_id TLV and no id: in the text (SMPP "
                            "3.4 Appendix B)");
  }
  std::optional<MessageState> state;
  if (auto v = tlv_int(tlvs, tag::kMessageState)) state = state_from_message_state(*v);
  if (!state) state = parse_stat(r.text.stat);
  if (!state) {
    return invalid_argument(std::string(pdu) + " receipt " + r.id +
                            ": no message_state TLV and stat: '" + r.text.stat +
                            "' is not a known state (SMPP 3.4 Appendix B)");
  }
  r.state = *state;
  r.final = is_final(*state);
  r.err = r.text.err;
  if (const Tlv* t = find_tlv(tlvs, tag::kNetworkErrorCode); t && t->value.size() == 3) {
    const auto b = [&](size_t i) {
      return static_cast<uint32_t>(static_cast<uint8_t>(t->value[i]));
    };
    r.network_error = (b(0) << 16) | (b(1) << 8) | b(2);
  }
  return r;
}

}  // namespace

bool is_receipt(const DeliverSm& d) {
  return is_receipt(d.esm_class);
}

bool is_receipt(const DataSm& d) {
  return is_receipt(d.esm_class);
}

Result<Receipt> parse_receipt(const DeliverSm& d) {
  return parse_receipt("deliver_sm", d.esm_class, d.short_message, d.tlvs);
}

Result<Receipt> parse_receipt(const DataSm& d) {
  // SMPP 3.4 §4.7.1: no short_message; an SMSC that writes the Appendix B text puts it in
  // message_payload (§5.3.2.32).
  const Tlv* payload = find_tlv(d.tlvs, tag::kMessagePayload);
  return parse_receipt("data_sm", d.esm_class, payload != nullptr ? payload->value : "", d.tlvs);
}

std::string canonical_message_id(std::string_view id) {
  id = trim(id);
  std::string out;
  for (char c : id)
    out.push_back(lower(c));
  const size_t first = out.find_first_not_of('0');
  if (first == std::string::npos) return out.empty() ? out : "0";
  return out.substr(first);
}

std::vector<std::string> message_id_keys(std::string_view receipt_id) {
  std::vector<std::string> keys;
  const std::string canon = canonical_message_id(receipt_id);
  if (canon.empty()) return keys;
  keys.push_back(canon);
  const auto add = [&](std::string k) {
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(std::move(k));
  };
  // Canonical ids have no leading zeros, so these lengths bound the value to 64 bits.
  if (all_of(canon, ::isdigit) && canon.size() <= 20) {
    unsigned long long v = 0;
    bool overflow = false;
    for (char c : canon) {
      const unsigned long long digit = static_cast<unsigned long long>(c - '0');
      if (v > (~0ULL - digit) / 10) overflow = true;
      v = v * 10 + digit;
    }
    if (!overflow) {
      char b[24];
      std::snprintf(b, sizeof b, "%llx", v);
      add(b);
    }
  }
  if (all_of(canon, ::isxdigit) && canon.size() <= 16) {
    unsigned long long v = 0;
    for (char c : canon) {
      v = v * 16 + static_cast<unsigned long long>(
                       std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : c - 'a' + 10);
    }
    add(std::to_string(v));
  }
  return keys;
}

}  // namespace capcast::dispatch::smpp
