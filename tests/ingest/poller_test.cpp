#include <catch2/catch.hpp>

#include <atomic>
#include <map>

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

struct Rig {
  test::TempDir dir;
  std::unique_ptr<store::Store> store;
  ManualClock clock{from_unix_ms(1'700'000'000'000)};
  std::vector<std::string> seen;
  Taken answer = Taken::kAccepted;

  Rig() { store = std::move(*store::open_sqlite(dir / "capcast.db")); }

  Poller poller(const std::string& url, const std::string& format = "cap-atom") {
    return Poller(
        {SourceSpec{"src", find_format(format), url, Duration{60'000}}}, {}, store.get(),
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
      {}, rig.store.get(),
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
