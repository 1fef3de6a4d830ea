#include <catch2/catch.hpp>

#include "capcast/cap/datetime.h"

using capcast::cap::format_datetime;
using capcast::cap::parse_datetime;

TEST_CASE("CAP date-times parse to the instant and keep their offset") {
  auto d = parse_datetime("2002-05-24T16:49:00-07:00");
  REQUIRE(d);
  CHECK(d->unix_ms == 1'022'284'140'000);
  CHECK(d->offset_minutes == -420);
  auto utc = parse_datetime("2024-02-29T00:00:00-00:00");
  REQUIRE(utc);
  CHECK(utc->unix_ms == 1'709'164'800'000);
  CHECK(parse_datetime("2015-08-08T08:00:00+08:00")->offset_minutes == 480);
}

TEST_CASE("date-times CAP does not allow are refused with the reason") {
  std::string why;
  CHECK_FALSE(parse_datetime("2024-01-01T00:00:00Z", &why));
  CHECK(why.find("'Z'") != std::string::npos);
  CHECK_FALSE(parse_datetime("2023-02-29T00:00:00+00:00", &why));
  CHECK(why.find("does not exist") != std::string::npos);
  CHECK_FALSE(parse_datetime("2024-04-31T00:00:00+00:00"));
  CHECK_FALSE(parse_datetime("2024-01-01T24:00:00+00:00"));
  CHECK_FALSE(parse_datetime("2024-01-01 00:00:00+00:00"));
  CHECK_FALSE(parse_datetime("2024-01-01T00:00:00.5+00:00"));
  CHECK_FALSE(parse_datetime("2024-01-01T00:00:00"));
  CHECK_FALSE(parse_datetime("2024-01-01T00:00:00,00:00"));
}

TEST_CASE("format_datetime is the inverse of parse_datetime") {
  for (const char* s : {"2002-05-24T16:49:00-07:00", "2024-02-29T23:59:59+14:00",
                        "1999-12-31T00:00:00-00:00", "2015-08-08T08:00:00+08:00"}) {
    auto d = parse_datetime(s);
    REQUIRE(d);
    CHECK(format_datetime(d->unix_ms, d->offset_minutes) == s);
  }
}
