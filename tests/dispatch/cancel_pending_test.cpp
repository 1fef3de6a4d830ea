// A channel's cancel_pending (issue 5): the key and the url option, their errors with file, line
// and column, and the policy reaching the store through the engine (store/cancel_pending_test.cpp
// has the policies themselves).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include "capcast/dispatch/cbs.h"
#include "capcast/dispatch/engine.h"
#include "capcast/dispatch/registry.h"
#include "file/file_channel.h"
#include "support/helpers.h"

using namespace capcast;
using namespace capcast::dispatch;

namespace {

config::Schema schema() {
  config::Schema s;
  s.sections.push_back(cbs_profile_section());
  s.sections.push_back(cbs_rule_section());
  s.sections.push_back(channel_section());
  return s;
}

Result<std::vector<NamedChannel>> channels_of(const std::string& toml) {
  auto doc = config::load_string(toml, "test.toml", schema(),
                                 [](const std::string&) { return std::nullopt; });
  if (!doc.ok()) return doc.status();
  return build_channels(*doc);
}

store::NewAlert alert(const std::string& id, const std::string& msg_type) {
  store::NewAlert a;
  a.sender = "s@x";
  a.identifier = id;
  a.sent = "2024-01-01T00:00:00-00:00";
  a.status = "Actual";
  a.msg_type = msg_type;
  a.xml = "<alert>" + id + "</alert>";
  if (msg_type == "Cancel") {
    a.sent = "2024-01-01T01:00:00-00:00";
    a.references = {{"s@x", "a1", "2024-01-01T00:00:00-00:00"}};
    a.follow_references = true;
  }
  return a;
}

// The names of the files in `dir` (none when it does not exist).
std::vector<std::string> files_in(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  if (!std::filesystem::exists(dir)) return out;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("cancel_pending: unset, the key, or the url option, which wins over the key") {
  auto none = channels_of("[[channel]]\nname = \"a\"\nurl = \"file:///tmp/a\"\n");
  REQUIRE(none.ok());
  CHECK_FALSE((*none)[0].cancel_pending.has_value());

  auto key = channels_of(
      "[[channel]]\nname = \"a\"\nurl = \"file:///tmp/a\"\ncancel_pending = \"cancel\"\n");
  REQUIRE(key.ok());
  CHECK((*key)[0].cancel_pending == store::CancelPending::kCancel);

  auto url = channels_of(
      "[[channel]]\nname = \"a\"\nurl = \"file:///tmp/a?cancel_pending=cancel\"\n"
      "cancel_pending = \"notify\"\n");
  REQUIRE(url.ok());
  CHECK((*url)[0].cancel_pending == store::CancelPending::kCancel);

  // The option is the engine's: a kind that refuses query keys it does not know never sees it.
  auto kannel = channels_of(
      "[[channel]]\nname = \"sms\"\nurl = "
      "\"kannel://u:p@127.0.0.1:13013/?from=EWS&cancel_pending=notify&smsc=S1\"\n");
  INFO((kannel.ok() ? "" : kannel.status().message()));
  REQUIRE(kannel.ok());
  CHECK((*kannel)[0].cancel_pending == store::CancelPending::kNotify);
  auto unknown =
      channels_of("[[channel]]\nname = \"sms\"\nurl = \"kannel://u:p@127.0.0.1:13013/?drop=1\"\n");
  CHECK_FALSE(unknown.ok());

  CHECK(config::render_schema(schema()).find("cancel_pending") != std::string::npos);
}

TEST_CASE("cancel_pending: a bad value is an error with file, line and column") {
  auto key = channels_of(
      "[[channel]]\nname = \"a\"\nurl = \"file:///tmp/a\"\ncancel_pending = \"drop\"\n");
  REQUIRE_FALSE(key.ok());
  CHECK(key.status().message() ==
        "test.toml:4:18: [[channel]] #1: cancel_pending must be \"cancel\" or \"notify\", not "
        "'drop'");
  auto url =
      channels_of("[[channel]]\nname = \"a\"\nurl = \"file:///tmp/a?cancel_pending=later\"\n");
  REQUIRE_FALSE(url.ok());
  CHECK(url.status().message() ==
        "test.toml:3:7: [[channel]] #1: url option cancel_pending=later: not cancel or notify");
}

TEST_CASE("cancel_pending through the engine: a channel set to cancel gets no Cancel") {
  test::TempDir dir;
  const std::string base = "file://" + dir.path().string();
  // "quiet" says cancel in its url; "loud" keeps the default for a channel-level channel.
  auto channels = channels_of("[[channel]]\nname = \"quiet\"\nurl = \"" + base +
                              "/quiet?cancel_pending=cancel\"\n"
                              "[[channel]]\nname = \"loud\"\nurl = \"" +
                              base + "/loud\"\n");
  REQUIRE(channels.ok());
  auto st = store::open_sqlite(dir / "capcast.db");
  REQUIRE(st.ok());
  ManualClock clock{from_unix_ms(1'700'000'000'000)};
  Engine engine(st->get(), &*channels, clock, [] { return 0.5; });

  // a1 is still pending on both channels when its Cancel comes.
  auto a1 = (*st)->accept_alert(alert("a1", "Alert"), engine.route());
  REQUIRE(a1.ok());
  auto c1 = (*st)->accept_alert(alert("c1", "Cancel"), engine.route());
  REQUIRE(c1.ok());
  for (int i = 0; i < 10; ++i) {
    auto n = engine.run_pass();
    REQUIRE(n.ok());
    if (*n == 0) break;
  }
  for (const auto& d : *(*st)->deliveries_of(a1->alert_id)) {
    CHECK(d.state == store::DeliveryState::kDead);
    CHECK(d.last_error == "cancelled by (s@x, c1) before delivery");
  }
  CHECK(files_in(dir / "quiet").empty());
  CHECK(files_in(dir / "loud") ==
        std::vector<std::string>{file::file_name_for("s@x", "c1", "2024-01-01T01:00:00-00:00")});
  // The url the file channel was given had no query left: nothing went to "quiet?...".
  CHECK_FALSE(std::filesystem::exists(dir / "quiet?cancel_pending=cancel"));
}
