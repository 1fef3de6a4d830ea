// The mqtt source of `capcast run` against the real mosquitto started by the peer_mosquitto
// fixture (tests/peers/peerctl): CAP published as is and inside a WIS2 notification arrives in
// the file channel's directory; the same alert twice is stored once; garbage is refused and
// capcast keeps running; a message published while capcast is stopped is received after it
// restarts (persistent session, QoS 1); the broker password never appears in its output. And
// mqtts:// with a client certificate against a TLS mosquitto of the test's own.
#include <httplib.h>
#include <signal.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "support/helpers.h"
#include "support/process.h"
#include "support/tls_broker.h"

using namespace capcast;
using namespace std::chrono_literals;

namespace {

int mosquitto_port() {
  return test::peer_port(CAPCAST_PEERS_DIR, "mosquitto");
}

// The wis2box sample alert with its identifier made unique to this test run.
std::string alert(const std::string& id) {
  std::string xml = test::read_file(test::source_dir() / "tests/data/feeds/mqtt/cap_example.xml");
  const std::string old = "urn:oid:2.49.0.0.690.0.2024.5.19.13.18.0";
  xml.replace(xml.find(old), old.size(), id);
  return xml;
}

std::string base64(const std::string& in) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t v = uint32_t(uint8_t(in[i])) << 16;
    if (i + 1 < in.size()) v |= uint32_t(uint8_t(in[i + 1])) << 8;
    if (i + 2 < in.size()) v |= uint8_t(in[i + 2]);
    out += k[v >> 18];
    out += k[(v >> 12) & 63];
    out += i + 1 < in.size() ? k[(v >> 6) & 63] : '=';
    out += i + 2 < in.size() ? k[v & 63] : '=';
  }
  return out;
}

std::string notification(const std::string& cap) {
  nlohmann::json n = {
      {"id", "0b8e5a7c-1d2f-4c3b-9a8e-7f6d5c4b3a21"},
      {"conformsTo", {"http://wis.wmo.int/spec/wnm/1/conf/core"}},
      {"type", "Feature"},
      {"geometry", nullptr},
      {"properties",
       {{"data_id", "sc-meteo/advisories-warnings/1"},
        {"pubtime", "2024-05-19T13:18:05Z"},
        {"datetime", "2024-05-19T13:18:00Z"},
        {"content", {{"encoding", "base64"}, {"value", base64(cap)}, {"size", cap.size()}}}}},
      {"links", {{{"rel", "canonical"}, {"href", "https://example.org/cap.xml"}}}},
  };
  return n.dump();
}

// mosquitto_pub at QoS 1: it returns once the broker has acknowledged the message.
void publish(int port, const std::string& topic, const test::TempDir& dir,
             const std::string& payload) {
  auto file = dir / "payload";
  test::write_file(file, payload);
  std::string out;
  int rc = test::run({"/usr/bin/mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(port), "-q",
                      "1", "-t", topic, "-f", file.string()},
                     &out);
  INFO(out);
  REQUIRE(rc == 0);
}

// Waits (pumping the child's output) until `done` holds; false after 30 s.
template <typename F>
bool eventually(test::Process& p, F done) {
  for (int i = 0; i < 300; ++i) {
    p.pump();
    if (done()) return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

// The files the channel wrote that hold the alert with this identifier.
int delivered(const std::filesystem::path& out, const std::string& id) {
  int n = 0;
  for (const auto& f : test::written_files(out))
    n += test::read_file(f).find("<identifier>" + id + "</identifier>") != std::string::npos;
  return n;
}

}  // namespace

TEST_CASE("capcast run: an mqtt source receives CAP and WIS2 notifications, survives a restart",
          "[mqtt]") {
  int port = mosquitto_port();
  test::TempDir dir;
  // Unique per run: the fixture's broker outlives this test, and keeps sessions by client id.
  std::string run_id = std::to_string(getpid()) + "-" + std::to_string(std::random_device{}());
  std::string topic = "capcast-test/" + run_id +
                      "/origin/a/wis2/sc-meteo/data/core/weather/"
                      "advisories-warnings";
  test::write_file(dir / "capcast.toml",
                   "[store]\npath = \"capcast.db\"\n[http]\nport = 0\n"
                   "[dispatch]\nsend_expired = true\n"
                   "[[source]]\nname = \"wis2\"\ntype = \"mqtt\"\n"
                   "url = \"mqtt://capcast:s3cret-pass@127.0.0.1:" +
                       std::to_string(port) +
                       "\"\n"
                       "topics = [\"capcast-test/" +
                       run_id +
                       "/origin/a/wis2/+/data/core/weather/#\"]\n"
                       "client_id = \"capcast-it-" +
                       run_id +
                       "\"\n"
                       "[[channel]]\nname = \"files\"\nurl = \"file:out\"\n");
  const auto out = dir / "out";
  std::string first = "urn:oid:2.49.0.0.690.0.it." + run_id + ".1";
  std::string second = "urn:oid:2.49.0.0.690.0.it." + run_id + ".2";
  std::string third = "urn:oid:2.49.0.0.690.0.it." + run_id + ".3";
  std::vector<std::string> cmd = {CAPCAST_BINARY, "run", "--config",
                                  (dir / "capcast.toml").string()};
  {
    test::Process p(cmd);
    auto line = p.wait_for_line("listening on http://127.0.0.1:", 20s);
    INFO(p.output());
    REQUIRE(line);
    int http_port = std::stoi(line->substr(line->rfind(':') + 1));
    REQUIRE(eventually(
        p, [&] { return p.output().find("subscribed to 1 topic") != std::string::npos; }));

    // CAP XML as is.
    publish(port, topic, dir, alert(first));
    CHECK(eventually(p, [&] { return delivered(out, first) == 1; }));

    // The same alert again, now inside a WIS2 notification; then garbage; then a new alert.
    // One publisher and one topic: the broker delivers them in this order (MQTT 3.1.1 §4.6), so
    // once the new alert is out, the two before it have been handled.
    publish(port, topic, dir, notification(alert(first)));
    publish(port, topic, dir, "this is not CAP");
    publish(port, topic, dir, notification(alert(second)));
    CHECK(eventually(p, [&] { return delivered(out, second) == 1; }));
    CHECK(delivered(out, first) == 1);
    INFO(p.output());
    CHECK(p.output().find("/" + topic + ": refused (1 so far): neither CAP XML nor") !=
          std::string::npos);

    httplib::Client c("127.0.0.1", http_port);
    auto status = c.Get("/status.json");
    REQUIRE(status);
    auto j = nlohmann::json::parse(status->body);
    CHECK(j["alerts"] == 2);
    REQUIRE(j["sources"].size() == 1);
    CHECK(j["sources"][0]["name"] == "wis2");
    CHECK(j["sources"][0]["alerts_accepted"] == 2);
    CHECK(j["sources"][0]["consecutive_failures"] == 0);
    auto page = c.Get("/status");
    REQUIRE(page);
    CHECK(page->body.find("mqtt://capcast:***@127.0.0.1:") != std::string::npos);
    CHECK(page->body.find("s3cret-pass") == std::string::npos);

    p.signal(SIGTERM);
    CHECK(p.wait(20s) == 0);
    CHECK(p.output().find("s3cret-pass") == std::string::npos);
  }

  // While capcast is stopped, the broker queues for its session.
  publish(port, topic, dir, alert(third));
  {
    test::Process p(cmd);
    INFO(p.output());
    CHECK(eventually(p, [&] { return delivered(out, third) == 1; }));
    // Logged once the subscriptions are renewed, which may be after the queued message came.
    CHECK(eventually(p, [&] { return p.output().find("(resumed session)") != std::string::npos; }));
    CHECK(delivered(out, first) == 1);
    p.signal(SIGTERM);
    CHECK(p.wait(20s) == 0);
    CHECK(p.output().find("s3cret-pass") == std::string::npos);
  }
}

TEST_CASE("capcast run: an mqtt source whose broker is down fails, counted, and keeps trying",
          "[mqtt]") {
  test::TempDir dir;
  // A port nothing listens on: the broker of the fixture, stopped, would do the same.
  int port = mosquitto_port() == 1 ? 2 : 1;
  test::write_file(dir / "capcast.toml",
                   "[store]\npath = \"capcast.db\"\n[http]\nport = 0\n"
                   "[[source]]\nname = \"wis2\"\ntype = \"mqtt\"\n"
                   "url = \"mqtt://u:s3cret-pass@127.0.0.1:" +
                       std::to_string(port) +
                       "\"\ntopics = [\"a/#\"]\n"
                       "[[channel]]\nname = \"files\"\nurl = \"file:out\"\n");
  test::Process p({CAPCAST_BINARY, "run", "--config", (dir / "capcast.toml").string()});
  auto line = p.wait_for_line("listening on http://127.0.0.1:", 20s);
  INFO(p.output());
  REQUIRE(line);
  CHECK(eventually(
      p, [&] { return p.output().find("2 consecutive failure(s)") != std::string::npos; }));
  int http_port = std::stoi(line->substr(line->rfind(':') + 1));
  httplib::Client c("127.0.0.1", http_port);
  auto status = c.Get("/status.json");
  REQUIRE(status);
  auto j = nlohmann::json::parse(status->body);
  REQUIRE(j["sources"].size() == 1);
  CHECK(j["sources"][0]["consecutive_failures"] >= 2);
  CHECK(j["sources"][0]["last_error"].get<std::string>().find("cannot connect") !=
        std::string::npos);
  p.signal(SIGTERM);
  CHECK(p.wait(20s) == 0);
  CHECK(p.output().find("s3cret-pass") == std::string::npos);
}

TEST_CASE(
    "capcast run: an mqtts source with a client certificate, and without one it never connects",
    "[mqtt]") {
  // A broker of this test's own: TLS requiring a client certificate (capcast), plain (the
  // test's publisher). The TLS files are given relative to the configuration's folder.
  test::TlsMosquitto broker;
  test::TempDir dir;
  std::filesystem::create_directories(dir / "tls");
  for (const char* f : {"ca.crt", "client.crt", "client.key"})
    std::filesystem::copy_file(broker.file(f), dir / "tls" / f);
  std::string run_id = std::to_string(getpid()) + "-" + std::to_string(std::random_device{}());
  std::string topic = "capcast-test/" + run_id + "/tls";
  auto config = [&](const std::string& client_files) {
    return "[store]\npath = \"capcast.db\"\n[http]\nport = 0\n[dispatch]\nsend_expired = true\n"
           "[[source]]\nname = \"tls\"\ntype = \"mqtt\"\nurl = \"mqtts://127.0.0.1:" +
           std::to_string(broker.tls_port()) + "\"\ntopics = [\"" + topic +
           "/#\"]\nclient_id = \"capcast-tls-" + run_id + "\"\nca_bundle = \"tls/ca.crt\"\n" +
           client_files + "[[channel]]\nname = \"files\"\nurl = \"file:out\"\n";
  };
  test::write_file(dir / "capcast.toml",
                   config("cert_file = \"tls/client.crt\"\nkey_file = \"tls/client.key\"\n"));
  std::string id = "urn:oid:2.49.0.0.690.0.tls." + run_id;
  {
    test::Process p({CAPCAST_BINARY, "run", "--config", (dir / "capcast.toml").string()});
    INFO(p.output());
    REQUIRE(eventually(
        p, [&] { return p.output().find("subscribed to 1 topic") != std::string::npos; }));
    CHECK(p.output().find("connected to mqtts://127.0.0.1:" + std::to_string(broker.tls_port())) !=
          std::string::npos);
    publish(broker.plain_port(), topic + "/a", dir, alert(id));
    bool got = eventually(p, [&] { return delivered(dir / "out", id) == 1; });
    INFO(p.output());
    CHECK(got);
    p.signal(SIGTERM);
    CHECK(p.wait(20s) == 0);
  }
  // No client certificate: the broker ends the TLS handshake; the source fails, counted, and
  // keeps trying; nothing is received.
  test::write_file(dir / "capcast.toml", config(""));
  test::Process p({CAPCAST_BINARY, "run", "--config", (dir / "capcast.toml").string()});
  auto line = p.wait_for_line("listening on http://127.0.0.1:", 20s);
  INFO(p.output());
  REQUIRE(line);
  CHECK(eventually(
      p, [&] { return p.output().find("2 consecutive failure(s)") != std::string::npos; }));
  CHECK(p.output().find("subscribed to") == std::string::npos);
  httplib::Client c("127.0.0.1", std::stoi(line->substr(line->rfind(':') + 1)));
  auto status = c.Get("/status.json");
  REQUIRE(status);
  auto j = nlohmann::json::parse(status->body);
  REQUIRE(j["sources"].size() == 1);
  CHECK(j["sources"][0]["consecutive_failures"] >= 2);
  CHECK(j["sources"][0]["last_error"].get<std::string>().find("cannot connect") !=
        std::string::npos);
  p.signal(SIGTERM);
  CHECK(p.wait(20s) == 0);
}

TEST_CASE("capcast run: a linked CAP that cannot be fetched at first is fetched again", "[mqtt]") {
  int port = mosquitto_port();
  test::TempDir dir;
  std::string run_id = std::to_string(getpid()) + "-" + std::to_string(std::random_device{}());
  std::string topic = "capcast-test/" + run_id + "/linked";
  const std::string id = "urn:oid:2.49.0.0.690.0.linked." + run_id;
  // The server the notification links to: down (503) for its first two requests.
  httplib::Server server;
  std::atomic<int> requests{0};
  const std::string cap = alert(id);
  server.Get("/cap.xml", [&](const httplib::Request&, httplib::Response& res) {
    if (++requests <= 2) {
      res.status = 503;
      res.set_content("busy", "text/plain");
      return;
    }
    res.set_content(cap, "application/cap+xml");
  });
  const int http = server.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { server.listen_after_bind(); });
  test::write_file(dir / "capcast.toml",
                   "[store]\npath = \"capcast.db\"\n[http]\nport = 0\n[dispatch]\n"
                   "send_expired = true\n[[source]]\nname = \"linked\"\ntype = \"mqtt\"\n"
                   "url = \"mqtt://127.0.0.1:" +
                       std::to_string(port) + "\"\ntopics = [\"" + topic +
                       "\"]\nclient_id = \"capcast-linked-" + run_id +
                       "\"\n[[channel]]\nname = \"files\"\nurl = \"file:out\"\n");
  {
    test::Process p({CAPCAST_BINARY, "run", "--config", (dir / "capcast.toml").string()});
    INFO(p.output());
    REQUIRE(eventually(
        p, [&] { return p.output().find("subscribed to 1 topic") != std::string::npos; }));
    nlohmann::json n = nlohmann::json::parse(notification(cap));
    n["properties"].erase("content");
    n["links"][0]["href"] = "http://127.0.0.1:" + std::to_string(http) + "/cap.xml";
    n["links"][0]["type"] = "application/cap+xml";
    publish(port, topic, dir, n.dump());
    bool got = eventually(p, [&] { return delivered(dir / "out", id) == 1; });
    INFO(p.output());
    CHECK(got);
    CHECK(requests.load() == 3);
    CHECK(p.output().find("(attempt 2 of 8; again in") != std::string::npos);
    p.signal(SIGTERM);
    CHECK(p.wait(20s) == 0);
  }
  server.stop();
  serving.join();
}
