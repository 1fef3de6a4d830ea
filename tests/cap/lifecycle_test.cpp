#include <catch2/catch.hpp>

#include "capcast/cap/datetime.h"
#include "capcast/cap/lifecycle.h"
#include "capcast/cap/parse.h"
#include "support/helpers.h"

using namespace capcast::cap;

namespace {

Alert msg(const std::string& id, const std::string& type, const std::string& sent,
          const std::string& refs = "", const std::string& expires = "") {
  Alert a;
  a.sender = "s@x";
  a.identifier = id;
  a.sent = sent;
  a.status = "Actual";
  a.msg_type = type;
  a.scope = "Public";
  if (!refs.empty()) a.references = refs;
  if (!expires.empty()) {
    Info i;
    i.expires = expires;
    a.infos.push_back(i);
  }
  return a;
}

AlertKey key(const Alert& a) {
  return key_of(a);
}
int64_t at(const char* t) {
  return parse_datetime(t)->unix_ms;
}

}  // namespace

TEST_CASE("parse_references reads every whitespace-separated triple") {
  auto r = parse_references(
      " a@x,ID-1,2024-01-01T00:00:00-00:00\n\tb@y,ID-2,2024-01-02T00:00:00+01:00 bad");
  REQUIRE(r.size() == 2);
  CHECK(r[0] == AlertKey{"a@x", "ID-1", "2024-01-01T00:00:00-00:00"});
  CHECK(r[1].sender == "b@y");
}

TEST_CASE("an Update supersedes, a Cancel retracts every referenced message") {
  AlertIndex idx;
  auto a1 = msg("A1", "Alert", "2024-01-01T00:00:00-00:00");
  auto a2 = msg("A2", "Alert", "2024-01-01T01:00:00-00:00");
  auto u = msg("U1", "Update", "2024-01-01T02:00:00-00:00",
               "s@x,A1,2024-01-01T00:00:00-00:00 s@x,A2,2024-01-01T01:00:00-00:00");
  idx.add(a1);
  idx.add(a2);
  idx.add(u);
  int64_t now = at("2024-01-01T03:00:00-00:00");
  CHECK(idx.state(key(a1), now) == AlertState::kSuperseded);
  CHECK(idx.state(key(a2), now) == AlertState::kSuperseded);  // the second triple too
  CHECK(idx.state(key(u), now) == AlertState::kActive);
  CHECK(idx.current(key(a1), now) == key(u));
  CHECK(idx.active(now) == std::vector<AlertKey>{key(u)});

  auto c = msg("C1", "Cancel", "2024-01-01T04:00:00-00:00", "s@x,U1,2024-01-01T02:00:00-00:00");
  idx.add(c);
  CHECK(idx.state(key(u), now) == AlertState::kCancelled);
  CHECK(idx.replaced_by(key(u)) == key(c));
  CHECK_FALSE(idx.current(key(a1), now).has_value());
  CHECK(idx.active(now).empty());
}

TEST_CASE("expiry is honoured at query time") {
  AlertIndex idx;
  auto a = msg("A1", "Alert", "2024-01-01T00:00:00-00:00", "", "2024-01-01T06:00:00-00:00");
  idx.add(a);
  CHECK(idx.state(key(a), at("2024-01-01T05:59:59-00:00")) == AlertState::kActive);
  CHECK(idx.state(key(a), at("2024-01-01T06:00:00-00:00")) == AlertState::kExpired);
  CHECK_FALSE(idx.current(key(a), at("2024-01-01T07:00:00-00:00")).has_value());
}

TEST_CASE("a reference to an unknown message is kept and applied when it arrives") {
  AlertIndex idx;
  auto a = msg("A1", "Alert", "2024-01-01T00:00:00-00:00");
  auto c = msg("C1", "Cancel", "2024-01-01T01:00:00-00:00", "s@x,A1,2024-01-01T00:00:00-00:00");
  idx.add(c);  // the Cancel overtakes the Alert
  CHECK(idx.unresolved() == std::vector<AlertKey>{key(a)});
  idx.add(a);
  CHECK(idx.unresolved().empty());
  CHECK(idx.state(key(a), at("2024-01-01T02:00:00-00:00")) == AlertState::kCancelled);
}

TEST_CASE("a cancelled message is not revived by a late Update, nor a duplicate re-added") {
  AlertIndex idx;
  auto a = msg("A1", "Alert", "2024-01-01T00:00:00-00:00");
  auto c = msg("C1", "Cancel", "2024-01-01T01:00:00-00:00", "s@x,A1,2024-01-01T00:00:00-00:00");
  auto u = msg("U1", "Update", "2024-01-01T00:30:00-00:00", "s@x,A1,2024-01-01T00:00:00-00:00");
  idx.add(a);
  idx.add(c);
  idx.add(u);
  CHECK(idx.state(key(a), 0) == AlertState::kCancelled);
  idx.add(a);
  CHECK(idx.size() == 3);
}

TEST_CASE("the real NV Cancel sample retracts the alert it names") {
  auto cancel = parse(capcast::test::read_file(capcast::test::samples_dir() /
                                               "us-ipaws-nv-cancel-references-signed.xml"));
  REQUIRE(cancel.ok());
  auto refs = parse_references(cancel->alert.references.value_or(""));
  REQUIRE(refs.size() == 1);
  Alert original = msg(refs[0].identifier, "Alert", refs[0].sent);
  original.sender = refs[0].sender;
  AlertIndex idx;
  idx.add(original);
  idx.add(cancel->alert);
  CHECK(idx.state(refs[0], 0) == AlertState::kCancelled);
}
