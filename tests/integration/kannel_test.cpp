// The kannel:// channel against a real Kannel 1.4 (bearerbox + smsbox, the `kannel` peer) whose
// SMPP smsc is the `smsc` peer (tests/peers/smsc.js): what `capcast send` hands to Kannel is
// what the SMSC receives, byte for byte (GSM 7-bit and UCS-2); a wrong password is a dead
// delivery; Kannel's delivery reports come back to `capcast run`'s HTTP server and are recorded
// on the delivery's part.
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <nlohmann/json.hpp>
#include <thread>

#include "capcast/store/store.h"
#include "support/helpers.h"
#include "support/process.h"

using namespace capcast;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

std::string cap_xml(const std::string& identifier, const std::string& headline) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>" +
         identifier +
         "</identifier><sender>met@example.org</sender><sent>2030-01-01T00:00:00-00:00</sent>"
         "<status>Actual</status><msgType>Alert</msgType><scope>Public</scope><info>"
         "<category>Met</category><event>Flood</event><urgency>Immediate</urgency>"
         "<severity>Severe</severity><certainty>Observed</certainty><headline>" +
         headline + "</headline><area><areaDesc>Coast</areaDesc></area></info></alert>\n";
}

std::string hex(const std::string& bytes) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

// UTF-16BE of a UTF-8 text of BMP characters (enough for the Cyrillic below).
std::string utf16be(const std::string& utf8) {
  std::string out;
  for (size_t i = 0; i < utf8.size();) {
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    uint32_t cp = c;
    size_t n = 1;
    if (c >= 0xE0) {
      cp = ((c & 0x0F) << 12) | ((utf8[i + 1] & 0x3F) << 6) | (utf8[i + 2] & 0x3F);
      n = 3;
    } else if (c >= 0xC0) {
      cp = ((c & 0x1F) << 6) | (utf8[i + 1] & 0x3F);
      n = 2;
    }
    out += static_cast<char>(cp >> 8);
    out += static_cast<char>(cp & 0xFF);
    i += n;
  }
  return out;
}

std::string kannel_url(const std::string& password) {
  return "kannel://capcast:" + password +
         "@127.0.0.1:" + std::to_string(test::peer_port(CAPCAST_PEERS_DIR, "kannel")) +
         "/cgi-bin/sendsms?smsc=SMPP1&from=EWS";
}

httplib::Client smsc() {
  httplib::Client c("127.0.0.1", test::peer_port(CAPCAST_PEERS_DIR, "smsc.http"));
  c.set_read_timeout(5, 0);
  return c;
}

void reset_smsc() {
  auto r = smsc().Post("/reset", "", "application/json");
  REQUIRE(r);
  REQUIRE(r->status == 200);
}

// The submits the SMSC accepted for a number (without '+', as Kannel sends it), waited for up to
// `deadline` (Kannel queues what sendsms accepted and submits it on its own time).
json submits_to(const std::string& digits, size_t want, std::chrono::seconds deadline) {
  json found = json::array();
  auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    auto r = smsc().Get("/messages");
    if (r && r->status == 200) {
      found = json::array();
      for (const auto& m : json::parse(r->body)) {
        for (const auto& d : m["destinations"]) {
          if (d == digits) found.push_back(m);
        }
      }
      if (found.size() >= want) break;
    }
    std::this_thread::sleep_for(100ms);
  }
  return found;
}

}  // namespace

TEST_CASE("kannel: capcast send hands the SMS text to Kannel, the SMSC gets it in GSM 7-bit") {
  reset_smsc();
  test::TempDir dir;
  test::write_file(dir / "a.xml", cap_xml("K1", "Flood warning for the coast"));
  std::string out;
  int rc = test::run({CAPCAST_BINARY, "send", "--channel", kannel_url("secret"), "--to",
                      "+254700000101", (dir / "a.xml").string()},
                     &out);
  INFO(out);
  CHECK(rc == 0);
  CHECK(out.find("delivered") != std::string::npos);
  CHECK(out.find("secret") == std::string::npos);         // the password is never shown
  CHECK(out.find("+254700000101") == std::string::npos);  // nor the number
  auto got = submits_to("254700000101", 1, 20s);
  INFO(got.dump());
  REQUIRE(got.size() == 1);
  CHECK(got[0]["data_coding"] == 0);
  CHECK(got[0]["source_addr"] == "EWS");
  // GSM 7-bit, unpacked, one septet an octet: for these characters, their ASCII codes.
  CHECK(got[0]["short_message"] == hex("Flood warning for the coast"));
}

TEST_CASE("kannel: a text outside GSM 7-bit reaches the SMSC as UCS-2") {
  reset_smsc();
  test::TempDir dir;
  const std::string headline = "Наводнение на побережье";
  test::write_file(dir / "a.xml", cap_xml("K2", headline));
  std::string out;
  int rc = test::run({CAPCAST_BINARY, "send", "--channel", kannel_url("secret"), "--to",
                      "+254700000102", (dir / "a.xml").string()},
                     &out);
  INFO(out);
  CHECK(rc == 0);
  auto got = submits_to("254700000102", 1, 20s);
  INFO(got.dump());
  REQUIRE(got.size() == 1);
  CHECK(got[0]["data_coding"] == 8);
  CHECK(got[0]["short_message"] == hex(utf16be(headline)));
}

TEST_CASE("kannel: a text longer than one SMS is split by Kannel into concatenated parts") {
  reset_smsc();
  test::TempDir dir;
  std::string headline;
  for (int i = 0; i < 7; ++i)
    headline += std::string(i ? " " : "") + "Flood warning for the coast.";
  REQUIRE(headline.size() == 202);  // two parts: 153 + 49 septets (3GPP TS 23.040 §9.2.3.24)
  test::write_file(dir / "a.xml", cap_xml("K5", headline));
  std::string out;
  int rc = test::run({CAPCAST_BINARY, "send", "--channel", kannel_url("secret"), "--to",
                      "+254700000105", (dir / "a.xml").string()},
                     &out);
  INFO(out);
  CHECK(rc == 0);
  auto got = submits_to("254700000105", 2, 20s);
  INFO(got.dump());
  REQUIRE(got.size() == 2);
  std::string joined;
  for (const auto& m : got) {
    CHECK((m["esm_class"].get<int>() & 0x40) != 0);  // UDHI
    std::string sm = m["short_message"];
    CHECK(sm.substr(0, 6) == "050003");  // UDH: concatenation, 8-bit reference
    joined += sm.substr(12);
  }
  CHECK(joined == hex(headline));
}

TEST_CASE("kannel: a wrong password is a dead delivery, exit 1, nothing reaches the SMSC") {
  reset_smsc();
  test::TempDir dir;
  test::write_file(dir / "a.xml", cap_xml("K3", "Flood"));
  std::string out;
  int rc = test::run({CAPCAST_BINARY, "send", "--channel", kannel_url("wrong"), "--to",
                      "+254700000103", (dir / "a.xml").string()},
                     &out);
  INFO(out);
  CHECK(rc == 1);
  CHECK(out.find("dead") != std::string::npos);
  CHECK(out.find("HTTP 403") != std::string::npos);
  CHECK(out.find("wrong") == std::string::npos);
  auto r = smsc().Get("/messages");
  REQUIRE(r);
  CHECK(json::parse(r->body).empty());
}

TEST_CASE("kannel: delivery reports come back to capcast run's HTTP server") {
  reset_smsc();
  test::TempDir dir;
  int http_port = test::free_port();
  // `run` serves the reports; `send` (same store, same channel) makes the delivery.
  test::write_file(dir / "c.toml",
                   "[store]\npath = \"s.db\"\n"
                   "[privacy]\nkey = \"" +
                       std::string(64, 'a') +
                       "\"\n"
                       "[http]\nport = " +
                       std::to_string(http_port) +
                       "\n"
                       "[[channel]]\nname = \"sms\"\nurl = \"" +
                       kannel_url("secret") + "\"\ndlr_base = \"http://127.0.0.1:" +
                       std::to_string(http_port) + "\"\ndlr_mask = 3\ndlr_token = \"t0k-en.1\"\n");
  test::write_file(dir / "a.xml", cap_xml("K4", "Flood"));
  test::Process run({CAPCAST_BINARY, "run", "--config", (dir / "c.toml").string()});
  REQUIRE(run.wait_for_line("running", 20s));
  std::string out;
  int rc = test::run({CAPCAST_BINARY, "send", "--config", (dir / "c.toml").string(), "--store",
                      (dir / "s.db").string(), "--to", "+254700000104", (dir / "a.xml").string()},
                     &out);
  INFO(out);
  REQUIRE(rc == 0);
  REQUIRE(submits_to("254700000104", 1, 20s).size() == 1);

  // The SMSC's receipt goes to Kannel, Kannel calls the dlr-url, capcast records it (dlr_mask 3:
  // final reports only, so the last one recorded is the one checked).
  auto db = store::open_sqlite(dir / "s.db");
  REQUIRE(db.ok());
  std::vector<store::DeliveryPart> parts;
  auto end = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < end) {
    run.pump();
    parts.clear();
    for (const auto& a : *(*db)->recent_alerts(10)) {
      for (const auto& d : *(*db)->deliveries_of(a.id)) {
        for (const auto& p : *(*db)->parts_of(d.id))
          parts.push_back(p);
      }
    }
    if (parts.size() == 1 && parts[0].final) break;
    std::this_thread::sleep_for(100ms);
  }
  INFO(run.output());
  REQUIRE(parts.size() == 1);
  CHECK(parts[0].state == "DELIVRD");
  CHECK(parts[0].final);
  // Reports for no channel, or without the dlr_token, are not taken.
  httplib::Client http("127.0.0.1", http_port);
  auto r = http.Get("/api/v1/dlr/nope?id=1&type=1");
  REQUIRE(r);
  CHECK(r->status == 404);
  r = http.Get("/api/v1/dlr/sms?id=1&type=1");
  REQUIRE(r);
  CHECK(r->status == 400);
  r = http.Get("/api/v1/dlr/sms?id=1&type=1&token=t0k-en.1");
  REQUIRE(r);
  CHECK(r->status == 200);
  run.signal(SIGTERM);
  CHECK(run.wait(20s) == 0);
}
