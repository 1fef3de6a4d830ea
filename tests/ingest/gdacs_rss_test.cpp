// The gdacs-rss format: relaying GDACS's linked CAP, mapping the real captures (every item,
// through cap::validate and xmllint with the official CAP 1.2 XSD), each mapping rule
// table-driven on hand-made items, the episode lifecycle across polls through `memory`, bad
// input, and identifier stability.
#include <catch2/catch.hpp>

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "capcast/cap/parse.h"
#include "capcast/cap/validate.h"
#include "capcast/ingest/format.h"
#include "support/helpers.h"
#include "support/process.h"

using namespace capcast;
using namespace capcast::ingest;

namespace {

const char* kUrl = "http://www.gdacs.org/xml/rss.xml";
constexpr int64_t kNow = 1577669000000;  // 2019-12-30T01:23:20Z

const Format& format() {
  const Format* f = find_format("gdacs-rss");
  REQUIRE(f);
  return *f;
}

config::Section options(bool prefer_linked_cap = false,
                        const std::map<std::string, config::Value>& set = {}) {
  config::Section s = default_options(format());
  s.set("sender", config::Value{std::string("gdacs-relay.example.org")}, {}, false);
  s.set("prefer_linked_cap", config::Value{prefer_linked_cap}, {}, false);
  for (const auto& [k, v] : set)
    s.set(k, v, {}, false);
  return s;
}

struct Poll {
  Extracted ex;
  std::vector<cap::Alert> alerts;
};

Poll poll(const std::string& body, const config::Section& opts, std::string_view memory = "",
          int64_t now_ms = kNow, const std::string& url = kUrl) {
  Input in;
  in.body = body;
  in.url = url;
  in.source = "gdacs";
  in.options = &opts;
  in.memory = memory;
  in.now_ms = now_ms;
  Poll p{format().extract(in), {}};
  for (const auto& doc : p.ex.documents) {
    for (const auto& f : cap::validate(doc).findings) {
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

// A hand-made item: element name -> content; erase a name to leave the element out.
using Item = std::map<std::string, std::string>;

Item base_item() {
  return {{"title", "Green earthquake alert (Magnitude 5.1M, Depth:35km) in Papua New Guinea"},
          {"description", "An earthquake occurred in Papua New Guinea."},
          {"link", "http://www.gdacs.org/report.aspx?eventtype=EQ&amp;eventid=100"},
          {"pubDate", "Sun, 29 Dec 2019 13:59:02 GMT"},
          {"guid", "EQ100"},
          {"gdacs:fromdate", "Sun, 29 Dec 2019 13:59:02 GMT"},
          {"georss:point", "-5.5333 151.757"},
          {"gdacs:bbox", "147.757 155.757 -9.5333 -1.5333"},
          {"gdacs:eventtype", "EQ"},
          {"gdacs:alertlevel", "Green"},
          {"gdacs:eventid", "100"},
          {"gdacs:episodeid", "7"},
          {"gdacs:iso3", "PNG"},
          {"gdacs:country", "Papua New Guinea"}};
}

std::string rss(const std::vector<Item>& items) {
  std::string s =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" "
      "xmlns:geo=\"http://www.w3.org/2003/01/geo/wgs84_pos#\" xmlns:gdacs=\"http://www.gdacs.org\" "
      "xmlns:georss=\"http://www.georss.org/georss\"><channel><title>GDACS</title>";
  for (const auto& it : items) {
    s += "<item>";
    for (const auto& [k, v] : it)
      s += "<" + k + ">" + v + "</" + k + ">";
    s += "</item>";
  }
  return s + "</channel></rss>";
}

std::string capture(const char* name) {
  return test::read_file(test::source_dir() / "tests/data/feeds/gdacs-rss" / name);
}

const cap::Alert* by_id(const Poll& p, const std::string& identifier) {
  for (const auto& a : p.alerts) {
    if (a.identifier == identifier) return &a;
  }
  return nullptr;
}

std::string param(const cap::Alert& a, const std::string& name) {
  for (const auto& p : a.infos.at(0).parameters) {
    if (p.value_name == name) return p.value;
  }
  return "<none>";
}

}  // namespace

TEST_CASE("gdacs-rss: registered, with its keys and a placeholder sender") {
  const config::Section& d = default_options(format());
  CHECK(d.get_string("sender") == "sender-not-configured.invalid");
  CHECK(d.get_bool("prefer_linked_cap"));
  CHECK(format().keys.size() == 5);
}

TEST_CASE("gdacs-rss: by default each item's own CAP is linked, once per episode") {
  for (auto [name, count] :
       {std::pair{"gdacs-rss.xml", 16u}, std::pair{"gdacs-rss-24h.xml", 21u}}) {
    INFO(name);
    Poll p = poll(capture(name), options(true));
    CHECK(p.ex.documents.empty());
    CHECK(p.ex.problems.empty());
    CHECK_FALSE(p.ex.memory);
    REQUIRE(p.ex.links.size() == count);
    for (const auto& l : p.ex.links) {
      CHECK(l.rfind("http://www.gdacs.org/contentdata/resources/", 0) == 0);
      CHECK(l.find(".xml#episode=") != std::string::npos);
    }
  }
  Poll p = poll(capture("gdacs-rss-24h.xml"), options(true));
  CHECK(p.ex.links[0] ==
        "http://www.gdacs.org/contentdata/resources/DR/1012728/cap_1012728.xml#episode=43");
}

TEST_CASE("gdacs-rss: the real captures mapped, every item, end to end") {
  Poll p = poll(capture("gdacs-rss.xml"), options());
  REQUIRE(p.alerts.size() == 16);
  // GDACS's bounding box for TC1000642 (near Fiji) lies in the South Atlantic: left out.
  for (const auto& pr : p.ex.problems)
    UNSCOPED_INFO(pr);
  REQUIRE(p.ex.problems.size() == 1);
  CHECK(p.ex.problems[0].find("TC1000642") != std::string::npos);
  std::set<std::string> ids;
  for (const auto& a : p.alerts)
    ids.insert(a.identifier);
  CHECK(ids.size() == 16);

  const cap::Alert* eq = by_id(p, "gdacs.EQ.1199929.1287798");
  REQUIRE(eq);
  CHECK(eq->sender == "gdacs-relay.example.org");
  CHECK(eq->sent == "2019-12-28T15:36:35-00:00");
  CHECK(eq->msg_type == "Alert");
  CHECK(eq->incidents == "EQ1199929");
  const cap::Info& i = eq->infos[0];
  CHECK(i.event == "Earthquake");
  CHECK(i.categories == std::vector<std::string>{"Geo"});
  CHECK(i.urgency == "Past");
  CHECK(i.certainty == "Observed");
  CHECK(i.severity == "Minor");
  CHECK(i.onset == "2019-12-28T15:36:35-00:00");
  CHECK(i.web == "http://www.gdacs.org/report.aspx?eventtype=EQ&eventid=1199929");
  CHECK(i.areas[0].circles == std::vector<std::string>{"-44.5653,37.087 0"});
  CHECK(i.areas[0].polygons ==
        std::vector<std::string>{"-48.5653,33.087 -48.5653,41.087 -40.5653,41.087 "
                                 "-40.5653,33.087 -48.5653,33.087"});
  CHECK(i.areas[0].geocodes == std::vector<cap::ValuePair>{{"ISO3", "ZAF"}});
  CHECK(param(*eq, "usgsEventId") == "us70006rx5");
  CHECK(param(*eq, "gdacsSeverityValue") == "5.5 M");
  // The quake's origin, by which the store links it with alerts that carry no USGS id.
  CHECK(param(*eq, "EventOriginTime") == "2019-12-28T15:36:35-00:00");
  CHECK(param(*eq, "EventLatLon") == "-44.5653,37.087");

  const cap::Alert* dr = by_id(p, "gdacs.DR.1012728.43");
  REQUIRE(dr);
  CHECK(dr->infos[0].categories == std::vector<std::string>{"Met", "Env"});
  CHECK(dr->infos[0].severity == "Severe");
  CHECK(dr->infos[0].onset == "2018-10-21T00:00:00-00:00");
  const cap::Alert* tc = by_id(p, "gdacs.TC.1000642.15");
  REQUIRE(tc);
  CHECK(tc->infos[0].event == "Tropical Cyclone");
  CHECK(tc->infos[0].areas[0].polygons.empty());
  CHECK(tc->infos[0].areas[0].circles == std::vector<std::string>{"-20.5,-178.8 0"});
  CHECK(param(*tc, "EventOriginTime") == "<none>");  // not an earthquake

  Poll day = poll(capture("gdacs-rss-24h.xml"), options());
  CHECK(day.alerts.size() == 21);
  const cap::Alert* sea = by_id(day, "gdacs.EQ.1200043.1287962");
  REQUIRE(sea);
  CHECK(sea->infos[0].areas[0].area_desc == "Around -52.8544, 11.3526");
  CHECK(sea->infos[0].areas[0].geocodes.empty());
  CHECK(param(*sea, "usgsEventId") == "us70006s89");
}

TEST_CASE("gdacs-rss: the two real captures polled in a row: new events only") {
  auto opts = options();
  Poll first = poll(capture("gdacs-rss-24h.xml"), opts, "", 1577665339000);
  Poll second = poll(capture("gdacs-rss.xml"), opts, *first.ex.memory, 1577669711000);
  std::map<std::string, const cap::Alert*> before;
  for (const auto& a : first.alerts)
    before[a.identifier] = &a;
  std::set<std::string> fresh;
  for (const auto& a : second.alerts) {
    CHECK(a.msg_type == "Alert");
    auto it = before.find(a.identifier);
    if (it == before.end()) {
      fresh.insert(a.identifier);
    } else {
      // The drought items' pubDate moved from 00:17 to 01:27 without a new episode: the
      // message keeps its first sent, so the store sees the same (sender, identifier, sent).
      CHECK(a.sent == it->second->sent);
    }
  }
  CHECK(fresh == std::set<std::string>{"gdacs.EQ.1199929.1287798", "gdacs.EQ.1199647.1287433",
                                       "gdacs.TC.1000641.29"});
}

TEST_CASE("gdacs-rss: a new episode is an Update referencing the previous episode's message") {
  auto opts = options();
  Poll first = poll(rss({base_item()}), opts);
  REQUIRE(first.alerts.size() == 1);
  CHECK(first.alerts[0].identifier == "gdacs.EQ.100.7");
  Item next = base_item();
  next["gdacs:episodeid"] = "8";
  next["gdacs:alertlevel"] = "Orange";
  next["pubDate"] = "Sun, 29 Dec 2019 10:00:00 GMT";  // earlier than the first: sent kept
  Poll second = poll(rss({next}), opts, *first.ex.memory);
  REQUIRE(second.alerts.size() == 1);
  const cap::Alert& u = second.alerts[0];
  CHECK(u.msg_type == "Update");
  CHECK(u.identifier == "gdacs.EQ.100.8");
  CHECK(u.references == cap::key_of(first.alerts[0]).to_string());
  CHECK(u.sent == first.alerts[0].sent);
  CHECK(u.infos[0].severity == "Severe");
  // The same episode again: the same message; an older episode: nothing.
  CHECK(poll(rss({next}), opts, *second.ex.memory).ex.documents == second.ex.documents);
  CHECK(poll(rss({base_item()}), opts, *second.ex.memory).ex.documents.empty());
}

TEST_CASE("gdacs-rss: event type to event, category, urgency and certainty") {
  struct Row {
    const char* type;
    const char* event;
    std::vector<std::string> categories;
    const char* urgency;
    const char* certainty;
  };
  const std::vector<Row> rows = {
      {"EQ", "Earthquake", {"Geo"}, "Past", "Observed"},
      {"TC", "Tropical Cyclone", {"Met"}, "Expected", "Likely"},
      {"FL", "Flood", {"Met"}, "Immediate", "Likely"},
      {"VO", "Volcanic Eruption", {"Geo"}, "Immediate", "Observed"},
      {"DR", "Drought", {"Met", "Env"}, "Future", "Observed"},
      {"WF", "Wildfire", {"Fire"}, "Immediate", "Observed"},
      {"XX", "GDACS XX event", {"Other"}, "Unknown", "Unknown"},
  };
  for (const auto& r : rows) {
    INFO(r.type);
    Item it = base_item();
    it["gdacs:eventtype"] = r.type;
    Poll p = poll(rss({it}), options());
    REQUIRE(p.alerts.size() == 1);
    const cap::Info& i = p.alerts[0].infos[0];
    CHECK(i.event == r.event);
    CHECK(i.categories == r.categories);
    CHECK(i.urgency == std::string(r.urgency));
    CHECK(i.certainty == std::string(r.certainty));
    CHECK(p.alerts[0].identifier == std::string("gdacs.") + r.type + ".100.7");
    CHECK(p.ex.problems.size() == (std::string(r.type) == "XX" ? 1u : 0u));
  }
}

TEST_CASE("gdacs-rss: alert level to severity") {
  struct Row {
    const char* level;  // nullptr: no element
    const char* severity;
    size_t problems;
  };
  const Row rows[] = {{"Red", "Extreme", 0}, {"Orange", "Severe", 0}, {"Green", "Minor", 0},
                      {"", "Unknown", 0},    {nullptr, "Unknown", 0}, {"Purple", "Unknown", 1}};
  for (const auto& r : rows) {
    INFO((r.level ? r.level : "(none)"));
    Item it = base_item();
    if (r.level) {
      it["gdacs:alertlevel"] = r.level;
    } else {
      it.erase("gdacs:alertlevel");
    }
    Poll p = poll(rss({it}), options());
    REQUIRE(p.alerts.size() == 1);
    CHECK(p.alerts[0].infos[0].severity == r.severity);
    CHECK(p.ex.problems.size() == r.problems);
  }
}

TEST_CASE("gdacs-rss: missing and malformed fields") {
  struct Row {
    const char* what;
    std::function<void(Item&)> mutate;
    bool mapped;
    size_t problems;
  };
  const std::vector<Row> rows = {
      {"no eventid", [](Item& i) { i.erase("gdacs:eventid"); }, false, 1},
      {"no episodeid", [](Item& i) { i.erase("gdacs:episodeid"); }, false, 1},
      {"episodeid not a number", [](Item& i) { i["gdacs:episodeid"] = "-3"; }, false, 2},
      {"no pubDate", [](Item& i) { i.erase("pubDate"); }, false, 1},
      {"pubDate not RFC 822", [](Item& i) { i["pubDate"] = "yesterday"; }, false, 2},
      {"georss:point not two numbers", [](Item& i) { i["georss:point"] = "abc"; }, true, 1},
      {"bbox not four numbers", [](Item& i) { i["gdacs:bbox"] = "1 2 3"; }, true, 1},
      {"bbox not holding the point", [](Item& i) { i["gdacs:bbox"] = "0 1 0 1"; }, true, 1},
      {"point out of range", [](Item& i) { i["georss:point"] = "95 10"; }, true, 1},
      {"iso3 lower case", [](Item& i) { i["gdacs:iso3"] = "png"; }, true, 0},
      {"no country", [](Item& i) { i.erase("gdacs:country"); }, true, 0},
      {"link not a URL", [](Item& i) { i["link"] = "report.aspx"; }, true, 0},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    Item it = base_item();
    r.mutate(it);
    Item other = base_item();
    other["gdacs:eventid"] = "200";
    Poll p = poll(rss({it, other}), options());
    for (const auto& pr : p.ex.problems)
      CHECK(pr.rfind("item 1 (guid EQ100)", 0) == 0);
    CHECK(p.ex.problems.size() == r.problems);
    REQUIRE(p.alerts.size() == (r.mapped ? 2u : 1u));
    CHECK(p.alerts.back().identifier == "gdacs.EQ.200.7");
  }
  // A tab is text; a byte that is not UTF-8 makes the whole document unreadable XML.
  Item tab = base_item();
  tab["title"] = "A&#x9;B";
  Poll t = poll(rss({tab}), options());
  REQUIRE(t.alerts.size() == 1);
  CHECK(t.alerts[0].infos[0].headline == "A\tB");
  tab["title"] = "A\xff";
  Poll bad = poll(rss({tab}), options());
  CHECK(bad.alerts.empty());
  CHECK(bad.ex.problems.size() == 1);
  // W3C Basic Geo when there is no GeoRSS point.
  Item geo = base_item();
  geo.erase("georss:point");
  geo["geo:Point"] = "<geo:lat>-5.5</geo:lat><geo:long>151.5</geo:long>";
  Poll g = poll(rss({geo}), options());
  REQUIRE(g.alerts.size() == 1);
  CHECK(g.alerts[0].infos[0].areas[0].circles[0] == "-5.5,151.5 0");
  // The fixture's item has no eventtype, eventid or episodeid (nor a gdacs:cap link).
  Poll fixture = poll(capture("gdacs-2.fixture.xml"), options(true));
  CHECK(fixture.alerts.empty());
  CHECK(fixture.ex.links.empty());
  CHECK(fixture.ex.problems.size() == 1);
}

TEST_CASE("gdacs-rss: what is not an RSS feed yields a problem and nothing else") {
  for (std::string body :
       {std::string(), std::string("<feed xmlns=\"http://www.w3.org/2005/Atom\"/>"),
        std::string("<!DOCTYPE rss [<!ENTITY x \"y\">]><rss><channel/></rss>"),
        capture("gdacs-rss.xml").substr(0, 4000)}) {
    Poll p = poll(body, options());
    CHECK(p.ex.documents.empty());
    CHECK(p.ex.links.empty());
    CHECK(p.ex.problems.size() == 1);
    CHECK_FALSE(p.ex.memory);
  }
}

TEST_CASE("gdacs-rss: linked CAP is resolved and only fetched over http(s) or from a file feed") {
  Item rel = base_item();
  rel["gdacs:cap"] = "/contentdata/resources/EQ/100/cap_100.xml#old";
  Item bad = base_item();
  bad["gdacs:eventid"] = "200";
  bad["gdacs:cap"] = "javascript:alert(1)";
  Poll p = poll(rss({rel, bad}), options(true));
  CHECK(p.ex.links ==
        std::vector<std::string>{
            "http://www.gdacs.org/contentdata/resources/EQ/100/cap_100.xml#episode=7"});
  REQUIRE(p.alerts.size() == 1);  // the unfetchable one is mapped instead
  CHECK(p.alerts[0].identifier == "gdacs.EQ.200.7");
  CHECK(p.ex.problems.size() == 1);
  Item local = base_item();
  local["gdacs:cap"] = "file:///etc/passwd";
  CHECK(poll(rss({local}), options(true)).ex.links.empty());
  CHECK(poll(rss({local}), options(true), "", kNow, "file:///srv/gdacs.xml").ex.links.size() == 1);
}

TEST_CASE("gdacs-rss: sender, memory round trip, bounds and unreadable memory") {
  auto bad_sender = options(false, {{"sender", config::Value{std::string("a,b")}}});
  Poll none = poll(rss({base_item()}), bad_sender);
  CHECK(none.alerts.empty());
  CHECK(none.ex.problems.size() == 1);
  CHECK(
      poll(capture("gdacs-rss.xml"), options(true, {{"sender", config::Value{std::string("a,b")}}}))
          .ex.links.size() == 16);  // relaying needs no sender of ours

  auto opts = options(false, {{"forget_after", config::Value{int64_t{3'600'000}}},
                              {"max_events", config::Value{int64_t{1}}}});
  Item two = base_item();
  two["gdacs:eventid"] = "200";
  Poll p = poll(rss({base_item(), two}), opts);
  CHECK(p.alerts.size() == 2);
  auto mem = nlohmann::json::parse(*p.ex.memory);
  CHECK(mem["events"].size() == 1);
  Poll later = poll(rss({}), opts, *p.ex.memory, kNow + 7'200'000);
  CHECK(nlohmann::json::parse(*later.ex.memory)["events"].empty());

  Poll garbage = poll(rss({base_item()}), options(), "[]");
  CHECK(garbage.alerts.size() == 1);
  CHECK(garbage.ex.problems.size() == 1);
}

TEST_CASE("gdacs-rss: the same input gives byte-identical documents and memory") {
  Poll a = poll(capture("gdacs-rss-24h.xml"), options());
  Poll b = poll(capture("gdacs-rss-24h.xml"), options());
  CHECK(a.ex.documents == b.ex.documents);
  CHECK(a.ex.memory == b.ex.memory);
  Poll restart = poll(capture("gdacs-rss-24h.xml"), options(), *a.ex.memory, kNow + 60'000);
  CHECK(restart.ex.documents == a.ex.documents);
}

TEST_CASE("gdacs-rss: every mapped alert passes xmllint with the official CAP 1.2 XSD") {
  std::vector<std::string> docs;
  for (const char* name : {"gdacs-rss.xml", "gdacs-rss-24h.xml"}) {
    auto p = poll(capture(name), options());
    docs.insert(docs.end(), p.ex.documents.begin(), p.ex.documents.end());
  }
  Poll first = poll(rss({base_item()}), options());
  Item next = base_item();
  next["gdacs:episodeid"] = "8";
  Poll update =
      poll(rss({next}), options(false, {{"expires_after", config::Value{int64_t{86'400'000}}}}),
           *first.ex.memory);
  docs.insert(docs.end(), update.ex.documents.begin(), update.ex.documents.end());
  REQUIRE(docs.size() == 16 + 21 + 1);
  auto lint = test::xmllint_cap(docs);
  INFO(lint.output);
  CHECK(lint.rc == 0);
  CHECK(lint.validates == docs.size());
}
