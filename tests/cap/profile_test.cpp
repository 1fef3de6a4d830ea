#include <catch2/catch.hpp>

#include "capcast/cap/profile.h"
#include "capcast/cap/validate.h"
#include "support/helpers.h"

using namespace capcast;
using namespace capcast::cap;

namespace {

std::string sample(const char* name) {
  return test::read_file(test::samples_dir() / name);
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  auto pos = s.find(from);
  REQUIRE(pos != std::string::npos);
  s.replace(pos, from.size(), to);
  return s;
}

Report run(const std::string& xml, const char* profile) {
  ValidateOptions o;
  o.profiles = {profile};
  return validate(xml, o);
}

bool has(const Report& r, const std::string& rule, Level level) {
  for (const auto& f : r.findings) {
    if (f.rule == rule && f.level == level) return true;
  }
  return false;
}

std::string dump(const Report& r) {
  std::string s;
  for (const auto& f : r.findings) {
    s += std::string(level_name(f.level)) + " " + f.path + " [" + f.rule + "] " + f.message + "\n";
  }
  return s;
}

struct Case {
  const char* name;
  const char* sample;
  const char* profile;
  const char* from;
  const char* to;
  const char* rule;
  Level level;
};

constexpr const char* kMd = "us-ipaws-md-lae-polygon-wea-cmamtext-signed.xml";
constexpr const char* kCa = "ca-eccc-naads-snowfall-update-signed-bilingual.xml";
constexpr const char* kAu = "au-nsw-rfs-fire-capau-prefixed.xml";
constexpr const char* kFr = "eu-meteoalarm-fr-avalanche-update-nuts3-bilingual.xml";

// One failing case per profile rule; the unmodified sample is the passing case.
const Case kCases[] = {
    {"IPAWS code", kMd, "ipaws", "<code>IPAWSv1.0</code>", "<code>X</code>", "ipaws.code",
     Level::kError},
    {"IPAWS expires", kMd, "ipaws", "<expires>2019-12-13T14:24:50-08:00</expires>", "",
     "ipaws.expires", Level::kError},
    {"IPAWS SAME event code", kMd, "ipaws", "<value>LAE</value>", "<value>LAEX</value>",
     "ipaws.same.eventcode", Level::kError},
    {"IPAWS CMAMtext too long", kMd, "ipaws", "Call 911 if seen.",
     "Call 911 if seen, and stay well away from the theater until police say it is safe.",
     "ipaws.wea.text", Level::kError},
    {"IPAWS CMAMtext outside GSM 7-bit", kMd, "ipaws", "Call 911 if seen.",
     "Call 911 if seen \xE2\x9C\x93", "ipaws.wea.text", Level::kError},
    {"IPAWS area", kMd, "ipaws", "<area>", "<!--", "ipaws.area", Level::kError},
    {"IPAWS zero offset", kMd, "ipaws", "<sent>2019-12-13T13:24:50-08:00</sent>",
     "<sent>2019-12-13T21:24:50-00:00</sent>", "ipaws.sent.offset", Level::kWarning},
    {"CAP-CP code", kCa, "cap-cp", "<code>profile:CAP-CP:0.4</code>", "", "capcp.code",
     Level::kError},
    {"CAP-CP event code", kCa, "cap-cp", "profile:CAP-CP:Event:0.4", "local:event",
     "capcp.eventcode", Level::kError},
    {"CAP-CP every info the same event codes", kCa, "cap-cp", "profile:CAP-CP:Event:0.4",
     "profile:CAP-CP:Event:0.3", "capcp.eventcode.match", Level::kError},
    {"CAP-AU code", kAu, "cap-au", "profile:CAP-AU:1.0", "profile:CAP-AU:0.9", "capau.code",
     Level::kError},
    {"CAP-AU event list code", kAu, "cap-au", "https://govshare.gov.au/xmlui/handle/10772/6495",
     "local", "capau.eventcode", Level::kError},
    {"CAP-AU categories alike", kAu, "cap-au", "<cap:category>Fire</cap:category>",
     "<cap:category>Met</cap:category>", "capau.category.match", Level::kError},
    {"MeteoAlarm awareness level", kFr, "meteoalarm", "2; yellow; Moderate", "2; purple; Moderate",
     "meteoalarm.awareness_level", Level::kError},
    {"MeteoAlarm awareness type", kFr, "meteoalarm", "9; avalanches", "avalanches",
     "meteoalarm.awareness_type", Level::kError},
    {"MeteoAlarm severity against level", kFr, "meteoalarm", "<severity>Moderate</severity>",
     "<severity>Extreme</severity>", "meteoalarm.severity", Level::kWarning},
};

}  // namespace

TEST_CASE("profiles: each profile's own sample passes it") {
  for (auto [file, profile] : {std::pair{kMd, "ipaws"}, std::pair{kCa, "cap-cp"},
                               std::pair{kAu, "cap-au"}, std::pair{kFr, "meteoalarm"}}) {
    Report r = run(sample(file), profile);
    INFO(file << "\n" << dump(r));
    CHECK_FALSE(r.has_errors());
  }
}

TEST_CASE("profiles: each rule fails on its case") {
  for (const auto& c : kCases) {
    SECTION(c.name) {
      std::string xml = replace(sample(c.sample), c.from, c.to);
      if (std::string(c.to) == "<!--") xml = replace(xml, "</area>", "-->");
      Report r = run(xml, c.profile);
      INFO(dump(r));
      CHECK(has(r, c.rule, c.level));
    }
  }
}

TEST_CASE("profiles: the CAP-CP negative sample fails for the profile's reasons") {
  Report plain = validate(
      test::read_file(test::source_dir() / "tests/data/cap/negative/ca-eccc-profile-errors.xml"));
  CHECK_FALSE(plain.has_errors());  // XSD-valid and CAP-valid by design
  Report r = run(
      test::read_file(test::source_dir() / "tests/data/cap/negative/ca-eccc-profile-errors.xml"),
      "cap-cp");
  INFO(dump(r));
  CHECK(has(r, "capcp.code", Level::kError));
  CHECK(has(r, "capcp.references", Level::kError));  // <references/> is empty
  CHECK(has(r, "capcp.eventcode", Level::kError));
}

TEST_CASE("profiles: auto applies what each alert declares") {
  // Every sample passes the profiles it declares, but one: the 2013 WCATWC tsunami Cancellation
  // declares IPAWSv1.0 yet carries no SAME <eventCode>, which that profile requires.
  for (const auto& e : std::filesystem::directory_iterator(test::samples_dir())) {
    Report r = run(test::read_file(e.path()), "auto");
    INFO(e.path().filename().string() << "\n" << dump(r));
    if (e.path().filename() == "us-nws-wcatwc-tsunami-cancellation-circle0-sigstub.xml") {
      CHECK(has(r, "ipaws.same.eventcode", Level::kError));
    } else {
      CHECK_FALSE(r.has_errors());
    }
  }
  CHECK(find_profile("ipaws"));
  CHECK_FALSE(find_profile("nope"));
}
