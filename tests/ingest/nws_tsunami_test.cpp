// The nws-tsunami format: the two real PTWC products field by field (through cap::validate and
// xmllint with the official CAP 1.2 XSD), the time zones and date lines, the UGC line, product
// kinds, stable identifiers, and bad input: truncated and garbage text gives an error that says
// what and on which line, never an alert.
#include <catch2/catch.hpp>

#include <string>

#include "capcast/cap/parse.h"
#include "capcast/cap/validate.h"
#include "capcast/ingest/format.h"
#include "support/helpers.h"
#include "support/process.h"

using namespace capcast;
using namespace capcast::ingest;

namespace {

const Format& format() {
  const Format* f = find_format("nws-tsunami");
  REQUIRE(f);
  return *f;
}

config::Section options() {
  config::Section s = default_options(format());
  s.set("sender", config::Value{std::string("tsunami.example.org")}, {}, false);
  return s;
}

struct Poll {
  Extracted ex;
  std::vector<cap::Alert> alerts;
};

Poll poll(const std::string& body) {
  config::Section opts = options();
  Input in;
  in.body = body;
  in.url = "https://www.tsunami.gov/bulletin.txt";
  in.source = "ptwc";
  in.options = &opts;
  Poll p{format().extract(in), {}};
  for (const auto& doc : p.ex.documents) {
    auto report = cap::validate(doc);
    for (const auto& f : report.findings) {
      INFO(doc);
      INFO(f.path + " " + f.rule + ": " + f.message);
      CHECK(f.level != cap::Level::kError);
    }
    auto parsed = cap::parse(doc);
    REQUIRE(parsed.ok());
    p.alerts.push_back(parsed->alert);
  }
  return p;
}

std::string capture(const char* name) {
  return test::read_file(test::source_dir() / "tests/data/feeds/nws-tsunami" / name);
}
std::string statement() {
  return capture("pdc-parser_21_raw_21.1459502762326.txt");
}
std::string comms_test() {
  return capture("pdc-parser_25_raw_25.1407277923834.txt");
}

std::string param(const cap::Alert& a, const std::string& name) {
  for (const auto& p : a.infos.at(0).parameters)
    if (p.value_name == name) return p.value;
  return "<none>";
}

std::string replaced(std::string s, const std::string& from, const std::string& to) {
  auto at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

// A product from its parts, for the time zone and kind cases.
std::string product(const std::string& title, const std::string& issued,
                    const std::string& origin) {
  return "WEAK51 PAAQ 230932\nTSUAK1\n\n" + title +
         "\nNWS NATIONAL TSUNAMI WARNING CENTER PALMER AK\n" + issued +
         "\n\nPRELIMINARY EARTHQUAKE PARAMETERS\n  * MAGNITUDE      7.9\n  * ORIGIN TIME    " +
         origin +
         "\n  * COORDINATES    56.0 NORTH 149.1 WEST\n  * DEPTH          12 MILES\n"
         "  * LOCATION       170 MILES SE OF KODIAK ALASKA\n\n$$\n";
}

}  // namespace

TEST_CASE("nws-tsunami: registered, with a placeholder sender") {
  CHECK(default_options(format()).get_string("sender") == "sender-not-configured.invalid");
  CHECK(format().keys.size() == 1);
}

TEST_CASE("nws-tsunami: the real Tsunami Seismic Information Statement (SEHW70 PHEB)") {
  Poll p = poll(statement());
  CHECK(p.ex.problems.empty());
  REQUIRE(p.alerts.size() == 1);
  const cap::Alert& a = p.alerts[0];
  // 1122 PM HST THU MAR 31 2016 = 2016-04-01 09:22 UTC, the heading's 010922.
  CHECK(a.identifier == "nws-tsunami.PHEB.SEHW70.EQIHWX.20160401T0922Z");
  CHECK(a.sender == "tsunami.example.org");
  CHECK(a.sent == "2016-04-01T09:22:00-00:00");
  CHECK(a.status == "Actual");
  CHECK(a.msg_type == "Alert");
  CHECK(a.source == "NWS PACIFIC TSUNAMI WARNING CENTER EWA BEACH HI");
  const cap::Info& i = a.infos.at(0);
  CHECK(i.categories == std::vector<std::string>{"Geo"});
  CHECK(i.event == "Tsunami Information Statement");
  CHECK(i.urgency == "Past");
  CHECK(i.severity == "Minor");
  CHECK(i.certainty == "Unlikely");
  CHECK(i.headline == "TSUNAMI SEISMIC INFORMATION STATEMENT NUMBER   1");
  CHECK(i.sender_name ==
        "NWS PACIFIC TSUNAMI WARNING CENTER EWA BEACH HI, issued by NWS "
        "NATIONAL TSUNAMI WARNING CENTER PALMER AK");
  // The UGC purge time 011052: 2016-04-01 10:52 UTC.
  CHECK(i.expires == "2016-04-01T10:52:00-00:00");
  REQUIRE(i.description);
  CHECK(i.description->rfind("SEHW70 PHEB 010922\nEQIHWX\n", 0) == 0);
  CHECK(i.description->find("NO TSUNAMI IS EXPECTED. REPEAT.") != std::string::npos);
  CHECK(i.description->find("$$") == std::string::npos);
  // 1116 PM HST 31 MAR 2016 = 2016-04-01 09:16 UTC.
  CHECK(param(a, "EventOriginTime") == "2016-04-01T09:16:00-00:00");
  CHECK(param(a, "EventLatLon") == "20.7,-155.3");
  CHECK(param(a, "EventPreliminaryMagnitude") == "4.2");
  CHECK(param(a, "EventDepth") == "10 kilometers");
  CHECK(param(a, "EventLocationName") == "70 MILES N OF HILO HAWAII");
  CHECK(param(a, "WMOidentifier") == "SEHW70 PHEB 010922");
  CHECK(param(a, "AWIPSidentifier") == "EQIHWX");
  REQUIRE(i.areas.size() == 2);
  CHECK(i.areas[0].area_desc == "70 MILES N OF HILO HAWAII");
  CHECK(i.areas[0].circles == std::vector<std::string>{"20.7,-155.3 0"});
  // HIZ001>003-005>009-012>014-016>021-023>026: 3 + 5 + 3 + 6 + 4 codes.
  REQUIRE(i.areas[1].geocodes.size() == 21);
  CHECK(i.areas[1].geocodes.front().value_name == "UGC");
  CHECK(i.areas[1].geocodes.front().value == "HIZ001");
  CHECK(i.areas[1].geocodes[3].value == "HIZ005");
  CHECK(i.areas[1].geocodes.back().value == "HIZ026");
}

TEST_CASE("nws-tsunami: the real PTWC monthly communications test (WEPA40 PHEB) is a Test") {
  Poll p = poll(comms_test());
  CHECK(p.ex.problems.empty());
  REQUIRE(p.alerts.size() == 1);
  const cap::Alert& a = p.alerts[0];
  CHECK(a.identifier == "nws-tsunami.PHEB.WEPA40.TSUPAC.20140805T2230Z");
  CHECK(a.sent == "2014-08-05T22:30:00-00:00");
  CHECK(a.status == "Test");
  const cap::Info& i = a.infos.at(0);
  CHECK(i.event == "Tsunami Communications Test");
  CHECK(i.urgency == "Unknown");
  CHECK(param(a, "EventOriginTime") == "<none>");  // about no earthquake
  CHECK(i.areas.empty());
  CHECK_FALSE(i.expires);
}

TEST_CASE("nws-tsunami: the same product gives the same alert on every poll, byte for byte") {
  auto a = poll(statement()), b = poll(statement());
  CHECK(a.ex.documents == b.ex.documents);
  // The GTS's CR CR LF line ends and SOH/ETX framing change nothing.
  std::string gts = "\x01";
  for (char c : statement())
    gts += c == '\n' ? std::string("\r\r\n") : std::string(1, c);
  gts += "\x03";
  CHECK(poll(gts).ex.documents == a.ex.documents);
  // A correction (BBB "CCA") is another message.
  auto cca = poll(replaced(statement(), "SEHW70 PHEB 010922", "SEHW70 PHEB 010922 CCA"));
  REQUIRE(cca.alerts.size() == 1);
  CHECK(cca.alerts[0].identifier == "nws-tsunami.PHEB.SEHW70.EQIHWX.20160401T0922Z.CCA");
}

TEST_CASE("nws-tsunami: two products in one body, each its own alert") {
  auto p = poll(statement() + comms_test());
  CHECK(p.ex.problems.empty());
  REQUIRE(p.alerts.size() == 2);
  CHECK(p.alerts[0].status == "Actual");
  CHECK(p.alerts[1].status == "Test");
}

TEST_CASE("nws-tsunami: time zones and the newer parameter layout") {
  struct Case {
    std::string issued, origin, sent, origin_utc;
  };
  const Case cases[] = {
      {"1232 AM AKST TUE JAN 23 2018", "1232 AM AKST JAN 23 2018", "2018-01-23T09:32:00-00:00",
       "2018-01-23T09:32:00-00:00"},
      {"1232 AM AKDT TUE JUL 24 2018", "1231 AM AKDT JUL 24 2018", "2018-07-24T08:32:00-00:00",
       "2018-07-24T08:31:00-00:00"},
      {"432 PM PST MON JAN 22 2018", "0032Z 23 JAN 2018", "2018-01-23T00:32:00-00:00",
       "2018-01-23T00:32:00-00:00"},
      {"532 PM PDT MON JUL 23 2018", "0031 UTC JUL 24 2018", "2018-07-24T00:32:00-00:00",
       "2018-07-24T00:31:00-00:00"},
      // 12 AM is midnight, 12 PM noon; a date line crossed by the zone.
      {"1200 PM HST SUN DEC 31 2017", "1159 PM HST 30 DEC 2017", "2017-12-31T22:00:00-00:00",
       "2017-12-31T09:59:00-00:00"},
      {"1205 AM UTC MON JAN 1 2018", "2359 UTC DEC 31 2017", "2018-01-01T00:05:00-00:00",
       "2017-12-31T23:59:00-00:00"},
  };
  for (const auto& c : cases) {
    INFO(c.issued + " / " + c.origin);
    auto p = poll(product("TSUNAMI WARNING NUMBER 1", c.issued, c.origin));
    CHECK(p.ex.problems.empty());
    REQUIRE(p.alerts.size() == 1);
    CHECK(p.alerts[0].sent == c.sent);
    CHECK(param(p.alerts[0], "EventOriginTime") == c.origin_utc);
    CHECK(param(p.alerts[0], "EventLatLon") == "56,-149.1");
    CHECK(param(p.alerts[0], "EventPreliminaryMagnitude") == "7.9");  // listed before the time
    CHECK(param(p.alerts[0], "EventDepth") == "19.3 kilometers");     // 12 miles
  }
}

TEST_CASE("nws-tsunami: product kinds and their urgency, severity and certainty") {
  struct Case {
    std::string title, event, urgency, severity, certainty, status;
  };
  const Case cases[] = {
      {"TSUNAMI WARNING NUMBER 1", "Tsunami Warning", "Immediate", "Extreme", "Likely", "Actual"},
      {"TSUNAMI ADVISORY NUMBER 2", "Tsunami Advisory", "Immediate", "Severe", "Likely", "Actual"},
      {"TSUNAMI WATCH NUMBER 1", "Tsunami Watch", "Future", "Severe", "Possible", "Actual"},
      {"TSUNAMI THREAT MESSAGE NUMBER 1", "Tsunami Threat", "Immediate", "Severe", "Possible",
       "Actual"},
      {"TSUNAMI WARNING CANCELLATION", "Tsunami Cancellation", "Past", "Unknown", "Unlikely",
       "Actual"},
      {"TSUNAMI INFORMATION STATEMENT NUMBER 1", "Tsunami Information Statement", "Past", "Minor",
       "Unlikely", "Actual"},
      {"TEST...TSUNAMI WARNING NUMBER 1...TEST", "Tsunami Warning", "Immediate", "Extreme",
       "Likely", "Test"},
      {"PUBLIC TSUNAMI MESSAGE", "Tsunami", "Unknown", "Unknown", "Unknown", "Actual"},
  };
  for (const auto& c : cases) {
    INFO(c.title);
    auto p = poll(product(c.title, "1232 AM AKST TUE JAN 23 2018", "1232 AM AKST JAN 23 2018"));
    REQUIRE(p.alerts.size() == 1);
    const cap::Info& i = p.alerts[0].infos.at(0);
    CHECK(i.event == c.event);
    CHECK(i.urgency == c.urgency);
    CHECK(i.severity == c.severity);
    CHECK(i.certainty == c.certainty);
    CHECK(p.alerts[0].status == c.status);
  }
}

TEST_CASE("nws-tsunami: bad input is an error with its line, and no alert") {
  struct Case {
    std::string body, problem;
  };
  const std::string s = statement();
  const Case cases[] = {
      {"", "empty: no NWS tsunami product"},
      {"\n\n  \n", "empty: no NWS tsunami product"},
      {"<html><body>403 Forbidden</body></html>\n",
       "line 1: expected the WMO abbreviated heading \"TTAAii CCCC YYGGgg\" (WMO-No. 386), found "
       "\"<html><body>403 Forbidden</body></html>\""},
      {"{\"type\": \"FeatureCollection\"}", "line 1: expected the WMO abbreviated heading"},
      {"SEHW70 PHEB 320922\n$$\n", "line 1: expected the WMO abbreviated heading"},
      // Truncated: at every stage.
      {s.substr(0, s.find("EQIHWX")), "the product ends before its title"},
      {s.substr(0, s.find("1122 PM")), "line 7: no issuance time line"},
      {s.substr(0, s.find("EVALUATION")), "no \"$$\" line ends the product: the text is truncated"},
      {s.substr(0, s.size() - 5), "no \"$$\" line ends the product"},
      {replaced(s, "1122 PM HST THU MAR 31 2016", "1122 PM XST THU MAR 31 2016"),
       "line 7: no issuance time line (like \"1122 PM HST THU MAR 31 2016\") after the title "
       "\"TSUNAMI SEISMIC INFORMATION STATEMENT NUMBER   1\": last candidate: \"XST\" is not a "
       "known time zone"},
      {replaced(s, "THU MAR 31 2016", "FRI MAR 31 2016"), "FRI is not the weekday of that date"},
      {replaced(s, "THU MAR 31 2016", "THU FEB 31 2016"), "not a real date and time"},
      {replaced(s, "1116 PM HST 31 MAR 2016", "1316 PM HST 31 MAR 2016"),
       "line 20: ORIGIN TIME \"1316 PM HST 31 MAR 2016\": \"1316 PM\" is not a 12-hour time"},
      {replaced(s, "20.7 NORTH  155.3 WEST", "20.7 NORTH  195.3 WEST"),
       "line 21: COORDINATES \"20.7 NORTH  195.3 WEST\": expected like"},
      {replaced(s, "20.7 NORTH  155.3 WEST", "NORTH"), "line 21: COORDINATES \"NORTH\""},
      {replaced(s, "   COORDINATES -  20.7 NORTH  155.3 WEST\n", ""),
       "line 20: ORIGIN TIME without COORDINATES"},
      {replaced(s, "10 KM", "TEN KM"), "line 22: DEPTH \"TEN KM\""},
      {replaced(s, "MAGNITUDE   -  4.2", "MAGNITUDE   -  4.2.1"), "line 24: MAGNITUDE \"4.2.1\""},
      {replaced(s, "-011052-", "-011052"), "line 5: malformed UGC line"},
      {replaced(s, "HIZ001>003", "HIZ003>001"), "line 5: malformed UGC line"},
  };
  for (const auto& c : cases) {
    INFO(c.body.substr(0, 200));
    auto p = poll(c.body);
    CHECK(p.ex.documents.empty());
    REQUIRE(p.ex.problems.size() == 1);
    INFO(p.ex.problems[0]);
    CHECK(p.ex.problems[0].rfind("https://www.tsunami.gov/bulletin.txt: ", 0) == 0);
    CHECK(p.ex.problems[0].find(c.problem) != std::string::npos);
  }
  // A bad product does not keep the good one after it from being taken.
  auto p = poll(s.substr(0, s.find("1122 PM")) + "\n$$\n" + comms_test());
  CHECK(p.alerts.size() == 1);
  REQUIRE(p.ex.problems.size() == 1);
  CHECK(p.ex.problems[0].find("line 7: no issuance time line") != std::string::npos);
  // The line numbers are the body's: the second product's error names its own line.
  auto q = poll(comms_test() + replaced(s, "10 KM", "TEN KM"));
  CHECK(q.alerts.size() == 1);
  REQUIRE(q.ex.problems.size() == 1);
  CHECK(q.ex.problems[0].find("line 73: DEPTH") != std::string::npos);
}

TEST_CASE("nws-tsunami: every prefix and garbage: an error or an alert, never a crash") {
  const std::string s = statement();
  size_t alerts = 0;
  for (size_t n = 0; n <= s.size(); ++n) {
    auto p = poll(s.substr(0, n));
    CHECK(p.ex.documents.size() + p.ex.problems.size() == 1);
    alerts += p.ex.documents.size();
  }
  CHECK(alerts >= 1);  // the whole product, and prefixes that still end with its "$$"
  // Bytes flipped one at a time into what a line reader may trip on.
  for (size_t k = 0; k < s.size(); k += 7) {
    for (char c : {'\0', '\n', '-', '>', '9', '\xff'}) {
      std::string t = s;
      t[k] = c;
      auto p = poll(t);
      CHECK(p.ex.documents.size() + p.ex.problems.size() >= 1);
    }
  }
}

TEST_CASE("nws-tsunami: every produced alert passes xmllint with the official CAP 1.2 XSD") {
  std::vector<std::string> docs = poll(statement() + comms_test()).ex.documents;
  auto more = poll(product("TSUNAMI WARNING NUMBER 1", "1232 AM AKST TUE JAN 23 2018",
                           "1232 AM AKST JAN 23 2018"));
  docs.insert(docs.end(), more.ex.documents.begin(), more.ex.documents.end());
  REQUIRE(docs.size() == 3);
  auto lint = test::xmllint_cap(docs);
  INFO(lint.output);
  CHECK(lint.rc == 0);
  CHECK(lint.validates == docs.size());
}
