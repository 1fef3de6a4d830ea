#include <catch2/catch.hpp>

#include "capcast/cap/parse.h"
#include "capcast/ingest/fetcher.h"
#include "capcast/ingest/format.h"
#include "support/helpers.h"

using namespace capcast;
using namespace capcast::ingest;

namespace {

Extracted extract_atom(std::string_view body, const std::string& url) {
  Input in;
  in.body = body;
  in.url = url;
  return find_format("cap-atom")->extract(in);
}

}  // namespace

TEST_CASE("the format table has cap and atom") {
  REQUIRE(find_format("cap"));
  REQUIRE(find_format("cap-atom"));
  CHECK_FALSE(find_format("usgs-geojson-not-yet"));
}

TEST_CASE("the demo ATOM feed yields its links, resolved, and its embedded alert") {
  auto feed = test::source_dir() / "samples/feeds/demo.atom";
  std::string url = "file://" + feed.string();
  Extracted ex = extract_atom(test::read_file(feed), url);
  CHECK(ex.problems.empty());
  REQUIRE(ex.links.size() == 19);
  for (const auto& link : ex.links) {
    INFO(link);
    CHECK(link.rfind("file://" + (test::source_dir() / "samples/cap/").string(), 0) == 0);
  }
  REQUIRE(ex.documents.size() == 1);
  auto embedded = cap::parse(ex.documents[0]);
  REQUIRE(embedded.ok());
  CHECK(embedded->alert.identifier == "capcast-demo-2026-0001");
  CHECK(embedded->alert.infos[0].areas[0].polygons.size() == 1);
}

TEST_CASE("the real NWS ATOM index yields one CAP link per entry") {
  auto feed =
      test::source_dir() / "tests/data/feeds/ibm-cap_nws_atom_feed_example_cap11_legacy.xml";
  Extracted ex = extract_atom(test::read_file(feed), "https://alerts.weather.gov/cap/us.php?x=0");
  CHECK(ex.problems.empty());
  CHECK(ex.documents.empty());
  REQUIRE(ex.links.size() == 163);
  CHECK(ex.links[0].rfind("https://alerts.weather.gov/cap/wwacapget.php?x=AK125AB652A170", 0) == 0);
}

TEST_CASE("RSS items with enclosures and prefixed embedded alerts") {
  std::string rss = R"(<rss version="2.0"><channel><title>t</title>
    <item><title>a</title><link>https://example.org/page.html</link>
      <enclosure url="https://example.org/a.cap" type="application/cap+xml" length="1"/></item>
    <item><title>b</title><link>b/alert.xml</link></item>
  </channel></rss>)";
  Extracted ex = extract_atom(rss, "https://example.org/feeds/rss.xml");
  REQUIRE(ex.links.size() == 2);
  CHECK(ex.links[0] == "https://example.org/a.cap");
  CHECK(ex.links[1] == "https://example.org/feeds/b/alert.xml");

  std::string atom = R"(<feed xmlns="http://www.w3.org/2005/Atom"
      xmlns:cap="urn:oasis:names:tc:emergency:cap:1.2"><entry><id>x</id><content type="text/xml">
      <cap:alert><cap:identifier>P-1</cap:identifier><cap:sender>s</cap:sender>
      <cap:sent>2024-01-01T00:00:00-00:00</cap:sent><cap:status>Actual</cap:status>
      <cap:msgType>Alert</cap:msgType><cap:scope>Public</cap:scope></cap:alert>
      </content></entry></feed>)";
  Extracted e2 = extract_atom(atom, "https://example.org/f");
  REQUIRE(e2.documents.size() == 1);
  // The namespace declared on <feed> is carried onto the standalone alert.
  auto parsed = cap::parse(e2.documents[0]);
  REQUIRE(parsed.ok());
  CHECK(parsed->alert.identifier == "P-1");
}

TEST_CASE("unusable feeds and entries are reported, not thrown") {
  Extracted bad = extract_atom("<html><body>oops</body></html>", "https://x/f");
  REQUIRE(bad.problems.size() == 1);
  CHECK(bad.problems[0].find("neither an ATOM <feed>") != std::string::npos);

  Extracted empty_entry =
      extract_atom("<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>1</id></entry></feed>",
                   "https://x/f");
  REQUIRE(empty_entry.problems.size() == 1);
  CHECK(empty_entry.problems[0] ==
        "https://x/f: entry 1: neither an embedded CAP alert nor a link to one");

  Extracted xxe = extract_atom(
      "<!DOCTYPE feed [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><feed>&x;</feed>", "https://x/f");
  REQUIRE(xxe.problems.size() == 1);
  CHECK(xxe.problems[0].find("DOCTYPE is not allowed") != std::string::npos);
}

TEST_CASE("resolve_reference follows RFC 3986") {
  CHECK(resolve_reference("https://a.org/x/feed.xml", "cap/1.xml") == "https://a.org/x/cap/1.xml");
  CHECK(resolve_reference("https://a.org/x/feed.xml", "/y.xml") == "https://a.org/y.xml");
  CHECK(resolve_reference("https://a.org/x/feed.xml", "https://b.org/z") == "https://b.org/z");
  CHECK(resolve_reference("file:///srv/feeds/a.atom", "../cap/b.xml") == "file:///srv/cap/b.xml");
}
