// Encoding SMPP 3.4 PDUs (pdu.h): refuses what the peer would have to reject.
#include <string>
#include <utility>

#include "smpp/pdu.h"
#include "smpp/pdu_fields.h"

namespace capcast::dispatch::smpp {
namespace {

using namespace detail;  // NOLINT: the codec's own tables

class Writer {
 public:
  explicit Writer(std::string_view pdu_name) : pdu_(pdu_name) {}

  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u16(uint16_t v) {
    u8(static_cast<uint8_t>(v >> 8));
    u8(static_cast<uint8_t>(v));
  }
  void u32(uint32_t v) {
    u16(static_cast<uint16_t>(v >> 16));
    u16(static_cast<uint16_t>(v));
  }
  void cstr(std::string_view v, const CField& f) {
    if (!status_.ok()) return;
    if (v.find('\0') != std::string_view::npos) {
      fail(std::string(f.name) +
           ": holds a NUL, which would end the C-Octet String (SMPP 3.4 §3.1)");
    } else if (v.size() + 1 > f.max) {
      fail(std::string(f.name) + ": " + std::to_string(v.size() + 1) +
           " octets with its NUL, over the " + std::to_string(f.max) + " allowed (" +
           std::string(f.rule) + ")");
    }
    out_.append(v);
    u8(0);
  }
  void time(std::string_view v, const CField& f) {
    if (!v.empty() && v.size() != 16) {
      fail(std::string(f.name) + ": " + std::to_string(v.size()) +
           " characters; a time is empty or 16 characters (" + std::string(f.rule) + ")");
    }
    cstr(v, f);
  }
  void tlvs(const Tlvs& tlvs) {
    for (const auto& t : tlvs) {
      if (t.value.size() > 0xFFFF) {
        fail("TLV 0x" + hex4(t.tag) + ": " + std::to_string(t.value.size()) +
             " octets, over the 65535 its length field holds (SMPP 3.4 §5.3.1)");
      }
      u16(t.tag);
      u16(static_cast<uint16_t>(t.value.size()));
      out_.append(t.value);
    }
  }
  void fail(std::string what) {
    if (status_.ok()) status_ = invalid_argument(std::string(pdu_) + ": " + std::move(what));
  }

  std::string out_;
  Status status_;

 private:
  std::string_view pdu_;
};

// The part of submit_sm and submit_multi after the destination(s) (SMPP 3.4 §4.4.1, §4.5.1).
template <typename S>
void write_sm_tail(Writer& w, const S& s) {
  w.u8(s.esm_class);
  w.u8(s.protocol_id);
  w.u8(s.priority_flag);
  w.time(s.schedule_delivery_time, kSchedule);
  w.time(s.validity_period, kValidity);
  w.u8(s.registered_delivery);
  w.u8(s.replace_if_present_flag);
  w.u8(s.data_coding);
  w.u8(s.sm_default_msg_id);
  if (s.short_message.size() > kMaxShortMessage) {
    w.fail("short_message: " + std::to_string(s.short_message.size()) +
           " octets, over the 254 of sm_length (SMPP 3.4 §4.4.1); use message_payload");
  }
  if (!s.short_message.empty() && find_tlv(s.tlvs, tag::kMessagePayload) != nullptr) {
    w.fail(
        "short_message and message_payload both set; sm_length must be 0 with message_payload "
        "(SMPP 3.4 §5.3.2.32)");
  }
  w.u8(static_cast<uint8_t>(s.short_message.size()));
  w.out_.append(s.short_message);
  w.tlvs(s.tlvs);
}

void write_body(Writer& w, const Body& body) {
  if (const auto* b = std::get_if<Bind>(&body)) {
    w.cstr(b->system_id, kSystemId);
    w.cstr(b->password, kPassword);
    w.cstr(b->system_type, kSystemType);
    w.u8(b->interface_version);
    w.u8(b->addr_ton);
    w.u8(b->addr_npi);
    w.cstr(b->address_range, kAddressRange);
  } else if (const auto* r = std::get_if<BindResp>(&body)) {
    w.cstr(r->system_id, kSystemId);
    w.tlvs(r->tlvs);
  } else if (const auto* s = std::get_if<SubmitSm>(&body)) {
    w.cstr(s->service_type, kServiceType);
    w.u8(s->source_addr_ton);
    w.u8(s->source_addr_npi);
    w.cstr(s->source_addr, kSourceAddr);
    w.u8(s->dest_addr_ton);
    w.u8(s->dest_addr_npi);
    w.cstr(s->destination_addr, kDestAddr);
    write_sm_tail(w, *s);
  } else if (const auto* m = std::get_if<MessageIdResp>(&body)) {
    w.cstr(m->message_id, kMessageId);
    w.tlvs(m->tlvs);
  } else if (const auto* sm = std::get_if<SubmitMulti>(&body)) {
    w.cstr(sm->service_type, kServiceType);
    w.u8(sm->source_addr_ton);
    w.u8(sm->source_addr_npi);
    w.cstr(sm->source_addr, kSourceAddr);
    if (sm->dests.empty() || sm->dests.size() > kMaxDests) {
      w.fail("number_of_dests: " + std::to_string(sm->dests.size()) +
             ", must be 1..254 (SMPP 3.4 §4.5.1)");
    }
    w.u8(static_cast<uint8_t>(sm->dests.size()));
    for (const auto& d : sm->dests) {
      if (d.distribution_list) {
        w.u8(2);  // dest_flag: Distribution List Name (SMPP 3.4 §4.5.1.1)
        w.cstr(d.address, kDlName);
      } else {
        w.u8(1);  // dest_flag: SME Address
        w.u8(d.ton);
        w.u8(d.npi);
        w.cstr(d.address, kDestAddr);
      }
    }
    write_sm_tail(w, *sm);
  } else if (const auto* d = std::get_if<DataSm>(&body)) {
    w.cstr(d->service_type, kServiceType);
    w.u8(d->source_addr_ton);
    w.u8(d->source_addr_npi);
    w.cstr(d->source_addr, kDataSourceAddr);
    w.u8(d->dest_addr_ton);
    w.u8(d->dest_addr_npi);
    w.cstr(d->destination_addr, kDataDestAddr);
    w.u8(d->esm_class);
    w.u8(d->registered_delivery);
    w.u8(d->data_coding);
    w.tlvs(d->tlvs);
  } else if (const auto* mr = std::get_if<SubmitMultiResp>(&body)) {
    w.cstr(mr->message_id, kMessageId);
    if (mr->unsuccess.size() > kMaxDests) {
      w.fail("no_unsuccess: " + std::to_string(mr->unsuccess.size()) +
             ", over 254 (SMPP 3.4 §4.5.2)");
    }
    w.u8(static_cast<uint8_t>(mr->unsuccess.size()));
    for (const auto& u : mr->unsuccess) {
      w.u8(u.ton);
      w.u8(u.npi);
      w.cstr(u.address, kDestAddr);
      w.u32(u.error_status);
    }
    w.tlvs(mr->tlvs);
  }
}

}  // namespace

Result<std::string> encode(const Pdu& pdu) {
  const CommandInfo* c = find_command(pdu.command_id);
  if (c == nullptr) {
    return invalid_argument("command_id " + hex8(pdu.command_id) +
                            ": not one this codec encodes (SMPP 3.4 §5.1.2)");
  }
  const bool header_only_error = is_response(pdu.command_id) && pdu.command_status != 0 &&
                                 std::holds_alternative<Empty>(pdu.body);
  if (pdu.body.index() != static_cast<size_t>(c->kind) && !header_only_error) {
    return invalid_argument(std::string(c->name) + ": the body is not the one SMPP 3.4 " +
                            std::string(c->section) + " defines for it");
  }
  Writer w(c->name);
  w.u32(0);  // command_length, set below
  w.u32(pdu.command_id);
  w.u32(pdu.command_status);
  w.u32(pdu.sequence);
  write_body(w, pdu.body);
  if (!w.status_.ok()) return w.status_;
  if (w.out_.size() > kMaxCommandLength) {
    return invalid_argument(std::string(c->name) + ": " + std::to_string(w.out_.size()) +
                            " octets, over the " + std::to_string(kMaxCommandLength) +
                            " a peer accepts (SMPP 3.4 §5.1.1)");
  }
  const auto len = static_cast<uint32_t>(w.out_.size());
  for (int i = 0; i < 4; ++i)
    w.out_[i] = static_cast<char>(len >> (24 - 8 * i));
  return std::move(w.out_);
}

}  // namespace capcast::dispatch::smpp
