// The walking skeleton end to end: the real capcast binary, run on a temporary directory against
// the bundled sample feed, checked from outside: the files it writes (byte for byte, and by
// xmllint against the official CAP 1.2 XSD), its ATOM feed and status over HTTP, a clean stop on
// SIGTERM, and a restart that emits nothing twice.
#include <httplib.h>
#include <signal.h>
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "support/helpers.h"
#include "support/process.h"

using namespace capcast;
using namespace std::chrono_literals;

namespace {

std::string config_for(const test::TempDir& dir) {
  return "[log]\nlevel = \"info\"\n"
         "[store]\npath = \"state/capcast.db\"\n"
         "[http]\nport = 0\n"
         "[feed]\nactive_only = false\n"
         "[[source]]\nname = \"samples\"\ntype = \"cap-atom\"\nurl = \"file://" +
         (test::source_dir() / "samples/feeds/demo.atom").string() +
         "\"\ninterval = \"1s\"\n"
         "[dispatch]\nsend_expired = true\n"
         "[[channel]]\nname = \"files\"\nurl = \"file:out\"\n";
  (void)dir;
}

std::vector<std::filesystem::path> files_in(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    out.push_back(e.path());
  return out;
}

int port_from(const std::string& line) {
  return std::stoi(line.substr(line.rfind(':') + 1));
}

nlohmann::json status(int port) {
  httplib::Client c("127.0.0.1", port);
  auto r = c.Get("/status.json");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  return nlohmann::json::parse(r->body);
}

}  // namespace

TEST_CASE("capcast run: samples in, one CAP file each and an ATOM feed out, nothing twice") {
  test::TempDir dir;
  test::write_file(dir / "capcast.toml", config_for(dir));
  const auto out_dir = dir / "out";
  const size_t expected = 20;  // 19 linked samples + 1 alert embedded in the feed

  std::set<std::string> samples;
  for (const auto& e : std::filesystem::directory_iterator(test::samples_dir())) {
    samples.insert(test::read_file(e.path()));
  }

  std::map<std::string, std::filesystem::file_time_type> first_mtimes;
  {
    test::Process p({CAPCAST_BINARY, "run", "--config", (dir / "capcast.toml").string()});
    auto line = p.wait_for_line("listening on http://127.0.0.1:", 20s);
    INFO(p.output());
    REQUIRE(line);
    int port = port_from(*line);

    for (int i = 0; i < 300 && files_in(out_dir).size() < expected; ++i) {
      p.pump();
      std::this_thread::sleep_for(100ms);
    }
    auto files = files_in(out_dir);
    REQUIRE(files.size() == expected);
    size_t from_samples = 0;
    for (const auto& f : files) {
      first_mtimes[f.filename().string()] = std::filesystem::last_write_time(f);
      from_samples += samples.count(test::read_file(f));
    }
    CHECK(from_samples == 19);  // delivered byte for byte as received

    // An independent validator: xmllint with the official OASIS CAP 1.2 schema.
    std::vector<std::string> xmllint = {
        "/usr/bin/xmllint", "--noout", "--nonet", "--schema",
        (test::source_dir() / "tests/data/xsd/CAP-v1.2.xsd").string()};
    for (const auto& f : files)
      xmllint.push_back(f.string());
    std::string lint_out;
    CHECK(test::run(xmllint, &lint_out) == 0);
    INFO(lint_out);

    httplib::Client http("127.0.0.1", port);
    auto feed = http.Get("/feed.atom");
    REQUIRE(feed);
    CHECK(feed->status == 200);
    CHECK(feed->get_header_value("Content-Type").rfind("application/atom+xml", 0) == 0);
    size_t entries = 0;
    for (size_t pos = 0; (pos = feed->body.find("<entry>", pos)) != std::string::npos; ++pos) {
      ++entries;
    }
    CHECK(entries == expected);
    auto one = http.Get("/alerts/1.xml");
    REQUIRE(one);
    CHECK(one->status == 200);
    CHECK(one->get_header_value("Content-Type") == "application/cap+xml");
    CHECK(http.Get("/alerts/999.xml")->status == 404);
    auto page = http.Get("/status");
    REQUIRE(page);
    CHECK(page->body.find("samples") != std::string::npos);

    auto st = status(port);
    CHECK(st["alerts"] == expected);
    CHECK(st["deliveries"]["delivered"] == expected);
    CHECK(st["deliveries"]["dead"] == 0);
    CHECK(st["channels"][0]["delivered"] == expected);

    // Prometheus metrics: the channel's counters agree with the outbox.
    auto metrics = http.Get("/metrics");
    REQUIRE(metrics);
    CHECK(metrics->get_header_value("Content-Type").rfind("text/plain; version=0.0.4", 0) == 0);
    CHECK_THAT(metrics->body,
               Catch::Contains("capcast_channel_delivered_total{channel=\"files\"} " +
                               std::to_string(expected) + "\n"));
    CHECK_THAT(metrics->body,
               Catch::Contains("capcast_channel_attempt_seconds_count{channel=\"files\"} " +
                               std::to_string(expected) + "\n"));
    CHECK_THAT(metrics->body, Catch::Contains("capcast_outbox_deliveries{state=\"delivered\"} " +
                                              std::to_string(expected) + "\n"));

    p.signal(SIGTERM);
    auto rc = p.wait(20s);
    REQUIRE(rc);
    CHECK(*rc == 0);
    CHECK(p.output().find("stopped cleanly") != std::string::npos);
  }

  // Second start on the same store: the feed is read again, nothing is emitted again.
  std::this_thread::sleep_for(1100ms);  // so that a rewritten file would show a new mtime
  {
    auto restart_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
    test::Process p({CAPCAST_BINARY, "run", "--config", (dir / "capcast.toml").string()});
    auto line = p.wait_for_line("listening on http://127.0.0.1:", 20s);
    INFO(p.output());
    REQUIRE(line);
    int port = port_from(*line);
    // Wait until the source has been polled at least twice since the restart.
    bool polled = false;
    for (int i = 0; i < 200 && !polled; ++i) {
      p.pump();
      auto st = status(port);
      for (const auto& s : st["sources"]) {
        polled |= s["name"] == "samples" && s["last_success"].get<std::string>() != "never" &&
                  s["consecutive_failures"] == 0;
      }
      // last_success is a timestamp string; compare through the store's own counter instead.
      if (polled) {
        std::this_thread::sleep_for(2500ms);  // two more 1 s polls
      } else {
        std::this_thread::sleep_for(100ms);
      }
    }
    REQUIRE(polled);
    auto st = status(port);
    CHECK(st["alerts"] == expected);
    CHECK(st["deliveries"]["delivered"] == expected);
    auto files = files_in(out_dir);
    CHECK(files.size() == expected);
    for (const auto& f : files) {
      INFO(f.string());
      CHECK(std::filesystem::last_write_time(f) == first_mtimes[f.filename().string()]);
    }
    CHECK(p.output().find("accepted from source") == std::string::npos);
    (void)restart_ms;
    p.signal(SIGINT);
    auto rc = p.wait(20s);
    REQUIRE(rc);
    CHECK(*rc == 0);
  }
}

TEST_CASE("capcast run --once polls, delivers, reports and exits 0") {
  test::TempDir dir;
  test::write_file(dir / "capcast.toml", config_for(dir));
  std::string out;
  int rc = test::run({CAPCAST_BINARY, "run", "--once", "--config", (dir / "capcast.toml").string()},
                     &out);
  INFO(out);
  CHECK(rc == 0);
  CHECK(out.find("20 alerts stored; deliveries: 20 delivered, 0 pending, 0 dead") !=
        std::string::npos);
  CHECK(files_in(dir / "out").size() == 20);
}

TEST_CASE("a bad configuration exits 2 naming file, line and key, before anything starts") {
  test::TempDir dir;
  test::write_file(dir / "bad.toml",
                   "[store]\npath = \"x.db\"\n[[source]]\nname = \"s\"\nurl = \"file:a\"\n"
                   "intervall = \"5s\"\n");
  std::string out;
  int rc = test::run({CAPCAST_BINARY, "run", "--config", (dir / "bad.toml").string()}, &out);
  INFO(out);
  CHECK(rc == 2);
  CHECK(out.find("bad.toml:6:13: [[source]] #1: unknown key 'intervall'") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "x.db"));
}

TEST_CASE("command line: --help exits 0, usage errors exit 2, version prints") {
  std::string out;
  CHECK(test::run({CAPCAST_BINARY, "--help"}, &out) == 0);
  CHECK(out.find("run") != std::string::npos);
  CHECK(test::run({CAPCAST_BINARY, "run", "--help"}, &out) == 0);
  CHECK(out.find("--config") != std::string::npos);
  CHECK(test::run({CAPCAST_BINARY}, &out) == 2);
  CHECK(test::run({CAPCAST_BINARY, "run"}, &out) == 2);
  CHECK(test::run({CAPCAST_BINARY, "frobnicate"}, &out) == 2);
  CHECK(test::run({CAPCAST_BINARY, "version"}, &out) == 0);
  CHECK(out.find("capcast 0.") != std::string::npos);
  CHECK(test::run({CAPCAST_BINARY, "config", "schema"}, &out) == 0);
  CHECK(out.find("[[channel]]") != std::string::npos);
  CHECK(test::run({CAPCAST_BINARY, "config", "check",
                   (test::source_dir() / "config/example.toml").string()},
                  &out) == 0);
  CHECK(test::run(
            {CAPCAST_BINARY, "config", "check", (test::source_dir() / "config/demo.toml").string()},
            &out) == 0);
}

TEST_CASE("capcast run: one earthquake from USGS and from GDACS is linked as one event") {
  test::TempDir dir;
  // A USGS summary feed with the quake that the real GDACS capture lists with
  // <gdacs:identifier id="neicid">us70006s89</gdacs:identifier>, under another preferred id:
  // USGS ids change when another network's solution becomes preferred; "ids" keeps every alias.
  test::write_file(
      dir / "usgs.json",
      R"({"type":"FeatureCollection","metadata":{"generated":1537071067000,"status":200},
          "features":[{"type":"Feature","id":"at00pf3q2v","geometry":{"type":"Point",
          "coordinates":[-52.85,11.35,10]},"properties":{"mag":5.3,"place":"north of Ascension",
          "time":1537060000000,"updated":1537061000000,"url":
          "https://earthquake.usgs.gov/earthquakes/eventpage/at00pf3q2v","alert":null,
          "status":"reviewed","tsunami":0,"sig":432,"net":"at","code":"00pf3q2v",
          "ids":",at00pf3q2v,us70006s89,","magType":"mww","type":"earthquake",
          "title":"M 5.3 - north of Ascension"}}]})");
  test::write_file(
      dir / "capcast.toml",
      "[store]\npath = \"capcast.db\"\n[http]\nenabled = false\n"
      "[[source]]\nname = \"usgs\"\ntype = \"usgs-geojson\"\nurl = \"file:usgs.json\"\n"
      "sender = \"usgs-relay@met.example.org\"\n"
      "[[source]]\nname = \"gdacs\"\ntype = \"gdacs-rss\"\nurl = \"file://" +
          (test::source_dir() / "tests/data/feeds/gdacs-rss/gdacs-rss-24h.xml").string() +
          "\"\nsender = \"gdacs-relay@met.example.org\"\n"
          "prefer_linked_cap = false\n"
          "[dispatch]\nsend_expired = true\n"
          "[[channel]]\nname = \"files\"\nurl = \"file:out\"\n");
  std::string out;
  int rc = test::run({CAPCAST_BINARY, "run", "--once", "--config", (dir / "capcast.toml").string()},
                     &out);
  INFO(out);
  CHECK(rc == 0);
  // Whichever source is polled second names the other's alert, its sender and its source.
  size_t same = out.find("the same event as (");
  REQUIRE(same != std::string::npos);
  std::string other = out.substr(same + 19, out.find('\n', same) - same - 19);
  bool usgs_first = other.rfind("usgs-relay@met.example.org, ", 0) == 0 &&
                    other.find("from source usgs") != std::string::npos;
  bool gdacs_first = other.rfind("gdacs-relay@met.example.org, ", 0) == 0 &&
                     other.find("from source gdacs") != std::string::npos;
  CHECK((usgs_first || gdacs_first));
  // Only that quake: the capture's other seven earthquakes have no USGS counterpart here.
  size_t count = 0;
  for (size_t p = out.find("the same event as ("); p != std::string::npos;
       p = out.find("the same event as (", p + 1))
    ++count;
  CHECK(count == 1);
}
