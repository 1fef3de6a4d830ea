#include <catch2/catch.hpp>

#include "capcast/core/clock.h"
#include "capcast/core/log.h"
#include "capcast/core/result.h"

using namespace capcast;

TEST_CASE("Status and Result carry a code and a message") {
  Status ok;
  CHECK(ok.ok());
  CHECK(ok.to_string() == "ok");
  Status bad = invalid_argument("demo.toml:3:1: unknown key");
  CHECK_FALSE(bad.ok());
  CHECK(bad.code() == Code::kInvalidArgument);
  CHECK(bad.to_string() == "invalid argument: demo.toml:3:1: unknown key");

  Result<int> r = 42;
  REQUIRE(r.ok());
  CHECK(*r == 42);
  Result<int> e = io_error("disk full");
  CHECK_FALSE(e.ok());
  CHECK(e.status().message() == "disk full");
}

TEST_CASE("ManualClock moves only when told") {
  ManualClock clock(from_unix_ms(1'000));
  CHECK(to_unix_ms(clock.now()) == 1'000);
  clock.advance(Duration{250});
  CHECK(to_unix_ms(clock.now()) == 1'250);
  CHECK(format_rfc3339_utc(from_unix_ms(0)) == "1970-01-01T00:00:00Z");
}

TEST_CASE("json_escape makes any text safe inside a JSON string") {
  CHECK(json_escape("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
  CHECK(json_escape(std::string("\x01", 1)) == "\\u0001");
}

TEST_CASE("init_logging refuses an unknown level") {
  CHECK_FALSE(init_logging("loud", LogFormat::kText).ok());
  CHECK(init_logging("off", LogFormat::kJson).ok());
  CHECK(init_logging("warn", LogFormat::kText).ok());
}
