// Decoding SMPP 3.4 PDUs (pdu.h): bounds-checked reads, errors that name field, offset and rule,
// and the answer the session owes the peer.
#include <string>
#include <utility>
#include <vector>

#include "smpp/pdu.h"
#include "smpp/pdu_fields.h"

namespace capcast::dispatch::smpp {
namespace {

using namespace detail;  // NOLINT: the codec's own tables

class Reader {
 public:
  Reader(std::string_view pdu, const CommandInfo& c, DecodeError& why)
      : in_(pdu), cmd_(c), why_(why) {}

  bool at_end() const { return pos_ >= in_.size(); }
  size_t pos() const { return pos_; }

  bool u8(uint8_t& out, std::string_view field) {
    if (pos_ >= in_.size()) return past_end(field);
    out = static_cast<uint8_t>(in_[pos_++]);
    return true;
  }
  // A fixed-size field that the PDU is too short for: command_length disagrees with the body.
  bool past_end(std::string_view field) {
    return fail(status::kInvCmdLen, true,
                std::string(field) + " at offset " + std::to_string(pos_) +
                    ": past the end of the PDU (command_length " + std::to_string(in_.size()) +
                    ") (SMPP 3.4 " + std::string(cmd_.section) + ")");
  }
  bool u32(uint32_t& out, std::string_view field) {
    if (in_.size() - pos_ < 4) return past_end(field);
    uint8_t b[4] = {0, 0, 0, 0};
    for (auto& x : b)
      u8(x, field);
    out = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
    return true;
  }
  bool cstr(std::string& out, const CField& f) {
    const size_t left = in_.size() - pos_;
    const size_t window = left < f.max ? left : f.max;
    const size_t nul = in_.substr(pos_, window).find('\0');
    if (nul == std::string_view::npos) {
      const std::string where = std::string(f.name) + " at offset " + std::to_string(pos_) + ": ";
      return fail(f.status, false,
                  where +
                      (left < f.max ? "no NUL before the end of the PDU"
                                    : "no NUL within " + std::to_string(f.max) + " octets") +
                      " (" + std::string(f.rule) + ")");
    }
    out.assign(in_.substr(pos_, nul));
    pos_ += nul + 1;
    return true;
  }
  bool short_message(std::string& out) {
    uint8_t len = 0;
    const size_t at = pos_;
    if (!u8(len, "sm_length")) return false;
    if (len > kMaxShortMessage) {
      return fail(status::kInvMsgLen, false,
                  "sm_length at offset " + std::to_string(at) + ": " + std::to_string(len) +
                      ", over 254 (SMPP 3.4 " + std::string(cmd_.section) + ")");
    }
    if (len > in_.size() - pos_) {
      return fail(status::kInvMsgLen, false,
                  "short_message at offset " + std::to_string(pos_) + ": sm_length " +
                      std::to_string(len) + " past the end of the PDU (" +
                      std::to_string(in_.size() - pos_) + " octets left) (SMPP 3.4 " +
                      std::string(cmd_.section) + ")");
    }
    out.assign(in_.substr(pos_, len));
    pos_ += len;
    return true;
  }
  // The rest of the PDU as TLVs (SMPP 3.4 §5.3.1: tag and length, 2 octets each, then value).
  bool tlvs(Tlvs& out) {
    while (pos_ < in_.size()) {
      const size_t left = in_.size() - pos_;
      if (left < 4) {
        return fail(status::kInvOptParStream, false,
                    "TLV at offset " + std::to_string(pos_) + ": " + std::to_string(left) +
                        " octets left, a TLV needs at least 4 (SMPP 3.4 §5.3.1)");
      }
      const auto b = [&](size_t i) { return static_cast<uint8_t>(in_[pos_ + i]); };
      const uint16_t tag = static_cast<uint16_t>((b(0) << 8) | b(1));
      const size_t len = static_cast<size_t>((b(2) << 8) | b(3));
      if (len > left - 4) {
        return fail(status::kInvParLen, false,
                    "TLV 0x" + hex4(tag) + " at offset " + std::to_string(pos_) + ": length " +
                        std::to_string(len) + " past the end of the PDU (" +
                        std::to_string(left - 4) + " octets left) (SMPP 3.4 §5.3.1)");
      }
      out.push_back(Tlv{tag, std::string(in_.substr(pos_ + 4, len))});
      pos_ += 4 + len;
    }
    return true;
  }
  bool expect_end() {
    if (pos_ == in_.size()) return true;
    return fail(status::kInvCmdLen, true,
                std::to_string(in_.size() - pos_) + " octets after the body at offset " +
                    std::to_string(pos_) + " (SMPP 3.4 " + std::string(cmd_.section) + ")");
  }
  bool fail(uint32_t status, bool generic, std::string what) {
    if (error_.ok()) {
      error_ = parse_error(std::string(cmd_.name) + ": " + std::move(what));
      why_.status = status;
      why_.generic_nack = generic;
    }
    return false;
  }

  Status error_;

 private:
  std::string_view in_;
  size_t pos_ = kHeaderLength;
  const CommandInfo& cmd_;
  DecodeError& why_;
};

template <typename S>
bool read_sm_tail(Reader& r, S& s) {
  return r.u8(s.esm_class, "esm_class") && r.u8(s.protocol_id, "protocol_id") &&
         r.u8(s.priority_flag, "priority_flag") && r.cstr(s.schedule_delivery_time, kSchedule) &&
         r.cstr(s.validity_period, kValidity) &&
         r.u8(s.registered_delivery, "registered_delivery") &&
         r.u8(s.replace_if_present_flag, "replace_if_present_flag") &&
         r.u8(s.data_coding, "data_coding") && r.u8(s.sm_default_msg_id, "sm_default_msg_id") &&
         r.short_message(s.short_message) && r.tlvs(s.tlvs);
}

bool read_dests(Reader& r, std::vector<DestAddress>& dests) {
  uint8_t n = 0;
  const size_t at = r.pos();
  if (!r.u8(n, "number_of_dests")) return false;
  if (n == 0 || n > kMaxDests) {
    return r.fail(status::kInvNumDests, false,
                  "number_of_dests at offset " + std::to_string(at) + ": " + std::to_string(n) +
                      ", must be 1..254 (SMPP 3.4 §4.5.1)");
  }
  for (uint8_t i = 0; i < n; ++i) {
    DestAddress d;
    uint8_t flag = 0;
    const size_t flag_at = r.pos();
    if (!r.u8(flag, "dest_flag")) return false;
    if (flag == 1) {
      if (!r.u8(d.ton, "dest_addr_ton") || !r.u8(d.npi, "dest_addr_npi") ||
          !r.cstr(d.address, kDestAddr)) {
        return false;
      }
    } else if (flag == 2) {
      d.distribution_list = true;
      if (!r.cstr(d.address, kDlName)) return false;
    } else {
      return r.fail(status::kInvDestFlag, false,
                    "dest_flag at offset " + std::to_string(flag_at) + ": " + std::to_string(flag) +
                        ", must be 1 or 2 (SMPP 3.4 §4.5.1.1)");
    }
    dests.push_back(std::move(d));
  }
  return true;
}

bool read_body(Reader& r, Kind kind, Body& body) {
  switch (kind) {
    case Kind::kEmpty:
      return r.expect_end();
    case Kind::kBind: {
      Bind b;
      if (!(r.cstr(b.system_id, kSystemId) && r.cstr(b.password, kPassword) &&
            r.cstr(b.system_type, kSystemType) && r.u8(b.interface_version, "interface_version") &&
            r.u8(b.addr_ton, "addr_ton") && r.u8(b.addr_npi, "addr_npi") &&
            r.cstr(b.address_range, kAddressRange) && r.expect_end())) {
        return false;
      }
      body = std::move(b);
      return true;
    }
    case Kind::kBindResp: {
      BindResp b;
      if (!(r.cstr(b.system_id, kSystemId) && r.tlvs(b.tlvs))) return false;
      body = std::move(b);
      return true;
    }
    case Kind::kSm: {
      SubmitSm s;
      if (!(r.cstr(s.service_type, kServiceType) && r.u8(s.source_addr_ton, "source_addr_ton") &&
            r.u8(s.source_addr_npi, "source_addr_npi") && r.cstr(s.source_addr, kSourceAddr) &&
            r.u8(s.dest_addr_ton, "dest_addr_ton") && r.u8(s.dest_addr_npi, "dest_addr_npi") &&
            r.cstr(s.destination_addr, kDestAddr) && read_sm_tail(r, s))) {
        return false;
      }
      body = std::move(s);
      return true;
    }
    case Kind::kMsgIdResp: {
      MessageIdResp m;
      if (!(r.cstr(m.message_id, kMessageId) && r.tlvs(m.tlvs))) return false;
      body = std::move(m);
      return true;
    }
    case Kind::kMulti: {
      SubmitMulti s;
      if (!(r.cstr(s.service_type, kServiceType) && r.u8(s.source_addr_ton, "source_addr_ton") &&
            r.u8(s.source_addr_npi, "source_addr_npi") && r.cstr(s.source_addr, kSourceAddr) &&
            read_dests(r, s.dests) && read_sm_tail(r, s))) {
        return false;
      }
      body = std::move(s);
      return true;
    }
    case Kind::kData: {
      // SMPP 3.4 §4.7.1: no protocol_id, priority, times or short_message.
      DataSm d;
      if (!(r.cstr(d.service_type, kServiceType) && r.u8(d.source_addr_ton, "source_addr_ton") &&
            r.u8(d.source_addr_npi, "source_addr_npi") && r.cstr(d.source_addr, kDataSourceAddr) &&
            r.u8(d.dest_addr_ton, "dest_addr_ton") && r.u8(d.dest_addr_npi, "dest_addr_npi") &&
            r.cstr(d.destination_addr, kDataDestAddr) && r.u8(d.esm_class, "esm_class") &&
            r.u8(d.registered_delivery, "registered_delivery") &&
            r.u8(d.data_coding, "data_coding") && r.tlvs(d.tlvs))) {
        return false;
      }
      body = std::move(d);
      return true;
    }
    case Kind::kMultiResp: {
      SubmitMultiResp m;
      uint8_t n = 0;
      if (!(r.cstr(m.message_id, kMessageId) && r.u8(n, "no_unsuccess"))) return false;
      for (uint8_t i = 0; i < n; ++i) {
        UnsuccessSme u;
        if (!(r.u8(u.ton, "dest_addr_ton") && r.u8(u.npi, "dest_addr_npi") &&
              r.cstr(u.address, kDestAddr) && r.u32(u.error_status, "error_status_code"))) {
          return false;
        }
        m.unsuccess.push_back(std::move(u));
      }
      if (!r.tlvs(m.tlvs)) return false;
      body = std::move(m);
      return true;
    }
  }
  return false;
}

}  // namespace

Result<Pdu> decode(std::string_view one_pdu, DecodeError* why) {
  DecodeError local;
  DecodeError& e = why != nullptr ? *why : local;
  e = DecodeError{};
  if (one_pdu.size() < kHeaderLength) {
    return parse_error("PDU of " + std::to_string(one_pdu.size()) +
                       " octets: shorter than the 16-octet header (SMPP 3.4 §3.2)");
  }
  Pdu pdu;
  const uint32_t length = be32(one_pdu, 0);
  pdu.command_id = be32(one_pdu, 4);
  pdu.command_status = be32(one_pdu, 8);
  pdu.sequence = be32(one_pdu, 12);
  e.command_id = pdu.command_id;
  e.sequence = pdu.sequence;
  if (length != one_pdu.size()) {
    e.status = status::kInvCmdLen;
    return parse_error("command_length at offset 0: " + std::to_string(length) +
                       ", but the PDU has " + std::to_string(one_pdu.size()) +
                       " octets (SMPP 3.4 §5.1.1)");
  }
  const CommandInfo* c = find_command(pdu.command_id);
  if (c == nullptr) {
    e.status = status::kInvCmdId;
    return parse_error("command_id at offset 4: " + hex8(pdu.command_id) +
                       " is not supported (SMPP 3.4 §5.1.2)");
  }
  // A response with an error status may come without its body (SMPP 3.4 §4.4.2); the unused
  // message_id of deliver_sm_resp is left out by some peers even on success.
  if (is_response(pdu.command_id) && one_pdu.size() == kHeaderLength && c->kind != Kind::kEmpty) {
    if (pdu.command_status != 0) return pdu;
    if (pdu.command_id == cmd::kDeliverSmResp) {
      pdu.body = MessageIdResp{};
      return pdu;
    }
  }
  Reader r(one_pdu, *c, e);
  if (!read_body(r, c->kind, pdu.body)) {
    // A response whose body is wrong is not answered: its header was valid.
    if (is_response(pdu.command_id)) e.generic_nack = false;
    return r.error_;
  }
  return pdu;
}

}  // namespace capcast::dispatch::smpp
