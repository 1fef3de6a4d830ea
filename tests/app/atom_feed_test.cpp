#include <catch2/catch.hpp>
#include <pugixml.hpp>

#include "atom_feed.h"

using namespace capcast;

TEST_CASE("the ATOM feed has one entry per alert linking to its CAP XML, escaped") {
  store::AlertRow a;
  a.id = 3;
  a.sender = "met@example.org";
  a.identifier = "W-1";
  a.sent_ms = 1'700'000'000'000;
  a.received_ms = 1'700'000'100'000;
  a.status = "Actual";
  a.msg_type = "Alert";
  a.title = "Flood <warning> & \"advice\"";
  store::AlertRow b = a;
  b.id = 4;
  b.title = "second";
  std::string xml = app::render_atom({a, b}, {"My feed", "http://127.0.0.1:9", 0});
  pugi::xml_document doc;
  REQUIRE(doc.load_string(xml.c_str()));
  auto feed = doc.child("feed");
  CHECK(std::string(feed.attribute("xmlns").value()) == "http://www.w3.org/2005/Atom");
  CHECK(std::string(feed.child_value("title")) == "My feed");
  CHECK(std::string(feed.child_value("updated")) == "2023-11-14T22:15:00Z");
  int n = 0;
  for (auto e : feed.children("entry")) {
    ++n;
    auto link = e.child("link");
    CHECK(std::string(link.attribute("type").value()) == "application/cap+xml");
    if (n == 1) {
      CHECK(std::string(link.attribute("href").value()) == "http://127.0.0.1:9/alerts/3.xml");
      CHECK(std::string(e.child_value("title")) == "Flood <warning> & \"advice\"");
      CHECK(std::string(e.child_value("updated")) == "2023-11-14T22:13:20Z");
    }
  }
  CHECK(n == 2);
}

TEST_CASE("an empty feed is still a valid feed") {
  std::string xml = app::render_atom({}, {"t", "http://h", 0});
  pugi::xml_document doc;
  REQUIRE(doc.load_string(xml.c_str()));
  CHECK(doc.child("feed").child("entry").empty());
  CHECK(std::string(doc.child("feed").child_value("updated")) == "1970-01-01T00:00:00Z");
}
