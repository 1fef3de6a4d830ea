#include <catch2/catch.hpp>

#include "capcast/cap/channel_fit.h"
#include "capcast/cap/parse.h"
#include "support/helpers.h"

using namespace capcast::cap;

TEST_CASE("short_text prefers CMAMlongtext, then CMAMtext, then headline and instruction") {
  Info i;
  i.event = "Flood";
  CHECK(short_text(i) == "Flood");
  i.headline = "Flood warning";
  CHECK(short_text(i) == "Flood warning");
  i.instruction = "Move to higher ground.";
  CHECK(short_text(i) == "Flood warning Move to higher ground.");
  i.parameters.push_back({"CMAMtext", "Flood: move up"});
  CHECK(short_text(i) == "Flood: move up");
  i.parameters.push_back({"CMAMlongtext", "Flood warning: move to higher ground now"});
  CHECK(short_text(i) == "Flood warning: move to higher ground now");
}

TEST_CASE("channel_fit of the Michigan CMAMlongtext sample") {
  auto p = parse(capcast::test::read_file(
      capcast::test::samples_dir() / "us-ipaws-mi-cem-cmamlongtext-imminentthreat-signed.xml"));
  REQUIRE(p.ok());
  auto cf = channel_fit(p->alert.infos[0]);
  REQUIRE(cf.ok());
  CHECK(cf->fit.encoding == Encoding::kGsm7);
  CHECK(cf->fit.characters == 306);
  CHECK(cf->fit.sms_segments == 2);
  CHECK(cf->fit.cbs_pages == 4);
  CHECK_FALSE(cf->fit.fits_wea_short);
  CHECK(cf->fit.fits_wea_long);
}
