// `capcast convert` from outside: files written, named by identifier, valid CAP; exit codes.
#include <catch2/catch.hpp>

#include "support/helpers.h"
#include "support/process.h"

using namespace capcast;

TEST_CASE("capcast convert turns a CAP ATOM feed into one valid CAP file per alert") {
  test::TempDir dir;
  std::string out;
  int rc = test::run(
      {CAPCAST_BINARY, "convert", "--from", "cap-atom",
       (test::source_dir() / "samples/feeds/demo.atom").string(), "--out", (dir / "out").string()},
      &out);
  INFO(out);
  CHECK(rc == 0);
  CHECK(out.find("20 alert(s) written to " + (dir / "out").string() + ", 0 problem(s)") !=
        std::string::npos);
  CHECK(std::filesystem::exists(dir / "out" / "TRI13970876.2.xml"));
  CHECK(std::filesystem::exists(dir / "out" / "capcast-demo-2026-0001.xml"));
  std::vector<std::string> lint = {"/usr/bin/xmllint", "--noout", "--nonet", "--schema",
                                   (test::source_dir() / "tests/data/xsd/CAP-v1.2.xsd").string()};
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir / "out")) {
    lint.push_back(e.path().string());
    ++n;
  }
  CHECK(n == 20);
  std::string lint_out;
  CHECK(test::run(lint, &lint_out) == 0);
}

TEST_CASE("capcast convert: bad input exits 1, usage errors exit 2") {
  test::TempDir dir;
  test::write_file(dir / "junk.xml", "<html>not a feed</html>");
  std::string out;
  CHECK(test::run({CAPCAST_BINARY, "convert", "--from", "cap-atom", (dir / "junk.xml").string(),
                   "--out", (dir / "out").string()},
                  &out) == 1);
  CHECK(out.find("0 alert(s) written") != std::string::npos);
  CHECK(test::run({CAPCAST_BINARY, "convert", "--from", "nope", (dir / "junk.xml").string(),
                   "--out", (dir / "out").string()},
                  &out) == 2);
  CHECK(out.find("unknown format 'nope'") != std::string::npos);
  CHECK(test::run({CAPCAST_BINARY, "convert", "--from", "cap", (dir / "missing.xml").string(),
                   "--out", (dir / "out").string()},
                  &out) == 2);
  CHECK(test::run({CAPCAST_BINARY, "convert", "--from", "cap", "--thresholds",
                   (dir / "junk.xml").string(), (dir / "junk.xml").string(), "--out",
                   (dir / "out").string()},
                  &out) == 2);
  CHECK(out.find("takes no thresholds") != std::string::npos);
}
