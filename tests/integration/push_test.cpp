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
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir / "out", ec)) {
      delivered |= test::read_file(e.path()) == alert;
    }
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
