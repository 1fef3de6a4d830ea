// The SMPP channel's pure half (smpp_channel.h): options from URL and config, addresses, the
// submit_sm PDUs of a delivery, and what each command_status means for the engine.
#include <algorithm>
#include <set>

#include "capcast/cap/parse.h"
#include "capcast/config/config.h"
#include "smpp/smpp_channel.h"

namespace capcast::dispatch::smpp {
namespace {

Status config_error(const config::Section& s, const std::string& key, const std::string& what) {
  return invalid_argument(s.location_of(key).to_string() + ": " + s.label() + ": " + what);
}

std::optional<int64_t> parse_int(const std::string& v) {
  if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoll(v);
}

std::optional<double> parse_double(const std::string& v) {
  try {
    size_t used = 0;
    double d = std::stod(v, &used);
    if (used != v.size() || d < 0) return std::nullopt;
    return d;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

bool all_digits(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

Address address_for(const std::string& written, int ton, int npi) {
  Address a;
  a.addr = written;
  if (!written.empty() && written[0] == '+' && all_digits(written.substr(1))) {
    a = {1, 1, written.substr(1)};  // international, ISDN/E.164
  } else if (all_digits(written)) {
    a = written.size() <= 8 ? Address{3, 0, written}   // short code: network specific
                            : Address{2, 1, written};  // national, ISDN/E.164
  } else if (!written.empty()) {
    a = {5, 0, written};  // alphanumeric (GSM 03.38 sender id)
  }
  if (ton >= 0) a.ton = static_cast<uint8_t>(ton);
  if (npi >= 0) a.npi = static_cast<uint8_t>(npi);
  return a;
}

Verdict classify(uint32_t command_id, uint32_t s) {
  if (command_id == cmd::kGenericNack) {
    // The SMSC could not make sense of our PDU: sending the same bytes again cannot help.
    return s == status::kSysErr ? Verdict::kTransient : Verdict::kPermanent;
  }
  switch (s) {
    case status::kOk:
      return Verdict::kOk;
    case status::kThrottled:  // ESME_RTHROTTLED: over the SMSC's rate for us
    case status::kMsgQFul:    // ESME_RMSGQFUL: the SMSC's queue (for this number) is full
      return Verdict::kThrottled;
    // About the message or its addresses: the same submit would be refused again.
    case status::kInvMsgLen:
    case status::kInvCmdLen:
    case status::kInvCmdId:
    case status::kInvSrcAdr:
    case status::kInvDstAdr:
    case status::kInvSerTyp:
    case status::kInvNumDests:
    case status::kInvDlName:
    case status::kInvDestFlag:
    case status::kInvSched:
    case status::kInvExpiry:
    case status::kInvOptParStream:
    case status::kInvParLen:
      return Verdict::kPermanent;
    default:
      // ESME_RSYSERR, ESME_RSUBMITFAIL, ESME_RINVBNDSTS, vendor codes 0x400-0x4FF, anything
      // unknown: may pass later; the engine's attempt limit bounds the retries.
      return Verdict::kTransient;
  }
}

Result<SmppOptions> smpp_options(const config::Section& s, const config::Document& doc) {
  (void)doc;
  SmppOptions o;
  auto url = parse_endpoint_url(s.get_string("url"), {{"smpp", 2775, false}});
  if (!url.ok()) {
    return config_error(s, "url", "url '" + s.display("url") + "': " + url.status().message());
  }
  o.url = std::move(*url);
  if (!o.url.path.empty()) return config_error(s, "url", "an smpp:// url has no path");
  SessionOptions& so = o.session;
  so.host = o.url.host;
  so.port = o.url.port;
  so.bind.system_id = o.url.user;
  so.bind.password = o.url.password;
  so.bind.system_type = s.get_string("system_type");
  std::string bind = s.get_string("bind");
  o.binds = static_cast<int>(s.get_int("binds"));
  so.window = static_cast<int>(s.get_int("bind_window"));
  so.rate = s.get_double("bind_rate");
  o.total_rate = s.get_double("total_rate");
  o.source = s.get_string("source");
  o.source_ton = static_cast<int>(s.get_int("source_ton"));
  o.source_npi = static_cast<int>(s.get_int("source_npi"));
  o.dest_ton = static_cast<int>(s.get_int("dest_ton"));
  o.dest_npi = static_cast<int>(s.get_int("dest_npi"));
  o.registered_delivery = s.get_bool("registered_delivery");
  o.submit_multi = s.get_bool("submit_multi");
  o.multi_max = static_cast<int>(s.get_int("multi_max"));
  o.multi_wait = s.get_duration("multi_wait");
  so.enquire_link = s.get_duration("enquire_link");
  so.response_timeout = s.get_duration("response_timeout");
  so.throttle_wait = s.get_duration("throttle_wait");
  std::string concat = s.get_string("concatenation");
  std::string coding = s.get_string("gsm7_coding");
  o.encode.max_parts = static_cast<size_t>(std::max<int64_t>(1, s.get_int("max_parts")));
  o.text.max_segments = static_cast<size_t>(std::max<int64_t>(1, s.get_int("max_segments")));
  o.text.default_language = s.get_string("language");
  o.text.url_template = s.get_string("url_template");

  std::set<std::string> from_url;
  auto at = [&](const std::string& key) { return from_url.count(key) ? "url" : key; };
  for (const auto& [key, value] : o.url.query) {
    auto bad = [&](const std::string& what) {
      return config_error(s, "url", "url option " + key + "=" + value + ": " + what);
    };
    if (key == "source") {
      o.source = value;
    } else if (key == "binds" || key == "window") {
      auto v = parse_int(value);
      if (!v) return bad("not a number");
      (key == "binds" ? o.binds : so.window) = static_cast<int>(*v);
    } else if (key == "rate") {
      auto v = parse_double(value);
      if (!v) return bad("not a number of submits per second");
      so.rate = *v;
    } else if (key == "bind") {
      bind = value;
    } else if (key == "system_type") {
      so.bind.system_type = value;
    } else if (key == "concatenation") {
      concat = value;
    } else {
      return bad(
          "unknown option (known: source, binds, window, rate, bind, system_type, "
          "concatenation)");
    }
    from_url.insert(key == "window" ? "bind_window" : key == "rate" ? "bind_rate" : key);
  }

  if (so.bind.system_id.empty()) {
    return config_error(s, "url", "the url names no system_id (smpp://system_id:password@host)");
  }
  if (so.bind.system_id.size() > 15 || so.bind.password.size() > 8) {
    // SMPP 3.4 §4.1.1: system_id 16 and password 9 octets, the NUL included.
    return config_error(s, "url",
                        "system_id is at most 15 characters and the password 8 "
                        "(SMPP 3.4 §4.1.1)");
  }
  if (bind == "transceiver") {
    so.bind_command = cmd::kBindTransceiver;
  } else if (bind == "transmitter") {
    so.bind_command = cmd::kBindTransmitter;
  } else {
    return config_error(s, at("bind"),
                        "bind must be transceiver (receipts on the same bind) or transmitter");
  }
  if (o.binds < 1 || o.binds > 64) return config_error(s, at("binds"), "binds must be 1..64");
  if (so.window < 1 || so.window > 10'000) {
    return config_error(s, at("bind_window"), "the bind window must be 1..10000");
  }
  if (so.rate < 0 || o.total_rate < 0) {
    return config_error(s, at("bind_rate"), "rates are submits per second, 0 or more");
  }
  // The total rate is shared evenly by the binds (each bind's own limit still applies).
  if (o.total_rate > 0) {
    double share = o.total_rate / o.binds;
    so.rate = so.rate > 0 ? std::min(so.rate, share) : share;
  }
  if (o.source.empty()) {
    return config_error(s, at("source"),
                        "source (the sender id people see: an alphanumeric id of at most 11 "
                        "characters, a short code or a number) is required");
  }
  Address src = address_for(o.source, o.source_ton, o.source_npi);
  if (src.ton == 5 && o.source.size() > 11) {
    // 3GPP TS 23.040 §9.1.2.5: an alphanumeric TP-OA holds 11 GSM 7-bit characters.
    return config_error(s, at("source"), "an alphanumeric sender id has at most 11 characters");
  }
  if (src.addr.size() > 20) return config_error(s, at("source"), "source is at most 20 digits");
  if (concat == "udh8") {
    o.encode.concatenation = sms::Concatenation::kUdh8;
  } else if (concat == "udh16") {
    o.encode.concatenation = sms::Concatenation::kUdh16;
  } else if (concat == "sar") {
    o.encode.concatenation = sms::Concatenation::kSar;
  } else if (concat == "payload") {
    o.encode.concatenation = sms::Concatenation::kMessagePayload;
  } else {
    return config_error(s, at("concatenation"),
                        "concatenation must be udh8, udh16, sar or payload (what the SMSC "
                        "supports)");
  }
  o.text.concat = o.encode.concatenation == sms::Concatenation::kUdh16 ? cap::ConcatRef::k16Bit
                                                                       : cap::ConcatRef::k8Bit;
  if (coding == "smsc-default") {
    o.encode.gsm7_coding = sms::Gsm7Coding::kSmscDefault;
  } else if (coding == "ia5") {
    o.encode.gsm7_coding = sms::Gsm7Coding::kIa5;
  } else {
    return config_error(s, "gsm7_coding", "gsm7_coding must be smsc-default or ia5");
  }
  if (o.multi_max < 1 || o.multi_max > 254) {
    return config_error(s, "multi_max",
                        "multi_max must be 1..254 (SMPP 3.4 §4.5.1 number_of_dests)");
  }
  if (o.text.max_segments > o.encode.max_parts) {
    return config_error(s, "max_segments", "max_segments may not exceed max_parts");
  }
  return o;
}

Result<Plan> plan(const SmppOptions& o, const Message& m, uint16_t reference) {
  if (m.recipient.empty()) {
    return invalid_argument("no recipient: an SMS delivery names a phone number");
  }
  auto parsed = cap::parse(m.xml);
  if (!parsed.ok()) return parsed.status();
  sms::TextOptions to = o.text;
  to.language = m.recipient_language;  // the subscriber's, else `language` (default_language)
  auto text = sms::sms_text(parsed->alert, to);
  if (!text.ok() && text.status().code() == Code::kNotFound && !m.replaced.empty()) {
    // A Cancel (or Update) without <info> (CAP 1.2 allows it): the follow-up tells people of
    // the alert they were sent, under this message's prefix ("CANCELLED: <its headline>").
    auto old = cap::parse(m.replaced.back());
    if (old.ok()) {
      cap::Alert follow = std::move(old->alert);
      follow.msg_type = parsed->alert.msg_type;
      follow.status = parsed->alert.status;
      text = sms::sms_text(follow, to);
    }
  }
  if (!text.ok()) return text.status();
  sms::EncodeOptions eo = o.encode;
  eo.reference = o.encode.concatenation == sms::Concatenation::kUdh8
                     ? static_cast<uint16_t>(reference % 256)
                     : reference;
  auto encoded = sms::encode(text->text, eo);
  if (!encoded.ok()) return encoded.status();
  Address src = address_for(o.source, o.source_ton, o.source_npi);
  Address dst = address_for(m.recipient, o.dest_ton, o.dest_npi);
  if (dst.ton == 5) return invalid_argument("recipient " + m.recipient_masked + ": not a number");
  Plan out;
  out.text = std::move(*text);
  for (const auto& part : encoded->parts) {
    SubmitSm sm;
    sm.source_addr_ton = src.ton;
    sm.source_addr_npi = src.npi;
    sm.source_addr = src.addr;
    sm.dest_addr_ton = dst.ton;
    sm.dest_addr_npi = dst.npi;
    sm.destination_addr = dst.addr;
    sm.esm_class = part.esm_class_bits;  // default mode (store and forward), UDHI when a UDH
    sm.registered_delivery = o.registered_delivery ? 0x01 : 0x00;
    sm.data_coding = encoded->data_coding;
    if (o.encode.concatenation == sms::Concatenation::kMessagePayload) {
      // SMPP 3.4 §5.3.2.32: the text in message_payload, sm_length 0.
      add_tlv_octets(sm.tlvs, tag::kMessagePayload,
                     std::string(part.short_message.begin(), part.short_message.end()));
    } else {
      sm.short_message.assign(part.short_message.begin(), part.short_message.end());
    }
    if (part.sar) {
      add_tlv_int(sm.tlvs, tag::kSarMsgRefNum, part.sar->reference, 2);
      add_tlv_int(sm.tlvs, tag::kSarTotalSegments, part.sar->total, 1);
      add_tlv_int(sm.tlvs, tag::kSarSegmentSeqnum, part.sar->seq, 1);
    }
    out.submits.push_back(Pdu{cmd::kSubmitSm, 0, 0, std::move(sm)});
  }
  return out;
}

}  // namespace capcast::dispatch::smpp
