#include <catch2/catch.hpp>

#include "capcast/cap/enums.h"
#include "capcast/cap/parse.h"
#include "support/helpers.h"

using namespace capcast::cap;

TEST_CASE("enums convert both ways, exactly and case-sensitively") {
  CHECK(parse_status("Actual") == Status::kActual);
  CHECK_FALSE(parse_status("actual"));
  CHECK_FALSE(parse_status(" Actual"));
  CHECK(to_string(MsgType::kCancel) == "Cancel");
  CHECK(parse_category("CBRNE") == Category::kCBRNE);
  CHECK(to_string(ResponseType::kAllClear) == "AllClear");
  for (auto u : {Urgency::kImmediate, Urgency::kExpected, Urgency::kFuture, Urgency::kPast,
                 Urgency::kUnknown}) {
    CHECK(parse_urgency(to_string(u)) == u);
  }
  CHECK(parse_severity("Extreme") == Severity::kExtreme);
  CHECK_FALSE(parse_certainty("Very Likely"));
}

TEST_CASE("the typed view of a real alert") {
  auto p = parse(capcast::test::read_file(capcast::test::samples_dir() /
                                          "oasis-spec-a4-amber-en-es-multilang.xml"));
  REQUIRE(p.ok());
  auto a = typed(p->alert);
  CHECK(a.status == Status::kActual);
  CHECK(a.msg_type == MsgType::kAlert);
  CHECK(a.scope == Scope::kPublic);
  auto i = typed(p->alert.infos[0]);
  CHECK(i.categories == std::vector<Category>{Category::kRescue});
  CHECK(i.urgency == Urgency::kImmediate);
  CHECK(i.severity == Severity::kSevere);
  CHECK(i.certainty == Certainty::kLikely);
}
