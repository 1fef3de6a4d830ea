// `capcast send` from outside: the real binary, one alert, channels from the command line or a
// configuration; what it prints, the files it delivers, and its exit codes.
#include <sys/stat.h>
#include <catch2/catch.hpp>

#include "support/helpers.h"
#include "support/process.h"

using namespace capcast;

namespace {

const char* kSample = "oasis-spec-a3-earthquake-update-circle.xml";

}  // namespace

TEST_CASE("capcast send delivers one alert to the --channel URLs given, exit 0") {
  test::TempDir dir;
  // Samples are archives: send_expired lets one whose <expires> has passed go out.
  test::write_file(dir / "c.toml",
                   "[dispatch]\nsend_expired = true\n"
                   "[[channel]]\nname = \"configured\"\nurl = \"file:never\"\n");
  std::string out;
  int rc = test::run({CAPCAST_BINARY, "send", "--config", (dir / "c.toml").string(), "--channel",
                      "file://" + (dir / "a").string(), "--channel",
                      "file://" + (dir / "b").string(), (test::samples_dir() / kSample).string()},
                     &out);
  INFO(out);
  CHECK(rc == 0);
  CHECK(out.find("sending to 2 channel(s)") != std::string::npos);
  CHECK(out.find("channel-1 (file://" + (dir / "a").string() + "): delivered") !=
        std::string::npos);
  CHECK(out.find("channel-2 (file://" + (dir / "b").string() + "): delivered") !=
        std::string::npos);
  CHECK(test::count_files(dir / "a") == 1);
  CHECK(test::count_files(dir / "b") == 1);
  CHECK_FALSE(std::filesystem::exists(dir / "never"));  // --channel replaces the configured ones
  for (const auto& e : std::filesystem::directory_iterator(dir / "a"))
    CHECK(test::read_file(e.path()) == test::read_file(test::samples_dir() / kSample));
}

TEST_CASE("capcast send: a persistent store remembers the alert, a second send sends nothing") {
  test::TempDir dir;
  test::write_file(dir / "c.toml",
                   "[dispatch]\nsend_expired = true\n"
                   "[[channel]]\nname = \"files\"\nurl = \"file:out\"\n");
  std::vector<std::string> cmd = {CAPCAST_BINARY,
                                  "send",
                                  "--config",
                                  (dir / "c.toml").string(),
                                  "--store",
                                  (dir / "s.db").string(),
                                  (test::samples_dir() / kSample).string()};
  std::string out;
  CHECK(test::run(cmd, &out) == 0);
  CHECK(out.find("files (file://" + (dir / "out").string() + "): delivered") != std::string::npos);
  std::filesystem::remove_all(dir / "out");
  CHECK(test::run(cmd, &out) == 0);
  INFO(out);
  CHECK(out.find("already in the store") != std::string::npos);
  CHECK(test::count_files(dir / "out") == 0);  // exactly once
}

TEST_CASE("capcast send: dead deliveries, an invalid alert and bad channels") {
  test::TempDir dir;
  std::string out;
  // Without send_expired, an alert whose <expires> passed (in 2022) is not sent: dead, exit 1.
  CHECK(test::run({CAPCAST_BINARY, "send", "--channel", "file://" + (dir / "a").string(),
                   (test::samples_dir() / "eu-meteoalarm-fr-avalanche-update-nuts3-bilingual.xml")
                       .string()},
                  &out) == 1);
  CHECK(out.find("dead: expired before delivery") != std::string::npos);

  // A channel that keeps failing: retried per its policy, then dead with the reason, exit 1.
  test::write_file(dir / "blocker", "a file where the channel wants a folder");
  test::write_file(dir / "c.toml",
                   "[dispatch]\nsend_expired = true\n"
                   "[[channel]]\nname = \"stuck\"\nurl = \"file:blocker/out\"\n"
                   "max_attempts = 2\nbackoff_base = \"100ms\"\nbackoff_max = \"200ms\"\n");
  CHECK(test::run({CAPCAST_BINARY, "send", "--config", (dir / "c.toml").string(),
                   (test::samples_dir() / kSample).string()},
                  &out) == 1);
  INFO(out);
  CHECK(out.find("stuck (file://" + (dir / "blocker/out").string() + "): attempt 1 failed") !=
        std::string::npos);
  CHECK(out.find("stuck (file://" + (dir / "blocker/out").string() +
                 "): dead: gave up after 2 attempts") != std::string::npos);

  // An invalid alert is not sent at all: exit 1, with the finding.
  test::write_file(dir / "bad.xml",
                   "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>I"
                   "</identifier></alert>");
  CHECK(test::run({CAPCAST_BINARY, "send", "--channel", "file://" + (dir / "a").string(),
                   (dir / "bad.xml").string()},
                  &out) == 1);
  CHECK(out.find("not sent: the alert has errors") != std::string::npos);
  CHECK(out.find("[schema.missing]") != std::string::npos);

  // Usage and configuration errors: exit 2.
  CHECK(test::run({CAPCAST_BINARY, "send", "--channel", "nosuch://host",
                   (test::samples_dir() / kSample).string()},
                  &out) == 2);
  CHECK(out.find("--channel rejected") != std::string::npos);
  CHECK(test::run({CAPCAST_BINARY, "send", (test::samples_dir() / kSample).string()}, &out) == 2);
  CHECK(out.find("no channel") != std::string::npos);
  CHECK(test::run({CAPCAST_BINARY, "send", "--channel", "file:x", (dir / "missing.xml").string()},
                  &out) == 2);
  CHECK(test::run({CAPCAST_BINARY, "send"}, &out) == 2);
}
