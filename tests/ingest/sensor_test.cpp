// The sensor-threshold formats (ingest/sources/sensor/): usgs-water and csv-readings, through
// their public Format entry points, with memory carried from poll to poll as the poller does.
#include <catch2/catch.hpp>

#include <algorithm>

#include "capcast/cap/datetime.h"
#include "capcast/cap/lifecycle.h"
#include "capcast/cap/parse.h"
#include "capcast/cap/validate.h"
#include "capcast/ingest/format.h"
#include "capcast/ingest/settings.h"
#include "support/helpers.h"
#include "support/process.h"

using namespace capcast;
using namespace capcast::ingest;

namespace {

const std::vector<std::string> kGaugeLevels = {
    "gauge-7 warn=5.0 clear=4.5 severity=Moderate event=River Flood Advisory lat=38.5 lon=-75.25 "
    "name=Gauge Seven unit=m",
    "gauge-7 warn=7.0 clear=6.5 severity=Severe event=River Flood Warning",
};

config::Section options(const char* format, const std::vector<std::string>& thresholds) {
  config::Section s = default_options(*find_format(format));
  s.set("sender", std::string("hydro@example.org"), {}, false);
  s.set("thresholds", thresholds, {}, false);
  return s;
}

Extracted poll(const char* format, const config::Section& opts, std::string_view body,
               std::string_view memory, const std::string& source = "river") {
  Input in;
  in.body = body;
  in.url = "file:///feed";
  in.source = source;
  in.options = &opts;
  in.memory = memory;
  in.now_ms = 1'900'000'000'000;  // must not matter
  return find_format(format)->extract(in);
}

// Every document parsed and checked with cap::validate (no error).
std::vector<cap::Alert> alerts_of(const Extracted& ex) {
  std::vector<cap::Alert> out;
  for (const auto& doc : ex.documents) {
    auto report = cap::validate(doc);
    for (const auto& f : report.findings) {
      if (f.level == cap::Level::kError) FAIL_CHECK(f.path << ": " << f.message << "\n" << doc);
    }
    REQUIRE(report.parsed);
    out.push_back(report.parsed->alert);
  }
  return out;
}

std::string param(const cap::Alert& a, const std::string& name) {
  for (const auto& p : a.infos.at(0).parameters) {
    if (p.value_name == name) return p.value;
  }
  return "";
}

// "Alert Moderate 5.0": msgType, severity, observed value.
std::string summary(const cap::Alert& a) {
  return a.msg_type + " " + a.infos.at(0).severity + " " + param(a, "observedValue");
}

// CSV rows for gauge-7, one minute apart from 06:00 UTC plus `from` minutes.
std::string rows(const std::vector<std::string>& values, int from = 1) {
  std::string out;
  const int64_t base = 1'714'543'200'000;  // 2024-05-01T06:00:00Z
  for (size_t i = 0; i < values.size(); ++i) {
    out += "gauge-7," + cap::format_datetime(base + (from + static_cast<int64_t>(i)) * 60'000, 0) +
           "," + values[i] + "\n";
  }
  return out;
}

// The memory after a first poll that saw gauge-7 at 0.0 at 06:00: the series is known and calm.
std::string calm_memory(const config::Section& opts) {
  auto ex = poll("csv-readings", opts, rows({"0.0"}, 0), "");
  REQUIRE(ex.documents.empty());
  REQUIRE(ex.memory);
  return *ex.memory;
}

bool has_problem(const Extracted& ex, const std::string& needle) {
  std::string all;
  for (const auto& p : ex.problems)
    all += p + "\n";
  UNSCOPED_INFO("looking for: " << needle << "\nproblems:\n" << all);
  return std::any_of(ex.problems.begin(), ex.problems.end(),
                     [&](const std::string& p) { return p.find(needle) != std::string::npos; });
}

struct HysteresisCase {
  const char* what;
  std::vector<std::string> values;
  std::vector<std::string> expected;
};

const HysteresisCase kCases[] = {
    {"below warn: nothing", {"1.0", "4.99", "4.0"}, {}},
    {"reaching warn exactly alerts", {"5.0"}, {"Alert Moderate 5.0"}},
    {"the clear value itself does not cancel; below it does",
     {"4.9", "5.1", "4.8", "4.5", "4.49"},
     {"Alert Moderate 5.1", "Cancel Moderate 4.49"}},
    {"hovering around warn within the band: one Alert",
     {"5.0", "4.9", "5.0", "4.6", "5.1", "4.5", "5.0"},
     {"Alert Moderate 5.0"}},
    {"rising through both levels and back down",
     {"5.2", "7.0", "7.5", "6.6", "6.4", "5.0", "4.6", "4.4"},
     {"Alert Moderate 5.2", "Update Severe 7.0", "Update Moderate 6.4", "Cancel Moderate 4.4"}},
    {"a jump straight to the top level, then straight below every clear",
     {"8.0", "4.0"},
     {"Alert Severe 8.0", "Cancel Severe 4.0"}},
    {"falling from the top into the lower level's hysteresis band keeps the lower level",
     {"8.0", "4.8", "4.6", "4.4"},
     {"Alert Severe 8.0", "Update Moderate 4.8", "Cancel Moderate 4.4"}},
    {"hovering at the top level's clear", {"7.0", "6.5", "6.9", "6.5"}, {"Alert Severe 7.0"}},
    {"re-alert after a cancel",
     {"5.5", "4.0", "5.5"},
     {"Alert Moderate 5.5", "Cancel Moderate 4.0", "Alert Moderate 5.5"}},
};

}  // namespace

TEST_CASE("sensor: both formats are registered with their keys") {
  for (const char* name : {"usgs-water", "csv-readings"}) {
    const Format* f = find_format(name);
    REQUIRE(f);
    std::vector<std::string> keys;
    for (const auto& k : f->keys) {
      keys.push_back(k.name);
      if (k.name == "sender" || k.name == "thresholds") CHECK(k.required);
    }
    for (const char* k : {"sender", "thresholds", "area_radius_km", "category", "status"}) {
      CHECK(std::find(keys.begin(), keys.end(), k) != keys.end());
    }
  }
}

TEST_CASE("sensor: hysteresis, table-driven, in one poll and in one poll per value") {
  auto opts = options("csv-readings", kGaugeLevels);
  const std::string calm = calm_memory(opts);
  for (const auto& c : kCases) {
    INFO(c.what);
    // All values in one poll: every observation since the last poll counts, in time order.
    auto ex = poll("csv-readings", opts, rows(c.values), calm);
    CHECK(ex.problems.empty());
    std::vector<std::string> got;
    for (const auto& a : alerts_of(ex))
      got.push_back(summary(a));
    CHECK(got == c.expected);

    // One value per poll, memory carried over: the same messages, byte for byte.
    std::string memory = calm;
    std::vector<std::string> docs;
    for (size_t i = 0; i < c.values.size(); ++i) {
      auto one = poll("csv-readings", opts, rows({c.values[i]}, static_cast<int>(i) + 1), memory);
      REQUIRE(one.memory);
      memory = *one.memory;
      docs.insert(docs.end(), one.documents.begin(), one.documents.end());
    }
    CHECK(docs == ex.documents);
    CHECK(memory == *ex.memory);
  }
}

TEST_CASE("sensor: Updates and Cancels reference the earlier messages of the alert") {
  auto opts = options("csv-readings", kGaugeLevels);
  auto ex = poll("csv-readings", opts, rows({"5.2", "7.0", "6.4", "4.4"}), calm_memory(opts));
  auto a = alerts_of(ex);
  REQUIRE(a.size() == 4);
  CHECK_FALSE(a[0].references);
  REQUIRE(a[1].references);
  CHECK(*a[1].references == cap::key_of(a[0]).to_string());
  REQUIRE(a[3].references);
  CHECK(*a[3].references == cap::key_of(a[0]).to_string() + " " + cap::key_of(a[1]).to_string() +
                                " " + cap::key_of(a[2]).to_string());
  // The lifecycle index (CAP 1.2 §3.2.1 references) agrees that nothing is in force.
  cap::AlertIndex index;
  for (const auto& x : a)
    index.add(x);
  CHECK(index.active(0).empty());
  CHECK(index.state(cap::key_of(a[0]), 0) == cap::AlertState::kCancelled);
  // The identifiers: source, station, label, level, crossing time (UTC).
  CHECK(a[0].identifier == "river.gauge-7.value.w5.0.20240501T060100Z");
  CHECK(a[1].identifier == "river.gauge-7.value.w7.0.20240501T060200Z");
  CHECK(a[3].identifier == "river.gauge-7.value.clear.20240501T060400Z");
  CHECK(a[0].sent == "2024-05-01T06:01:00-00:00");
  CHECK(a[0].sender == "hydro@example.org");
}

TEST_CASE("sensor: a gauge flapping for hours around its threshold sends one Alert") {
  auto opts = options("csv-readings", {"gauge-7 warn=5.0 clear=4.5 severity=Moderate "
                                       "event=River Flood Advisory lat=38.5 lon=-75.25"});
  std::string memory = calm_memory(opts);
  size_t messages = 0;
  for (int i = 0; i < 200; ++i) {
    std::string v = i % 3 == 0 ? "5.3" : i % 3 == 1 ? "4.6" : "4.95";
    auto ex = poll("csv-readings", opts, rows({v}, i + 1), memory);
    messages += ex.documents.size();
    memory = *ex.memory;
  }
  CHECK(messages == 1);
}

TEST_CASE("sensor: out-of-order, duplicate and already processed observations") {
  auto opts = options("csv-readings", kGaugeLevels);
  const std::string calm = calm_memory(opts);
  auto sorted = poll("csv-readings", opts, rows({"5.2", "7.1", "4.0"}), calm);
  REQUIRE(sorted.documents.size() == 3);

  // Shuffled rows and an exact duplicate: the same messages.
  std::string r = rows({"5.2", "7.1", "4.0"});
  auto l1 = r.substr(0, r.find('\n') + 1);
  auto rest = r.substr(l1.size());
  auto shuffled = poll("csv-readings", opts, rest + l1 + l1, calm);
  CHECK(shuffled.problems.empty());
  CHECK(shuffled.documents == sorted.documents);

  // The same time with another value: the first in the feed is kept, and that is reported.
  auto clash = poll("csv-readings", opts, l1 + "gauge-7,2024-05-01T06:01:00Z,1.0\n", calm);
  CHECK(has_problem(clash, "line 2 has the same time as line 1"));
  REQUIRE(clash.documents.size() == 1);
  CHECK(summary(alerts_of(clash)[0]) == "Alert Moderate 5.2");

  // A sliding window: the next poll repeats old rows; only newer ones count.
  auto again = poll("csv-readings", opts, r + rows({"4.1", "5.5"}, 4), *sorted.memory);
  auto a = alerts_of(again);
  REQUIRE(a.size() == 1);
  CHECK(summary(a[0]) == "Alert Moderate 5.5");
  // Rows older than the newest processed one, arriving late, are ignored.
  auto late = poll("csv-readings", opts, rows({"9.9"}, 2), *again.memory);
  CHECK(late.documents.empty());
  CHECK(*late.memory == *again.memory);
}

TEST_CASE("sensor: a spike between two polls is not missed") {
  auto opts = options("csv-readings", kGaugeLevels);
  auto ex = poll("csv-readings", opts, rows({"4.0", "7.2", "4.0", "4.1"}), calm_memory(opts));
  std::vector<std::string> got;
  for (const auto& a : alerts_of(ex))
    got.push_back(summary(a));
  CHECK(got == std::vector<std::string>{"Alert Severe 7.2", "Cancel Severe 4.0"});
}

TEST_CASE("sensor: restarts with the same input and memory reissue nothing new") {
  auto opts = options("csv-readings", kGaugeLevels);
  const std::string m0 = calm_memory(opts);
  const std::string body1 = rows({"5.6", "7.3"});
  auto p1 = poll("csv-readings", opts, body1, m0);
  REQUIRE(p1.documents.size() == 2);
  // A crash before the memory was stored: the same poll again gives byte-identical documents
  // (same sender, identifier, sent), which the store deduplicates.
  auto p1b = poll("csv-readings", opts, body1, m0);
  CHECK(p1b.documents == p1.documents);
  CHECK(*p1b.memory == *p1.memory);
  // A restart after the memory was stored: re-polling the same feed gives nothing.
  auto p1c = poll("csv-readings", opts, body1, *p1.memory);
  CHECK(p1c.documents.empty());
  // The next poll continues the same alert from the stored memory.
  auto p2 = poll("csv-readings", opts, body1 + rows({"4.2"}, 3), *p1.memory);
  auto a = alerts_of(p2);
  REQUIRE(a.size() == 1);
  CHECK(a[0].msg_type == "Cancel");
  auto first = alerts_of(p1);
  CHECK(*a[0].references ==
        cap::key_of(first[0]).to_string() + " " + cap::key_of(first[1]).to_string());
  // Another source watching the same station has its own identifiers.
  auto other = poll("csv-readings", opts, body1, m0, "backup feed");
  REQUIRE(other.documents.size() == 2);
  CHECK(alerts_of(other)[0].identifier == "backup-feed.gauge-7.value.w5.0.20240501T060100Z");
}

TEST_CASE("sensor: the first poll announces only the current state unless told to replay") {
  auto opts = options("csv-readings", kGaugeLevels);
  const std::string history = rows({"5.1", "3.0", "7.4", "6.0", "2.0", "5.3", "5.8"});
  auto fresh = poll("csv-readings", opts, history, "");
  auto a = alerts_of(fresh);
  REQUIRE(a.size() == 1);
  CHECK(summary(a[0]) == "Alert Moderate 5.3");
  CHECK(a[0].identifier == "river.gauge-7.value.w5.0.20240501T060600Z");
  auto calm_now = poll("csv-readings", opts, rows({"5.1", "3.0"}), "");
  CHECK(calm_now.documents.empty());

  opts.set("replay_first_poll", true, {}, false);
  std::vector<std::string> got;
  for (const auto& x : alerts_of(poll("csv-readings", opts, history, "")))
    got.push_back(summary(x));
  CHECK(got == std::vector<std::string>{"Alert Moderate 5.1", "Cancel Moderate 3.0",
                                        "Alert Severe 7.4", "Update Moderate 6.0",
                                        "Cancel Moderate 2.0", "Alert Moderate 5.3"});
}

TEST_CASE("sensor: memory stays bounded and unreadable memory starts afresh") {
  auto opts = options("csv-readings", kGaugeLevels);
  std::string memory = calm_memory(opts);
  // 60 rises and falls between the two levels: one Alert, then Updates.
  std::vector<std::string> values;
  for (int i = 0; i < 60; ++i)
    values.push_back(i % 2 == 0 ? "7.5" : "6.0");
  auto ex = poll("csv-readings", opts, rows(values), memory);
  auto a = alerts_of(ex);
  REQUIRE(a.size() == 60);
  // The last Update references the original Alert and the newest 7 Updates (8 at most).
  auto refs = cap::parse_references(*a.back().references);
  CHECK(refs.size() == 8);
  CHECK(refs.front() == cap::key_of(a[0]));
  CHECK(refs.back() == cap::key_of(a[58]));
  CHECK(ex.memory->size() < 2000);

  auto bad = poll("csv-readings", opts, rows({"5.5"}), "{not json");
  CHECK(has_problem(bad, "memory is not a sensor state"));
  CHECK(bad.documents.size() == 1);
}

TEST_CASE("sensor: a removed threshold line with an alert in force is kept and reported") {
  auto opts = options("csv-readings", kGaugeLevels);
  auto up = poll("csv-readings", opts, rows({"5.5"}), calm_memory(opts));
  REQUIRE(up.documents.size() == 1);
  auto other = options("csv-readings", {"gauge-9 warn=1 clear=0.5 severity=Minor event=High Water "
                                        "lat=1 lon=2"});
  auto ex = poll("csv-readings", other, "", *up.memory);
  CHECK(has_problem(ex, "series gauge-7 has no threshold line any more"));
  // Put back: the alert is still in force and is cancelled normally.
  auto back = poll("csv-readings", opts, rows({"4.0"}, 2), *ex.memory);
  auto a = alerts_of(back);
  REQUIRE(a.size() == 1);
  CHECK(a[0].msg_type == "Cancel");
}

namespace {

std::string capture(const std::string& name) {
  return test::read_file(test::source_dir() / "tests/data/feeds/sensor" / name);
}

// A USGS IV document with one series 01491000:00065 and the given value objects.
std::string usgs(const std::string& values) {
  return R"({"value":{"timeSeries":[{"sourceInfo":{"siteName":"CHOPTANK RIVER",
    "siteCode":[{"value":"01491000"}],"geoLocation":{"geogLocation":{"srs":"EPSG:4326",
    "latitude":38.99719444,"longitude":-75.7858056}}},"variable":{"variableCode":[{"value":
    "00065"}],"unit":{"unitCode":"ft"},"noDataValue":-999999.0},"values":[{"value":[)" +
         values + "]}]}]}}";
}

}  // namespace

TEST_CASE("sensor: the real NWIS IV capture") {
  auto opts = options("usgs-water",
                      {"01491000:00065 warn=4.0 clear=3.5 severity=Moderate event=River Flood "
                       "Advisory",
                       "01645000:00060 warn=1000 clear=900 severity=Severe event=River Flood"});
  std::string body = capture("waterservices_iv.json");
  auto ex = poll("usgs-water", opts, body, "", "usgs-md");
  CHECK(ex.problems.empty());
  auto a = alerts_of(ex);
  REQUIRE(a.size() == 1);  // 4.36 ft >= 4.0; 260 ft3/s < 1000
  CHECK(a[0].identifier == "usgs-md.01491000.00065.w4.0.20200213T221500Z");
  CHECK(a[0].sent == "2020-02-13T22:15:00-00:00");
  CHECK(a[0].msg_type == "Alert");
  const auto& info = a[0].infos.at(0);
  CHECK(info.categories == std::vector<std::string>{"Met"});
  CHECK(info.urgency == "Immediate");
  CHECK(info.certainty == "Observed");
  CHECK(info.event == "River Flood Advisory");
  CHECK(info.areas.at(0).area_desc == "CHOPTANK RIVER NEAR GREENSBORO, MD");
  CHECK(info.areas.at(0).circles == std::vector<std::string>{"38.99719444,-75.7858056 10"});
  CHECK(param(a[0], "observedValue") == "4.36");
  CHECK(param(a[0], "observedUnit") == "ft");
  CHECK(param(a[0], "observedTime") == "2020-02-13T17:15:00-05:00");
  CHECK(param(a[0], "qualifiers") == "P");
  CHECK(info.description->find("provisional") != std::string::npos);
  // The same capture polled again with the memory: nothing new.
  auto again = poll("usgs-water", opts, body, *ex.memory, "usgs-md");
  CHECK(again.documents.empty());
  CHECK(*again.memory == *ex.memory);
}

TEST_CASE("sensor: the reduced NWIS mock (no site name, no coordinates, Z times)") {
  auto opts =
      options("usgs-water", {"03339000:00060 warn=0.5 clear=0.2 severity=Minor event=High Flow"});
  auto ex = poll("usgs-water", opts, capture("nwis_iv_mock.json"), "");
  auto a = alerts_of(ex);
  REQUIRE(a.size() == 1);
  CHECK(a[0].sent == "2018-01-24T00:00:00-00:00");
  CHECK(a[0].infos[0].areas[0].area_desc == "03339000");
  CHECK(a[0].infos[0].areas[0].circles.empty());
  CHECK(param(a[0], "qualifiers") == "A");
  CHECK(has_problem(ex, "series 03339000:00060: no coordinates"));
}

TEST_CASE("sensor: USGS no-data and provisional values, and malformed fields") {
  auto opts = options("usgs-water", {"01491000:00065 warn=5 clear=4.5 severity=Moderate "
                                     "event=River Flood Advisory"});
  auto first = poll("usgs-water", opts,
                    usgs(R"({"value":"4.0","qualifiers":["P"],"dateTime":"2024-05-01T06:00:00Z"},
                     {"value":"5.2","qualifiers":["P"],"dateTime":"2024-05-01T06:15:00.000Z"},
                     {"value":"abc","dateTime":"2024-05-01T06:30:00Z"},
                     {"value":"5.3","dateTime":"yesterday"},
                     {"dateTime":"2024-05-01T06:40:00Z"}, 17)"),
                    "");
  auto a = alerts_of(first);
  REQUIRE(a.size() == 1);
  CHECK(summary(a[0]) == "Alert Moderate 5.2");
  CHECK(has_problem(first, "value[2]: value is missing or not a number"));
  CHECK(has_problem(first, "value[3]: dateTime 'yesterday'"));
  CHECK(has_problem(first, "value[4]: value is missing"));
  CHECK(has_problem(first, "value[5]: value is missing"));
  // -999999.0 is the series' noDataValue (ice, equipment): skipped, so it cannot cancel.
  auto nodata = poll("usgs-water", opts, usgs(R"({"value":"-999999","qualifiers":["Ice"],
                              "dateTime":"2024-05-01T07:00:00Z"})"),
                     *first.memory);
  CHECK(nodata.documents.empty());
  CHECK(nodata.problems.empty());
  auto down = poll("usgs-water", opts,
                   usgs(R"({"value":4.4,"qualifiers":"P","dateTime":"2024-05-01T07:15:00Z"})"),
                   *nodata.memory);
  auto c = alerts_of(down);
  REQUIRE(c.size() == 1);
  CHECK(summary(c[0]) == "Cancel Moderate 4.4");

  // Not JSON, or JSON of another shape: problems, never a crash.
  auto broken = poll("usgs-water", opts, "{\"value\": {\"timeSeries\": [1,\n ", "");
  CHECK(has_problem(broken, "not JSON"));
  CHECK(has_problem(broken, "line 2"));
  auto odd = poll("usgs-water", opts,
                  R"({"value":{"timeSeries":[7,{"sourceInfo":[],"variable":null},
                     {"sourceInfo":{"siteCode":[{"value":"01491000"}]},"variable":
                     {"variableCode":[{"value":"00065"}]},"values":{"x":1}}]}})",
                  "");
  CHECK(odd.documents.empty());
  CHECK(has_problem(odd, "timeSeries[0]: no sourceInfo.siteCode"));
  CHECK(has_problem(odd, "timeSeries[2] 01491000:00065: no values array"));
  CHECK(has_problem(poll("usgs-water", opts, "[]", ""), "no value.timeSeries"));
}

TEST_CASE("sensor: bad CSV lines are reported with their numbers, the rest goes on") {
  auto opts = options("csv-readings", kGaugeLevels);
  std::string body =
      "\xEF\xBB\xBFstation,time,value\r\n"
      "gauge-7,2024-05-01T06:01:00Z,5.5\r\n"
      "gauge-7,2024-05-01 06:02:00,4.0\n"
      "gauge-7,2024-05-01T06:03:00Z\n"
      "gauge-7,2024-05-01T06:04:00Z,high\n"
      ",2024-05-01T06:05:00Z,1\n"
      "# a comment\n"
      "\n"
      "gauge-7, 2024-05-01T06:09:00-02:00 , 4.0\n"
      "other-station,2024-05-01T06:10:00Z,99\n"
      "gauge-7,2024-13-01T06:11:00Z,4.0\n"
      "gauge-7,2024-05-01T06:12:00Z,5.0,extra";
  auto ex = poll("csv-readings", opts, body, calm_memory(opts));
  for (const char* p :
       {"line 3: time '2024-05-01 06:02:00' has no UTC offset", "line 4: expected 3 fields",
        "line 5: value 'high' is not a number", "line 6: station '' is empty",
        "line 11: time '2024-13-01T06:11:00Z'", "line 12: expected 3 fields"}) {
    CHECK(has_problem(ex, p));
  }
  CHECK(ex.problems.size() == 6);
  std::vector<std::string> got;
  for (const auto& a : alerts_of(ex))
    got.push_back(summary(a));
  CHECK(got == std::vector<std::string>{"Alert Moderate 5.5", "Cancel Moderate 4.0"});

  std::string garbage;
  for (int i = 0; i < 100; ++i)
    garbage += "<html>\n";
  auto g = poll("csv-readings", opts, garbage, "");
  CHECK(g.problems.size() == 21);  // 20 listed, then a count
  CHECK(has_problem(g, "80 more bad lines"));
}

TEST_CASE("sensor: bad threshold lines and keys are reported, never a crash") {
  auto opts =
      options("csv-readings",
              {"gauge-7 warn=5.0 clear=4.5 severity=Moderate event=Flood lat=38.5 lon=-75.25",
               "gauge-7 warn=7 clear=7.5 severity=Severe event=X",
               "gauge-7 warn=abc clear=1 severity=Severe event=X", "warn=5 clear=4",
               "gauge-8 warn=5 clear=4 severity=Bad event=X lat=1 lon=1",
               "gauge-9 warn=5 clear=4 severity=Minor event=X",
               "gauge-7 warn=5.0 clear=4.0 severity=Minor event=Y",
               "gauge-7 warn=9 clear=8 severity=Extreme event=Z colour=red", "",
               "gauge-7 warn=9 clear=8 severity=Extreme",
               "gauge-8 warn=5 clear=4 severity=Minor event=X lat=91 lon=1"});
  auto ex = poll("csv-readings", opts, rows({"5.5"}), "");
  for (const char* p :
       {"thresholds[2] \"gauge-7 warn=7 clear=7.5 severity=Severe event=X\": clear 7.5 is not "
        "below warn 7",
        "thresholds[3]", "warn 'abc' is not a number", "thresholds[4]",
        "must start with the series", "thresholds[5]", "severity 'Bad'",
        "thresholds[6]: CSV station 'gauge-9' needs lat= and lon=", "thresholds[7]",
        "already has a level at warn 5.0", "thresholds[8]", "unknown key 'colour'", "thresholds[9]",
        "thresholds[10]", "has no event=", "thresholds[11]", "lat '91'"}) {
    CHECK(has_problem(ex, p));
  }
  CHECK(ex.problems.size() == 10);
  REQUIRE(ex.documents.size() == 1);  // the good line still works

  CHECK(has_problem(poll("usgs-water",
                         options("usgs-water", {"01491000 warn=5 clear=4 "
                                                "severity=Minor event=X"}),
                         "{}", ""),
                    "is not SITE:PARAMETER"));

  auto bad_sender = options("csv-readings", kGaugeLevels);
  bad_sender.set("sender", std::string("hydro office"), {}, false);
  bad_sender.set("category", std::string("Weather"), {}, false);
  auto b = poll("csv-readings", bad_sender, rows({"5.5"}), "");
  CHECK(b.documents.empty());
  CHECK_FALSE(b.memory);  // kept as it was, to resume once the configuration is fixed
  CHECK(has_problem(b, "sender: 'hydro office' contains a space"));
  CHECK(has_problem(b, "category: 'Weather' is not a CAP 1.2 category"));
  CHECK(has_problem(poll("csv-readings", default_options(*find_format("csv-readings")), "", ""),
                    "sender: is not set"));
}

TEST_CASE("sensor: every generated alert passes xmllint with the official CAP 1.2 XSD") {
  std::vector<std::string> docs;
  auto add = [&](const Extracted& ex) {
    alerts_of(ex);
    docs.insert(docs.end(), ex.documents.begin(), ex.documents.end());
  };
  auto usgs_opts =
      options("usgs-water", {"01491000:00065 warn=4.0 clear=3.5 severity=Moderate event=Flood"});
  add(poll("usgs-water", usgs_opts, capture("waterservices_iv.json"), ""));
  add(poll("usgs-water",
           options("usgs-water", {"03339000:00060 warn=0.5 clear=0.2 severity=Minor event=F"}),
           capture("nwis_iv_mock.json"), ""));
  // Control characters from JSON escapes and from the configuration never reach the XML.
  std::string odd = capture("waterservices_iv.json");
  odd.replace(odd.find("CHOPTANK RIVER"), 14, "CHOP\\u0001TANK \\uFFFF");
  odd.replace(odd.find("\"P\""), 3, "\"P\", \"\\u0002\"");
  auto odd_opts =
      options("usgs-water", {"01491000:00060 warn=400 clear=300 severity=Minor event=Flood\x01"});
  odd_opts.set("sender_name", std::string("Hydro\x1f"), {}, false);
  auto controls = poll("usgs-water", odd_opts, odd, "");
  auto c = alerts_of(controls);
  REQUIRE(c.size() == 1);
  CHECK(c[0].infos[0].areas[0].area_desc == "CHOPTANK  NEAR GREENSBORO, MD");
  CHECK(c[0].infos[0].event == "Flood");
  CHECK(param(c[0], "qualifiers") == "P");
  add(controls);
  std::string long_name(200, 'x');
  auto csv_opts =
      options("csv-readings",
              {"g<&> warn=5 clear=4.5 severity=Moderate event=Flood <&> \"Advisory\" lat=-33.5 "
               "lon=151.25 unit=m³ name=Río " +
                   long_name,
               "g<&> warn=7 clear=6.5 severity=Extreme event=Major Flood"});
  csv_opts.set("sender_name", std::string("Hydro & Met <Office>"), {}, false);
  csv_opts.set("expires_after", int64_t{6 * 3'600'000}, {}, false);
  csv_opts.set("status", std::string("Exercise"), {}, false);
  csv_opts.set("category", std::string("Env"), {}, false);
  csv_opts.set("replay_first_poll", true, {}, false);
  std::string body;
  const char* values[] = {"5.5", "7.5", "6.0", "7.1", "4.0"};
  for (int i = 0; i < 5; ++i)
    body += "g<&>,2024-05-01T0" + std::to_string(i) + ":00:00.250+10:00," + values[i] + "\n";
  add(poll("csv-readings", csv_opts, body, "", "site, with spaces"));
  REQUIRE(docs.size() == 8);

  auto lint = test::xmllint_cap(docs);
  INFO(lint.output);
  CHECK(lint.rc == 0);
  CHECK(lint.validates == docs.size());
}

TEST_CASE("sensor: a configuration file's [[source]] drives the format, problems name its line") {
  config::Schema schema{{ingest_section(), source_section()}};
  auto doc = config::load_string(R"([[source]]
name = "lake"
type = "csv-readings"
url = "file:gauges.csv"
sender = "hydro@agency.example"
area_radius_km = 15
expires_after = "12h"
thresholds = [
  "lake-north:level warn=2.5 clear=2.3 severity=Moderate event=Lake Flood Advisory lat=-1.25 lon=36.8",
  "lake-north:level warn=3.0 clear=3.1 severity=Severe event=Lake Flood Warning",
]
)",
                                 "sources.toml", schema);
  REQUIRE(doc.ok());
  auto sources = sources_from(*doc);
  REQUIRE(sources.ok());
  REQUIRE(sources->size() == 1);
  const SourceSpec& spec = sources->at(0);
  Input in;
  std::string body = "lake-north,2024-05-01T06:00:00+03:00,2.6\n";
  in.body = body;
  in.source = spec.name;
  in.options = spec.options;
  auto ex = spec.format->extract(in);
  REQUIRE(ex.problems.size() == 1);
  INFO(ex.problems[0]);
  CHECK(ex.problems[0].rfind("sources.toml:8:", 0) == 0);
  CHECK(ex.problems[0].find("thresholds[2]") != std::string::npos);
  auto a = alerts_of(ex);
  REQUIRE(a.size() == 1);
  CHECK(a[0].identifier == "lake.lake-north.level.w2.5.20240501T030000Z");
  CHECK(a[0].infos[0].expires == "2024-05-01T15:00:00-00:00");
  CHECK(a[0].infos[0].areas[0].circles == std::vector<std::string>{"-1.25,36.8 15"});
}
