// The SMPP channel's pure half: options from URL and config, addresses, the classification of
// command_status values, and the submit_sm PDUs of a delivery (smpp_channel.h).
#include <catch2/catch.hpp>

#include "capcast/config/config.h"
#include "capcast/dispatch/registry.h"
#include "smpp/smpp_channel.h"
#include "support/helpers.h"

using namespace capcast;
using namespace capcast::dispatch;
using namespace capcast::dispatch::smpp;

namespace {

Result<SmppOptions> options(const std::string& url, const std::string& extra = "") {
  config::Schema schema{{channel_section()}};
  auto doc = config::load_string("[[channel]]\nname = \"sms\"\nurl = \"" + url + "\"\n" + extra,
                                 "test.toml", schema);
  REQUIRE(doc.ok());
  return smpp_options(doc->entries("channel")[0], *doc);
}

std::string cap_xml(const std::string& msg_type, const std::string& headline,
                    const std::string& instruction, bool with_info = true) {
  return "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>A1</identifier>"
         "<sender>met@example.org</sender><sent>2030-01-01T00:00:00-00:00</sent>"
         "<status>Actual</status><msgType>" +
         msg_type + "</msgType><scope>Public</scope>" +
         (msg_type == "Alert" ? ""
                              : "<references>met@example.org,A0,2030-01-01T00:00:00-00:00"
                                "</references>") +
         (with_info
              ? "<info><category>Met</category><event>Flood</event><urgency>Immediate"
                "</urgency><severity>Severe</severity><certainty>Observed</certainty>"
                "<headline>" +
                    headline + "</headline>" +
                    (instruction.empty() ? "" : "<instruction>" + instruction + "</instruction>") +
                    "<area><areaDesc>Nairobi</areaDesc></area></info>"
              : "") +
         "</alert>";
}

Message message(const std::string& xml, const std::string& to = "+254700000001") {
  return Message{9,   "met@example.org",  "A1", "2030-01-01T00:00:00-00:00",
                 xml, store::Event::kNew, {},   3,
                 to,  "+2547******01",    ""};
}

}  // namespace

TEST_CASE("smpp options: the url names the bind, the query and the section the rest") {
  auto o = options("smpp://ews:s3cret@smsc.example.org?source=EWS&binds=2&window=64&rate=50");
  REQUIRE(o.ok());
  CHECK(o->session.host == "smsc.example.org");
  CHECK(o->session.port == 2775);  // SMPP's registered port (IANA)
  CHECK(o->session.bind.system_id == "ews");
  CHECK(o->session.bind.password == "s3cret");
  CHECK(o->session.bind_command == cmd::kBindTransceiver);
  CHECK(o->binds == 2);
  CHECK(o->session.window == 64);
  CHECK(o->session.rate == 50);
  CHECK(o->source == "EWS");
  CHECK(o->encode.concatenation == sms::Concatenation::kUdh8);

  auto t = options("smpp://ews:pw@10.0.0.1:2776?bind=transmitter&concatenation=sar",
                   "source = \"+254711000000\"\ntotal_rate = 30.0\nbinds = 3\n");
  REQUIRE(t.ok());
  CHECK(t->session.port == 2776);
  CHECK(t->session.bind_command == cmd::kBindTransmitter);
  CHECK(t->encode.concatenation == sms::Concatenation::kSar);
  CHECK(t->session.rate == Approx(10.0));  // 30/s shared by 3 binds
}

TEST_CASE("smpp options: each mistake is refused with where and why") {
  auto err = [](const Result<SmppOptions>& r) {
    REQUIRE_FALSE(r.ok());
    return r.status().message();
  };
  CHECK_THAT(err(options("smpp://127.0.0.1?source=EWS")), Catch::Contains("no system_id"));
  CHECK_THAT(err(options("smpp://ews:toolongpassword@127.0.0.1?source=EWS")),
             Catch::Contains("password 8"));
  CHECK_THAT(err(options("smpp://ews:pw@127.0.0.1")), Catch::Contains("source"));
  CHECK_THAT(err(options("smpp://ews:pw@127.0.0.1?source=WarningCentre")),
             Catch::Contains("at most 11 characters"));
  CHECK_THAT(err(options("smpp://ews:pw@127.0.0.1?source=EWS&concatenation=magic")),
             Catch::Contains("udh8, udh16, sar or payload"));
  CHECK_THAT(err(options("smpp://ews:pw@127.0.0.1?source=EWS&speed=9")),
             Catch::Contains("unknown option"));
  CHECK_THAT(err(options("smpp://ews:pw@127.0.0.1?source=EWS&binds=0")),
             Catch::Contains("binds must be 1..64"));
  CHECK_THAT(err(options("smpp://ews:pw@127.0.0.1?source=EWS&bind=receiver")),
             Catch::Contains("transceiver"));
  // The error points at the line of the url in the file.
  CHECK_THAT(err(options("smpp://ews:pw@127.0.0.1?source=EWS&window=x")),
             Catch::Contains("test.toml:3"));
}

TEST_CASE("smpp addresses: TON and NPI from the form of the number or sender id") {
  auto a = address_for("+254700000001", -1, -1);
  CHECK((a.ton == 1 && a.npi == 1 && a.addr == "254700000001"));
  a = address_for("EWS", -1, -1);
  CHECK((a.ton == 5 && a.npi == 0 && a.addr == "EWS"));
  a = address_for("40404", -1, -1);
  CHECK((a.ton == 3 && a.npi == 0));
  a = address_for("0712345678", -1, -1);
  CHECK((a.ton == 2 && a.npi == 1));
  a = address_for("40404", 0, 1);  // explicit values win
  CHECK((a.ton == 0 && a.npi == 1));
}

TEST_CASE("smpp classification: throttling slows down, message errors are final, others retry") {
  CHECK(classify(cmd::kSubmitSmResp, status::kOk) == Verdict::kOk);
  CHECK(classify(cmd::kSubmitSmResp, status::kThrottled) == Verdict::kThrottled);
  CHECK(classify(cmd::kSubmitSmResp, status::kMsgQFul) == Verdict::kThrottled);
  CHECK(classify(cmd::kSubmitSmResp, status::kInvDstAdr) == Verdict::kPermanent);
  CHECK(classify(cmd::kSubmitSmResp, status::kInvMsgLen) == Verdict::kPermanent);
  CHECK(classify(cmd::kSubmitSmResp, status::kSysErr) == Verdict::kTransient);
  CHECK(classify(cmd::kSubmitSmResp, status::kSubmitFail) == Verdict::kTransient);
  CHECK(classify(cmd::kSubmitSmResp, 0x401) == Verdict::kTransient);  // vendor-specific
  CHECK(classify(cmd::kGenericNack, status::kInvCmdLen) == Verdict::kPermanent);
}

TEST_CASE("smpp plan: one submit_sm per part, addressed, encoded and concatenated as set") {
  auto o = options("smpp://ews:pw@127.0.0.1?source=EWS");
  REQUIRE(o.ok());
  auto p = plan(*o, message(cap_xml("Alert", "Flood warning", "")), 7);
  REQUIRE(p.ok());
  REQUIRE(p->submits.size() == 1);
  const auto& sm = std::get<SubmitSm>(p->submits[0].body);
  CHECK(p->submits[0].command_id == cmd::kSubmitSm);
  CHECK(sm.destination_addr == "254700000001");
  CHECK((sm.dest_addr_ton == 1 && sm.dest_addr_npi == 1));
  CHECK(sm.source_addr == "EWS");
  CHECK(sm.registered_delivery == 1);
  CHECK(sm.data_coding == 0);
  CHECK(sm.esm_class == 0);
  CHECK(sm.short_message == "Flood warning");

  std::string instruction;
  while (instruction.size() < 250)
    instruction += "Move to higher ground. ";
  auto xml = cap_xml("Alert", "Flood warning", instruction);
  auto udh = plan(*o, message(xml), 300);  // an 8-bit reference: 300 mod 256 = 44
  REQUIRE(udh.ok());
  REQUIRE(udh->submits.size() == 2);
  const auto& first = std::get<SubmitSm>(udh->submits[0].body);
  CHECK(first.esm_class == 0x40);
  CHECK(first.short_message.substr(0, 6) == std::string("\x05\x00\x03\x2c\x02\x01", 6));

  auto sar_o = options("smpp://ews:pw@127.0.0.1?source=EWS&concatenation=sar");
  auto sar = plan(*sar_o, message(xml), 300);
  REQUIRE(sar.ok());
  REQUIRE(sar->submits.size() == 2);
  const auto& s2 = std::get<SubmitSm>(sar->submits[1].body);
  CHECK(s2.esm_class == 0);
  CHECK(tlv_int(s2.tlvs, tag::kSarMsgRefNum) == 300u);
  CHECK(tlv_int(s2.tlvs, tag::kSarTotalSegments) == 2u);
  CHECK(tlv_int(s2.tlvs, tag::kSarSegmentSeqnum) == 2u);

  auto pay_o = options("smpp://ews:pw@127.0.0.1?source=EWS&concatenation=payload");
  auto pay = plan(*pay_o, message(xml), 1);
  REQUIRE(pay.ok());
  REQUIRE(pay->submits.size() == 1);
  const auto& sp = std::get<SubmitSm>(pay->submits[0].body);
  CHECK(sp.short_message.empty());  // SMPP 3.4 §5.3.2.32: sm_length 0 with message_payload
  REQUIRE(tlv_string(sp.tlvs, tag::kMessagePayload).has_value());
  CHECK(tlv_string(sp.tlvs, tag::kMessagePayload)->find("Flood warning") == 0);
}

TEST_CASE("smpp plan: a Cancel without <info> tells people which alert ended") {
  auto o = options("smpp://ews:pw@127.0.0.1?source=EWS");
  REQUIRE(o.ok());
  std::string original = cap_xml("Alert", "Flood warning for Nairobi", "");
  std::string cancel = cap_xml("Cancel", "", "", false);  // Message holds views: keep it
  Message m = message(cancel);
  m.event = store::Event::kCancelled;
  m.replaced = {original};
  auto p = plan(*o, m, 1);
  INFO((p.ok() ? std::string() : p.status().message()));
  REQUIRE(p.ok());
  CHECK(std::get<SubmitSm>(p->submits[0].body).short_message ==
        "CANCELLED: Flood warning for Nairobi");
  // Without the original there is nothing to say: refused, not sent empty.
  m.replaced.clear();
  CHECK_FALSE(plan(*o, m, 1).ok());
  // And no recipient, no SMS.
  CHECK_FALSE(plan(*o, message(original, ""), 1).ok());
}

TEST_CASE("smpp window: the binds' windows with a rate, without one 512 or 2-8 windows a bind") {
  // Nothing listens on the port: the channel is built and its binds keep trying; max_window()
  // is what the lane may hold in flight (docs/CHANNELS.md, "Bind windows and batching").
  auto lane_window = [](const std::string& query, const std::string& extra = "") {
    auto o = options(
        "smpp://ews:pw@127.0.0.1:" + std::to_string(test::free_port()) + "?source=EWS&" + query,
        extra);
    REQUIRE(o.ok());
    SmppChannel ch(std::move(*o));
    return ch.max_window();
  };
  CHECK(lane_window("window=64") == 512);                 // 8 windows of the one bind
  CHECK(lane_window("window=64&binds=4") == 512);         // 2 windows a bind
  CHECK(lane_window("window=64&binds=8") == 1024);        // at least 2 windows a bind
  CHECK(lane_window("window=10") == 80);                  // at most 8 windows a bind
  CHECK(lane_window("window=10&binds=2&rate=50") == 20);  // a rate: the windows, no queue
  // submit_multi: each slot a PDU of up to multi_max people (2 binds of 4: 8 windows a bind).
  CHECK(lane_window("window=4&binds=2", "submit_multi = true\nmulti_max = 10\n") == 64 * 10);
}
