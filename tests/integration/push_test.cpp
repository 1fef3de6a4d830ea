// The push endpoint of `capcast run`: POST /api/v1/alerts with a bearer token (from ${ENV}),
// against the real binary: refused without the token, refused when invalid (with the findings),
// accepted once, a duplicate the second time, and delivered through the file channel.
#include <httplib.h>
#include <signal.h>
#include <stdlib.h>
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <thread>

#include "support/helpers.h"
#include "support/process.h"

using namespace capcast;
using namespace std::chrono_literals;

TEST_CASE("capcast run: pushed alerts are authenticated, validated, stored once, delivered") {
  test::TempDir dir;
  setenv("CAPCAST_TEST_PUSH_TOKEN", "s3cret-token-0123456789", 1);
  test::write_file(dir / "capcast.toml",
                   "[store]\npath = \"capcast.db\"\n[http]\nport = 0\n"
                   "[push]\nenabled = true\ntoken = \"${CAPCAST_TEST_PUSH_TOKEN}\"\n"
                   "[dispatch]\nsend_expired = true\n"
                   "[[channel]]\nname = \"files\"\nurl = \"file:out\"\n");
  test::Process p({CAPCAST_BINARY, "run", "--config", (dir / "capcast.toml").string()});
  auto line = p.wait_for_line("listening on http://127.0.0.1:", 20s);
  INFO(p.output());
  REQUIRE(line);
  int port = std::stoi(line->substr(line->rfind(':') + 1));
  httplib::Client c("127.0.0.1", port);
  std::string alert =
      test::read_file(test::samples_dir() / "oasis-spec-a3-earthquake-update-circle.xml");

  auto none = c.Post("/api/v1/alerts", alert, "application/cap+xml");
  REQUIRE(none);
  CHECK(none->status == 401);
  httplib::Headers wrong = {{"Authorization", "Bearer s3cret-token-0123456780"}};
  CHECK(c.Post("/api/v1/alerts", wrong, alert, "application/cap+xml")->status == 401);

  httplib::Headers auth = {{"Authorization", "Bearer s3cret-token-0123456789"}};
  std::string invalid = alert;
  invalid.replace(invalid.find("<status>Actual</status>"), 23, "<status>Real</status>");
  auto bad = c.Post("/api/v1/alerts", auth, invalid, "application/cap+xml");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  auto j = nlohmann::json::parse(bad->body);
  REQUIRE(j["findings"].size() >= 1);
  CHECK(j["findings"][0]["rule"] == "schema.enum");

  auto first = c.Post("/api/v1/alerts", auth, alert, "application/cap+xml");
  REQUIRE(first);
  CHECK(first->status == 201);
  auto again = c.Post("/api/v1/alerts", auth, alert, "application/cap+xml");
  REQUIRE(again);
  CHECK(again->status == 200);
  CHECK(nlohmann::json::parse(again->body)["status"] == "duplicate");

  bool delivered = false;
  for (int i = 0; i < 100 && !delivered; ++i) {
    p.pump();
    for (const auto& f : test::written_files(dir / "out"))
      delivered |= test::read_file(f) == alert;
    if (!delivered) std::this_thread::sleep_for(100ms);
  }
  CHECK(delivered);
  CHECK(p.output().find("s3cret-token") == std::string::npos);  // the token is never logged
  p.signal(SIGTERM);
  CHECK(p.wait(20s) == 0);
}

TEST_CASE("capcast run: a push token that is too short is a configuration error") {
  test::TempDir dir;
  test::write_file(dir / "capcast.toml",
                   "[http]\nport = 0\n[push]\nenabled = true\ntoken = \"short\"\n");
  std::string out;
  CHECK(test::run({CAPCAST_BINARY, "run", "--config", (dir / "capcast.toml").string()}, &out) == 2);
  CHECK(out.find("[push] token must be at least 16 characters") != std::string::npos);
}

namespace {

// A minimal valid CAP 1.2 message; expires a day after sent, so it is in force now.
std::string cap_message(const std::string& id, const std::string& msg_type,
                        const std::string& references) {
  auto now = std::chrono::system_clock::now();
  auto fmt = [](std::chrono::system_clock::time_point t) {
    std::time_t tt = std::chrono::system_clock::to_time_t(t);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S-00:00", std::gmtime(&tt));
    return std::string(buf);
  };
  std::string sent = fmt(now - std::chrono::minutes(msg_type == "Alert" ? 10 : 5));
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>" +
         id + "</identifier><sender>met@example.org</sender><sent>" + sent +
         "</sent><status>Actual</status><msgType>" + msg_type + "</msgType><scope>Public</scope>" +
         (references.empty() ? "" : "<references>" + references + "</references>") +
         "<info><category>Met</category><event>Flood</event><urgency>Immediate</urgency>"
         "<severity>Severe</severity><certainty>Observed</certainty><expires>" +
         fmt(now + std::chrono::hours(24)) + "</expires><headline>Headline of " + id +
         "</headline><area><areaDesc>River</areaDesc></area></info></alert>\n";
}

std::string sent_of(const std::string& xml) {
  auto b = xml.find("<sent>") + 6;
  return xml.substr(b, xml.find("</sent>") - b);
}

}  // namespace

TEST_CASE("capcast run: a Cancel takes the alert it references out of the feed") {
  test::TempDir dir;
  setenv("CAPCAST_TEST_PUSH_TOKEN", "s3cret-token-0123456789", 1);
  test::write_file(dir / "capcast.toml",
                   "[store]\npath = \"capcast.db\"\n[http]\nport = 0\n"
                   "[push]\nenabled = true\ntoken = \"${CAPCAST_TEST_PUSH_TOKEN}\"\n"
                   "[[channel]]\nname = \"files\"\nurl = \"file:out\"\n");
  test::Process p({CAPCAST_BINARY, "run", "--config", (dir / "capcast.toml").string()});
  auto line = p.wait_for_line("listening on http://127.0.0.1:", 20s);
  INFO(p.output());
  REQUIRE(line);
  httplib::Client c("127.0.0.1", std::stoi(line->substr(line->rfind(':') + 1)));
  httplib::Headers auth = {{"Authorization", "Bearer s3cret-token-0123456789"}};

  std::string alert = cap_message("FLOOD-1", "Alert", "");
  std::string other = cap_message("FLOOD-2", "Alert", "");
  REQUIRE(c.Post("/api/v1/alerts", auth, alert, "application/cap+xml")->status == 201);
  REQUIRE(c.Post("/api/v1/alerts", auth, other, "application/cap+xml")->status == 201);
  auto feed = c.Get("/feed.atom");
  REQUIRE(feed);
  CHECK(feed->body.find("Headline of FLOOD-1") != std::string::npos);

  std::string cancel =
      cap_message("FLOOD-1-CANCEL", "Cancel", "met@example.org,FLOOD-1," + sent_of(alert));
  REQUIRE(c.Post("/api/v1/alerts", auth, cancel, "application/cap+xml")->status == 201);
  feed = c.Get("/feed.atom");
  REQUIRE(feed);
  CHECK(feed->body.find("Headline of FLOOD-1<") == std::string::npos);
  CHECK(feed->body.find("Headline of FLOOD-1-CANCEL") != std::string::npos);
  CHECK(feed->body.find("Headline of FLOOD-2") != std::string::npos);
  auto status = c.Get("/status");
  REQUIRE(status);
  CHECK(status->body.find("<td>cancelled</td>") != std::string::npos);
  p.signal(SIGTERM);
  CHECK(p.wait(20s) == 0);
  // The log (stderr) says what the Cancel did.
  std::string log = p.output();
  CHECK(log.find("FLOOD-1-CANCEL): Actual Cancel accepted from source push: cancelled") !=
        std::string::npos);
  CHECK(log.find("1 earlier alert(s) cancelled, 0 reference(s) not received yet") !=
        std::string::npos);
}
