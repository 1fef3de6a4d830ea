// Routing from outside: the real capcast binary with two file channels and [[route]]s, through
// `send`, `run --once` (the Intake) and the push API, checked by the folders each alert lands in.
#include <httplib.h>
#include <signal.h>
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <thread>

#include "support/helpers.h"
#include "support/process.h"

using namespace capcast;
using namespace std::chrono_literals;

namespace {

std::string sample(const char* name) {
  return (test::samples_dir() / name).string();
}

// Earthquakes (category Geo) to quakes/, Met alerts of at least Moderate severity to weather/.
// The samples are archives: send_expired lets them out.
const char* kRoutes =
    "[dispatch]\nsend_expired = true\n"
    "[[channel]]\nname = \"quakes\"\nurl = \"file:quakes\"\n"
    "[[channel]]\nname = \"weather\"\nurl = \"file:weather\"\nblock_names = [\"CMAS\"]\n"
    "[[route]]\nname = \"geo\"\nchannels = [\"quakes\"]\ncategory = [\"Geo\"]\n"
    "[[route]]\nname = \"met\"\nchannels = [\"weather\"]\ncategory = [\"Met\"]\n"
    "min_severity = \"Moderate\"\n"
    "[[route]]\nname = \"rmt\"\nchannels = [\"weather\"]\nevent = [\"required monthly test\"]\n";

const char* kPushToken = "route-token-0123456789";

// `capcast run` with kRoutes, its store in `dir` and the push API on.
test::Process run_with_push(const test::TempDir& dir) {
  test::write_file(dir / "capcast.toml",
                   std::string("[store]\npath = \"capcast.db\"\n[http]\nport = 0\n"
                               "[push]\nenabled = true\ntoken = \"") +
                       kPushToken + "\"\n" + kRoutes);
  return test::Process({CAPCAST_BINARY, "run", "--config", (dir / "capcast.toml").string()});
}

}  // namespace

TEST_CASE("capcast send --config: each alert lands only in the folder its route names") {
  test::TempDir dir;
  test::write_file(dir / "c.toml", kRoutes);
  const std::string config = (dir / "c.toml").string();
  std::string out;

  // An earthquake (Geo): quakes only.
  CHECK(test::run({CAPCAST_BINARY, "send", "--config", config,
                   sample("oasis-spec-a3-earthquake-update-circle.xml")},
                  &out) == 0);
  INFO(out);
  CHECK(out.find("sending to 1 channel(s)") != std::string::npos);
  CHECK(out.find("quakes (file://" + (dir / "quakes").string() + "): delivered") !=
        std::string::npos);
  CHECK(test::count_files(dir / "quakes") == 1);
  CHECK_FALSE(std::filesystem::exists(dir / "weather"));

  // A Moderate Met alert: weather only.
  CHECK(test::run({CAPCAST_BINARY, "send", "--config", config,
                   sample("eu-meteoalarm-ie-polygons-emma.xml")},
                  &out) == 0);
  CHECK(out.find("weather (file://" + (dir / "weather").string() + "): delivered") !=
        std::string::npos);
  CHECK(test::count_files(dir / "quakes") == 1);
  CHECK(test::count_files(dir / "weather") == 1);

  // IPAWS's Required Monthly Test matches route rmt, but blocks CMAS, which weather lists in
  // block_names: sent nowhere, and said so; exit 0 (nothing failed).
  CHECK(test::run({CAPCAST_BINARY, "send", "--config", config,
                   sample("us-ipaws-fema-rmt-eas-blockchannel-signed.xml")},
                  &out) == 0);
  CHECK(out.find("sending to 0 channel(s)") != std::string::npos);
  CHECK(out.find("weather: not sent: the alert blocks it (BLOCKCHANNEL)") != std::string::npos);

  // An alert of another category (Rescue): no route matches.
  CHECK(test::run({CAPCAST_BINARY, "send", "--config", config,
                   sample("oasis-spec-a4-amber-en-es-multilang.xml")},
                  &out) == 0);
  CHECK(out.find("matches no [[route]]: nothing to send") != std::string::npos);
  CHECK(test::count_files(dir / "quakes") == 1);
  CHECK(test::count_files(dir / "weather") == 1);

  // --channel URLs bypass the routes: the earthquake goes where it is told.
  CHECK(test::run({CAPCAST_BINARY, "send", "--config", config, "--channel",
                   "file://" + (dir / "direct").string(),
                   sample("us-ipaws-fema-rmt-eas-blockchannel-signed.xml")},
                  &out) == 0);
  CHECK(test::count_files(dir / "direct") == 1);
}

TEST_CASE("capcast send and run: a route naming an unknown channel is a configuration error") {
  test::TempDir dir;
  test::write_file(dir / "c.toml",
                   "[[channel]]\nname = \"quakes\"\nurl = \"file:quakes\"\n"
                   "[[route]]\nname = \"r\"\nchannels = [\"quakes\", \"sms\"]\n");
  std::string out;
  CHECK(test::run({CAPCAST_BINARY, "send", "--config", (dir / "c.toml").string(),
                   sample("oasis-spec-a3-earthquake-update-circle.xml")},
                  &out) == 2);
  INFO(out);
  CHECK(out.find("c.toml:6:12: [[route]] #1 'r': channels: no channel named 'sms'") !=
        std::string::npos);
  CHECK(test::run({CAPCAST_BINARY, "config", "check", (dir / "c.toml").string()}, &out) == 2);
  CHECK(out.find("no channel named 'sms'") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "quakes"));
}

TEST_CASE("capcast run --once: polled alerts are routed by the Intake") {
  test::TempDir dir;
  test::write_file(dir / "capcast.toml",
                   std::string("[store]\npath = \"capcast.db\"\n[http]\nenabled = false\n") +
                       "[[source]]\nname = \"quake\"\ntype = \"cap\"\nurl = \"file://" +
                       sample("oasis-spec-a3-earthquake-update-circle.xml") + "\"\n" +
                       "[[source]]\nname = \"ice\"\ntype = \"cap\"\nurl = \"file://" +
                       sample("eu-meteoalarm-ie-polygons-emma.xml") + "\"\n" +
                       "[[source]]\nname = \"amber\"\ntype = \"cap\"\nurl = \"file://" +
                       sample("oasis-spec-a4-amber-en-es-multilang.xml") + "\"\n" + kRoutes);
  std::string out;
  int rc = test::run({CAPCAST_BINARY, "run", "--once", "--config", (dir / "capcast.toml").string()},
                     &out);
  INFO(out);
  CHECK(rc == 0);
  CHECK(out.find("3 alerts stored; deliveries: 2 delivered, 0 pending, 0 dead") !=
        std::string::npos);
  CHECK(test::count_files(dir / "quakes") == 1);
  CHECK(test::count_files(dir / "weather") == 1);
  CHECK(out.find("matches no [[route]]: not sent") != std::string::npos);
}

TEST_CASE("capcast run: pushed alerts are routed, those that match no route are counted") {
  test::TempDir dir;
  test::Process p = run_with_push(dir);
  auto line = p.wait_for_line("listening on http://127.0.0.1:", 20s);
  INFO(p.output());
  REQUIRE(line);
  httplib::Client c("127.0.0.1", std::stoi(line->substr(line->rfind(':') + 1)));
  httplib::Headers auth = {{"Authorization", "Bearer " + std::string(kPushToken)}};
  for (const char* name :
       {"oasis-spec-a3-earthquake-update-circle.xml", "oasis-spec-a4-amber-en-es-multilang.xml"}) {
    auto r = c.Post("/api/v1/alerts", auth, test::read_file(sample(name)), "application/cap+xml");
    REQUIRE(r);
    CHECK(r->status == 201);
  }
  auto status = c.Get("/status.json");
  REQUIRE(status);
  CHECK(nlohmann::json::parse(status->body)["unrouted_since_start"] == 1);
  // The earthquake reaches quakes/ (the engine runs on its own thread: wait for the file).
  for (int i = 0; i < 100 && test::count_files(dir / "quakes") == 0; ++i) {
    p.pump();
    std::this_thread::sleep_for(100ms);
  }
  CHECK(test::count_files(dir / "quakes") == 1);
  p.signal(SIGTERM);
  CHECK(p.wait(20s) == 0);
  CHECK_FALSE(std::filesystem::exists(dir / "weather"));
  CHECK(p.output().find("matches no [[route]]: not sent") != std::string::npos);
}

TEST_CASE("capcast run: a Cancel that matches no route still reaches where its alert went") {
  test::TempDir dir;
  test::Process p = run_with_push(dir);
  auto line = p.wait_for_line("listening on http://127.0.0.1:", 20s);
  INFO(p.output());
  REQUIRE(line);
  httplib::Client c("127.0.0.1", std::stoi(line->substr(line->rfind(':') + 1)));
  httplib::Headers auth = {{"Authorization", "Bearer " + std::string(kPushToken)}};
  auto quake = c.Post("/api/v1/alerts", auth,
                      test::read_file(sample("oasis-spec-a3-earthquake-update-circle.xml")),
                      "application/cap+xml");
  REQUIRE(quake);
  CHECK(quake->status == 201);
  // Wait until the alert is written: a Cancel that arrives while it is still pending replaces it
  // (docs/CHANNELS.md, "Updates and Cancels of pending alerts"), and then only one file is written.
  for (int i = 0; i < 200 && test::count_files(dir / "quakes") == 0; ++i) {
    p.pump();
    std::this_thread::sleep_for(100ms);
  }
  REQUIRE(test::count_files(dir / "quakes") == 1);
  // A Cancel without <info>: no category, so no route matches it by its own content.
  const std::string cancel =
      "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>TRI13970876.3"
      "</identifier><sender>trinet@caltech.edu</sender><sent>2003-06-11T21:30:00-07:00</sent>"
      "<status>Actual</status><msgType>Cancel</msgType><scope>Public</scope><references>"
      "trinet@caltech.edu,TRI13970876.2,2003-06-11T20:56:00-07:00</references></alert>";
  auto r = c.Post("/api/v1/alerts", auth, cancel, "application/cap+xml");
  REQUIRE(r);
  INFO(r->body);
  CHECK(r->status == 201);
  for (int i = 0; i < 200 && test::count_files(dir / "quakes") < 2; ++i) {
    p.pump();
    std::this_thread::sleep_for(100ms);
  }
  p.signal(SIGTERM);
  CHECK(p.wait(20s) == 0);
  CHECK(test::count_files(dir / "quakes") == 2);  // the alert, then its Cancel
  CHECK_FALSE(std::filesystem::exists(dir / "weather"));
}
