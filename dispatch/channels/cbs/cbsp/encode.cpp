// Encoding CBSP PDUs (codec.h): the IEs of the message's table in its order, each checked
// against the range of its IE.
#include <string>

#include "cbs/cbsp/codec.h"
#include "cbs/cbsp/fields.h"

namespace capcast::dispatch::cbs::cbsp {
namespace {

using namespace detail;  // NOLINT: the codec's own tables

class Writer {
 public:
  explicit Writer(const MessageInfo& m) : m_(m) {}

  void u8(uint8_t v) { out_.push_back(v); }
  void u16(uint16_t v) {
    out_.push_back(static_cast<uint8_t>(v >> 8));
    out_.push_back(static_cast<uint8_t>(v & 0xFF));
  }
  void tv8(uint8_t iei, uint8_t v) {
    u8(iei);
    u8(v);
  }
  void tv16(uint8_t iei, uint16_t v) {
    u8(iei);
    u16(v);
  }
  // Starts a list IE (TLV, 16-bit length); finish_list() writes the length.
  size_t begin_list(uint8_t iei) {
    u8(iei);
    u16(0);
    return out_.size();
  }
  bool finish_list(size_t start, uint8_t iei) {
    const size_t len = out_.size() - start;
    if (len > 0xFFFF) return fail(iei, "longer than 65535 octets");
    out_[start - 2] = static_cast<uint8_t>(len >> 8);
    out_[start - 1] = static_cast<uint8_t>(len & 0xFF);
    return true;
  }
  // One cell identification after its discriminator (TS 48.049 §8.2.6, TS 48.008 §3.2.2.27).
  bool cell(uint8_t d, const CellId& c, uint8_t iei) {
    const bool has_plmn = d == 0 || d == 4;
    const bool has_lac = d == 0 || d == 1 || d == 4 || d == 5;
    const bool has_ci = d == 0 || d == 1 || d == 2;
    if (!cell_id_size(d))
      return fail(iei, "cell identification discriminator " + std::to_string(d));
    if (has_plmn && !plmn(c, iei)) return false;
    if (has_lac) {
      if (c.lac > 0xFFFF) return fail(iei, "LAC " + std::to_string(c.lac) + " over 16 bits");
      u16(static_cast<uint16_t>(c.lac));
    }
    if (has_ci) {
      if (c.ci > 0xFFFF) return fail(iei, "CI " + std::to_string(c.ci) + " over 16 bits");
      u16(static_cast<uint16_t>(c.ci));
    }
    return true;
  }
  // MCC and MNC as BCD digits (TS 24.008 §10.5.1.3): MCC2 MCC1 | MNC3 MCC3 | MNC2 MNC1, with
  // MNC3 = 0xF for a 2-digit MNC.
  bool plmn(const CellId& c, uint8_t iei) {
    if (c.mcc > 999 || c.mnc > (c.mnc_3_digits ? 999 : 99)) {
      return fail(iei, "MCC " + std::to_string(c.mcc) + " / MNC " + std::to_string(c.mnc) +
                           " not 3 / " + (c.mnc_3_digits ? "3" : "2") + " digits");
    }
    const unsigned m1 = c.mcc / 100, m2 = c.mcc / 10 % 10, m3 = c.mcc % 10;
    unsigned n1, n2, n3;
    if (c.mnc_3_digits) {
      n1 = c.mnc / 100, n2 = c.mnc / 10 % 10, n3 = c.mnc % 10;
    } else {
      n1 = c.mnc / 10, n2 = c.mnc % 10, n3 = 0xF;
    }
    u8(static_cast<uint8_t>(m2 << 4 | m1));
    u8(static_cast<uint8_t>(n3 << 4 | m3));
    u8(static_cast<uint8_t>(n2 << 4 | n1));
    return true;
  }
  bool cell_list(const CellList& l) {
    const uint8_t d = static_cast<uint8_t>(l.discriminator);
    const size_t at = begin_list(iei::kCellList);
    u8(d);
    if (l.discriminator == Discriminator::kAllInBsc && !l.cells.empty()) {
      return fail(iei::kCellList, "\"all cells\" with cells listed");
    }
    if (l.discriminator != Discriminator::kAllInBsc && l.cells.empty()) {
      return fail(iei::kCellList, "no cells (TS 48.049 §8.2.6: at least one)");
    }
    for (const auto& c : l.cells) {
      if (!cell(d, c, iei::kCellList)) return false;
    }
    return finish_list(at, iei::kCellList);
  }
  bool completed(const CompletedList& l) {
    const uint8_t d = static_cast<uint8_t>(l.discriminator);
    const size_t at = begin_list(iei::kNumBroadcastsCompletedList);
    u8(d);
    for (const auto& c : l.items) {
      if (!cell(d, c.cell, iei::kNumBroadcastsCompletedList)) return false;
      u16(c.broadcasts);
      u8(c.info);
    }
    return finish_list(at, iei::kNumBroadcastsCompletedList);
  }
  bool failures(const std::vector<Failure>& l) {
    if (l.empty()) return fail(iei::kFailureList, "no entries");
    const size_t at = begin_list(iei::kFailureList);
    for (const auto& f : l) {
      const uint8_t d = static_cast<uint8_t>(f.discriminator);
      u8(d);
      if (!cell(d, f.cell, iei::kFailureList)) return false;
      u8(f.cause);
    }
    return finish_list(at, iei::kFailureList);
  }

  bool fail(uint8_t iei, const std::string& what) {
    const auto& ie = ie_info(iei);
    if (error_.ok()) {
      error_ = invalid_argument("CBSP " + std::string(m_.name) + ": " + std::string(ie.name) +
                                ": " + what + " (TS 48.049 " + std::string(ie.section) + ")");
    }
    return false;
  }

  const MessageInfo& m_;
  Bytes out_;
  Status error_;
};

// Whether the PDU carries this IE.
bool has(const Pdu& p, uint8_t i) {
  switch (i) {
    case iei::kMessageContent:
      return !p.pages.empty();
    case iei::kOldSerialNumber:
      return p.old_serial.has_value();
    case iei::kNewSerialNumber:
      return p.new_serial.has_value();
    case iei::kCellList:
      return p.cell_list.has_value();
    case iei::kCategory:
      return p.category.has_value();
    case iei::kRepetitionPeriod:
      return p.repetition_period.has_value();
    case iei::kNumBroadcastsRequested:
      return p.broadcasts_requested.has_value();
    case iei::kNumBroadcastsCompletedList:
      return p.completed.has_value();
    case iei::kFailureList:
      return p.failures.has_value();
    case iei::kCause:
      return p.cause.has_value();
    case iei::kDataCodingScheme:
      return p.dcs.has_value();
    case iei::kRecoveryIndication:
      return p.recovery_indication.has_value();
    case iei::kMessageIdentifier:
      return p.message_id.has_value();
    case iei::kEmergencyIndicator:
      return p.emergency_indicator.has_value();
    case iei::kWarningType:
      return p.warning_type.has_value();
    case iei::kWarningSecurityInformation:
      return p.warning_security_information.has_value();
    case iei::kChannelIndicator:
      return p.channel_indicator.has_value();
    case iei::kNumberOfPages:
      return !p.pages.empty();
    case iei::kBroadcastMessageType:
      return p.broadcast_message_type.has_value();
    case iei::kWarningPeriod:
      return p.warning_period.has_value();
    case iei::kKeepAliveRepetitionPeriod:
      return p.keep_alive_period.has_value();
    default:
      for (const auto& r : p.other) {
        if (r.iei == i) return true;
      }
      return false;
  }
}

bool put(Writer& w, const Pdu& p, uint8_t i) {
  switch (i) {
    case iei::kMessageContent:
      for (const auto& page : p.pages) {
        if (page.used > kPageOctets) return w.fail(i, "User Information Length over 82");
        w.u8(i);
        w.u8(page.used);
        w.out_.insert(w.out_.end(), page.data.begin(), page.data.end());
      }
      return true;
    case iei::kOldSerialNumber:
      w.tv16(i, *p.old_serial);
      return true;
    case iei::kNewSerialNumber:
      w.tv16(i, *p.new_serial);
      return true;
    case iei::kCellList:
      return w.cell_list(*p.cell_list);
    case iei::kCategory:
      w.tv8(i, *p.category);
      return true;
    case iei::kRepetitionPeriod:
      // 12 bits in two octets, the first one's upper nibble zero (codec.cpp explains the choice
      // between libosmocore's and Wireshark's reading).
      if (*p.repetition_period < 1 || *p.repetition_period > 4095) {
        return w.fail(i, std::to_string(*p.repetition_period) + " not in 1..4095");
      }
      w.tv16(i, *p.repetition_period);
      return true;
    case iei::kNumBroadcastsRequested:
      w.tv16(i, *p.broadcasts_requested);
      return true;
    case iei::kNumBroadcastsCompletedList:
      return w.completed(*p.completed);
    case iei::kFailureList:
      return w.failures(*p.failures);
    case iei::kCause:
      w.tv8(i, *p.cause);
      return true;
    case iei::kDataCodingScheme:
      w.tv8(i, *p.dcs);
      return true;
    case iei::kRecoveryIndication:
      w.tv8(i, *p.recovery_indication);
      return true;
    case iei::kMessageIdentifier:
      w.tv16(i, *p.message_id);
      return true;
    case iei::kEmergencyIndicator:
      w.tv8(i, *p.emergency_indicator);
      return true;
    case iei::kWarningType:
      w.tv16(i, *p.warning_type);
      return true;
    case iei::kWarningSecurityInformation:
      w.u8(i);
      w.out_.insert(w.out_.end(), p.warning_security_information->begin(),
                    p.warning_security_information->end());
      return true;
    case iei::kChannelIndicator:
      w.tv8(i, *p.channel_indicator);
      return true;
    case iei::kNumberOfPages:
      if (p.pages.size() > kMaxPages) {
        return w.fail(i, std::to_string(p.pages.size()) + " pages, over 15");
      }
      w.tv8(i, static_cast<uint8_t>(p.pages.size()));
      return true;
    case iei::kBroadcastMessageType:
      w.tv8(i, *p.broadcast_message_type);
      return true;
    case iei::kWarningPeriod:
      w.tv8(i, *p.warning_period);
      return true;
    case iei::kKeepAliveRepetitionPeriod:
      w.tv8(i, *p.keep_alive_period);
      return true;
    default:
      for (const auto& r : p.other) {
        if (r.iei != i) continue;
        const auto& ie = ie_info(i);
        if (ie.format == Format::kList) {
          const size_t at = w.begin_list(i);
          w.out_.insert(w.out_.end(), r.value.begin(), r.value.end());
          if (!w.finish_list(at, i)) return false;
        } else if (ie.format == Format::kOne && r.value.size() == 1) {
          w.tv8(i, r.value[0]);
        } else {
          return w.fail(i, "not encodable as a raw IE");
        }
      }
      return true;
  }
}

}  // namespace

Result<Bytes> encode(const Pdu& p) {
  const MessageInfo* m = find_message(static_cast<uint8_t>(p.type));
  if (!m) {
    return invalid_argument("CBSP message type " + std::to_string(static_cast<int>(p.type)) +
                            " not defined (TS 48.049 §8.2.2)");
  }
  Writer w(*m);
  w.u8(static_cast<uint8_t>(p.type));
  w.u8(0), w.u8(0), w.u8(0);
  // WRITE-REPLACE: an ETWS message when it carries the Emergency Indicator (§8.1.3.1).
  const bool etws = p.emergency_indicator.has_value();
  for (const auto& rule : m->ies) {
    const bool present = has(p, rule.iei);
    const bool required = rule.presence == Presence::kMandatory ||
                          (rule.presence == Presence::kCbs && !etws) ||
                          (rule.presence == Presence::kEtws && etws);
    const bool forbidden =
        (rule.presence == Presence::kCbs && etws) || (rule.presence == Presence::kEtws && !etws);
    if (!present && required) {
      w.fail(rule.iei, "missing, mandatory in this message");
      return w.error_;
    }
    if (present && forbidden) {
      w.fail(rule.iei, etws ? "not in an ETWS message" : "only in an ETWS message");
      return w.error_;
    }
    if (present && !put(w, p, rule.iei)) return w.error_;
  }
  // Fields the message's table does not name are an error of the caller, not silently dropped.
  for (uint8_t i = 1; i <= iei::kKeepAliveRepetitionPeriod; ++i) {
    bool listed = false;
    for (const auto& rule : m->ies)
      listed = listed || rule.iei == i;
    if (!listed && has(p, i)) {
      w.fail(i, "not carried by this message (TS 48.049 " + std::string(m->section) + ")");
      return w.error_;
    }
  }
  const size_t body = w.out_.size() - kHeaderSize;
  if (body > kMaxBody) return invalid_argument("CBSP message over " + std::to_string(kMaxBody));
  w.out_[1] = static_cast<uint8_t>(body >> 16);
  w.out_[2] = static_cast<uint8_t>((body >> 8) & 0xFF);
  w.out_[3] = static_cast<uint8_t>(body & 0xFF);
  return std::move(w.out_);
}

}  // namespace capcast::dispatch::cbs::cbsp
