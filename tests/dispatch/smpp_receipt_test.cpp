// Delivery receipts (dispatch/channels/smpp/receipt.h): the Appendix B text in the formats
// SMSCs actually send, the receipted_message_id / message_state TLVs winning over the text, and
// message-id keys that match hex and decimal forms of one id.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "smpp/receipt.h"

using namespace capcast;
using namespace capcast::dispatch::smpp;

namespace {

DeliverSm receipt(std::string text) {
  DeliverSm d;
  d.source_addr = "4915112345678";
  d.destination_addr = "capcast";
  d.esm_class = 0x04;
  d.short_message = std::move(text);
  return d;
}

Receipt parsed(const DeliverSm& d) {
  auto r = parse_receipt(d);
  INFO(r.status().to_string());
  REQUIRE(r.ok());
  return *r;
}

bool matches(const std::string& submit_resp_id, const std::string& receipt_id) {
  const auto keys = message_id_keys(receipt_id);
  return std::find(keys.begin(), keys.end(), canonical_message_id(submit_resp_id)) != keys.end();
}

}  // namespace

TEST_CASE("receipt: Kannel-style text") {
  const Receipt r = parsed(receipt(
      "id:1234567890 sub:001 dlvrd:001 submit date:1311281234 done date:1311281235 stat:DELIVRD "
      "err:000 text:Flood warning for"));
  CHECK(r.id == "1234567890");
  CHECK(r.state == MessageState::kDelivered);
  CHECK(r.final);
  CHECK(r.err == "000");
  CHECK(r.text.sub == "001");
  CHECK(r.text.dlvrd == "001");
  CHECK(r.text.submit_date == "1311281234");
  CHECK(r.text.done_date == "1311281235");
  CHECK(r.text.text == "Flood warning for");
}

TEST_CASE("receipt: the node-smpp simulator's receipt, with TLVs") {
  // tests/peers/smsc.js: text without id: (knob receipt_text off) plus both TLVs.
  DeliverSm d = receipt(
      "sub:001 dlvrd:001 submit date:2611300750 done date:2611300750 stat:DELIVRD err:000 text:");
  add_tlv_cstring(d.tlvs, tag::kReceiptedMessageId, "0A1B2C");
  add_tlv_int(d.tlvs, tag::kMessageState, 2, 1);
  const Receipt r = parsed(d);
  CHECK(r.id == "0A1B2C");
  CHECK(r.state == MessageState::kDelivered);
  CHECK(r.text.text.empty());
  CHECK(r.text.id.empty());
}

TEST_CASE("receipt: upper-case keys, seconds in dates, any order, missing fields") {
  const Receipt a = parsed(receipt(
      "ID:77 SUB:001 DLVRD:000 SUBMIT DATE:261130075012 DONE DATE:261130075112 STAT:undeliv "
      "ERR:005 TEXT:x"));
  CHECK(a.id == "77");
  CHECK(a.state == MessageState::kUndeliverable);
  CHECK(a.final);
  CHECK(a.err == "005");
  CHECK(a.text.submit_date == "261130075012");
  CHECK(a.text.done_date == "261130075112");

  const Receipt b = parsed(receipt("stat:EXPIRED text:hello there id:abc err:12"));
  CHECK(b.id == "abc");
  CHECK(b.state == MessageState::kExpired);
  CHECK(b.err == "12");
  CHECK(b.text.text == "hello there");

  const Receipt c = parsed(receipt("id:5 stat:ENROUTE"));
  CHECK(c.state == MessageState::kEnroute);
  CHECK_FALSE(c.final);
  CHECK(c.err.empty());

  // A key inside text: does not replace the real one.
  const Receipt e = parsed(receipt("id:9 stat:REJECTD err:001 text:stat:DELIVRD id:1"));
  CHECK(e.id == "9");
  CHECK(e.state == MessageState::kRejected);
  CHECK(e.text.text == "stat:DELIVRD id:1");
}

TEST_CASE("receipt: TLVs win over the text") {
  DeliverSm d = receipt("id:111 sub:001 dlvrd:001 stat:DELIVRD err:000 text:");
  add_tlv_cstring(d.tlvs, tag::kReceiptedMessageId, "222");
  add_tlv_int(d.tlvs, tag::kMessageState, 5, 1);
  add_tlv_octets(d.tlvs, tag::kNetworkErrorCode, std::string("\x03\x00\x05", 3));
  const Receipt r = parsed(d);
  CHECK(r.id == "222");
  CHECK(r.text.id == "111");
  CHECK(r.state == MessageState::kUndeliverable);
  CHECK(r.network_error == 0x030005u);
  // An out-of-range message_state falls back to stat:.
  DeliverSm e = receipt("id:1 stat:DELETED");
  add_tlv_int(e.tlvs, tag::kMessageState, 9, 1);
  CHECK(parsed(e).state == MessageState::kDeleted);
}

TEST_CASE("receipt: states") {
  const char* names[] = {"ENROUTE", "DELIVRD", "EXPIRED", "DELETED",
                         "UNDELIV", "ACCEPTD", "UNKNOWN", "REJECTD"};
  for (uint32_t v = 1; v <= 8; ++v) {
    const auto s = state_from_message_state(v);
    REQUIRE(s.has_value());
    CHECK(state_name(*s) == names[v - 1]);
    CHECK(parse_stat(names[v - 1]) == s);
    CHECK(is_final(*s) == (v != 1));
  }
  CHECK_FALSE(state_from_message_state(0).has_value());
  CHECK_FALSE(state_from_message_state(9).has_value());
  CHECK(parse_stat("delivered") == MessageState::kDelivered);
  CHECK(parse_stat("UNDELIVERABLE") == MessageState::kUndeliverable);
  CHECK_FALSE(parse_stat("DELIVR").has_value());
}

TEST_CASE("receipt: what is not a receipt is refused") {
  DeliverSm mo = receipt("id:1 stat:DELIVRD");
  mo.esm_class = 0x00;
  CHECK_FALSE(is_receipt(mo));
  auto r = parse_receipt(mo);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() ==
        "deliver_sm: esm_class 0x00 is not a delivery receipt (0x04, SMPP 3.4 §5.2.12)");
  mo.esm_class = 0x44;  // receipt with UDHI set: still a receipt
  CHECK(is_receipt(mo));

  auto no_id = parse_receipt(receipt("sub:001 stat:DELIVRD"));
  REQUIRE_FALSE(no_id.ok());
  CHECK(no_id.status().message().find("no receipted_message_id") != std::string::npos);
  auto no_state = parse_receipt(receipt("id:4 stat:GONE"));
  REQUIRE_FALSE(no_state.ok());
  CHECK(no_state.status().message() ==
        "deliver_sm receipt 4: no message_state TLV and stat: 'GONE' is not a known state (SMPP "
        "3.4 Appendix B)");
}

TEST_CASE("receipt: data_sm receipts, from TLVs or the text in message_payload") {
  // SMPP 3.4 §4.7.1: an SMSC may send the receipt as data_sm, which has no short_message.
  DataSm d;
  d.source_addr = "4915112345678";
  d.destination_addr = "capcast";
  d.esm_class = 0x04;
  add_tlv_cstring(d.tlvs, tag::kReceiptedMessageId, "0A1B2C");
  add_tlv_int(d.tlvs, tag::kMessageState, 5, 1);  // UNDELIVERABLE
  CHECK(is_receipt(d));
  auto r = parse_receipt(d);
  REQUIRE(r.ok());
  CHECK(r->id == "0A1B2C");
  CHECK(r->state == MessageState::kUndeliverable);
  CHECK(r->final);

  // No TLVs: the Appendix B text in message_payload.
  DataSm t = d;
  t.tlvs.clear();
  add_tlv_octets(t.tlvs, tag::kMessagePayload, "id:77 sub:001 dlvrd:001 stat:ENROUTE err:000");
  auto rt = parse_receipt(t);
  REQUIRE(rt.ok());
  CHECK(rt->id == "77");
  CHECK(rt->state == MessageState::kEnroute);
  CHECK_FALSE(rt->final);
  CHECK(rt->err == "000");

  // Mobile-originated data and receipts without an id are refused, naming data_sm.
  DataSm mo = d;
  mo.esm_class = 0x00;
  CHECK_FALSE(is_receipt(mo));
  auto rm = parse_receipt(mo);
  REQUIRE_FALSE(rm.ok());
  CHECK(rm.status().message() ==
        "data_sm: esm_class 0x00 is not a delivery receipt (0x04, SMPP 3.4 §5.2.12)");
  DataSm no_id = d;
  no_id.tlvs.clear();
  auto rn = parse_receipt(no_id);
  REQUIRE_FALSE(rn.ok());
  CHECK(rn.status().message() ==
        "data_sm receipt: no receipted_message_id TLV and no id: in the text (SMPP 3.4 Appendix "
        "B)");
}

TEST_CASE("receipt: message ids in hex and decimal match") {
  CHECK(canonical_message_id("00A1B2") == "a1b2");
  CHECK(canonical_message_id("  0042 ") == "42");
  CHECK(canonical_message_id("000") == "0");
  CHECK(canonical_message_id("").empty());
  CHECK(message_id_keys("660268") == std::vector<std::string>{"660268", "a132c", "6685288"});
  CHECK(message_id_keys("0A132C") == std::vector<std::string>{"a132c", "660268"});
  CHECK(message_id_keys("abc-1") == std::vector<std::string>{"abc-1"});
  CHECK(message_id_keys("10") == std::vector<std::string>{"10", "a", "16"});
  CHECK(message_id_keys("0") == std::vector<std::string>{"0"});
  CHECK(message_id_keys("").empty());
  // 2^64 has no 64-bit hex form; 18446744073709551615 (2^64 - 1) has.
  CHECK(message_id_keys("18446744073709551616").size() == 1);
  CHECK(message_id_keys("18446744073709551615")[1] == "ffffffffffffffff");

  CHECK(matches("0A132C", "660268"));    // resp hex, receipt decimal (Kannel msg-id-type 1)
  CHECK(matches("660268", "000A132C"));  // resp decimal, receipt hex zero-padded
  CHECK(matches("0a1b2c", "0A1B2C"));    // case
  CHECK(matches("0000000042", "42"));    // leading zeros
  CHECK_FALSE(matches("0A132C", "660269"));
  CHECK_FALSE(matches("abc-1", "abc-2"));
}
