// The SMPP channel against a real SMSC: the npm `smpp` package (farhadi/node-smpp) running
// tests/peers/smsc.js, one of its own per test case (started here on free ports, stopped at
// the end), so that each test steers its SMSC's throttling, drops and delays without disturbing
// the others. The SMSC reports what it received byte for byte (GET /messages); the bytes are
// checked here against the text independently of capcast's encoder. A raw-socket peer, also
// here, sends what node-smpp never would: unknown commands and malformed PDUs.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <httplib.h>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "capcast/config/config.h"
#include "capcast/dispatch/engine.h"
#include "capcast/dispatch/registry.h"
#include "capcast/store/store.h"
#include "support/helpers.h"
#include "support/process.h"

using namespace capcast;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

// tests/peers/smsc.js on free ports, for one test case.
class Smsc {
 public:
  Smsc() : port_(test::free_port()), http_port_(test::free_port()) {
    proc_ = std::make_unique<test::Process>(std::vector<std::string>{
        test::on_path("node"), (test::source_dir() / "tests" / "peers" / "smsc.js").string(),
        std::to_string(port_), std::to_string(http_port_)});
    auto end = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < end) {
      if (client().Get("/stats")) return;
      std::this_thread::sleep_for(50ms);
    }
    FAIL("the SMSC peer did not start: " << proc_->output());
  }
  int port() const { return port_; }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", http_port_);
    c.set_read_timeout(30, 0);
    return c;
  }
  void config(const json& knobs) {
    auto r = client().Post("/config", knobs.dump(), "application/json");
    REQUIRE(r);
    REQUIRE(r->status == 200);
  }
  json get(const std::string& path) {
    auto r = client().Get(path);
    REQUIRE(r);
    return json::parse(r->body);
  }
  json messages() { return get("/messages"); }
  json stats() { return get("/stats"); }
  void drop() { REQUIRE(client().Post("/drop", "", "application/json")); }

 private:
  int port_;
  int http_port_;
  std::unique_ptr<test::Process> proc_;
};

const char* kKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

std::string cap_xml(const std::string& id, const std::string& headline,
                    const std::string& instruction, const std::string& msg_type = "Alert",
                    const std::string& references = "") {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">\n  <identifier>" +
         id +
         "</identifier>\n  <sender>met@example.org</sender>\n"
         "  <sent>2030-01-01T00:00:00-00:00</sent>\n  <status>Actual</status>\n  <msgType>" +
         msg_type + "</msgType>\n  <scope>Public</scope>\n" +
         (references.empty() ? "" : "  <references>" + references + "</references>\n") +
         "  <info>\n    <category>Met</category>\n    <event>Flood</event>\n"
         "    <urgency>Immediate</urgency>\n    <severity>Severe</severity>\n"
         "    <certainty>Observed</certainty>\n    <headline>" +
         headline + "</headline>\n" +
         (instruction.empty() ? "" : "    <instruction>" + instruction + "</instruction>\n") +
         "    <area><areaDesc>Nairobi</areaDesc></area>\n  </info>\n</alert>\n";
}

store::NewAlert new_alert(const std::string& xml, const std::string& id,
                          std::vector<std::string> numbers, const std::string& msg_type = "Alert") {
  store::NewAlert n;
  n.sender = "met@example.org";
  n.identifier = id;
  n.sent = "2030-01-01T00:00:00-00:00";
  n.sent_ms = 1'893'456'000'000;
  n.status = "Actual";
  n.msg_type = msg_type;
  n.source = "test";
  n.xml = xml;
  n.recipients = {{"sms", std::move(numbers), {}}};
  return n;
}

std::vector<std::string> numbers(int n, int first = 0) {
  std::vector<std::string> out;
  for (int i = first; i < first + n; ++i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "+2547%08d", i);
    out.push_back(buf);
  }
  return out;
}

// A store with its key, an smpp channel named "sms" on the given SMSC, and an engine.
struct Rig {
  test::TempDir dir;
  std::unique_ptr<store::Store> db;
  std::vector<dispatch::NamedChannel> channels;
  std::unique_ptr<dispatch::Engine> engine;

  Rig(int port, const std::string& extra = "", const std::string& userinfo = "capcast:secret") {
    db = std::move(*store::open_sqlite(
        dir / "capcast.db", std::shared_ptr<const store::Sealer>(*store::sodium_sealer(kKey))));
    config::Schema schema{{dispatch::channel_section()}};
    auto doc = config::load_string("[[channel]]\nname = \"sms\"\nurl = \"smpp://" + userinfo +
                                       "@127.0.0.1:" + std::to_string(port) +
                                       "?source=EWS\"\nbackoff_base = \"50ms\"\n"
                                       "backoff_max = \"500ms\"\nmax_attempts = 50\n" +
                                       extra,
                                   "test.toml", schema);
    INFO((doc.ok() ? std::string() : doc.status().message()));
    REQUIRE(doc.ok());
    auto built = dispatch::build_channels(*doc);
    INFO((built.ok() ? std::string() : built.status().message()));
    REQUIRE(built.ok());
    channels = std::move(*built);
    engine = std::make_unique<dispatch::Engine>(db.get(), &channels, SystemClock::instance(),
                                                [] { return 0.5; });
  }
  ~Rig() {
    engine.reset();
    channels.clear();  // unbinds
  }
  bool wait_bound(std::chrono::seconds s = 10s) {
    auto end = std::chrono::steady_clock::now() + s;
    while (std::chrono::steady_clock::now() < end) {
      if (channels[0].channel->ready()) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
  int64_t accept(const store::NewAlert& n) {
    auto r = db->accept_alert(n, {});
    INFO((r.ok() ? std::string() : r.status().message()));
    REQUIRE(r.ok());
    return r->alert_id;
  }
  // The engine's lane thread until nothing is pending (or the deadline).
  store::Stats drain(std::chrono::seconds deadline) {
    std::thread runner([this] { engine->run(); });
    auto end = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < end) {
      if (db->stats()->deliveries_pending == 0) break;
      std::this_thread::sleep_for(50ms);
    }
    engine->stop();
    runner.join();
    return *db->stats();
  }
  // Every part of every delivery of the alert, once its receipts are in (or the deadline).
  std::vector<store::DeliveryPart> parts(int64_t alert_id, std::chrono::seconds deadline) {
    auto end = std::chrono::steady_clock::now() + deadline;
    std::vector<store::DeliveryPart> out;
    while (true) {
      out.clear();
      bool all_final = true;
      for (const auto& d : *db->deliveries_of(alert_id)) {
        for (const auto& p : *db->parts_of(d.id)) {
          out.push_back(p);
          all_final &= p.final;
        }
      }
      if ((all_final && !out.empty()) || std::chrono::steady_clock::now() >= end) return out;
      std::this_thread::sleep_for(50ms);
    }
  }
};

std::vector<uint8_t> unhex(const std::string& hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

}  // namespace

TEST_CASE("smpp channel: each person gets the text in concatenated parts, receipts matched") {
  Smsc smsc;
  Rig rig(smsc.port());
  REQUIRE(rig.wait_bound());
  // 200 ASCII characters: more than one SMS (160 septets), so 2 parts of at most 153.
  std::string instruction;
  while (instruction.size() < 200)
    instruction += "Move to higher ground now. ";
  std::string xml = cap_xml("long-1", "Flood warning for Nairobi River", instruction);
  auto people = numbers(3);
  int64_t id = rig.accept(new_alert(xml, "long-1", people));
  auto stats = rig.drain(30s);
  CHECK(stats.deliveries_delivered == 3);

  auto got = smsc.messages();
  std::map<std::string, std::vector<json>> by_number;
  for (const auto& m : got)
    by_number[m["destinations"][0].get<std::string>()].push_back(m);
  REQUIRE(by_number.size() == 3);
  for (const auto& number : people) {
    // +E.164 goes as TON 1 / NPI 1 without the '+' (SMPP 3.4 §5.2.5).
    const auto& parts = by_number[number.substr(1)];
    REQUIRE(parts.size() >= 2);
    std::string text;
    int ref = -1;
    for (size_t i = 0; i < parts.size(); ++i) {
      const auto& p = parts[i];
      CHECK(p["source_addr"] == "EWS");
      CHECK(p["source_addr_ton"] == 5);  // alphanumeric
      CHECK(p["data_coding"] == 0);
      CHECK(p["esm_class"] == 0x40);  // UDHI
      CHECK(p["registered_delivery"] == 1);
      auto sm = unhex(p["short_message"].get<std::string>());
      // 3GPP TS 23.040 §9.2.3.24.1: UDHL 05, IEI 00, IEDL 03, reference, total, sequence.
      REQUIRE(sm.size() > 6);
      CHECK(sm[0] == 0x05);
      CHECK(sm[1] == 0x00);
      CHECK(sm[2] == 0x03);
      if (ref < 0) ref = sm[3];
      CHECK(sm[3] == ref);
      CHECK(sm[4] == parts.size());
      CHECK(sm[5] == i + 1);
      CHECK(sm.size() - 6 <= 153);
      // Plain ASCII letters, digits, space and '.' are the same codes in GSM 7-bit (TS 23.038
      // §6.2.1), unpacked one to an octet.
      text.append(sm.begin() + 6, sm.end());
    }
    CHECK(text.find("Flood warning for Nairobi River") == 0);
    CHECK(text.find("Move to higher ground now.") != std::string::npos);
  }
  // Every part's receipt came back on the transceiver and was matched to its part.
  auto recorded = rig.parts(id, 20s);
  CHECK(recorded.size() == got.size());
  for (const auto& p : recorded) {
    CHECK(p.state == "DELIVRD");
    CHECK(p.final);
  }
}

TEST_CASE("smpp channel: receipts sent as data_sm are answered and matched per part") {
  Smsc smsc;
  // The receipts come as data_sm (SMPP 3.4 §4.7.1), id and state in TLVs only; UNDELIV, so that
  // what is recorded can only have come from them.
  smsc.config({{"receipt_pdu", "data_sm"}, {"receipt_stat", "UNDELIV"}});
  Rig rig(smsc.port());
  REQUIRE(rig.wait_bound());
  int64_t id =
      rig.accept(new_alert(cap_xml("data-1", "Flood warning", "Leave now"), "data-1", numbers(3)));
  auto stats = rig.drain(30s);
  CHECK(stats.deliveries_delivered == 3);
  auto got = smsc.messages();
  REQUIRE(got.size() == 3);
  auto recorded = rig.parts(id, 20s);
  REQUIRE(recorded.size() == got.size());
  for (const auto& p : recorded) {
    CHECK(p.state == "UNDELIV");
    CHECK(p.final);
  }
  // Each data_sm got its data_sm_resp with ESME_ROK.
  auto st = smsc.stats();
  CHECK(st["receipts_sent"].get<int>() == 3);
  CHECK(st["data_sm_resp"].get<int>() == 3);
  CHECK(st["data_sm_resp_errors"].get<int>() == 0);
  CHECK(st["deliver_sm_resp"].get<int>() == 0);
}

TEST_CASE("smpp channel: text outside GSM 7-bit goes as UCS-2, UTF-16BE") {
  Smsc smsc;
  Rig rig(smsc.port());
  REQUIRE(rig.wait_bound());
  std::string headline = "Πλημμύρα: μετακινηθείτε τώρα";  // Greek: not all in GSM 7-bit
  rig.accept(new_alert(cap_xml("ucs2-1", headline, ""), "ucs2-1", numbers(1)));
  CHECK(rig.drain(30s).deliveries_delivered == 1);
  auto got = smsc.messages();
  REQUIRE(got.size() == 1);
  CHECK(got[0]["data_coding"] == 8);
  auto sm = unhex(got[0]["short_message"].get<std::string>());
  // The first character, U+03A0, as UTF-16BE.
  REQUIRE(sm.size() >= 2);
  CHECK(sm[0] == 0x03);
  CHECK(sm[1] == 0xA0);
  CHECK(sm.size() % 2 == 0);
}

TEST_CASE("smpp channel: a throttling SMSC still gets every person exactly once") {
  Smsc smsc;
  // Every 10th submit ESME_RTHROTTLED, every 7th ESME_RMSGQFUL: issue 6's 100,000 recipients.
  smsc.config({{"throttle_every", 10}, {"qfull_every", 7}});
  Rig rig(smsc.port(), "binds = 2\nbind_window = 20\nthrottle_wait = \"20ms\"\n");
  REQUIRE(rig.wait_bound());
  const int n = 100'000;
  int64_t id = rig.accept(new_alert(cap_xml("thr-1", "Flood", "Leave now"), "thr-1", numbers(n)));
  auto stats = rig.drain(800s);
  CHECK(stats.deliveries_delivered == n);
  CHECK(stats.deliveries_dead == 0);
  auto got = smsc.messages();
  std::map<std::string, int> count;
  for (const auto& m : got)
    ++count[m["destinations"][0].get<std::string>()];
  CHECK(count.size() == static_cast<size_t>(n));
  for (const auto& [number, c] : count) {
    INFO(number);
    CHECK(c == 1);  // refused submits are not messages: the retry is the only copy
  }
  auto st = smsc.stats();
  CHECK(st["throttled"].get<int>() > 0);
  CHECK(st["queue_full"].get<int>() > 0);
  auto recorded = rig.parts(id, 120s);
  CHECK(recorded.size() == static_cast<size_t>(n));
  CHECK(std::all_of(recorded.begin(), recorded.end(),
                    [](const store::DeliveryPart& p) { return p.state == "DELIVRD"; }));
}

TEST_CASE("smpp channel: the SMSC drops the connection mid-fan-out, nobody is lost") {
  Smsc smsc;
  // Each connection is cut after its 700th submit, unanswered; answers come 2 ms late, so that
  // a window of requests is outstanding at each cut.
  smsc.config({{"drop_after", 700}, {"resp_delay_ms", 2}});
  Rig rig(smsc.port(), "bind_window = 20\n");
  REQUIRE(rig.wait_bound());
  const int n = 3000;
  int64_t alert =
      rig.accept(new_alert(cap_xml("drop-1", "Flood", "Leave now"), "drop-1", numbers(n)));
  auto stats = rig.drain(120s);
  CHECK(stats.deliveries_delivered == n);
  auto got = smsc.messages();
  std::set<std::string> unique;
  for (const auto& m : got)
    unique.insert(m["destinations"][0].get<std::string>());
  CHECK(unique.size() == static_cast<size_t>(n));  // every person, at least once
  auto st = smsc.stats();
  CHECK(st["drops"].get<int>() >= 3);
  // Duplicates only for what was outstanding when a connection was cut: at most a window each.
  CHECK(got.size() - unique.size() <= static_cast<size_t>(st["drops"].get<int>() * 20));
  // And only those spent a second attempt: what was still queued at the bind (the lane holds
  // 160 here, the window 20) went back unattempted.
  int extra = 0;
  for (const auto& d : *rig.db->deliveries_of(alert))
    extra += d.attempts - 1;
  CHECK(extra <= st["drops"].get<int>() * 20);
}

TEST_CASE("smpp channel: the window bounds outstanding submits per bind") {
  Smsc smsc;
  smsc.config({{"resp_delay_ms", 30}});
  Rig rig(smsc.port(), "bind_window = 4\n");
  REQUIRE(rig.wait_bound());
  rig.accept(new_alert(cap_xml("win-1", "Flood", "Leave now"), "win-1", numbers(60)));
  CHECK(rig.drain(60s).deliveries_delivered == 60);
  auto st = smsc.stats();
  CHECK(st["max_outstanding"].get<int>() <= 4);
  CHECK(st["max_outstanding"].get<int>() >= 2);  // it did use the window
}

TEST_CASE("smpp channel: enquire_link both ways, and a refused bind") {
  Smsc smsc;
  smsc.config({{"enquire_every_ms", 100}});
  {
    Rig rig(smsc.port(), "enquire_link = \"200ms\"\n");
    REQUIRE(rig.wait_bound());
    std::this_thread::sleep_for(1500ms);
    auto st = smsc.stats();
    CHECK(st["enquire_link_resp_received"].get<int>() >= 3);  // we answer the SMSC's
    // Ours: only when the link is idle, and the SMSC's enquire_links keep it busy; so a second
    // rig with a quiet SMSC checks ours below.
  }
  smsc.config({{"enquire_every_ms", 0}});
  {
    Rig rig(smsc.port(), "enquire_link = \"200ms\"\n");
    REQUIRE(rig.wait_bound());
    auto before = smsc.stats()["enquire_link_received"].get<int>();
    std::this_thread::sleep_for(1500ms);
    CHECK(smsc.stats()["enquire_link_received"].get<int>() - before >= 3);
    CHECK(rig.channels[0].channel->ready());
  }
  // A wrong password: the bind is refused (ESME_RBINDFAIL), the channel is not ready, and the
  // deliveries wait in the outbox rather than being spent.
  Rig bad(smsc.port(), "", "capcast:wrong");
  CHECK_FALSE(bad.wait_bound(2s));
  CHECK(smsc.stats()["bind_failures"].get<int>() >= 1);
  bad.accept(new_alert(cap_xml("bad-1", "Flood", ""), "bad-1", numbers(1)));
  REQUIRE(bad.engine->run_pass().ok());
  auto ds = *bad.db->deliveries_of(1);
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].state == store::DeliveryState::kPending);
  CHECK(ds[0].attempts == 0);
}

namespace {

// A raw-socket SMSC for what node-smpp never sends: it binds anyone, then plays a script.
class RawPeer {
 public:
  RawPeer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd_, 4) == 0);
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port_ = ntohs(a.sin_port);
  }
  ~RawPeer() {
    if (conn_ >= 0) ::close(conn_);
    ::close(fd_);
  }
  int port() const { return port_; }
  // Accepts a connection (waiting up to 10 s).
  bool accept() {
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (conn_ >= 0) ::close(conn_);
    conn_ = ::accept(fd_, nullptr, nullptr);
    if (conn_ >= 0) ::setsockopt(conn_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return conn_ >= 0;
  }
  // One PDU's header and body as read (empty when the connection closed or nothing came).
  std::string read_pdu() {
    std::string head = read_n(4);
    if (head.size() < 4) return "";
    uint32_t len = be32(head, 0);
    if (len < 16 || len > 1 << 20) return "";
    return head + read_n(len - 4);
  }
  void write(const std::string& bytes) {
    REQUIRE(::send(conn_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(bytes.size()));
  }
  static uint32_t be32(const std::string& s, size_t at) {
    return (static_cast<uint32_t>(static_cast<uint8_t>(s[at])) << 24) |
           (static_cast<uint32_t>(static_cast<uint8_t>(s[at + 1])) << 16) |
           (static_cast<uint32_t>(static_cast<uint8_t>(s[at + 2])) << 8) |
           static_cast<uint32_t>(static_cast<uint8_t>(s[at + 3]));
  }
  static std::string header(uint32_t len, uint32_t id, uint32_t status, uint32_t seq) {
    std::string out;
    for (uint32_t v : {len, id, status, seq}) {
      for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<char>((v >> shift) & 0xFF));
    }
    return out;
  }

 private:
  std::string read_n(size_t n) {
    std::string out;
    while (out.size() < n) {
      char buf[4096];
      ssize_t got = ::recv(conn_, buf, std::min(sizeof buf, n - out.size()), 0);
      if (got <= 0) break;
      out.append(buf, static_cast<size_t>(got));
    }
    return out;
  }
  int fd_ = -1;
  int conn_ = -1;
  int port_ = 0;
};

}  // namespace

TEST_CASE("smpp channel: unknown commands get generic_nack, a malformed PDU a reconnect") {
  RawPeer peer;
  Rig rig(peer.port(), "enquire_link = \"60s\"\n");
  REQUIRE(peer.accept());
  std::string bind = peer.read_pdu();
  REQUIRE(bind.size() >= 16);
  CHECK(RawPeer::be32(bind, 4) == 0x00000009);  // bind_transceiver
  // bind_transceiver_resp, system_id "raw" (SMPP 3.4 §4.1.6).
  std::string body = std::string("raw") + '\0';
  peer.write(RawPeer::header(static_cast<uint32_t>(16 + body.size()), 0x80000009, 0,
                             RawPeer::be32(bind, 12)) +
             body);
  REQUIRE(rig.wait_bound());

  // A command id SMPP 3.4 does not define: generic_nack, ESME_RINVCMDID, same sequence
  // (SMPP 3.4 §4.3.1 and Table 5-2).
  peer.write(RawPeer::header(16, 0x00000999, 0, 77));
  std::string nack = peer.read_pdu();
  REQUIRE(nack.size() == 16);
  CHECK(RawPeer::be32(nack, 4) == 0x80000000);
  CHECK(RawPeer::be32(nack, 8) == 0x00000003);
  CHECK(RawPeer::be32(nack, 12) == 77);

  // A request capcast does not serve (query_sm from the SMSC): generic_nack too.
  peer.write(RawPeer::header(16, 0x00000003, 0, 78));
  nack = peer.read_pdu();
  REQUIRE(nack.size() == 16);
  CHECK(RawPeer::be32(nack, 4) == 0x80000000);
  CHECK(RawPeer::be32(nack, 12) == 78);

  // data_sm (SMPP 3.4 §4.7.1) of mobile-originated data (esm_class 0): data_sm_resp, ESME_ROK,
  // message_id empty (§4.7.2). Body: service_type "", source 1/1 "254700000001", dest 5/0
  // "EWS", esm_class 0, registered_delivery 0, data_coding 0, message_payload "hi".
  std::string mo = std::string(1, '\0') + "\x01\x01" + "254700000001" + std::string(1, '\0') +
                   "\x05" + std::string(1, '\0') + "EWS" + std::string(1, '\0') +
                   std::string(3, '\0') + "\x04\x24" + std::string(1, '\0') + "\x02" + "hi";
  peer.write(RawPeer::header(static_cast<uint32_t>(16 + mo.size()), 0x00000103, 0, 80) + mo);
  std::string resp = peer.read_pdu();
  REQUIRE(resp.size() == 17);
  CHECK(RawPeer::be32(resp, 4) == 0x80000103);
  CHECK(RawPeer::be32(resp, 8) == 0);
  CHECK(RawPeer::be32(resp, 12) == 80);
  CHECK(resp[16] == '\0');
  // A malformed data_sm (its source_addr without NUL within 65 octets): data_sm_resp with
  // ESME_RINVSRCADR, as a malformed deliver_sm gets deliver_sm_resp with its error.
  std::string bad = std::string(1, '\0') + "\x01\x01" + std::string(70, '1');
  peer.write(RawPeer::header(static_cast<uint32_t>(16 + bad.size()), 0x00000103, 0, 81) + bad);
  resp = peer.read_pdu();
  REQUIRE(resp.size() == 16);
  CHECK(RawPeer::be32(resp, 4) == 0x80000103);
  CHECK(RawPeer::be32(resp, 8) == 0x0000000A);
  CHECK(RawPeer::be32(resp, 12) == 81);
  // A data_sm that ends after its source_addr (command_length too short for its fixed
  // fields): generic_nack ESME_RINVCMDLEN (SMPP 3.4 §4.3.1).
  std::string cut = std::string(1, '\0') + "\x01\x01" + "1" + std::string(1, '\0');
  peer.write(RawPeer::header(static_cast<uint32_t>(16 + cut.size()), 0x00000103, 0, 82) + cut);
  nack = peer.read_pdu();
  REQUIRE(nack.size() == 16);
  CHECK(RawPeer::be32(nack, 4) == 0x80000000);
  CHECK(RawPeer::be32(nack, 8) == 0x00000002);
  CHECK(RawPeer::be32(nack, 12) == 82);

  // command_length 8, shorter than a header: the stream cannot be resynchronised. capcast
  // answers generic_nack ESME_RINVCMDLEN when it can, closes, and binds again.
  peer.write(RawPeer::header(8, 0x00000004, 0, 79));
  nack = peer.read_pdu();
  if (!nack.empty()) {
    CHECK(RawPeer::be32(nack, 4) == 0x80000000);
    CHECK(RawPeer::be32(nack, 8) == 0x00000002);
  }
  CHECK(peer.read_pdu().empty());  // closed
  REQUIRE(peer.accept());          // and back
  std::string again = peer.read_pdu();
  REQUIRE(again.size() >= 16);
  CHECK(RawPeer::be32(again, 4) == 0x00000009);
}

TEST_CASE("capcast send --to: each number's outcome, masked, exit 0") {
  Smsc smsc;
  test::TempDir dir;
  test::write_file(dir / "alert.xml", cap_xml("cli-1", "Flood warning", "Leave now"));
  std::string out;
  int rc =
      test::run({CAPCAST_BINARY, "send", "--channel",
                 "smpp://capcast:secret@127.0.0.1:" + std::to_string(smsc.port()) + "?source=EWS",
                 "--to", "+254700000001", "--to", "+254700000002", (dir / "alert.xml").string()},
                &out);
  INFO(out);
  CHECK(rc == 0);
  CHECK(out.find("to +2547******01: delivered") != std::string::npos);
  CHECK(out.find("to +2547******02: delivered") != std::string::npos);
  CHECK(out.find("254700000001") == std::string::npos);  // never in clear
  CHECK(out.find("secret") == std::string::npos);
  CHECK(smsc.messages().size() == 2);

  // A number that is not one: a usage error, masked too.
  rc = test::run({CAPCAST_BINARY, "send", "--channel",
                  "smpp://capcast:secret@127.0.0.1:" + std::to_string(smsc.port()) + "?source=EWS",
                  "--to", "+2547000x0001", (dir / "alert.xml").string()},
                 &out);
  CHECK(rc == 2);
  CHECK(out.find("not a phone number") != std::string::npos);
  // An SMS channel without --to: a usage error that says what is missing.
  rc = test::run({CAPCAST_BINARY, "send", "--channel",
                  "smpp://capcast:secret@127.0.0.1:" + std::to_string(smsc.port()) + "?source=EWS",
                  (dir / "alert.xml").string()},
                 &out);
  CHECK(rc == 2);
  CHECK(out.find("--to") != std::string::npos);
}

TEST_CASE("capcast sms subscribers + send: the alert's area picks the people, in their language") {
  Smsc smsc;
  test::TempDir dir;
  test::write_file(dir / "capcast.toml",
                   std::string("[store]\npath = \"capcast.db\"\n[privacy]\nkey = \"") + kKey +
                       "\"\n[[channel]]\nname = \"sms\"\nurl = \"smpp://capcast:secret@127.0.0.1:" +
                       std::to_string(smsc.port()) + "?source=EWS\"\n");
  test::write_file(dir / "people.csv",
                   "number,languages,lat,lon,geocodes\n"
                   "+254700000001,sw;en,-1.2864,36.8172,\n"  // Nairobi
                   "+254700000002,en,-1.30,36.80,\n"         // Nairobi
                   "+254700000003,en,-0.09,34.77,\n"         // Kisumu: outside
                   "+254700000004,en,,,UGC=KEZ001\n"         // by registered area
                   "+2547000x0005,en,-1.28,36.81,\n");       // not a number: rejected
  std::string out;
  std::string config = (dir / "capcast.toml").string();
  int rc = test::run(
      {CAPCAST_BINARY, "sms", "subscribers", "import", "-c", config, (dir / "people.csv").string()},
      &out);
  INFO(out);
  CHECK(rc == 1);  // one row rejected, the others imported
  CHECK(out.find("4 subscriber(s) imported, 1 row(s) rejected") != std::string::npos);
  CHECK(out.find("people.csv:6: column 'number'") != std::string::npos);
  CHECK(out.find("254700000005") == std::string::npos);

  auto info = [](const std::string& lang, const std::string& headline) {
    return "<info><language>" + lang +
           "</language><category>Met</category><event>Flood</event><urgency>Immediate"
           "</urgency><severity>Severe</severity><certainty>Observed</certainty><headline>" +
           headline +
           "</headline><area><areaDesc>Nairobi</areaDesc><polygon>-1.4,36.6 -1.4,37.0 -1.1,37.0 "
           "-1.1,36.6 -1.4,36.6</polygon><geocode><valueName>UGC</valueName><value>KEZ001"
           "</value></geocode></area></info>";
  };
  std::string head =
      "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>T-1</identifier>"
      "<sender>met@example.org</sender><sent>2030-01-01T00:00:00-00:00</sent><status>Actual"
      "</status>";
  test::write_file(dir / "alert.xml", head + "<msgType>Alert</msgType><scope>Public</scope>" +
                                          info("en", "Flood warning") +
                                          info("sw", "Onyo la mafuriko") + "</alert>");
  rc = test::run({CAPCAST_BINARY, "send", "-c", config, "--store", (dir / "capcast.db").string(),
                  (dir / "alert.xml").string()},
                 &out);
  INFO(out);
  CHECK(rc == 0);
  std::map<std::string, std::string> got;
  for (const auto& m : smsc.messages()) {
    auto sm = unhex(m["short_message"].get<std::string>());
    got[m["destinations"][0].get<std::string>()] = std::string(sm.begin(), sm.end());
  }
  CHECK(got == std::map<std::string, std::string>{{"254700000001", "Onyo la mafuriko"},
                                                  {"254700000002", "Flood warning"},
                                                  {"254700000004", "Flood warning"}});

  // The Cancel (no <info>) goes to exactly those three, with the text of what it cancels.
  test::write_file(dir / "cancel.xml",
                   "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>T-2"
                   "</identifier><sender>met@example.org</sender><sent>2030-01-01T01:00:00-00:00"
                   "</sent><status>Actual</status><msgType>Cancel</msgType><scope>Public</scope>"
                   "<references>met@example.org,T-1,2030-01-01T00:00:00-00:00</references>"
                   "</alert>");
  smsc.client().Post("/reset", "", "application/json");
  rc = test::run({CAPCAST_BINARY, "send", "-c", config, "--store", (dir / "capcast.db").string(),
                  (dir / "cancel.xml").string()},
                 &out);
  INFO(out);
  CHECK(rc == 0);
  got.clear();
  for (const auto& m : smsc.messages()) {
    auto sm = unhex(m["short_message"].get<std::string>());
    got[m["destinations"][0].get<std::string>()] = std::string(sm.begin(), sm.end());
  }
  CHECK(got == std::map<std::string, std::string>{{"254700000001", "CANCELLED: Onyo la mafuriko"},
                                                  {"254700000002", "CANCELLED: Flood warning"},
                                                  {"254700000004", "CANCELLED: Flood warning"}});
}

TEST_CASE("smpp channel: submit_multi sends one PDU to many, each outcome and receipt its own") {
  Smsc smsc;
  // Destinations starting 2547000009 are refused in unsuccess_sme (ESME_RINVDSTADR).
  smsc.config({{"reject_prefix", "2547000009"}});
  Rig rig(smsc.port(), "submit_multi = true\nmulti_max = 50\nmulti_wait = \"50ms\"\n");
  REQUIRE(rig.wait_bound());
  auto people = numbers(120);         // +254700000000 .. +254700000119
  people.push_back("+254700000900");  // refused by the SMSC
  int64_t id = rig.accept(new_alert(cap_xml("multi-1", "Flood", "Leave now"), "multi-1", people));
  auto stats = rig.drain(60s);
  CHECK(stats.deliveries_delivered == 120);
  CHECK(stats.deliveries_dead == 1);  // its own error, not its batch's
  auto got = smsc.messages();
  size_t dests = 0;
  for (const auto& m : got) {
    CHECK(m["kind"] == "submit_multi");
    CHECK(m["destinations"].size() <= 50);
    dests += m["destinations"].size();
  }
  CHECK(got.size() >= 3);  // 121 people in PDUs of at most 50
  CHECK(got.size() < 121);
  CHECK(dests == 121);
  auto ds = *rig.db->deliveries_of(id);
  auto dead = std::find_if(ds.begin(), ds.end(), [](const store::Delivery& d) {
    return d.state == store::DeliveryState::kDead;
  });
  REQUIRE(dead != ds.end());
  CHECK(dead->last_error.find("ESME_RINVDSTADR") != std::string::npos);
  // Each person's receipt matched to their own part, though the PDU's message id is shared.
  auto recorded = rig.parts(id, 20s);
  CHECK(recorded.size() == 120);
  CHECK(std::all_of(recorded.begin(), recorded.end(),
                    [](const store::DeliveryPart& p) { return p.state == "DELIVRD" && p.final; }));
}
