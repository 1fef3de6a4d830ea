#include <catch2/catch.hpp>

#include "capcast/core/redact.h"

using capcast::mask_msisdn;
using capcast::mask_url_password;

TEST_CASE("mask_msisdn keeps a prefix and the last two digits only") {
  CHECK(mask_msisdn("+254700000001") == "+2547******01");
  CHECK(mask_msisdn("254712345678") == "2547******78");
  // A short code keeps only its last digit.
  CHECK(mask_msisdn("12345") == "****5");
  // No digit of the middle of a number survives.
  std::string masked = mask_msisdn("+44 7911 123456");
  CHECK(masked.find("123") == std::string::npos);
}

TEST_CASE("mask_url_password hides the password of a URL and nothing else") {
  CHECK(mask_url_password("mqtt://user:s3cret@broker:1883/x?qos=1") ==
        "mqtt://user:***@broker:1883/x?qos=1");
  CHECK(mask_url_password("smpp://esme:pw@10.0.0.1:2775") == "smpp://esme:***@10.0.0.1:2775");
  CHECK(mask_url_password("http://host/path?a=b@c") == "http://host/path?a=b@c");
  CHECK(mask_url_password("mqtt://user@host") == "mqtt://user@host");
  CHECK(mask_url_password("file:///var/out") == "file:///var/out");
  CHECK(mask_url_password("not a url") == "not a url");
}
