// Decoding CBSP PDUs (codec.h): bounds-checked reads, and errors that name the message, the
// IE, the octet offset in the PDU and the section.
#include <string>

#include "cbs/cbsp/codec.h"
#include "cbs/cbsp/fields.h"

namespace capcast::dispatch::cbs::cbsp {
namespace {

using namespace detail;  // NOLINT: the codec's own tables

class Reader {
 public:
  Reader(std::span<const uint8_t> in, std::string message) : in_(in), msg_(std::move(message)) {}

  // Fails with "CBSP KILL: Cell List at offset 12: ... (TS 48.049 §8.2.6)".
  bool fail(size_t at, uint8_t iei, const std::string& what) {
    const auto& ie = ie_info(iei);
    std::string s = "CBSP " + msg_ + ": ";
    if (!ie.name.empty()) s += std::string(ie.name) + " ";
    s += "at offset " + std::to_string(at) + ": " + what;
    if (!ie.section.empty()) s += " (TS 48.049 " + std::string(ie.section) + ")";
    if (error_.ok()) error_ = parse_error(std::move(s));
    return false;
  }

  uint8_t at(size_t i) const { return in_[i]; }
  uint16_t be16(size_t i) const { return static_cast<uint16_t>(in_[i] << 8 | in_[i + 1]); }

  // One cell identification at `pos` (TS 48.049 §8.2.6; TS 48.008 §3.2.2.27), within `end`.
  bool cell(size_t& pos, size_t end, uint8_t d, CellId& c, uint8_t iei) {
    const auto size = cell_id_size(d);
    if (!size) {
      return fail(pos, iei,
                  "cell identification discriminator " + std::to_string(d) + " not used by CBSP");
    }
    if (end - pos < *size) {
      return fail(pos, iei,
                  "cell identification of " + std::to_string(*size) + " octets, only " +
                      std::to_string(end - pos) + " left");
    }
    size_t p = pos;
    if (d == 0 || d == 4) {  // MCC, MNC as BCD digits (TS 24.008 §10.5.1.3)
      const uint8_t b0 = at(p), b1 = at(p + 1), b2 = at(p + 2);
      const unsigned m1 = b0 & 0xF, m2 = b0 >> 4, m3 = b1 & 0xF, n3 = b1 >> 4;
      const unsigned n1 = b2 & 0xF, n2 = b2 >> 4;
      if (m1 > 9 || m2 > 9 || m3 > 9 || n1 > 9 || n2 > 9 || (n3 > 9 && n3 != 0xF)) {
        return fail(p, iei, "MCC/MNC digits not BCD (TS 24.008 §10.5.1.3)");
      }
      c.mcc = static_cast<uint16_t>(m1 * 100 + m2 * 10 + m3);
      c.mnc_3_digits = n3 != 0xF;
      c.mnc = static_cast<uint16_t>(c.mnc_3_digits ? n1 * 100 + n2 * 10 + n3 : n1 * 10 + n2);
      p += 3;
    }
    if (d == 0 || d == 1 || d == 4 || d == 5) {
      c.lac = be16(p);
      p += 2;
    }
    if (d == 0 || d == 1 || d == 2) {
      c.ci = be16(p);
      p += 2;
    }
    pos = p;
    return true;
  }

  bool cell_list(size_t pos, size_t end, CellList& out) {
    if (pos == end) return fail(pos, iei::kCellList, "empty: no discriminator");
    const uint8_t d = at(pos) & 0x0F;                                          // bits 8-5 spare
    if (!cell_id_size(d)) return cell(pos, end, d, scratch_, iei::kCellList);  // fails
    out.discriminator = static_cast<Discriminator>(d);
    ++pos;
    if (d == static_cast<uint8_t>(Discriminator::kAllInBsc) && pos != end) {
      return fail(pos, iei::kCellList, "octets after \"all cells in the BSC\"");
    }
    while (pos < end) {
      CellId c;
      if (!cell(pos, end, d, c, iei::kCellList)) return false;
      out.cells.push_back(c);
    }
    return true;
  }

  bool completed(size_t pos, size_t end, CompletedList& out) {
    const uint8_t i = iei::kNumBroadcastsCompletedList;
    if (pos == end) return fail(pos, i, "empty: no discriminator");
    const uint8_t d = at(pos) & 0x0F;
    if (!cell_id_size(d)) return cell(pos, end, d, scratch_, i);  // fails
    out.discriminator = static_cast<Discriminator>(d);
    ++pos;
    while (pos < end) {
      Completed c;
      if (!cell(pos, end, d, c.cell, i)) return false;
      if (end - pos < 3) return fail(pos, i, "count and info need 3 octets");
      c.broadcasts = be16(pos);
      c.info = at(pos + 2) & 0x0F;
      pos += 3;
      out.items.push_back(c);
    }
    return true;
  }

  bool failures(size_t pos, size_t end, std::vector<Failure>& out) {
    const uint8_t i = iei::kFailureList;
    if (pos == end) return fail(pos, i, "no entries");
    while (pos < end) {
      Failure f;
      const uint8_t d = at(pos) & 0x0F;
      if (cell_id_size(d)) f.discriminator = static_cast<Discriminator>(d);
      ++pos;
      if (!cell(pos, end, d, f.cell, i)) return false;
      if (pos == end) return fail(pos, i, "entry without its cause");
      f.cause = at(pos++);
      out.push_back(f);
    }
    return true;
  }

  std::span<const uint8_t> in_;
  std::string msg_;
  Status error_;
  CellId scratch_;
};

template <typename T>
bool once(Reader& r, std::optional<T>& field, size_t at, uint8_t iei, T value) {
  if (field) return r.fail(at, iei, "repeated");
  field = std::move(value);
  return true;
}

}  // namespace

Result<Pdu> decode(std::span<const uint8_t> in) {
  if (in.size() < kHeaderSize) {
    return parse_error("CBSP message of " + std::to_string(in.size()) +
                       " octets: shorter than its 4-octet header (TS 48.049 §8.1.2)");
  }
  const MessageInfo* m = find_message(in[0]);
  if (!m) {
    return parse_error("CBSP message type " + std::to_string(in[0]) +
                       " at offset 0: not defined (TS 48.049 §8.2.2)");
  }
  const size_t body = (size_t{in[1]} << 16) | (size_t{in[2]} << 8) | in[3];
  if (body != in.size() - kHeaderSize) {
    return parse_error("CBSP " + std::string(m->name) + ": length " + std::to_string(body) +
                       " at offset 1, but " + std::to_string(in.size() - kHeaderSize) +
                       " octets follow the header (TS 48.049 §8.1.2)");
  }
  Reader r(in, std::string(m->name));
  Pdu p;
  p.type = m->type;
  std::optional<uint8_t> pages;
  size_t pos = kHeaderSize;
  while (pos < in.size()) {
    const size_t start = pos;
    const uint8_t i = in[pos++];
    const auto& ie = ie_info(i);
    size_t len = 0;
    switch (ie.format) {
      case Format::kUnknown:
        r.fail(start, i, "IEI " + std::to_string(i) + " not defined (TS 48.049 §8.2.1)");
        return r.error_;
      case Format::kOne:
        len = 1;
        break;
      case Format::kTwo:
        len = 2;
        break;
      case Format::kFifty:
        len = 50;
        break;
      case Format::kContent:
        len = 1 + kPageOctets;
        break;
      case Format::kList:
        if (in.size() - pos < 2) {
          r.fail(start, i, "no room for its 2-octet length");
          return r.error_;
        }
        len = r.be16(pos);
        pos += 2;
        break;
    }
    if (in.size() - pos < len) {
      r.fail(start, i,
             std::to_string(len) + " octets of value, only " + std::to_string(in.size() - pos) +
                 " left");
      return r.error_;
    }
    const size_t end = pos + len;
    bool ok = true;
    switch (i) {
      case iei::kMessageContent: {
        Page page;
        page.used = in[pos];
        std::copy(in.begin() + static_cast<ptrdiff_t>(pos) + 1,
                  in.begin() + static_cast<ptrdiff_t>(end), page.data.begin());
        if (page.used > kPageOctets) {
          ok =
              r.fail(start, i, "User Information Length " + std::to_string(page.used) + " over 82");
        } else if (p.pages.size() >= kMaxPages) {
          ok = r.fail(start, i, "a 16th page (at most 15)");
        }
        p.pages.push_back(page);
        break;
      }
      case iei::kOldSerialNumber:
        ok = once(r, p.old_serial, start, i, r.be16(pos));
        break;
      case iei::kNewSerialNumber:
        ok = once(r, p.new_serial, start, i, r.be16(pos));
        break;
      case iei::kCellList: {
        CellList l;
        ok = r.cell_list(pos, end, l) && once(r, p.cell_list, start, i, std::move(l));
        break;
      }
      case iei::kCategory:
        ok = once(r, p.category, start, i, in[pos]);
        break;
      case iei::kRepetitionPeriod: {
        const uint16_t v = r.be16(pos);
        ok = (v >= 1 && v <= 4095) ? once(r, p.repetition_period, start, i, v)
                                   : r.fail(start, i, std::to_string(v) + " not in 1..4095");
        break;
      }
      case iei::kNumBroadcastsRequested:
        ok = once(r, p.broadcasts_requested, start, i, r.be16(pos));
        break;
      case iei::kNumBroadcastsCompletedList: {
        CompletedList l;
        ok = r.completed(pos, end, l) && once(r, p.completed, start, i, std::move(l));
        break;
      }
      case iei::kFailureList: {
        std::vector<Failure> l;
        ok = r.failures(pos, end, l) && once(r, p.failures, start, i, std::move(l));
        break;
      }
      case iei::kCause:
        ok = once(r, p.cause, start, i, in[pos]);
        break;
      case iei::kDataCodingScheme:
        ok = once(r, p.dcs, start, i, in[pos]);
        break;
      case iei::kRecoveryIndication:
        ok = once(r, p.recovery_indication, start, i, static_cast<uint8_t>(in[pos] & 0x0F));
        break;
      case iei::kMessageIdentifier:
        ok = once(r, p.message_id, start, i, r.be16(pos));
        break;
      case iei::kEmergencyIndicator:
        ok = once(r, p.emergency_indicator, start, i, in[pos]);
        break;
      case iei::kWarningType:
        ok = once(r, p.warning_type, start, i, r.be16(pos));
        break;
      case iei::kWarningSecurityInformation: {
        std::array<uint8_t, 50> v{};
        std::copy(in.begin() + static_cast<ptrdiff_t>(pos),
                  in.begin() + static_cast<ptrdiff_t>(end), v.begin());
        ok = once(r, p.warning_security_information, start, i, v);
        break;
      }
      case iei::kChannelIndicator:
        ok = once(r, p.channel_indicator, start, i, in[pos]);
        break;
      case iei::kNumberOfPages: {
        const uint8_t n = in[pos];
        ok = (n >= 1 && n <= kMaxPages) ? once(r, pages, start, i, n)
                                        : r.fail(start, i, std::to_string(n) + " not in 1..15");
        break;
      }
      case iei::kBroadcastMessageType:
        ok = once(r, p.broadcast_message_type, start, i, static_cast<uint8_t>(in[pos] & 0x0F));
        break;
      case iei::kWarningPeriod:
        ok = once(r, p.warning_period, start, i, in[pos]);
        break;
      case iei::kKeepAliveRepetitionPeriod:
        ok = once(r, p.keep_alive_period, start, i, in[pos]);
        break;
      default:  // carried as is: Radio Resource Loading List, Schedule Period, Reserved Slots
        p.other.push_back(RawIe{i, Bytes(in.begin() + static_cast<ptrdiff_t>(pos),
                                         in.begin() + static_cast<ptrdiff_t>(end))});
        break;
    }
    if (!ok) return r.error_;
    pos = end;
  }

  // The message's mandatory IEs (§8.1.3.x). IEs it does not list are tolerated (a receiver
  // that knows fewer IEs than its peer keeps working), as libosmocore does.
  const bool etws = p.emergency_indicator.has_value();
  for (const auto& rule : m->ies) {
    const bool required = rule.presence == Presence::kMandatory ||
                          (rule.presence == Presence::kCbs && !etws) ||
                          (rule.presence == Presence::kEtws && etws);
    if (!required) continue;
    bool have = false;
    switch (rule.iei) {
      case iei::kMessageContent:
        have = !p.pages.empty();
        break;
      case iei::kOldSerialNumber:
        have = p.old_serial.has_value();
        break;
      case iei::kNewSerialNumber:
        have = p.new_serial.has_value();
        break;
      case iei::kCellList:
        have = p.cell_list.has_value();
        break;
      case iei::kCategory:
        have = p.category.has_value();
        break;
      case iei::kRepetitionPeriod:
        have = p.repetition_period.has_value();
        break;
      case iei::kNumBroadcastsRequested:
        have = p.broadcasts_requested.has_value();
        break;
      case iei::kNumBroadcastsCompletedList:
        have = p.completed.has_value();
        break;
      case iei::kFailureList:
        have = p.failures.has_value();
        break;
      case iei::kCause:
        have = p.cause.has_value();
        break;
      case iei::kDataCodingScheme:
        have = p.dcs.has_value();
        break;
      case iei::kRecoveryIndication:
        have = p.recovery_indication.has_value();
        break;
      case iei::kMessageIdentifier:
        have = p.message_id.has_value();
        break;
      case iei::kEmergencyIndicator:
        have = p.emergency_indicator.has_value();
        break;
      case iei::kWarningType:
        have = p.warning_type.has_value();
        break;
      case iei::kChannelIndicator:
        have = p.channel_indicator.has_value();
        break;
      case iei::kNumberOfPages:
        have = pages.has_value();
        break;
      case iei::kBroadcastMessageType:
        have = p.broadcast_message_type.has_value();
        break;
      case iei::kWarningPeriod:
        have = p.warning_period.has_value();
        break;
      case iei::kKeepAliveRepetitionPeriod:
        have = p.keep_alive_period.has_value();
        break;
      default:
        for (const auto& x : p.other)
          have = have || x.iei == rule.iei;
        break;
    }
    if (!have) {
      r.fail(in.size(), rule.iei, "missing, mandatory by " + std::string(m->section));
      return r.error_;
    }
  }
  if (pages && *pages != p.pages.size()) {
    r.fail(in.size(), iei::kNumberOfPages,
           "says " + std::to_string(*pages) + " pages, " + std::to_string(p.pages.size()) +
               " Message Content IEs follow");
    return r.error_;
  }
  return p;
}

}  // namespace capcast::dispatch::cbs::cbsp
