#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "capcast/ingest/poller.h"
#include "capcast/ingest/settings.h"
#include "http_fixture.h"
#include "support/helpers.h"

using namespace capcast;
using namespace capcast::ingest;

namespace {

std::string cap(const std::string& id) {
  return "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>" + id +
         "</identifier></alert>";
}

// The host gate is tested on its own below; elsewhere it would hold up run_once() (ManualClock).
// First polls are not spread either (tested on their own too).
PollerOptions ungated() {
  PollerOptions o;
  o.min_host_interval = Duration{0};
  o.first_poll_spread = Duration{0};
  return o;
}

// Steps until nothing more can happen before the clock moves.
void settle(Poller& p) {
  do {
    p.step(Duration{20});
  } while (!p.quiet());
}

struct Rig {
  test::TempDir dir;
  std::unique_ptr<store::Store> store;
  ManualClock clock{from_unix_ms(1'700'000'000'000)};
  std::vector<std::string> seen;
  Taken answer = Taken::kAccepted;

  Rig() { store = std::move(*store::open_sqlite(dir / "capcast.db")); }

  Poller poller(const std::string& url, const std::string& format = "cap-atom") {
    return Poller(
        {SourceSpec{"src", find_format(format), url, Duration{60'000}}}, ungated(), store.get(),
        [this](const Document& d) {
          seen.push_back(d.xml);
          return answer;
        },
        clock, [] { return 0.5; });
  }
};

}  // namespace

TEST_CASE("a feed's links are fetched once, and its ETag is used on the next poll") {
  test::HttpFixture http;
  std::map<std::string, int> hits;
  http.server.Get("/feed", [&](const httplib::Request& req, httplib::Response& res) {
    ++hits["/feed"];
    if (req.get_header_value("If-None-Match") == "\"f1\"") {
      res.status = 304;
      return;
    }
    res.set_header("ETag", "\"f1\"");
    res.set_content(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\">"
        "<entry><link type=\"application/cap+xml\" href=\"/a.xml\"/></entry>"
        "<entry><link type=\"application/cap+xml\" href=\"/b.xml\"/></entry></feed>",
        "application/atom+xml");
  });
  http.server.Get(R"(/(\w)\.xml)", [&](const httplib::Request& req, httplib::Response& res) {
    ++hits[req.path];
    res.set_content(cap(req.matches[1]), "application/cap+xml");
  });
  Rig rig;
  auto p = rig.poller(http.url("/feed"));
  p.run_once();
  CHECK(rig.seen.size() == 2);
  CHECK(hits["/a.xml"] == 1);
  auto st = rig.store->load_source("src");
  REQUIRE(st->has_value());
  CHECK((*st)->etag == "\"f1\"");
  CHECK((*st)->alerts_accepted == 2);
  CHECK((*st)->consecutive_failures == 0);

  p.run_once();  // 304: nothing new, nothing refetched
  CHECK(hits["/feed"] == 2);
  CHECK(hits["/a.xml"] == 1);
  CHECK(rig.seen.size() == 2);
}

TEST_CASE("a document the store could not keep is fetched again next time") {
  test::HttpFixture http;
  int feed_hits = 0;
  http.server.Get("/feed", [&](const httplib::Request& req, httplib::Response& res) {
    ++feed_hits;
    if (req.get_header_value("If-None-Match") == "\"f1\"") {
      res.status = 304;
      return;
    }
    res.set_header("ETag", "\"f1\"");
    res.set_content(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><link "
        "type=\"application/cap+xml\" href=\"/a.xml\"/></entry></feed>",
        "application/atom+xml");
  });
  http.server.Get("/a.xml", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(cap("a"), "application/cap+xml");
  });
  Rig rig;
  rig.answer = Taken::kFailed;
  auto p = rig.poller(http.url("/feed"));
  p.run_once();
  rig.answer = Taken::kAccepted;
  p.run_once();
  // The validators were dropped, so the feed was read in full and the link fetched again.
  CHECK(rig.seen.size() == 2);
  CHECK(rig.store->load_source("src")->value().alerts_accepted == 1);
}

TEST_CASE("a failing source backs off and records its health") {
  test::HttpFixture http;
  http.server.Get("/feed", [](const httplib::Request&, httplib::Response& res) {
    res.status = 503;
    res.set_header("Retry-After", "600");
  });
  Rig rig;
  auto p = rig.poller(http.url("/feed"));
  p.run_once();
  p.run_once();
  auto st = rig.store->load_source("src");
  REQUIRE(st->has_value());
  CHECK((*st)->consecutive_failures == 2);
  CHECK((*st)->last_error == "HTTP status 503");
  CHECK((*st)->last_success_ms == 0);
  CHECK(rig.seen.empty());
}

TEST_CASE("a plain CAP source hands its body to the sink") {
  test::TempDir files;
  test::write_file(files / "one.xml", cap("one"));
  Rig rig;
  auto p = rig.poller("file://" + (files / "one.xml").string(), "cap");
  p.run_once();
  REQUIRE(rig.seen.size() == 1);
  CHECK(rig.seen[0] == cap("one"));
}

TEST_CASE("a truncated or garbage feed yields an error for that source only") {
  test::HttpFixture http;
  http.server.Get("/good", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><content type=\"text/xml\">"
        "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>G1"
        "</identifier></alert></content></entry></feed>",
        "application/atom+xml");
  });
  http.server.Get("/garbage", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><content", "text/xml");
  });
  Rig rig;
  Poller p(
      {SourceSpec{"good", find_format("cap-atom"), http.url("/good"), Duration{60'000}},
       SourceSpec{"bad", find_format("cap-atom"), http.url("/garbage"), Duration{60'000}},
       SourceSpec{"down", find_format("cap-atom"), "http://127.0.0.1:1/x", Duration{60'000}}},
      ungated(), rig.store.get(),
      [&rig](const Document& d) {
        rig.seen.push_back(d.xml);
        return Taken::kAccepted;
      },
      rig.clock, [] { return 0.5; });
  p.run_once();
  REQUIRE(rig.seen.size() == 1);  // only the good source's alert, no partial document
  CHECK(rig.seen[0].find("G1") != std::string::npos);
  CHECK(rig.store->load_source("good")->value().consecutive_failures == 0);
  CHECK(rig.store->load_source("down")->value().consecutive_failures == 1);
}

TEST_CASE("requests to one host start at least min_host_interval apart, its sources in turn") {
  // Host A serves three feeds, the first linking two CAP documents; host B (another port, so
  // another host) one feed polled every 15 s. Each server notes the (manual) time of each request.
  test::HttpFixture a;
  test::HttpFixture b;
  Rig rig;
  const TimePoint start = rig.clock.now();
  std::mutex mu;
  std::vector<std::pair<std::string, int64_t>> on_a;  // path, seconds since start
  std::vector<int64_t> on_b;
  auto since = [&] { return (to_unix_ms(rig.clock.now()) - to_unix_ms(start)) / 1000; };
  a.server.Get(R"(/a\d)", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> l(mu);
    on_a.emplace_back(req.path, since());
    std::string entries;
    if (req.path == "/a1") {
      entries =
          "<entry><link type=\"application/cap+xml\" href=\"/x.xml\"/></entry>"
          "<entry><link type=\"application/cap+xml\" href=\"/y.xml\"/></entry>";
    }
    res.set_content("<feed xmlns=\"http://www.w3.org/2005/Atom\">" + entries + "</feed>",
                    "application/atom+xml");
  });
  a.server.Get(R"(/(\w)\.xml)", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> l(mu);
    on_a.emplace_back(req.path, since());
    res.set_content(cap(req.matches[1]), "application/cap+xml");
  });
  b.server.Get("/b1", [&](const httplib::Request&, httplib::Response& res) {
    std::lock_guard<std::mutex> l(mu);
    on_b.push_back(since());
    res.set_content("<feed xmlns=\"http://www.w3.org/2005/Atom\"></feed>", "application/atom+xml");
  });
  PollerOptions options;
  options.first_poll_spread = Duration{0};
  options.min_host_interval = Duration{10'000};
  auto atom = find_format("cap-atom");
  Poller p(
      {SourceSpec{"a1", atom, a.url("/a1"), Duration{60'000}},
       SourceSpec{"a2", atom, a.url("/a2"), Duration{60'000}},
       SourceSpec{"a3", atom, a.url("/a3"), Duration{60'000}},
       SourceSpec{"b1", atom, b.url("/b1"), Duration{15'000}}},
      options, rig.store.get(),
      [&rig](const Document& d) {
        rig.seen.push_back(d.xml);
        return Taken::kAccepted;
      },
      rig.clock, [] { return 0.5; });

  for (int second = 0; second <= 70; second += 5) {
    settle(p);
    rig.clock.advance(Duration{5'000});
  }
  // a1's links queued behind a2 and a3, which were due before them; a2 is due again at 70 s
  // (polled at 10 s, interval 60 s), a1 only at 100 s (its poll ended with its last link).
  using Hit = std::pair<std::string, int64_t>;
  CHECK(on_a ==
        std::vector<Hit>{
            {"/a1", 0}, {"/a2", 10}, {"/a3", 20}, {"/x.xml", 30}, {"/y.xml", 40}, {"/a2", 70}});
  for (size_t i = 1; i < on_a.size(); ++i)
    CHECK(on_a[i].second - on_a[i - 1].second >= 10);
  // Host B was polled on its own interval, never held up by host A (both at 0 s and 30 s).
  CHECK(on_b == std::vector<int64_t>{0, 15, 30, 45, 60});
  CHECK(rig.seen.size() == 2);
  CHECK(rig.store->load_source("a1")->value().consecutive_failures == 0);
}

TEST_CASE("local files are not held up by the host interval") {
  test::TempDir files;
  test::write_file(files / "one.xml", cap("one"));
  test::write_file(files / "two.xml", cap("two"));
  Rig rig;
  PollerOptions options;
  options.first_poll_spread = Duration{0};
  options.min_host_interval = Duration{60'000};
  auto format = find_format("cap");
  Poller p(
      {SourceSpec{"one", format, "file://" + (files / "one.xml").string(), Duration{60'000}},
       SourceSpec{"two", format, "file://" + (files / "two.xml").string(), Duration{60'000}}},
      options, rig.store.get(),
      [&rig](const Document& d) {
        rig.seen.push_back(d.xml);
        return Taken::kAccepted;
      },
      rig.clock, [] { return 0.5; });
  settle(p);
  CHECK(rig.seen.size() == 2);
}

TEST_CASE("first polls are spread by source name, the same after a restart") {
  // Ten sources on local files (no host gate), interval 60 s, spread 30 s: each is first polled
  // at its first_poll_offset, moved through by the manual clock a second at a time.
  test::TempDir files;
  test::write_file(files / "a.xml", cap("a"));
  std::vector<SourceSpec> specs;
  for (int i = 0; i < 10; ++i)
    specs.push_back(SourceSpec{"feed-" + std::to_string(i), find_format("cap"),
                               "file://" + (files / "a.xml").string(), Duration{60'000}});
  auto first_polls = [&](std::optional<Duration> spread) {
    Rig rig;
    const TimePoint start = rig.clock.now();
    std::map<std::string, int64_t> at;  // source -> second of its first poll
    PollerOptions options = ungated();
    options.first_poll_spread = spread;
    Poller p(
        specs, options, rig.store.get(),
        [&](const Document& d) {
          at.try_emplace(d.source, (to_unix_ms(rig.clock.now()) - to_unix_ms(start)) / 1000);
          return Taken::kAccepted;
        },
        rig.clock, [] { return 0.5; });
    for (int second = 0; second < 60; ++second) {
      settle(p);
      rig.clock.advance(Duration{1'000});
    }
    return at;
  };
  auto spread = first_polls(Duration{30'000});
  REQUIRE(spread.size() == 10);
  std::set<int64_t> seconds;
  for (const auto& [name, second] : spread) {
    INFO(name);
    // Polled at the first whole second (the clock's steps) at or after its offset.
    CHECK(second == (first_poll_offset(name, Duration{30'000}).count() + 999) / 1000);
    CHECK(second < 30);
    seconds.insert(second);
  }
  CHECK(seconds.size() >= 6);  // not bunched: ten names, at least six different seconds
  CHECK(first_polls(Duration{30'000}) == spread);  // a restart keeps each source's place
  // "0s": all at once. Not set: 100 ms per source after the first, so within 0.9 s here: none
  // of these ten is due at 0 s, each at the next step (1 s).
  for (const auto& [name, second] : first_polls(Duration{0}))
    CHECK(second == 0);
  for (const auto& [name, second] : first_polls(std::nullopt)) {
    INFO(name << " " << first_poll_offset(name, Duration{900}).count() << " ms");
    CHECK(second == (first_poll_offset(name, Duration{900}).count() > 0 ? 1 : 0));
  }
}

TEST_CASE("first_poll_offset: deterministic, within the spread, even over many names") {
  CHECK(first_poll_offset("nws", Duration{0}) == Duration{0});
  CHECK(first_poll_offset("nws", Duration{60'000}) == first_poll_offset("nws", Duration{60'000}));
  CHECK(first_poll_offset("feed-1", Duration{60'000}) !=
        first_poll_offset("feed-2", Duration{60'000}));
  // 1,000 sources named as operators name them, over 60 s: every 6 s slice gets about 100.
  std::vector<int> slices(10, 0);
  for (int i = 0; i < 1000; ++i) {
    auto d = first_poll_offset("source-" + std::to_string(i), Duration{60'000});
    REQUIRE(d >= Duration{0});
    REQUIRE(d < Duration{60'000});
    ++slices[d.count() / 6'000];
  }
  for (int n : slices)
    CHECK((n >= 60 && n <= 140));
}

namespace {

// An NWS API alert collection (GeoJSON) of alerts with these identifiers, and a
// pagination.next when `next` is not empty: the shape of api.weather.gov/alerts.
std::string nws_page(const std::vector<std::string>& ids, const std::string& next) {
  nlohmann::ordered_json page = {{"type", "FeatureCollection"},
                                 {"features", nlohmann::ordered_json::array()}};
  for (const auto& id : ids) {
    page["features"].push_back({{"type", "Feature"},
                                {"geometry", nullptr},
                                {"properties",
                                 {{"id", id},
                                  {"sender", "w-nws.webmaster@noaa.gov"},
                                  {"sent", "2024-05-01T10:00:00-05:00"},
                                  {"status", "Actual"},
                                  {"messageType", "Alert"},
                                  {"category", "Met"},
                                  {"event", "Flood Warning"},
                                  {"urgency", "Immediate"},
                                  {"severity", "Severe"},
                                  {"certainty", "Observed"},
                                  {"areaDesc", "Harris, TX"},
                                  {"geocode", {{"UGC", {"TXC201"}}}}}}});
  }
  if (!next.empty()) page["pagination"] = {{"next", next}};
  return page.dump();
}

}  // namespace

TEST_CASE("an NWS collection's pages are followed through the host gate, up to max_pages") {
  // /alerts: page 1 (2 alerts, ETag) -> p2 (1) -> p3 (1) -> p4 (none, yet a next link, as the
  // API's last cursor answers) -> p5, never asked for. Each server hit notes its manual time.
  test::HttpFixture http;
  Rig rig;
  const TimePoint start = rig.clock.now();
  std::mutex mu;
  std::vector<std::pair<std::string, int64_t>> hits;  // cursor ("" for page 1), seconds
  http.server.Get("/alerts", [&](const httplib::Request& req, httplib::Response& res) {
    std::string cursor = req.get_param_value("cursor");
    {
      std::lock_guard<std::mutex> l(mu);
      hits.emplace_back(cursor, (to_unix_ms(rig.clock.now()) - to_unix_ms(start)) / 1000);
    }
    if (cursor.empty() && req.get_header_value("If-None-Match") == "\"p1\"") {
      res.status = 304;
      return;
    }
    std::map<std::string, std::string> pages = {
        {"", nws_page({"urn:oid:2.49.0.1.840.0.pg.1", "urn:oid:2.49.0.1.840.0.pg.2"},
                      http.url("/alerts?cursor=p2"))},
        {"p2", nws_page({"urn:oid:2.49.0.1.840.0.pg.3"}, "/alerts?cursor=p3")},  // relative
        {"p3", nws_page({"urn:oid:2.49.0.1.840.0.pg.4"}, http.url("/alerts?cursor=p4"))},
        {"p4", nws_page({}, http.url("/alerts?cursor=p5"))},
    };
    if (!pages.count(cursor)) {
      res.status = 404;
      return;
    }
    if (cursor.empty()) res.set_header("ETag", "\"p1\"");
    res.set_content(pages[cursor], "application/geo+json");
  });
  auto seen_ids = [&rig] {
    std::vector<std::string> ids;
    for (const auto& xml : rig.seen) {
      auto b = xml.find("<identifier>") + 12;
      ids.push_back(xml.substr(b, xml.find("</identifier>") - b));
    }
    return ids;
  };
  using Hit = std::pair<std::string, int64_t>;

  SECTION("every page, one at a time behind the host interval, once") {
    PollerOptions options;
    options.first_poll_spread = Duration{0};
    options.min_host_interval = Duration{10'000};
    Poller p(
        {SourceSpec{"nws", find_format("nws-geojson"), http.url("/alerts"), Duration{300'000}}},
        options, rig.store.get(),
        [&rig](const Document& d) {
          rig.seen.push_back(d.xml);
          return Taken::kAccepted;
        },
        rig.clock, [] { return 0.5; });
    for (int second = 0; second <= 60; second += 5) {
      settle(p);
      rig.clock.advance(Duration{5'000});
    }
    CHECK(hits == std::vector<Hit>{{"", 0}, {"p2", 10}, {"p3", 20}, {"p4", 30}});
    CHECK(seen_ids() ==
          std::vector<std::string>{"urn:oid:2.49.0.1.840.0.pg.1", "urn:oid:2.49.0.1.840.0.pg.2",
                                   "urn:oid:2.49.0.1.840.0.pg.3", "urn:oid:2.49.0.1.840.0.pg.4"});
    auto st = rig.store->load_source("nws")->value();
    CHECK(st.alerts_accepted == 4);
    CHECK(st.etag == "\"p1\"");
    CHECK(st.consecutive_failures == 0);
  }
  SECTION("max_pages bounds a poll; a 304 on page 1 reads no other page") {
    config::Section options("source", 1, config::Location{});
    options.set_variant("nws-geojson");
    options.set("max_pages", config::Value{int64_t{2}}, {}, false);
    Poller p(
        {SourceSpec{"nws", find_format("nws-geojson"), http.url("/alerts"), Duration{300'000},
                    &options}},
        ungated(), rig.store.get(),
        [&rig](const Document& d) {
          rig.seen.push_back(d.xml);
          return Taken::kAccepted;
        },
        rig.clock, [] { return 0.5; });
    p.run_once();
    CHECK(hits == std::vector<Hit>{{"", 0}, {"p2", 0}});
    CHECK(seen_ids().size() == 3);
    p.run_once();
    CHECK(hits.size() == 3);  // page 1 again, not modified
    CHECK(seen_ids().size() == 3);
  }
  SECTION("a failed page fails no alert of the others, and the next poll reads them all again") {
    http.server.Get("/broken", [&](const httplib::Request&, httplib::Response& res) {
      res.set_header("ETag", "\"b1\"");
      res.set_content(nws_page({"urn:oid:2.49.0.1.840.0.pg.9"}, http.url("/alerts?cursor=p9")),
                      "application/geo+json");
    });
    Poller p(
        {SourceSpec{"nws", find_format("nws-geojson"), http.url("/broken"), Duration{300'000}}},
        ungated(), rig.store.get(),
        [&rig](const Document& d) {
          rig.seen.push_back(d.xml);
          return Taken::kAccepted;
        },
        rig.clock, [] { return 0.5; });
    p.run_once();
    CHECK(seen_ids() == std::vector<std::string>{"urn:oid:2.49.0.1.840.0.pg.9"});
    auto st = rig.store->load_source("nws")->value();
    CHECK(st.consecutive_failures == 0);
    CHECK(st.etag.empty());  // dropped: the next poll reads page 1 in full, then page 2 again
  }
}

TEST_CASE("a next page on another host is not followed") {
  test::HttpFixture a;
  test::HttpFixture b;
  int b_hits = 0;
  a.server.Get("/alerts", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(nws_page({"urn:oid:2.49.0.1.840.0.pg.1"}, b.url("/alerts?cursor=p2")),
                    "application/geo+json");
  });
  b.server.Get("/alerts", [&](const httplib::Request&, httplib::Response& res) {
    ++b_hits;
    res.set_content(nws_page({"urn:oid:2.49.0.1.840.0.pg.2"}, ""), "application/geo+json");
  });
  Rig rig;
  auto p = rig.poller(a.url("/alerts"), "nws-geojson");
  p.run_once();
  CHECK(rig.seen.size() == 1);
  CHECK(b_hits == 0);
}

TEST_CASE("[ingest] first_poll_spread: read from the configuration, absent means automatic") {
  config::Schema schema{{ingest_section(), source_section()}};
  auto spread = [&](const std::string& toml) {
    auto doc = config::load_string(toml, "capcast.toml", schema);
    REQUIRE(doc.ok());
    return poller_options(*doc).first_poll_spread;
  };
  CHECK(spread("[ingest]\nfirst_poll_spread = \"45s\"\n") == std::optional<Duration>{45'000});
  CHECK(spread("[ingest]\nfirst_poll_spread = \"0s\"\n") == std::optional<Duration>{0});
  CHECK(spread("[ingest]\n") == std::nullopt);
  CHECK_FALSE(
      config::load_string("[ingest]\nfirst_poll_spread = \"soon\"\n", "capcast.toml", schema).ok());
}
