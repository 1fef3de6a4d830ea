#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "capcast/ingest/host_gate.h"

using namespace capcast;
using namespace capcast::ingest;

namespace {

const TimePoint t0 = from_unix_ms(1'700'000'000'000);

std::vector<std::string> at(HostGate<std::string>& g, int64_t ms) {
  return g.release(t0 + Duration{ms});
}

}  // namespace

TEST_CASE("a host is scheme, host and port, with the default port made explicit") {
  CHECK(host_key("http://Example.ORG/feed?x=1") == "http://example.org:80");
  CHECK(host_key("http://example.org:80/other") == "http://example.org:80");
  CHECK(host_key("https://example.org/feed") == "https://example.org:443");
  CHECK(host_key("http://example.org:8080/feed") == "http://example.org:8080");
  CHECK(host_key("http://user:secret@example.org/feed") == "http://example.org:80");
  CHECK(host_key("file:///var/feeds/a.xml").empty());  // local files are not gated
  CHECK(host_key("not a url").empty());
}

TEST_CASE("two requests to one host start no closer than the interval, other hosts go ahead") {
  HostGate<std::string> g(Duration{1000});
  g.push("http://a:80", 0, "a0");
  g.push("http://a:80", 1, "a1");
  g.push("http://b:80", 2, "b2");
  CHECK(at(g, 0) == std::vector<std::string>{"a0", "b2"});
  CHECK(g.waiting() == 1);
  CHECK(g.next_release() == t0 + Duration{1000});
  CHECK(at(g, 999).empty());
  g.push("http://b:80", 2, "b2'");  // b was used at 0 too
  CHECK(at(g, 999).empty());
  CHECK(at(g, 1000) == std::vector<std::string>{"a1", "b2'"});
  CHECK(g.waiting() == 0);
  CHECK(!g.next_release());
  // A host idle for longer than the interval releases at once.
  g.push("http://a:80", 0, "a0'");
  CHECK(at(g, 5000) == std::vector<std::string>{"a0'"});
}

TEST_CASE("the sources of one host take turns, however many requests one of them queues") {
  HostGate<std::string> g(Duration{1000});
  for (const char* link : {"s0-1", "s0-2", "s0-3"})
    g.push("http://a:80", 0, link);
  g.push("http://a:80", 1, "s1-1");
  g.push("http://a:80", 2, "s2-1");
  std::vector<std::string> order;
  for (int64_t ms = 0; ms < 10'000; ms += 250) {
    for (auto& r : at(g, ms))
      order.push_back(r);
  }
  CHECK(order == std::vector<std::string>{"s0-1", "s1-1", "s2-1", "s0-2", "s0-3"});
}

TEST_CASE("ungated requests (file://, or no interval) are released at once") {
  HostGate<std::string> files(Duration{1000});
  files.push("", 0, "f0");
  files.push("", 1, "f1");
  CHECK(files.next_release() <= t0);
  CHECK(at(files, 0) == std::vector<std::string>{"f0", "f1"});

  HostGate<std::string> none(Duration{0});
  none.push("http://a:80", 0, "a0");
  none.push("http://a:80", 1, "a1");
  CHECK(at(none, 0) == std::vector<std::string>{"a0", "a1"});
}
