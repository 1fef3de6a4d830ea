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
}
