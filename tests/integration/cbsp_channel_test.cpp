// The CBSP channel (dispatch/channels/cbs/cbsp_channel.h) against BSCs played by
// tests/peers/bsc_peer (libosmocore's CBSP codec, independent of ours), one per test case on a
// free port of 127.0.0.1: write, replace, kill, cells refused for permanent and transient
// causes, a BSC that drops the link and restarts (capcast writes its active messages again),
// and a BSC that is not there. The Planner is a hand-made one: the broadcasts are the test's.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "capcast/store/store.h"
#include "cbs/cbsp/codec.h"
#include "cbs/cbsp_channel.h"
#include "support/helpers.h"
#include "support/process.h"

using namespace capcast;
using namespace capcast::dispatch;
using namespace capcast::dispatch::cbs;
using namespace std::chrono_literals;

namespace {

// A BSC on a free port; its log holds one JSON line per PDU it received.
class Bsc {
 public:
  explicit Bsc(std::vector<std::string> args) : port_(test::free_port()) {
    std::vector<std::string> argv = {CAPCAST_BSC_PEER, "--port", std::to_string(port_), "--log",
                                     (dir_ / "bsc.log").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    proc_ = std::make_unique<test::Process>(argv);
    REQUIRE(proc_->wait_for_line("listening", 10s));
  }
  int port() const { return port_; }
  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    std::ifstream in(dir_ / "bsc.log");
    for (std::string l; std::getline(in, l);)
      out.push_back(l);
    return out;
  }
  // The lines containing every needle; waits (bounded) until there are at least `n`.
  std::vector<std::string> wait_for(std::vector<std::string> needles, size_t n = 1) const {
    std::vector<std::string> hits;
    for (int i = 0; i < 500; ++i) {
      hits.clear();
      for (const auto& l : lines()) {
        bool all = true;
        for (const auto& s : needles)
          all = all && l.find(s) != std::string::npos;
        if (all) hits.push_back(l);
      }
      if (hits.size() >= n) break;
      std::this_thread::sleep_for(20ms);
    }
    return hits;
  }

 private:
  test::TempDir dir_;
  int port_;
  std::unique_ptr<test::Process> proc_;
};

CbspOptions options_for(const std::vector<int>& ports) {
  CbspOptions o;
  for (int p : ports)
    o.peers.push_back(CbspPeer{"bsc" + std::to_string(p), "127.0.0.1", p});
  o.keep_alive = 0ms;
  o.response_timeout = 3000ms;
  o.connect_timeout = 1000ms;
  o.backoff_min = 50ms;
  o.backoff_max = 200ms;
  return o;
}

CellId cell(uint32_t lac, uint32_t ci) {
  return CellId{262, 1, false, lac, ci};
}

Broadcast write_of(uint16_t code) {
  Broadcast b;
  b.operation = Operation::kWrite;
  b.message_id = 4370;
  b.serial = Serial{GeoScope::kPlmn, code, 0};
  b.dcs = 0x01;
  b.pages = {Bytes(kPageOctets, 0x0D)};
  b.page_used = {10};
  b.cells = {cell(1, 10), cell(2, 20)};
  b.repetition_seconds = 60;  // 32 units of 1.883 s
  return b;
}

// The channel with a Planner that returns `plan` and a sink that keeps the reports.
struct Fixture {
  std::mutex mu;
  std::vector<Broadcast> plan;
  std::vector<CellReport> reports;
  std::unique_ptr<CbspChannel> channel;

  explicit Fixture(CbspOptions o) {
    channel = std::make_unique<CbspChannel>(
        std::move(o),
        [this](const Message&) -> Result<std::vector<Broadcast>> {
          std::lock_guard lock(mu);
          return plan;
        },
        [this](const CellReport& r) {
          std::lock_guard lock(mu);
          reports.push_back(r);
        });
  }
  void wait_ready() {
    for (int i = 0; i < 500 && !channel->ready(); ++i)
      std::this_thread::sleep_for(10ms);
    REQUIRE(channel->ready());
  }
  Outcome send(std::vector<Broadcast> p) {
    {
      std::lock_guard lock(mu);
      plan = std::move(p);
    }
    Message m;
    m.identifier = "test";
    return channel->deliver(m);
  }
  std::vector<CellReport> reports_now() {
    std::lock_guard lock(mu);
    return reports;
  }
};

std::string describe(const Outcome& o) {
  if (std::holds_alternative<Delivered>(o)) return "Delivered";
  if (auto* r = std::get_if<RetryLater>(&o)) return "RetryLater: " + r->reason;
  return "Rejected: " + std::get<Rejected>(o).reason;
}

}  // namespace

TEST_CASE("CBSP channel: write, replace and kill reach the BSC as libosmocore reads them") {
  Bsc bsc({});
  auto o = options_for({bsc.port()});
  o.keep_alive = 200ms;
  Fixture f(o);
  f.wait_ready();

  const Broadcast w = write_of(291);  // serial 0x5230
  Outcome out = f.send({w});
  INFO(describe(out));
  CHECK(std::holds_alternative<Delivered>(out));
  auto lines =
      bsc.wait_for({"\"type\":\"WRITE-REPLACE\"", "\"msg_id\":4370", "\"new_serial\":21040"});
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].find("\"rep_period\":32") != std::string::npos);
  CHECK(lines[0].find("\"pages\":1") != std::string::npos);
  CHECK(lines[0].find("\"page1_used\":10") != std::string::npos);
  CHECK(lines[0].find("{\"discr\":0,\"mcc\":262,\"mnc\":1,\"lac\":2,\"ci\":20}") !=
        std::string::npos);
  CHECK(lines[0].find("old_serial") == std::string::npos);

  Broadcast r = w;
  r.operation = Operation::kReplace;
  r.old_serial = w.serial;
  r.serial.update_number = 1;  // 0x5231
  out = f.send({r});
  INFO(describe(out));
  CHECK(std::holds_alternative<Delivered>(out));
  lines =
      bsc.wait_for({"\"type\":\"WRITE-REPLACE\"", "\"new_serial\":21041", "\"old_serial\":21040"});
  CHECK(lines.size() == 1);

  Broadcast k = r;
  k.operation = Operation::kKill;
  k.old_serial = r.serial;
  out = f.send({k});
  INFO(describe(out));
  CHECK(std::holds_alternative<Delivered>(out));
  lines = bsc.wait_for({"\"type\":\"KILL\"", "\"old_serial\":21041"});
  CHECK(lines.size() == 1);

  // KEEP-ALIVE every 200 ms, its period in the IE (1 s: the least the IE says).
  CHECK(bsc.wait_for({"\"type\":\"KEEP-ALIVE\"", "\"keep_alive_s\":1"}, 2).size() >= 2);
  const auto reports = f.reports_now();
  size_t ok = 0;
  for (const auto& rep : reports)
    ok += rep.ok ? 1 : 0;
  CHECK(ok >= 6);  // two cells for each of write, replace, kill
}

TEST_CASE("CBSP channel: cells the BSC refuses") {
  SECTION("one cell refused for good: delivered, the cell reported with its cause") {
    Bsc bsc({"--fail", "2:20:3"});  // cell-identity-not-valid
    Fixture f(options_for({bsc.port()}));
    f.wait_ready();
    const Outcome out = f.send({write_of(5)});
    INFO(describe(out));
    CHECK(std::holds_alternative<Delivered>(out));
    bool refused = false, carried = false;
    for (const auto& r : f.reports_now()) {
      if (r.cell && r.cell->ci == 20 && !r.ok && r.cause == cbsp::cause::kCellIdentityNotValid)
        refused = true;
      if (r.cell && r.cell->ci == 10 && r.ok) carried = true;
    }
    CHECK(refused);
    CHECK(carried);
  }
  SECTION("every cell refused for good: rejected") {
    Bsc bsc({"--fail-all", "9"});  // cell-broadcast-not-supported
    Fixture f(options_for({bsc.port()}));
    f.wait_ready();
    const Outcome out = f.send({write_of(6)});
    INFO(describe(out));
    REQUIRE(std::holds_alternative<Rejected>(out));
    CHECK(std::get<Rejected>(out).reason.find("cell-broadcast-not-supported") != std::string::npos);
  }
  SECTION("a transient cause: retry later") {
    Bsc bsc({"--fail", "1:10:7"});  // cell-memory-exceeded
    Fixture f(options_for({bsc.port()}));
    f.wait_ready();
    const Outcome out = f.send({write_of(7)});
    INFO(describe(out));
    REQUIRE(std::holds_alternative<RetryLater>(out));
    CHECK(std::get<RetryLater>(out).reason.find("cell-memory-exceeded") != std::string::npos);
  }
  SECTION("a cell one BSC refuses and another carries is done") {
    Bsc a({"--fail-all", "3"}), b({});
    Fixture f(options_for({a.port(), b.port()}));
    f.wait_ready();
    for (int i = 0;
         i < 500 && f.channel->link_stats()[0].connects + f.channel->link_stats()[1].connects < 2;
         ++i)
      std::this_thread::sleep_for(10ms);
    const Outcome out = f.send({write_of(8)});
    INFO(describe(out));
    CHECK(std::holds_alternative<Delivered>(out));
  }
}

TEST_CASE("CBSP channel: a BSC that drops the link and restarts gets the active messages again") {
  // The first connection is dropped when its 2nd PDU arrives (unanswered); on the next one the
  // BSC says RESTART (data lost).
  Bsc bsc({"--drop-after", "2", "--restart"});
  Fixture f(options_for({bsc.port()}));
  f.wait_ready();
  const Broadcast a = write_of(100);  // 0x4640 = 17984
  Outcome out = f.send({a});
  INFO(describe(out));
  CHECK(std::holds_alternative<Delivered>(out));

  out = f.send({write_of(101)});  // dropped: the link is lost before an answer
  INFO(describe(out));
  CHECK(std::holds_alternative<RetryLater>(out));
  REQUIRE(bsc.wait_for({"\"event\":\"drop\""}).size() == 1);

  // Reconnected; the RESTART makes capcast write message A again (serial 17984), without Old
  // Serial Number; B was never acknowledged, so it is the engine's to retry, not re-sent here.
  REQUIRE(bsc.wait_for({"\"event\":\"connect\",\"n\":2"}).size() == 1);
  const auto again = bsc.wait_for({"\"type\":\"WRITE-REPLACE\"", "\"new_serial\":17984"}, 2);
  CHECK(again.size() >= 2);
  CHECK(bsc.wait_for({"\"new_serial\":18000"}).size() == 1);  // B only once, on the 1st link
  for (int i = 0; i < 500 && f.channel->link_stats()[0].restarts < 1; ++i)
    std::this_thread::sleep_for(10ms);
  const auto s = f.channel->link_stats().at(0);
  CHECK(s.restarts == 1);
  CHECK(s.resent >= 1);
  CHECK(s.connection_losses >= 1);

  // And B, retried by the engine, goes through on the new link.
  out = f.send({write_of(101)});
  INFO(describe(out));
  CHECK(std::holds_alternative<Delivered>(out));
}

TEST_CASE("CBSP channel: RESTART on a live link: the active messages are written again") {
  Bsc bsc({"--restart-after", "1"});
  Fixture f(options_for({bsc.port()}));
  f.wait_ready();
  const Broadcast a = write_of(200);  // 0x4C80 = 19584
  CHECK(std::holds_alternative<Delivered>(f.send({a})));
  REQUIRE(bsc.wait_for({"\"event\":\"restart\""}).size() == 1);
  CHECK(bsc.wait_for({"\"type\":\"WRITE-REPLACE\"", "\"new_serial\":19584"}, 2).size() == 2);
  for (int i = 0; i < 500 && f.channel->link_stats()[0].restarts < 1; ++i)
    std::this_thread::sleep_for(10ms);
  const auto s = f.channel->link_stats().at(0);
  CHECK(s.restarts == 1);
  CHECK(s.connection_losses == 0);
  CHECK(s.resent >= 1);
}

TEST_CASE("CBSP channel: no BSC listening: not ready, retry later") {
  const int port = test::free_port();
  Fixture f(options_for({port}));
  CHECK_FALSE(f.channel->ready());
  const Outcome out = f.send({write_of(9)});
  INFO(describe(out));
  REQUIRE(std::holds_alternative<RetryLater>(out));
  CHECK(std::get<RetryLater>(out).reason.find("down") != std::string::npos);
}

TEST_CASE("CBSP channel: a BSC that does not answer: the request times out, retry later") {
  Bsc bsc({"--silent-after", "1"});
  auto o = options_for({bsc.port()});
  o.response_timeout = 300ms;
  Fixture f(o);
  f.wait_ready();
  const Outcome out = f.send({write_of(10)});
  INFO(describe(out));
  REQUIRE(std::holds_alternative<RetryLater>(out));
  CHECK(std::get<RetryLater>(out).reason.find("no CBSP response") != std::string::npos);
  CHECK(f.channel->link_stats().at(0).timeouts == 1);
}

TEST_CASE("CBSP channel options from the URL and peers") {
  auto o = cbsp_options("cbsp://bsc1.example", {"bsc2.example:4000", "cbsp://10.0.0.3:48050"});
  REQUIRE(o.ok());
  REQUIRE(o->peers.size() == 3);
  CHECK(o->peers[0].port == 48049);
  CHECK(o->peers[1].host == "bsc2.example");
  CHECK(o->peers[1].port == 4000);
  CHECK(o->peers[2].port == 48050);
  CHECK_FALSE(cbsp_options("http://x", {}).ok());
  CHECK_FALSE(cbsp_options("cbsp://x", {"cbsp://"}).ok());
}

// `capcast send` as an operator runs it: a cbsp:// channel with a cell inventory, CAP Alert,
// Update and Cancel in one store. The alert's circle reaches two of three cells; the BSC refuses
// one of them (cell identity not valid, permanent): delivered, and the store says which cell.
TEST_CASE(
    "capcast send over cbsp: the alert's cells, serials across Update and Cancel, cell states") {
  Bsc bsc({"--fail", "100:2:3"});
  test::TempDir dir;
  test::write_file(dir / "cells.csv",
                   "name,mcc,mnc,lac,ci,lat,lon,radius_km\n"
                   "in-1,204,08,100,1,52.0,4.3,2\n"
                   "in-2,204,08,100,2,52.05,4.35,2\n"
                   "far,204,08,100,3,53.0,6.0,1\n");
  test::write_file(dir / "c.toml", "[[channel]]\nname = \"bsc\"\nurl = \"cbsp://127.0.0.1:" +
                                       std::to_string(bsc.port()) +
                                       "\"\ncells = \"cells.csv\"\nprofile = \"eu-alert\"\n"
                                       "keep_alive = \"0s\"\nmax_attempts = 3\n");
  auto alert = [](const std::string& id, const std::string& type, const std::string& refs) {
    std::string x =
        "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>" + id +
        "</identifier><sender>met@example.org</sender><sent>2030-01-01T00:00:00-00:00</sent>"
        "<status>Actual</status><msgType>" +
        type + "</msgType><scope>Public</scope>";
    if (!refs.empty()) x += "<references>" + refs + "</references>";
    if (type != "Cancel") {
      x += "<info><language>nl</language><category>Met</category><event>Overstroming</event>"
           "<urgency>Immediate</urgency><severity>Severe</severity><certainty>Observed"
           "</certainty><expires>2099-01-01T00:00:00-00:00</expires><headline>Overstroming" +
           std::string(type == "Update" ? " verlengd" : "") +
           "</headline><area><areaDesc>Delft</areaDesc><circle>52.0,4.3 10</circle></area>"
           "</info>";
    }
    return x + "</alert>";
  };
  const std::string ref = "met@example.org,A-1,2030-01-01T00:00:00-00:00";
  test::write_file(dir / "a.xml", alert("A-1", "Alert", ""));
  test::write_file(dir / "u.xml", alert("A-2", "Update", ref));
  test::write_file(dir / "x.xml", alert("A-3", "Cancel", ref));
  auto send = [&](const char* file) {
    std::string out;
    int rc = test::run({CAPCAST_BINARY, "send", "--config", (dir / "c.toml").string(), "--store",
                        (dir / "s.db").string(), (dir / file).string()},
                       &out);
    INFO(out);
    CHECK(rc == 0);
  };
  send("a.xml");
  // 4375: Severe/Immediate/Observed; serial: PLMN-wide, message code 0, update 0 = 0x4000.
  auto w = bsc.wait_for({"\"type\":\"WRITE-REPLACE\"", "\"msg_id\":4375", "\"new_serial\":16384"});
  REQUIRE(w.size() == 1);
  CHECK(w[0].find("\"dcs\":5") != std::string::npos);  // Dutch, GSM 7-bit (TS 23.038 §5)
  CHECK(w[0].find("\"lac\":100,\"ci\":1}") != std::string::npos);
  CHECK(w[0].find("\"lac\":100,\"ci\":2}") != std::string::npos);
  CHECK(w[0].find("\"ci\":3}") == std::string::npos);  // far: not in the circle
  {
    auto st = store::open_sqlite(dir / "s.db");
    REQUIRE(st.ok());
    auto cells = (*st)->cbs_cells("bsc", 4375, 16384);
    REQUIRE(cells.ok());
    std::map<std::string, bool> ok;
    for (const auto& c : *cells)
      ok[c.cell] = c.ok;
    CHECK(ok["204-08-100-1"]);
    REQUIRE(ok.count("204-08-100-2"));
    CHECK_FALSE(ok["204-08-100-2"]);
  }
  send("u.xml");
  CHECK(bsc.wait_for({"\"type\":\"WRITE-REPLACE\"", "\"new_serial\":16385", "\"old_serial\":16384"})
            .size() == 1);
  send("x.xml");
  CHECK(bsc.wait_for({"\"type\":\"KILL\"", "\"msg_id\":4375", "\"old_serial\":16385"}).size() == 1);
}
