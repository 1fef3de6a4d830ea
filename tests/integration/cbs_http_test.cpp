// Cell broadcast over HTTP (issue 7), with `capcast send` as a user runs it: the ecbe:// channel
// against an HTTP server in the test that behaves as osmo-cbc's ECBE API (201, 400, 404, 409 as
// src/rest_api.c answers), and the cap+http:// channel against one that plays an operator's CAP
// gateway. Alert, Update and Cancel in one store: the serial numbers carry on.
#include <httplib.h>

#include <catch2/catch.hpp>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "capcast/cap/signature.h"
#include "support/helpers.h"
#include "support/process.h"

using namespace capcast;

namespace {

std::string cap_alert(const std::string& id, const std::string& msg_type,
                      const std::string& references, const std::string& severity,
                      const std::string& headline) {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>" +
      id +
      "</identifier><sender>met@example.org</sender><sent>2030-01-01T00:00:00-00:00</sent>"
      "<status>Actual</status><msgType>" +
      msg_type + "</msgType><scope>Public</scope>";
  if (!references.empty()) xml += "<references>" + references + "</references>";
  if (msg_type != "Cancel") {
    xml +=
        "<info><language>en</language><category>Met</category><event>Flood</event>"
        "<urgency>Immediate</urgency><severity>" +
        severity +
        "</severity><certainty>Observed</certainty><expires>2099-01-01T00:00:00-00:00</expires>"
        "<headline>" +
        headline +
        "</headline><instruction>Move to higher ground.</instruction><area><areaDesc>Valley"
        "</areaDesc><circle>52.0,4.3 10</circle></area></info>";
  }
  return xml + "</alert>";
}

const char* kRef = "met@example.org,A-1,2030-01-01T00:00:00-00:00";

// osmo-cbc's ECBE, as far as capcast uses it: one message per message identifier.
struct FakeEcbe {
  httplib::Server server;
  std::thread thread;
  int port = 0;
  std::mutex mu;
  std::map<int, nlohmann::json> messages;  // by message identifier
  std::vector<std::string> log;            // "POST 4371 serial=..." / "DELETE 4371"
  int fail_next = 0;                       // answer this many requests 500
  int lose_answer_next = 0;  // make this many creates, but answer them 500 (an answer lost)

  FakeEcbe() {
    server.Post(
        "/api/ecbe/v1/message", [this](const httplib::Request& req, httplib::Response& res) {
          std::lock_guard lock(mu);
          if (fail_next > 0) {
            --fail_next;
            res.status = 500;
            res.set_content("Illegal FSM event", "text/plain");
            return;
          }
          auto j = nlohmann::json::parse(req.body, nullptr, false);
          if (j.is_discarded() || !j.contains("cbe_name") || !j.contains("repetition_period") ||
              !j.contains("scope") || !j["scope"].contains("scope_plmn") ||
              !j.contains("smscb_message")) {
            res.status = 400;
            res.set_content("CBCMSG malformed", "text/plain");
            return;
          }
          const int id = j["smscb_message"]["message_id"].get<int>();
          if (messages.count(id)) {
            res.status = 409;
            res.set_content("Could not allocate", "text/plain");
            return;
          }
          messages[id] = j;
          log.push_back(
              "POST " + std::to_string(id) + " serial=" +
              std::to_string(j["smscb_message"]["serial_nr"]["serial_nr_encoded"].get<int>()));
          if (lose_answer_next > 0) {
            --lose_answer_next;
            res.status = 502;  // as a proxy in front of the CBC answers when the CBC's is lost
            res.set_content("Bad Gateway", "text/plain");
            return;
          }
          res.status = 201;
          res.set_content("Created", "text/plain");
        });
    server.Delete(R"(/api/ecbe/v1/message/(\d+))",
                  [this](const httplib::Request& req, httplib::Response& res) {
                    std::lock_guard lock(mu);
                    const int id = std::stoi(req.matches[1]);
                    log.push_back("DELETE " + std::to_string(id));
                    if (messages.erase(id) == 0) {
                      res.status = 404;
                      res.set_content("Unknown message ID", "text/plain");
                      return;
                    }
                    res.status = 200;
                    res.set_content("OK", "text/plain");
                  });
    port = server.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { server.listen_after_bind(); });
    while (!server.is_running())
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ~FakeEcbe() {
    server.stop();
    thread.join();
  }
};

int send(const test::TempDir& dir, const std::string& url, const std::string& file,
         std::string* out, const std::string& extra_config = "") {
  test::write_file(dir / "c.toml", "[[channel]]\nname = \"cbc\"\nurl = \"" + url +
                                       "\"\nmax_attempts = 3\nbackoff_base = \"50ms\"\n"
                                       "backoff_max = \"100ms\"\n" +
                                       extra_config);
  return test::run({CAPCAST_BINARY, "send", "--config", (dir / "c.toml").string(), "--store",
                    (dir / "s.db").string(), (dir / file).string()},
                   out);
}

}  // namespace

TEST_CASE("ecbe channel: Alert, Update, Cancel become create, delete + create, delete") {
  FakeEcbe cbc;
  test::TempDir dir;
  const std::string url = "ecbe://127.0.0.1:" + std::to_string(cbc.port);
  test::write_file(dir / "a.xml", cap_alert("A-1", "Alert", "", "Severe", "Flood warning"));
  test::write_file(dir / "u.xml",
                   cap_alert("A-2", "Update", kRef, "Severe", "Flood warning extended"));
  test::write_file(
      dir / "c.xml",
      cap_alert("A-3", "Cancel",
                std::string(kRef) + " met@example.org,A-2,2030-01-01T00:00:00-00:00", "", ""));
  std::string out;
  REQUIRE(send(dir, url, "a.xml", &out, "profile = \"eu-alert\"\nrepetition = \"30s\"\n") == 0);
  INFO(out);
  {
    std::lock_guard lock(cbc.mu);
    REQUIRE(cbc.messages.count(4375) == 1);  // Severe/Immediate/Observed (TS 23.041)
    const auto& m = cbc.messages[4375];
    CHECK(m["cbe_name"] == "capcast");
    CHECK(m["category"] == "high_priority");
    CHECK(m["repetition_period"] == 16);  // ceil(30 / 1.883)
    const auto& sm = m["smscb_message"];
    CHECK(sm["serial_nr"]["serial_nr_encoded"] == (1 << 14 | 0 << 4 | 0));  // PLMN, code 0
    CHECK(sm["payload"]["payload_encoded"]["dcs"] == 0x01);                 // English, GSM 7-bit
    REQUIRE(sm["payload"]["payload_encoded"]["pages"].size() == 1);
    CHECK(sm["payload"]["payload_encoded"]["pages"][0].get<std::string>().size() == 164);
  }
  // The Update replaces it: osmo-cbc has no replace, so DELETE then POST, update number 1.
  REQUIRE(send(dir, url, "u.xml", &out) == 0);
  {
    std::lock_guard lock(cbc.mu);
    REQUIRE(cbc.log.size() == 3);
    CHECK(cbc.log[1] == "DELETE 4375");
    CHECK(cbc.log[2] == "POST 4375 serial=" + std::to_string(1 << 14 | 0 << 4 | 1));
  }
  // The Cancel kills what is on air.
  REQUIRE(send(dir, url, "c.xml", &out) == 0);
  {
    std::lock_guard lock(cbc.mu);
    CHECK(cbc.messages.empty());
    CHECK(cbc.log.back() == "DELETE 4375");
  }
  // A second incident gets the next message code.
  test::write_file(dir / "b.xml", cap_alert("B-1", "Alert", "", "Extreme", "Dam failure"));
  REQUIRE(send(dir, url, "b.xml", &out) == 0);
  std::lock_guard lock(cbc.mu);
  REQUIRE(cbc.messages.count(4371) == 1);
  CHECK(cbc.messages[4371]["smscb_message"]["serial_nr"]["serial_nr_encoded"] ==
        (1 << 14 | 1 << 4 | 0));
}

TEST_CASE("ecbe channel: a 500 is retried, a 409 is refused with the reason") {
  FakeEcbe cbc;
  test::TempDir dir;
  const std::string url = "ecbe://127.0.0.1:" + std::to_string(cbc.port);
  test::write_file(dir / "a.xml", cap_alert("A-1", "Alert", "", "Severe", "Flood warning"));
  cbc.fail_next = 1;
  std::string out;
  CHECK(send(dir, url, "a.xml", &out) == 0);
  INFO(out);
  CHECK(cbc.messages.count(4375) == 1);
  // Another incident with the same identifier while the first is on air: osmo-cbc says 409.
  test::write_file(dir / "b.xml", cap_alert("B-1", "Alert", "", "Severe", "Another flood"));
  CHECK(send(dir, url, "b.xml", &out) == 1);
  CHECK(out.find("409") != std::string::npos);
  CHECK(out.find("one message per message identifier") != std::string::npos);
  // Nobody listening: retried, then dead, exit 1.
  test::TempDir other;
  test::write_file(other / "a.xml", cap_alert("A-1", "Alert", "", "Severe", "Flood warning"));
  CHECK(send(other, "ecbe://127.0.0.1:" + std::to_string(test::free_port()), "a.xml", &out) == 1);
  CHECK(out.find("dead") != std::string::npos);
}

TEST_CASE("ecbe channel: a create whose answer was lost is done when its retry meets 409") {
  FakeEcbe cbc;
  test::TempDir dir;
  const std::string url = "ecbe://127.0.0.1:" + std::to_string(cbc.port);
  test::write_file(dir / "a.xml", cap_alert("A-1", "Alert", "", "Severe", "Flood warning"));
  cbc.lose_answer_next = 1;
  std::string out;
  CHECK(send(dir, url, "a.xml", &out) == 0);
  INFO(out);
  CHECK(out.find("delivered after 2 attempts") != std::string::npos);  // the 502, then the 409
  std::lock_guard lock(cbc.mu);
  CHECK(cbc.messages.count(4375) == 1);
  CHECK(cbc.log.size() == 1);  // created once; the retry's 409 created nothing
}

TEST_CASE("capcast cbs encode prints what the alert becomes, exit 1 when it cannot go") {
  test::TempDir dir;
  test::write_file(dir / "a.xml", cap_alert("A-1", "Alert", "", "Extreme", "Dam failure"));
  std::string out;
  CHECK(test::run({CAPCAST_BINARY, "cbs", "encode", (dir / "a.xml").string(), "--profile", "wea",
                   "--message-code", "5", "--format", "json"},
                  &out) == 0);
  INFO(out);
  // test::run's output is "--- stdout\n...--- stderr\n...": the JSON is the first part.
  const size_t begin = out.find('{');
  auto j = nlohmann::json::parse(out.substr(begin, out.find("--- stderr") - begin));
  REQUIRE(j["messages"].size() == 1);
  CHECK(j["messages"][0]["message_id"] == 4371);
  CHECK(j["messages"][0]["serial"]["message_code"] == 5);
  CHECK(j["messages"][0]["dcs"] == 1);
  CHECK(j["messages"][0]["text"] == "Dam failure\nMove to higher ground.");
  CHECK(j["messages"][0]["whole_network"] == true);
  CHECK(test::run({CAPCAST_BINARY, "cbs", "encode", (dir / "a.xml").string()}, &out) == 0);
  CHECK(out.find("identifier 4371 (0x1113)") != std::string::npos);
  CHECK(out.find("page 1: ") != std::string::npos);
  // A System message is not for the public: exit 1, and why.
  std::string sys = cap_alert("S-1", "Alert", "", "Extreme", "x");
  sys.replace(sys.find("Actual"), 6, "System");
  test::write_file(dir / "s.xml", sys);
  CHECK(test::run({CAPCAST_BINARY, "cbs", "encode", (dir / "s.xml").string()}, &out) == 1);
  CHECK(out.find("cannot be broadcast") != std::string::npos);
  CHECK(out.find("System or Draft") != std::string::npos);
  // An unknown profile is a usage error.
  CHECK(test::run({CAPCAST_BINARY, "cbs", "encode", (dir / "a.xml").string(), "--profile", "xx"},
                  &out) == 2);
}

TEST_CASE("cap+http channel: the CAP as it is, authenticated, 503 retried, 400 refused") {
  httplib::Server gw;
  std::mutex mu;
  std::vector<std::string> bodies, types, auths, keys;
  int fail_next = 0;
  gw.Post("/cap/alerts", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu);
    if (fail_next > 0) {
      --fail_next;
      res.status = 503;
      res.set_header("Retry-After", "0");
      return;
    }
    if (req.body.find("<alert") == std::string::npos ||
        req.get_header_value("Authorization") == "Bearer unknown") {
      res.status = 400;
      res.set_content("unknown sender", "text/plain");
      return;
    }
    bodies.push_back(req.body);
    types.push_back(req.get_header_value("Content-Type"));
    auths.push_back(req.get_header_value("Authorization"));
    keys.push_back(req.get_header_value("X-Capcast-Delivery"));
    res.status = 202;
  });
  const int port = gw.bind_to_any_port("127.0.0.1");
  std::thread t([&] { gw.listen_after_bind(); });
  while (!gw.is_running())
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  test::TempDir dir;
  const std::string xml = cap_alert("A-1", "Alert", "", "Severe", "Flood warning");
  test::write_file(dir / "a.xml", xml);
  fail_next = 1;
  std::string out;
  const std::string url = "cap+http://ews:s3cret@127.0.0.1:" + std::to_string(port) + "/cap/alerts";
  CHECK(send(dir, url, "a.xml", &out) == 0);
  INFO(out);
  CHECK(out.find("s3cret") == std::string::npos);  // the password is masked
  {
    std::lock_guard lock(mu);
    REQUIRE(bodies.size() == 1);
    CHECK(bodies[0] == xml);  // byte for byte (a signature would survive)
    CHECK(types[0] == "application/cap+xml");
    CHECK(auths[0] == "Basic ZXdzOnMzY3JldA==");  // ews:s3cret
    CHECK_FALSE(keys[0].empty());
  }
  // A bearer token from config instead; an answer of 400 is a permanent refusal.
  test::TempDir dir2;
  const std::string url2 = "cap+http://127.0.0.1:" + std::to_string(port) + "/cap/alerts";
  test::write_file(dir2 / "b.xml", cap_alert("B-1", "Alert", "", "Severe", "x"));
  CHECK(send(dir2, url2, "b.xml", &out, "authorization = \"Bearer t0ken\"\n") == 0);
  {
    std::lock_guard lock(mu);
    REQUIRE(auths.size() == 2);
    CHECK(auths[1] == "Bearer t0ken");
  }
  test::TempDir dir3;
  test::write_file(dir3 / "c.xml", cap_alert("C-1", "Alert", "", "Severe", "x"));
  CHECK(send(dir3, url2, "c.xml", &out, "authorization = \"Bearer unknown\"\n") == 1);
  CHECK(out.find("HTTP 400: unknown sender") != std::string::npos);
  {
    std::lock_guard lock(mu);
    CHECK(auths.size() == 2);  // refused at once: no retry reached the gateway's log
  }
  gw.stop();
  t.join();
}

TEST_CASE("cap+http channel: signs with sign_key_file, an alert signed already goes as it is") {
  httplib::Server gw;
  std::mutex mu;
  std::vector<std::string> bodies;
  gw.Post("/cap/alerts", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu);
    bodies.push_back(req.body);
    res.status = 202;
  });
  const int port = gw.bind_to_any_port("127.0.0.1");
  std::thread t([&] { gw.listen_after_bind(); });
  while (!gw.is_running())
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  test::TempDir dir;
  std::string out;
  for (const std::string name : {"ours", "originator"}) {
    REQUIRE(test::run({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                       "-keyout", (dir / (name + ".key")).string(), "-out",
                       (dir / (name + ".crt")).string(), "-days", "2", "-subj", "/CN=" + name},
                      &out) == 0);
  }
  const std::string keys = "sign_key_file = \"" + (dir / "ours.key").string() +
                           "\"\nsign_cert_file = \"" + (dir / "ours.crt").string() + "\"\n";
  const std::string url = "cap+http://127.0.0.1:" + std::to_string(port) + "/cap/alerts";
  const std::string xml = cap_alert("S-1", "Alert", "", "Severe", "Flood warning");
  test::write_file(dir / "a.xml", xml);
  REQUIRE(send(dir, url, "a.xml", &out, keys) == 0);
  // Signed by the originator (another key) before it reaches capcast.
  auto originator =
      cap::load_signer((dir / "originator.key").string(), (dir / "originator.crt").string(), "");
  REQUIRE(originator.ok());
  auto pre_signed = cap::sign(cap_alert("S-2", "Alert", "", "Severe", "Dam failure"), *originator);
  REQUIRE(pre_signed.ok());
  test::TempDir dir2;
  test::write_file(dir2 / "b.xml", *pre_signed);
  REQUIRE(send(dir2, url, "b.xml", &out, keys) == 0);
  {
    std::lock_guard lock(mu);
    REQUIRE(bodies.size() == 2);
    auto ours = cap::verify(bodies[0], (dir / "ours.crt").string());
    REQUIRE(ours.ok());
    INFO(ours->reason);
    CHECK(ours->valid());
    CHECK(ours->subject == "CN=ours");
    CHECK(bodies[0].rfind(xml.substr(0, xml.size() - 8), 0) == 0);  // the alert's own bytes kept
    CHECK(bodies[1] == *pre_signed);  // byte for byte: the originator's signature survives
    CHECK(cap::verify(bodies[1])->subject == "CN=originator");
  }
  // A key without its certificate is a configuration error.
  CHECK(send(dir2, url, "b.xml", &out,
             "sign_key_file = \"" + (dir / "ours.key").string() + "\"\n") != 0);
  CHECK(out.find("sign_key_file and sign_cert_file go together") != std::string::npos);
  gw.stop();
  t.join();
}
