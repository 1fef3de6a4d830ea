// The generic http+sms:// channel's delivery reports end to end (issue 6): `capcast send` hands
// the SMS to a gateway (an in-process HTTP server here) with {dlr_url} in the body; the gateway
// then POSTs JSON reports to that URL, `capcast run`'s HTTP server takes them, and they are
// recorded on the delivery's part, matched by the gateway's id that send kept.
#include <httplib.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "capcast/store/store.h"
#include "support/helpers.h"
#include "support/process.h"

using namespace capcast;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

std::string cap_xml() {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>G1</identifier>"
         "<sender>met@example.org</sender><sent>2030-01-01T00:00:00-00:00</sent>"
         "<status>Actual</status><msgType>Alert</msgType><scope>Public</scope><info>"
         "<category>Met</category><event>Flood</event><urgency>Immediate</urgency>"
         "<severity>Severe</severity><certainty>Observed</certainty><headline>Flood</headline>"
         "<area><areaDesc>Coast</areaDesc></area></info></alert>\n";
}

// The parts of every delivery in the store.
std::vector<store::DeliveryPart> parts_in(store::Store& db) {
  std::vector<store::DeliveryPart> parts;
  for (const auto& a : *db.recent_alerts(10)) {
    for (const auto& d : *db.deliveries_of(a.id)) {
      for (const auto& p : *db.parts_of(d.id))
        parts.push_back(p);
    }
  }
  return parts;
}

}  // namespace

TEST_CASE("http_sms_dlr: a generic gateway's JSON reports reach capcast run and the outbox") {
  // The gateway: takes the message, answers with its id, remembers where to report.
  httplib::Server gateway;
  std::mutex mu;
  std::vector<std::string> bodies;
  gateway.Post("/v1/sms", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu);
    bodies.push_back(req.body);
    res.status = 201;
    res.set_content(R"({"message_id":"gw-7"})", "application/json");
  });
  int gw_port = gateway.bind_to_any_port("127.0.0.1");
  REQUIRE(gw_port > 0);
  std::thread gw([&] { gateway.listen_after_bind(); });

  test::TempDir dir;
  int http_port = test::free_port();
  std::string base = "http://127.0.0.1:" + std::to_string(http_port);
  test::write_file(
      dir / "c.toml",
      "[store]\npath = \"s.db\"\n"
      "[privacy]\nkey = \"" +
          std::string(64, 'a') +
          "\"\n"
          "[http]\nport = " +
          std::to_string(http_port) +
          "\n"
          "[[channel]]\nname = \"sms\"\nurl = \"http+sms://127.0.0.1:" +
          std::to_string(gw_port) +
          "/v1/sms\"\n"
          "body = '{\"to\":\"{to}\",\"text\":\"{text}\",\"callback_url\":\"{dlr_url}\"}'\n"
          "id_pointer = \"/message_id\"\n"
          "dlr_base = \"" +
          base +
          "\"\ndlr_token = \"t0k-en.1\"\n"
          "dlr_id = \"/message_id\"\ndlr_status = \"/status\"\n");
  test::write_file(dir / "a.xml", cap_xml());
  test::Process run({CAPCAST_BINARY, "run", "--config", (dir / "c.toml").string()});
  REQUIRE(run.wait_for_line("running", 20s));
  std::string out;
  int rc = test::run({CAPCAST_BINARY, "send", "--config", (dir / "c.toml").string(), "--store",
                      (dir / "s.db").string(), "--to", "+254700000104", (dir / "a.xml").string()},
                     &out);
  INFO(out);
  REQUIRE(rc == 0);
  std::string callback;
  {
    std::lock_guard lock(mu);
    REQUIRE(bodies.size() == 1);
    auto sent = json::parse(bodies[0]);
    CHECK(sent["to"] == "+254700000104");
    callback = sent["callback_url"].get<std::string>();
  }
  REQUIRE(callback == base + "/api/v1/dlr/sms?token=t0k-en.1");
  std::string path = callback.substr(base.size());

  auto db = store::open_sqlite(dir / "s.db");
  REQUIRE(db.ok());
  // Waits until the one part's state is `state`.
  auto part_becomes = [&](const std::string& state) {
    std::vector<store::DeliveryPart> parts;
    auto end = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < end) {
      run.pump();
      parts = parts_in(**db);
      if (parts.size() == 1 && parts[0].state == state) break;
      std::this_thread::sleep_for(50ms);
    }
    INFO(run.output());
    REQUIRE(parts.size() == 1);
    CHECK(parts[0].message_id == "gw-7");
    return parts[0];
  };

  // The gateway reports as it would: first not final, then delivered.
  httplib::Client http("127.0.0.1", http_port);
  auto r = http.Post(path, R"({"message_id":"gw-7","status":"sent"})", "application/json");
  REQUIRE(r);
  CHECK(r->status == 200);
  auto p = part_becomes("sent");
  CHECK(p.state == "sent");
  CHECK_FALSE(p.final);
  r = http.Post(path, R"({"message_id":"gw-7","status":"DELIVERED","to":"+254700000104"})",
                "application/json");
  REQUIRE(r);
  CHECK(r->status == 200);
  p = part_becomes("DELIVRD");
  CHECK(p.state == "DELIVRD");
  CHECK(p.final);

  // An id no delivery has: 200, and nothing changes. A body that is not JSON, or no token: 400.
  r = http.Post(path, R"({"message_id":"gw-404","status":"failed"})", "application/json");
  REQUIRE(r);
  CHECK(r->status == 200);
  r = http.Post(path, "message_id=gw-7&status=failed", "application/x-www-form-urlencoded");
  REQUIRE(r);
  CHECK(r->status == 400);
  r = http.Post("/api/v1/dlr/sms", R"({"message_id":"gw-7","status":"failed"})",
                "application/json");
  REQUIRE(r);
  CHECK(r->status == 400);
  p = part_becomes("DELIVRD");
  CHECK(p.final);

  run.signal(SIGTERM);
  CHECK(run.wait(20s) == 0);
  // The number is in no log line of run (the report carried it).
  CHECK(run.output().find("254700000104") == std::string::npos);
  gateway.stop();
  gw.join();
}
