#include <sys/stat.h>
#include <catch2/catch.hpp>

#include "file/file_channel.h"
#include "support/helpers.h"

using namespace capcast;
using namespace capcast::dispatch;

TEST_CASE("file names are readable, safe, unique per alert and stable") {
  auto a = file::file_name_for("s@x", "2.49.0.1/../../etc", "2024-01-01T00:00:00-00:00");
  CHECK(a.find('/') == std::string::npos);
  CHECK(a.rfind("2.49.0.1_.._.._etc-", 0) == 0);
  CHECK(a.size() == std::string("2.49.0.1_.._.._etc-").size() + 8 + 4);
  CHECK(a == file::file_name_for("s@x", "2.49.0.1/../../etc", "2024-01-01T00:00:00-00:00"));
  CHECK(a != file::file_name_for("s@x", "2.49.0.1/../../etc", "2024-01-01T00:00:01-00:00"));
  CHECK(file::file_name_for("s", "..", "t").rfind("alert..-", 0) == 0);
}

TEST_CASE("the file channel writes the alert atomically, and a retry rewrites the same file") {
  test::TempDir dir;
  file::FileChannel ch(dir / "out", true);
  Message m{
      7,  "s@x", "A-1", "2024-01-01T00:00:00-00:00", "<alert>1</alert>", store::Event::kNew, {}, 0,
      "", "",    ""};
  REQUIRE(std::holds_alternative<Delivered>(ch.deliver(m)));
  auto path = dir / "out" / file::file_name_for("s@x", "A-1", "2024-01-01T00:00:00-00:00");
  CHECK(test::read_file(path) == "<alert>1</alert>");
  REQUIRE(std::holds_alternative<Delivered>(ch.deliver(m)));
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir / "out")) {
    (void)e;
    ++files;
  }
  CHECK(files == 1);  // no temporary file left, no second copy
}

TEST_CASE("the file channel classifies: I/O failure retries, an empty alert is rejected") {
  test::TempDir dir;
  test::write_file(dir / "blocker", "a file where the folder should be");
  file::FileChannel blocked(dir / "blocker" / "out", false);
  Message m{1, "s", "A", "t", "<alert/>", store::Event::kNew, {}, 0, "", "", ""};
  auto r = blocked.deliver(m);
  REQUIRE(std::holds_alternative<RetryLater>(r));
  CHECK(std::get<RetryLater>(r).reason.find("blocker") != std::string::npos);

  file::FileChannel ok(dir / "out", false);
  auto empty = ok.deliver(Message{1, "s", "A", "t", "", store::Event::kNew, {}, 0, "", "", ""});
  CHECK(std::holds_alternative<Rejected>(empty));
}
