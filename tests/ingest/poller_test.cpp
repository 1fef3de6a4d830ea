#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <mutex>

#include "capcast/ingest/poller.h"
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
PollerOptions ungated() {
  PollerOptions o;
  o.min_host_interval = Duration{0};
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

TEST_CASE("first polls can be spread over the interval") {
  test::HttpFixture http;
  std::atomic<int> hits{0};
  http.server.Get("/feed", [&](const httplib::Request&, httplib::Response& res) {
    ++hits;
    res.set_content("<feed xmlns=\"http://www.w3.org/2005/Atom\"></feed>", "application/atom+xml");
  });
  Rig rig;
  PollerOptions options = ungated();
  options.first_poll_spread = Duration{60'000};
  Poller p(
      {SourceSpec{"s", find_format("cap-atom"), http.url("/feed"), Duration{20'000}}}, options,
      rig.store.get(), [](const Document&) { return Taken::kAccepted; }, rig.clock,
      [] { return 0.5; });
  settle(p);
  CHECK(hits == 0);  // put off by 0.5 x min(spread, interval) = 10 s
  rig.clock.advance(Duration{9'999});
  settle(p);
  CHECK(hits == 0);
  rig.clock.advance(Duration{1});
  settle(p);
  CHECK(hits == 1);
}
