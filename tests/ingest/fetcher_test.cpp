#include <catch2/catch.hpp>

#include <optional>
#include <thread>

#include "capcast/ingest/fetcher.h"
#include "http_fixture.h"
#include "support/helpers.h"

using namespace capcast;
using namespace capcast::ingest;

namespace {

FetchResponse fetch(Fetcher& f, const FetchRequest& req) {
  std::optional<FetchResponse> got;
  f.submit(req, [&](FetchResponse r) { got = std::move(r); });
  for (int i = 0; i < 200 && !got; ++i)
    f.poll(Duration{50});
  REQUIRE(got);
  return *got;
}

}  // namespace

TEST_CASE("file:// URLs are read through libcurl") {
  test::TempDir dir;
  test::write_file(dir / "a.xml", "<alert/>");
  Fetcher f({});
  auto r = fetch(f, {"file://" + (dir / "a.xml").string(), "", ""});
  REQUIRE(r.status.ok());
  CHECK(r.body == "<alert/>");
  auto missing = fetch(f, {"file://" + (dir / "nope.xml").string(), "", ""});
  CHECK_FALSE(missing.status.ok());
  CHECK(missing.status.code() == Code::kUnavailable);
}

TEST_CASE("conditional GET: validators are sent, and 304 is not-modified") {
  test::HttpFixture http;
  std::string seen_ua, seen_inm, seen_ims;
  http.server.Get("/feed", [&](const httplib::Request& req, httplib::Response& res) {
    seen_ua = req.get_header_value("User-Agent");
    seen_inm = req.get_header_value("If-None-Match");
    seen_ims = req.get_header_value("If-Modified-Since");
    if (seen_inm == "\"v1\"") {
      res.status = 304;
      return;
    }
    res.set_header("ETag", "\"v1\"");
    res.set_header("Last-Modified", "Wed, 15 Aug 2018 22:57:00 GMT");
    res.set_content("<feed/>", "application/atom+xml");
  });
  FetchOptions o;
  o.user_agent = "capcast/test (ops@example.org)";
  Fetcher f(o);
  auto first = fetch(f, {http.url("/feed"), "", ""});
  REQUIRE(first.status.ok());
  CHECK(first.http_status == 200);
  CHECK(first.etag == "\"v1\"");
  CHECK(first.last_modified == "Wed, 15 Aug 2018 22:57:00 GMT");
  CHECK(seen_ua == "capcast/test (ops@example.org)");
  CHECK(seen_inm.empty());

  auto second = fetch(f, {http.url("/feed"), first.etag, first.last_modified});
  REQUIRE(second.status.ok());
  CHECK(second.not_modified);
  CHECK(seen_inm == "\"v1\"");
  CHECK(seen_ims == "Wed, 15 Aug 2018 22:57:00 GMT");
}

TEST_CASE("HTTP errors are classified, Retry-After is read") {
  test::HttpFixture http;
  http.server.Get("/busy", [](const httplib::Request&, httplib::Response& res) {
    res.status = 503;
    res.set_header("Retry-After", "120");
  });
  http.server.Get("/gone",
                  [](const httplib::Request&, httplib::Response& res) { res.status = 404; });
  Fetcher f({});
  auto busy = fetch(f, {http.url("/busy"), "", ""});
  CHECK(busy.status.code() == Code::kUnavailable);
  CHECK(busy.retry_after == Duration{120'000});
  auto gone = fetch(f, {http.url("/gone"), "", ""});
  CHECK(gone.status.code() == Code::kInvalidArgument);
  CHECK(gone.status.message() == "HTTP status 404");
}

TEST_CASE("redirects are followed, responses over the size limit refused") {
  test::HttpFixture http;
  http.server.Get(
      "/old", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/new"); });
  http.server.Get("/new", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(5000, 'x'), "text/plain");
  });
  FetchOptions o;
  o.max_bytes = 1000;
  Fetcher small(o);
  auto r = fetch(small, {http.url("/old"), "", ""});
  CHECK_FALSE(r.status.ok());
  CHECK(r.status.message() == "response larger than 1000 bytes");
  Fetcher f({});
  auto ok = fetch(f, {http.url("/old"), "", ""});
  REQUIRE(ok.status.ok());
  CHECK(ok.body.size() == 5000);
  CHECK(ok.effective_url == http.url("/new"));
}

TEST_CASE("a refused connection is a transient error") {
  Fetcher f({});
  // Port 1 on loopback: nothing listens there in a test environment.
  auto r = fetch(f, {"http://127.0.0.1:1/feed", "", ""});
  CHECK(r.status.code() == Code::kUnavailable);
}

TEST_CASE("a stalled server times out as a transient error") {
  test::HttpFixture http;
  http.server.Get("/stall", [](const httplib::Request&, httplib::Response& res) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    res.set_content("late", "text/plain");
  });
  FetchOptions o;
  o.timeout = Duration{300};
  Fetcher f(o);
  auto r = fetch(f, {http.url("/stall"), "", ""});
  CHECK(r.status.code() == Code::kUnavailable);
  CHECK(r.status.message().find("timed out") != std::string::npos);
}

TEST_CASE("a truncated body is an error, never a partial document") {
  test::HttpFixture http;
  http.server.Get("/truncated", [](const httplib::Request&, httplib::Response& res) {
    // Announces 1000 bytes, sends 10, then drops the connection.
    res.set_content_provider(1000, "application/atom+xml",
                             [](size_t offset, size_t, httplib::DataSink& sink) {
                               if (offset > 0) return false;
                               sink.write("<feed xmln", 10);
                               return true;
                             });
  });
  Fetcher f({});
  auto r = fetch(f, {http.url("/truncated"), "", ""});
  CHECK_FALSE(r.status.ok());
}

TEST_CASE("a 50 MB body is refused at the size limit without being kept") {
  test::HttpFixture http;
  const size_t total = 50u * 1024 * 1024;
  http.server.Get("/huge", [total](const httplib::Request&, httplib::Response& res) {
    res.set_content_provider(total, "application/xml",
                             [](size_t offset, size_t length, httplib::DataSink& sink) {
                               static const std::string chunk(64 * 1024, 'x');
                               size_t n = std::min(length, chunk.size());
                               (void)offset;
                               return sink.write(chunk.data(), n);
                             });
  });
  FetchOptions o;
  o.max_bytes = 1024 * 1024;
  Fetcher f(o);
  auto r = fetch(f, {http.url("/huge"), "", ""});
  CHECK(r.status.message() == "response larger than 1048576 bytes");
  CHECK(r.body.size() <= o.max_bytes);
}

TEST_CASE("429 with Retry-After is transient and its delay is read") {
  test::HttpFixture http;
  http.server.Get("/throttled", [](const httplib::Request&, httplib::Response& res) {
    res.status = 429;
    res.set_header("Retry-After", "30");
  });
  Fetcher f({});
  auto r = fetch(f, {http.url("/throttled"), "", ""});
  CHECK(r.status.code() == Code::kUnavailable);
  CHECK(r.http_status == 429);
  CHECK(r.retry_after == Duration{30'000});
}
