// `capcast validate` from outside: its output lines, JSON, standard input and exit codes.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "support/helpers.h"
#include "support/process.h"

using namespace capcast;

TEST_CASE("capcast validate: samples pass, negatives fail, usage errors exit 2") {
  std::vector<std::string> all = {CAPCAST_BINARY, "validate"};
  for (const auto& e : std::filesystem::directory_iterator(test::samples_dir())) {
    all.push_back(e.path().string());
  }
  std::string out;
  CHECK(test::run(all, &out) == 0);
  INFO(out);
  CHECK(out.find(": error: ") == std::string::npos);
  CHECK(out.find("19 file(s), 0 with errors") != std::string::npos);

  auto negative = (test::source_dir() / "tests/data/cap/negative/invalid.xml").string();
  CHECK(test::run({CAPCAST_BINARY, "validate", negative}, &out) == 1);
  // FILE: LEVEL: PATH: message [rule]
  CHECK(out.find(negative + ": error: /alert") != std::string::npos);
  CHECK(out.find("[schema.") != std::string::npos);

  CHECK(test::run({CAPCAST_BINARY, "validate", "/nonexistent.xml"}, &out) == 2);
  CHECK(out.find("/nonexistent.xml: cannot read the file") != std::string::npos);
  CHECK(test::run({CAPCAST_BINARY, "validate"}, &out) == 2);
  CHECK(test::run({CAPCAST_BINARY, "validate", "--format", "yaml", negative}, &out) == 2);
}

TEST_CASE("capcast validate --profile") {
  auto profile_errors =
      (test::source_dir() / "tests/data/cap/negative/ca-eccc-profile-errors.xml").string();
  std::string out;
  CHECK(test::run({CAPCAST_BINARY, "validate", profile_errors}, &out) == 0);
  CHECK(test::run({CAPCAST_BINARY, "validate", "--profile", "cap-cp", profile_errors}, &out) == 1);
  CHECK(out.find("[capcp.code]") != std::string::npos);
  auto sample =
      (test::samples_dir() / "ca-eccc-naads-snowfall-update-signed-bilingual.xml").string();
  CHECK(test::run({CAPCAST_BINARY, "validate", "--profile", "auto", sample, profile_errors},
                  &out) == 0);  // the negative declares no profile: auto applies none to it
  CHECK(test::run({CAPCAST_BINARY, "validate", "--profile", "cap-cp", "--profile", "ipaws", sample},
                  &out) == 1);  // not an IPAWS alert
  CHECK(out.find("[ipaws.code]") != std::string::npos);
  CHECK(test::run({CAPCAST_BINARY, "validate", "--profile", "klingon", sample}, &out) == 2);
  CHECK(out.find("unknown profile 'klingon'") != std::string::npos);
}

TEST_CASE("capcast validate --format json and standard input") {
  test::TempDir dir;
  auto sample = test::samples_dir() / "us-ipaws-nv-cancel-references-signed.xml";
  // Standard input, through a shell so that a file can be redirected into it.
  std::string out;
  int rc = test::run({"/bin/sh", "-c",
                      std::string(CAPCAST_BINARY) + " validate --format json - < '" +
                          sample.string() + "' > '" + (dir / "out.json").string() + "'"},
                     &out);
  CHECK(rc == 0);
  auto j = nlohmann::json::parse(test::read_file(dir / "out.json"));
  REQUIRE(j.is_array());
  REQUIRE(j.size() == 1);
  CHECK(j[0]["file"] == "-");
  CHECK(j[0]["valid"] == true);
  CHECK(j[0]["findings"].is_array());
  REQUIRE(j[0]["channels"].is_array());
}

TEST_CASE("capcast validate --channels shows how each info fits SMS, CBS and WEA") {
  auto sample =
      (test::samples_dir() / "us-ipaws-mi-cem-cmamlongtext-imminentthreat-signed.xml").string();
  std::string out;
  CHECK(test::run({CAPCAST_BINARY, "validate", "--channels", sample}, &out) == 0);
  CHECK(out.find(sample +
                 ": channels: /alert/info[1]: GSM 7-bit, 306 characters: 2 SMS "
                 "segment(s), 4 cell-broadcast page(s), WEA 90: too long, WEA 360: fits") !=
        std::string::npos);
}
