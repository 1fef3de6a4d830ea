// The mqtt channel against the real mosquitto: the peer_mosquitto fixture's broker for the
// byte-for-byte and retained-state checks, and brokers of their own (started and stopped here,
// on free ports) for the broker-restart test. A Paho subscriber, independent of the channel's
// publishing code path, checks what arrived. The kill -9 test runs the capcast binary.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <mqtt/async_client.h>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "capcast/config/config.h"
#include "capcast/dispatch/engine.h"
#include "capcast/dispatch/registry.h"
#include "support/helpers.h"
#include "support/process.h"
#include "support/tls_broker.h"

using namespace capcast;
using namespace std::chrono_literals;

namespace {

int fixture_port() {
  return test::peer_port(CAPCAST_PEERS_DIR, "mosquitto");
}

bool port_open(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

// A mosquitto of this test's own, with persistence (its sessions and queued messages are saved
// when it is stopped with SIGTERM, and restored at its restart on the same port). The broker
// settings are those docs/CHANNELS.md recommends.
class Broker {
 public:
  // recommended = false: mosquitto's defaults for the queue (max_queued_messages 1000).
  explicit Broker(const std::filesystem::path& dir, bool recommended = true)
      : dir_(dir), port_(test::free_port()) {
    // mosquitto started as root drops to its own user: it must be able to write its log and
    // persistence file here.
    std::filesystem::permissions(dir_, std::filesystem::perms::all);
    test::write_file(
        dir_ / "mosquitto.conf",
        "listener " + std::to_string(port_) +
            " 127.0.0.1\nallow_anonymous true\npersistence true\n"
            "persistence_location " +
            dir_.string() +
            (recommended ? "/\nmax_inflight_messages 1000\nmax_queued_messages 100000\n" : "/\n") +
            "log_dest file " + (dir_ / "mosquitto.log").string() + "\n");
    start();
  }
  void start() {
    proc_ = std::make_unique<test::Process>(
        std::vector<std::string>{"/usr/sbin/mosquitto", "-c", (dir_ / "mosquitto.conf").string()});
    auto end = std::chrono::steady_clock::now() + 10s;
    while (!port_open(port_) && std::chrono::steady_clock::now() < end)
      std::this_thread::sleep_for(50ms);
    REQUIRE(port_open(port_));
  }
  void stop() {
    proc_->signal(SIGTERM);
    REQUIRE(proc_->wait(10s).has_value());
    proc_.reset();
  }
  int port() const { return port_; }

 private:
  std::filesystem::path dir_;
  int port_;
  std::unique_ptr<test::Process> proc_;
};

// The files under `dir`, in any sub-folder: Paho's file persistence keeps one folder per client
// id and server, and in it a file per QoS 1/2 message not yet completed.
size_t files_under(const std::filesystem::path& dir) {
  size_t n = 0;
  std::error_code ec;
  for (std::filesystem::recursive_directory_iterator it(dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->is_regular_file(ec)) ++n;
  }
  return n;
}

std::string run_id() {
  static const std::string id = std::to_string(std::random_device{}() % 1'000'000'000);
  return id;
}

struct Received {
  std::string topic;
  std::string payload;
  bool retained = false;
  std::string content_type;
  int expiry = -1;
  std::string delivery_key;
};

// A Paho MQTT 5 subscriber that records everything it is given. A persistent session
// (clean_start false, session expiry) when `persistent`, so that it survives broker restarts.
class Subscriber final : public ::mqtt::callback {
 public:
  // receive_maximum > 0: the MQTT 5 Receive Maximum it announces (a small one, as a constrained
  // device would, makes the broker queue what it cannot send at once). qos: of its subscription.
  Subscriber(int port, const std::string& filter, const std::string& client_id,
             bool persistent = false, int receive_maximum = 0, int qos = 1)
      : qos_(qos),
        client_("tcp://127.0.0.1:" + std::to_string(port), client_id,
                ::mqtt::create_options(MQTTVERSION_5)) {
    client_.set_callback(*this);
    ::mqtt::connect_options o;
    o.set_mqtt_version(MQTTVERSION_5);
    o.set_clean_start(!persistent);
    ::mqtt::properties props;
    if (persistent) props.add({::mqtt::property::SESSION_EXPIRY_INTERVAL, 3600});
    if (receive_maximum > 0) props.add({::mqtt::property::RECEIVE_MAXIMUM, receive_maximum});
    o.set_properties(props);
    o.set_automatic_reconnect(std::chrono::milliseconds(200), std::chrono::seconds(1));
    o.set_max_inflight(1000);
    client_.connect(o)->wait_for(10s);
    REQUIRE(client_.is_connected());
    REQUIRE(client_.subscribe(filter, qos_)->wait_for(10s));
    filter_ = filter;
  }
  ~Subscriber() override {
    try {
      client_.disconnect()->wait_for(2s);
    } catch (...) {
    }
  }

  void slow_down(std::chrono::microseconds per_message) { slow_ = per_message; }

  std::vector<Received> got() {
    std::lock_guard lock(mu_);
    return got_;
  }
  size_t count() {
    std::lock_guard lock(mu_);
    return got_.size();
  }
  // Waits until `n` messages arrived (or the deadline passed); returns how many did.
  size_t wait_for(size_t n, std::chrono::seconds deadline) {
    auto end = std::chrono::steady_clock::now() + deadline;
    while (count() < n && std::chrono::steady_clock::now() < end)
      std::this_thread::sleep_for(20ms);
    return count();
  }

 private:
  void message_arrived(::mqtt::const_message_ptr m) override {
    // A slow consumer: Paho's receive thread stops reading, TCP pushes back, the broker queues.
    if (slow_.count() > 0) std::this_thread::sleep_for(slow_);
    Received r;
    r.topic = m->get_topic();
    r.payload = m->to_string();
    r.retained = m->is_retained();
    const auto& p = m->get_properties();
    if (p.contains(::mqtt::property::CONTENT_TYPE)) {
      r.content_type = ::mqtt::get<std::string>(p, ::mqtt::property::CONTENT_TYPE);
    }
    if (p.contains(::mqtt::property::MESSAGE_EXPIRY_INTERVAL)) {
      r.expiry =
          static_cast<int>(::mqtt::get<uint32_t>(p, ::mqtt::property::MESSAGE_EXPIRY_INTERVAL));
    }
    if (p.contains(::mqtt::property::USER_PROPERTY)) {
      auto kv = ::mqtt::get<::mqtt::string_pair>(p, ::mqtt::property::USER_PROPERTY);
      if (std::get<0>(kv) == "capcast-delivery") r.delivery_key = std::get<1>(kv);
    }
    std::lock_guard lock(mu_);
    got_.push_back(std::move(r));
  }
  void connected(const std::string&) override {
    // After an automatic reconnection without a session, subscribe again.
    try {
      if (!filter_.empty()) client_.subscribe(filter_, qos_);
    } catch (...) {
    }
  }

  int qos_;
  ::mqtt::async_client client_;
  std::string filter_;
  std::chrono::microseconds slow_{0};
  std::mutex mu_;
  std::vector<Received> got_;
};

std::string cap_xml(const std::string& identifier, const std::string& msg_type,
                    const std::string& references = "", const std::string& expires = "") {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">\n  <identifier>" +
         identifier +
         "</identifier>\n  <sender>met@example.org</sender>\n"
         "  <sent>2030-01-01T00:00:00-00:00</sent>\n  <status>Actual</status>\n  <msgType>" +
         msg_type + "</msgType>\n  <scope>Public</scope>\n" +
         (references.empty() ? "" : "  <references>" + references + "</references>\n") +
         "  <info>\n    <category>Met</category>\n    <event>Inondation à Genève</event>\n"
         "    <urgency>Immediate</urgency>\n    <severity>Severe</severity>\n"
         "    <certainty>Observed</certainty>\n" +
         (expires.empty() ? "" : "    <expires>" + expires + "</expires>\n") +
         "    <headline>Crue</headline>\n    <area><areaDesc>Genève</areaDesc></area>\n"
         "  </info>\n</alert>\n";
}

store::NewAlert new_alert(const std::string& xml, const std::string& identifier,
                          const std::string& msg_type, std::vector<store::AlertRef> refs = {}) {
  store::NewAlert n;
  n.sender = "met@example.org";
  n.identifier = identifier;
  n.sent = "2030-01-01T00:00:00-00:00";
  n.sent_ms = 1'893'456'000'000;
  n.status = "Actual";
  n.msg_type = msg_type;
  n.title = "Crue";
  n.source = "test";
  n.xml = xml;
  n.references = std::move(refs);
  return n;
}

// A store, the channels of a [[channel]] document, and an engine over them.
struct Rig {
  test::TempDir dir;
  std::unique_ptr<store::Store> db = std::move(*store::open_sqlite(dir / "capcast.db"));
  std::vector<dispatch::NamedChannel> channels;
  std::unique_ptr<dispatch::Engine> engine;

  explicit Rig(const std::string& channel_toml) {
    config::Schema schema{{dispatch::channel_section()}};
    // A client id of this process's own: tests run in parallel against the shared broker, and
    // two clients with one id would take over each other's connection (MQTT 3.1.4-3).
    auto doc =
        config::load_string(channel_toml + "client_id = \"capcast-" + run_id() + "\"\n",
                            "test.toml", schema, [](const std::string&) { return std::nullopt; });
    INFO((doc.ok() ? std::string() : doc.status().message()));
    REQUIRE(doc.ok());
    auto built = dispatch::build_channels(*doc);
    INFO((built.ok() ? std::string() : built.status().message()));
    REQUIRE(built.ok());
    channels = std::move(*built);
    engine = std::make_unique<dispatch::Engine>(db.get(), &channels, SystemClock::instance(),
                                                [] { return 0.5; });
  }

  int64_t accept(const store::NewAlert& n) {
    auto r = db->accept_alert(n, engine->route());
    REQUIRE(r.ok());
    return r->alert_id;
  }

  // Passes until nothing is pending (or the deadline).
  store::Stats drain(std::chrono::seconds deadline) {
    auto end = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < end) {
      REQUIRE(engine->run_pass().ok());
      if (db->stats()->deliveries_pending == 0) break;
      std::this_thread::sleep_for(20ms);
    }
    return *db->stats();
  }
};

}  // namespace

TEST_CASE("mqtt channel: every alert arrives byte for byte, typed, with expiry and its key") {
  int port = fixture_port();
  std::string base = "capcast-test/" + run_id() + "/bytes";
  Subscriber sub(port, base + "/#", "sub-bytes-" + run_id());
  Rig rig("[[channel]]\nname = \"mq\"\nurl = \"mqtt://127.0.0.1:" + std::to_string(port) + "/" +
          base + "/{identifier}?qos=1\"\n");
  std::vector<std::string> xmls;
  for (int i = 0; i < 20; ++i) {
    std::string id = "bytes-" + std::to_string(i);
    xmls.push_back(cap_xml(id, "Alert", "", i % 2 ? "2099-01-01T00:00:00-00:00" : ""));
    rig.accept(new_alert(xmls.back(), id, "Alert"));
  }
  auto stats = rig.drain(30s);
  CHECK(stats.deliveries_delivered == 20);
  REQUIRE(sub.wait_for(20, 10s) == 20);
  std::set<std::string> keys;
  for (const auto& r : sub.got()) {
    auto id = r.topic.substr(r.topic.rfind('/') + 1);
    int i = std::stoi(id.substr(6));
    CHECK(r.payload == xmls[static_cast<size_t>(i)]);  // byte for byte, UTF-8 included
    CHECK(r.content_type == "application/cap+xml");
    CHECK_FALSE(r.retained);
    if (i % 2) {
      CHECK(r.expiry > 0);  // MQTT 5 message expiry from <expires>
    } else {
      CHECK(r.expiry == -1);  // no <expires>: the message does not expire
    }
    keys.insert(r.delivery_key);
  }
  CHECK(keys.size() == 20);  // one idempotency key per delivery
  auto m = rig.engine->metrics();
  REQUIRE(m.size() == 1);
  CHECK(m[0].delivered == 20);
  CHECK(m[0].latency_count == 20);
}

TEST_CASE("mqtt channel: retained state after Update and Cancel") {
  int port = fixture_port();
  std::string base = "capcast-test/" + run_id() + "/retained";
  Rig rig("[[channel]]\nname = \"mq\"\nurl = \"mqtt://127.0.0.1:" + std::to_string(port) + "/" +
          base + "/{identifier}\"\nretain = true\n");
  std::string a = cap_xml("ret-A", "Alert");
  rig.accept(new_alert(a, "ret-A", "Alert"));
  REQUIRE(rig.drain(30s).deliveries_pending == 0);
  {
    Subscriber late(port, base + "/#", "sub-ret1-" + run_id());
    REQUIRE(late.wait_for(1, 10s) == 1);
    CHECK(late.got()[0].retained);
    CHECK(late.got()[0].payload == a);
  }

  store::AlertRef ref_a{"met@example.org", "ret-A", "2030-01-01T00:00:00-00:00"};
  std::string u = cap_xml("ret-U", "Update", "met@example.org,ret-A,2030-01-01T00:00:00-00:00");
  rig.accept(new_alert(u, "ret-U", "Update", {ref_a}));
  REQUIRE(rig.drain(30s).deliveries_pending == 0);
  {
    // Only the Update is retained now: the alert it replaced was cleared.
    Subscriber late(port, base + "/#", "sub-ret2-" + run_id());
    late.wait_for(2, 3s);
    auto got = late.got();
    REQUIRE(got.size() == 1);
    CHECK(got[0].topic == base + "/ret-U");
    CHECK(got[0].payload == u);
  }

  store::AlertRef ref_u{"met@example.org", "ret-U", "2030-01-01T00:00:00-00:00"};
  std::string c = cap_xml("ret-C", "Cancel",
                          "met@example.org,ret-A,2030-01-01T00:00:00-00:00 "
                          "met@example.org,ret-U,2030-01-01T00:00:00-00:00");
  Subscriber live(port, base + "/#", "sub-ret3-" + run_id());
  live.wait_for(1, 2s);  // the retained Update
  rig.accept(new_alert(c, "ret-C", "Cancel", {ref_a, ref_u}));
  REQUIRE(rig.drain(30s).deliveries_pending == 0);
  // A live subscriber sees the Cancel itself, then the clearing of what it cancelled (the
  // Update's retained message; the alert's topic, cleared already, is cleared again).
  REQUIRE(live.wait_for(4, 10s) >= 4);
  auto seen = live.got();
  CHECK(seen[1].topic == base + "/ret-C");
  CHECK(seen[1].payload == c);
  CHECK_FALSE(seen[1].retained);
  std::set<std::string> cleared;
  for (size_t i = 2; i < seen.size(); ++i) {
    CHECK(seen[i].payload.empty());
    cleared.insert(seen[i].topic);
  }
  CHECK(cleared == std::set<std::string>{base + "/ret-A", base + "/ret-U"});
  {
    Subscriber late(port, base + "/#", "sub-ret4-" + run_id());
    CHECK(late.wait_for(1, 2s) == 0);  // nothing retained any more
  }
}

TEST_CASE("mqtt channel: a URL on the command line, its password masked in the output") {
  int port = fixture_port();
  std::string base = "capcast-test/" + run_id() + "/cli";
  Subscriber sub(port, base + "/#", "sub-cli-" + run_id());
  test::TempDir dir;
  std::string xml = cap_xml("cli-1", "Alert");
  test::write_file(dir / "alert.xml", xml);
  std::string out;
  int rc = test::run({CAPCAST_BINARY, "send", "--channel",
                      "mqtt://someone:s3cr3t-pw@127.0.0.1:" + std::to_string(port) + "/" + base +
                          "/{event}?client_id=cli-" + run_id(),
                      (dir / "alert.xml").string()},
                     &out);
  INFO(out);
  CHECK(rc == 0);
  CHECK(out.find("s3cr3t-pw") == std::string::npos);
  REQUIRE(sub.wait_for(1, 10s) == 1);
  CHECK(sub.got()[0].payload == xml);
  CHECK(sub.got()[0].topic == base + "/Inondation à Genève");
}

TEST_CASE(
    "mqtt channel: the broker stopped in the middle of 10,000 publishes, restarted: all "
    "arrive") {
  test::TempDir dir;
  Broker broker(dir.path());
  Subscriber sub(broker.port(), "bulk/#", "sub-bulk-" + run_id(), /*persistent=*/true);
  Rig rig("[[channel]]\nname = \"mq\"\nurl = \"mqtt://127.0.0.1:" + std::to_string(broker.port()) +
          "/bulk/{identifier}?qos=1\"\n");
  const int n = 10'000;
  for (int i = 0; i < n; ++i) {
    std::string id = "bulk-" + std::to_string(i);
    rig.accept(new_alert(cap_xml(id, "Alert"), id, "Alert"));
  }
  std::thread runner([&] { rig.engine->run(); });
  sub.wait_for(2'000, 60s);
  broker.stop();  // in the middle of the fan-out
  size_t before_restart = sub.count();
  std::this_thread::sleep_for(1s);
  broker.start();
  auto end = std::chrono::steady_clock::now() + 180s;
  while (std::chrono::steady_clock::now() < end) {
    auto st = rig.db->stats();
    if (st.ok() && st->deliveries_delivered + st->deliveries_dead == n) break;
    std::this_thread::sleep_for(100ms);
  }
  rig.engine->stop();
  runner.join();
  auto stats = *rig.db->stats();
  CHECK(stats.deliveries_delivered == n);
  CHECK(stats.deliveries_dead == 0);
  std::set<std::string> unique;
  auto deadline = std::chrono::steady_clock::now() + 60s;
  do {
    unique.clear();
    for (const auto& r : sub.got())
      unique.insert(r.topic);
    if (unique.size() == n) break;
    std::this_thread::sleep_for(100ms);
  } while (std::chrono::steady_clock::now() < deadline);
  INFO("received before the restart: " << before_restart << ", in all: " << sub.count());
  std::string missing;
  for (int i = 0; i < n && missing.size() < 400; ++i) {
    if (!unique.count("bulk/bulk-" + std::to_string(i))) missing += std::to_string(i) + " ";
  }
  INFO("missing: " << missing);
  std::string log = test::read_file(dir / "mosquitto.log");
  INFO("broker log: " << log.substr(log.size() > 3000 ? log.size() - 3000 : 0));
  CHECK(before_restart < static_cast<size_t>(n));  // the stop did land mid-way
  CHECK(unique.size() == n);                       // QoS 1: every message arrived
  auto m = rig.engine->metrics();
  CHECK(m[0].retried > 0);  // the attempts cut by the stop were retried by the engine
}

TEST_CASE("mqtt channel: capcast killed -9 in the middle of a fan-out, restarted: nothing lost") {
  int port = fixture_port();
  std::string base = "capcast-test/" + run_id() + "/kill9";
  test::TempDir dir;
  const int n = 2'000;
  {
    auto db = store::open_sqlite(dir / "capcast.db");
    REQUIRE(db.ok());
    for (int i = 0; i < n; ++i) {
      std::string id = "k9-" + std::to_string(i);
      REQUIRE((*db)->accept_alert(new_alert(cap_xml(id, "Alert"), id, "Alert"), {"mq"}).ok());
    }
  }
  test::write_file(dir / "capcast.toml",
                   "[store]\npath = \"capcast.db\"\n[http]\nport = 0\n"
                   "[[channel]]\nname = \"mq\"\nurl = \"mqtt://127.0.0.1:" +
                       std::to_string(port) + "/" + base + "/{identifier}\"\nclient_id = \"k9-" +
                       run_id() + "\"\n");
  Subscriber sub(port, base + "/#", "sub-kill9-" + run_id());
  {
    test::Process first({CAPCAST_BINARY, "run", "--config", (dir / "capcast.toml").string()});
    auto end = std::chrono::steady_clock::now() + 60s;
    while (sub.count() < 300 && std::chrono::steady_clock::now() < end) {
      first.pump();
      std::this_thread::sleep_for(5ms);
    }
    first.signal(SIGKILL);
    REQUIRE(first.wait(10s).has_value());
  }
  size_t at_kill = sub.count();
  test::Process second({CAPCAST_BINARY, "run", "--config", (dir / "capcast.toml").string()});
  std::set<std::string> unique;
  auto end = std::chrono::steady_clock::now() + 120s;
  while (std::chrono::steady_clock::now() < end) {
    second.pump();
    unique.clear();
    for (const auto& r : sub.got())
      unique.insert(r.topic);
    if (unique.size() == n) break;
    std::this_thread::sleep_for(50ms);
  }
  std::this_thread::sleep_for(1s);  // let any stray duplicate arrive before counting
  second.signal(SIGTERM);
  REQUIRE(second.wait(20s) == 0);
  std::string out = second.output();
  INFO(out);
  INFO("received at the kill: " << at_kill);
  CHECK(at_kill < static_cast<size_t>(n));
  CHECK(unique.size() == n);  // nothing lost
  // Duplicates only for what was in flight at the kill, and counted: the restart says how many
  // deliveries it took back from the dead process.
  size_t taken_back = 0;
  auto pos = out.find("took back ");
  if (pos != std::string::npos) taken_back = std::stoul(out.substr(pos + 10));
  size_t duplicates = sub.count() - unique.size();
  CHECK(duplicates <= taken_back);
  auto db = store::open_sqlite(dir / "capcast.db");
  REQUIRE(db.ok());
  CHECK((*db)->stats()->deliveries_delivered == n);
}

// persistence_dir (issue 5): capcast killed -9 while QoS 2 publishes are in flight, then
// restarted with the same client id. Paho's files hold the unfinished handshakes, the broker kept
// the session, and the outbox re-sends what it had not recorded as delivered.
TEST_CASE(
    "mqtt channel: persistence_dir, QoS 2, capcast killed -9 and restarted: the session "
    "resumes, nothing is lost, the files are emptied") {
  // CAPCAST_TEST_NO_PERSISTENCE=1 runs it without persistence_dir, for comparison (its
  // persistence checks are then skipped).
  const bool persistent = std::getenv("CAPCAST_TEST_NO_PERSISTENCE") == nullptr;
  test::TempDir broker_dir;
  Broker broker(broker_dir.path());
  test::TempDir dir;
  const auto state = dir / "mqtt-state";
  const int n = 2'000;
  {
    auto db = store::open_sqlite(dir / "capcast.db");
    REQUIRE(db.ok());
    for (int i = 0; i < n; ++i) {
      std::string id = "p-" + std::to_string(i);
      REQUIRE((*db)->accept_alert(new_alert(cap_xml(id, "Alert"), id, "Alert"), {"mq"}).ok());
    }
  }
  test::write_file(dir / "capcast.toml",
                   "[store]\npath = \"capcast.db\"\n[http]\nport = 0\n"
                   "[[channel]]\nname = \"mq\"\nurl = \"mqtt://127.0.0.1:" +
                       std::to_string(broker.port()) + "/pers/{identifier}?qos=2\"\n" +
                       (persistent ? "persistence_dir = \"" + state.string() + "\"\n" : ""));
  Subscriber sub(broker.port(), "pers/#", "sub-pers-" + run_id(), /*persistent=*/true, 0,
                 /*qos=*/2);
  size_t files_at_kill = 0;
  std::string first_out;
  {
    test::Process first({CAPCAST_BINARY, "run", "--config", (dir / "capcast.toml").string()});
    auto end = std::chrono::steady_clock::now() + 60s;
    // Killed once a few hundred have arrived, at a moment when Paho holds a handshake in flight
    // (it writes a file per publish sent and removes it at the PUBCOMP).
    while ((sub.count() < 300 || (persistent && files_under(state) == 0)) &&
           std::chrono::steady_clock::now() < end) {
      first.pump();
      std::this_thread::sleep_for(5ms);
    }
    first.signal(SIGKILL);
    REQUIRE(first.wait(10s).has_value());
    first_out = first.output();
    files_at_kill = files_under(state);
  }
  size_t at_kill = sub.count();
  test::Process second({CAPCAST_BINARY, "run", "--config", (dir / "capcast.toml").string()});
  std::set<std::string> unique;
  auto end = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < end) {
    second.pump();
    unique.clear();
    for (const auto& r : sub.got())
      unique.insert(r.topic);
    if (unique.size() == n) break;
    std::this_thread::sleep_for(50ms);
  }
  std::this_thread::sleep_for(1s);  // let any stray duplicate arrive before counting
  second.signal(SIGTERM);
  REQUIRE(second.wait(20s) == 0);
  std::string out = second.output();
  INFO("first run:\n" << first_out);
  INFO("second run:\n" << out);
  INFO("received at the kill: " << at_kill << ", files at the kill: " << files_at_kill);
  CHECK(at_kill < static_cast<size_t>(n));  // the kill did land mid-way
  CHECK(unique.size() == n);                // nothing lost
  size_t taken_back = 0;
  auto pos = out.find("took back ");
  if (pos != std::string::npos) taken_back = std::stoul(out.substr(pos + 10));
  size_t duplicates = sub.count() - unique.size();
  INFO("taken back: " << taken_back << ", duplicates: " << duplicates);
  // Not exactly once, with persistence_dir either: the restart re-sends every delivery it took
  // back, and Paho also completes the handshakes restored from its files. Measured 2026-11-30,
  // 11 runs: 304 to 442 duplicates for 300 to 377 received at the kill; without
  // persistence_dir, 2 runs: 301 for 301, 676 for 518.
  CHECK(duplicates <= taken_back);
  if (persistent) {
    CHECK(first_out.find("(MQTT 5, window 1000, new session)") != std::string::npos);
    // The same client id (capcast-NAME) finds its session on the broker again.
    CHECK(out.find("as capcast-mq (MQTT 5, window 1000, session resumed)") != std::string::npos);
    CHECK(files_at_kill > 0);        // the handshakes in flight were in Paho's files
    CHECK(files_under(state) == 0);  // and are gone once all are acknowledged
  }
  auto db = store::open_sqlite(dir / "capcast.db");
  REQUIRE(db.ok());
  CHECK((*db)->stats()->deliveries_delivered == n);
}

// persistence_dir with the broker stopped (SIGTERM: it saves its sessions) in the middle of a
// QoS 2 fan-out and restarted on the same port: Paho keeps the unfinished handshakes in its files
// while the broker is away and completes them on the resumed session.
// Hidden ([.]: run it by its name): Paho C 1.3.12 (Debian 12) read freed memory in 3 runs of 10
// (ASan heap-use-after-free: strlen in MQTTPacket_send_publish on one Paho thread, the
// block freed by the other) while it re-sends the resumed session's handshakes. With
// CAPCAST_TEST_NO_PERSISTENCE=1 (a clean session) 5 runs of 5 were clean (2026-11-30).
TEST_CASE(
    "mqtt channel: persistence_dir, QoS 2, the broker restarted mid-way: all arrive, the files "
    "are emptied",
    "[.][paho-bug]") {
  const bool persistent = std::getenv("CAPCAST_TEST_NO_PERSISTENCE") == nullptr;
  test::TempDir broker_dir;
  Broker broker(broker_dir.path());
  test::TempDir state;
  Subscriber sub(broker.port(), "prest/#", "sub-prest-" + run_id(), /*persistent=*/true, 0,
                 /*qos=*/2);
  Rig rig("[[channel]]\nname = \"mq\"\nurl = \"mqtt://127.0.0.1:" + std::to_string(broker.port()) +
          "/prest/{identifier}?qos=2\"\n" +
          (persistent ? "persistence_dir = \"" + state.path().string() + "\"\n" : ""));
  const int n = 3'000;
  for (int i = 0; i < n; ++i) {
    std::string id = "prest-" + std::to_string(i);
    rig.accept(new_alert(cap_xml(id, "Alert"), id, "Alert"));
  }
  std::thread runner([&] { rig.engine->run(); });
  auto until = std::chrono::steady_clock::now() + 60s;
  while ((sub.count() < 500 || (persistent && files_under(state.path()) == 0)) &&
         std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(5ms);
  broker.stop();  // in the middle of the fan-out, with handshakes in flight
  size_t before_restart = sub.count();
  size_t files_while_down = files_under(state.path());
  std::this_thread::sleep_for(1s);
  broker.start();
  std::set<std::string> unique;
  auto end = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < end) {
    unique.clear();
    for (const auto& r : sub.got())
      unique.insert(r.topic);
    auto st = rig.db->stats();
    if (unique.size() == n && st.ok() && st->deliveries_delivered + st->deliveries_dead == n &&
        files_under(state.path()) == 0) {
      break;
    }
    std::this_thread::sleep_for(100ms);
  }
  std::this_thread::sleep_for(1s);  // let any stray duplicate arrive before counting
  rig.engine->stop();
  runner.join();
  auto stats = *rig.db->stats();
  auto m = rig.engine->metrics();
  size_t duplicates = sub.count() - unique.size();
  std::string log = test::read_file(broker_dir / "mosquitto.log");
  INFO("broker log: " << log.substr(log.size() > 3000 ? log.size() - 3000 : 0));
  INFO("received before the restart: " << before_restart << ", files while the broker was down: "
                                       << files_while_down << ", retried: " << m[0].retried
                                       << ", duplicates: " << duplicates);
  CHECK(before_restart < static_cast<size_t>(n));  // the stop did land mid-way
  CHECK(stats.deliveries_delivered == n);
  CHECK(stats.deliveries_dead == 0);
  CHECK(unique.size() == n);  // every message arrived
  // A message arrives twice only when the engine sent its delivery again.
  CHECK(duplicates <= static_cast<size_t>(m[0].retried));
  if (persistent) {
    CHECK(files_while_down > 0);            // the unfinished handshakes were kept
    CHECK(files_under(state.path()) == 0);  // and completed
  }
}

TEST_CASE("mqtt channel: a slow subscriber loses nothing with the documented broker settings") {
  test::TempDir dir;
  // max_queued_messages 100000, as docs/CHANNELS.md says. CAPCAST_TEST_BROKER_DEFAULTS=1 runs it
  // against mosquitto's defaults instead: on 2026-11-30 that run lost nothing either (the
  // default queue limit of 1000 did not bite at this rate), so this test shows that nothing is
  // lost with the documented settings, not that the defaults lose.
  Broker broker(dir.path(), std::getenv("CAPCAST_TEST_BROKER_DEFAULTS") == nullptr);
  Subscriber slow(broker.port(), "slow/#", "sub-slow-" + run_id(), false, /*receive max*/ 20);
  slow.slow_down(std::chrono::microseconds(1500));  // ~650 messages/s at most
  Rig rig("[[channel]]\nname = \"mq\"\nurl = \"mqtt://127.0.0.1:" + std::to_string(broker.port()) +
          "/slow/{identifier}?qos=1\"\n");
  const int n = 3'000;  // three times mosquitto's default max_queued_messages (1000)
  for (int i = 0; i < n; ++i) {
    std::string id = "slow-" + std::to_string(i);
    rig.accept(new_alert(cap_xml(id, "Alert"), id, "Alert"));
  }
  std::thread runner([&] { rig.engine->run(); });
  auto end = std::chrono::steady_clock::now() + 120s;
  while (rig.engine->metrics()[0].delivered < n && std::chrono::steady_clock::now() < end)
    std::this_thread::sleep_for(20ms);
  // The publisher is done long before the subscriber: the broker holds the difference.
  size_t when_published = slow.count();
  rig.engine->stop();
  runner.join();
  CHECK(rig.db->stats()->deliveries_delivered == n);
  slow.slow_down(std::chrono::microseconds(0));
  std::set<std::string> unique;
  auto deadline = std::chrono::steady_clock::now() + 120s;
  do {
    unique.clear();
    for (const auto& r : slow.got())
      unique.insert(r.topic);
    if (unique.size() == n) break;
    std::this_thread::sleep_for(50ms);
  } while (std::chrono::steady_clock::now() < deadline);
  INFO("received when the last PUBACK came: " << when_published);
  CHECK(unique.size() == n);
}

TEST_CASE("mqtt channel: a channel that always fails does not hold back the MQTT channel") {
  int port = fixture_port();
  std::string base = "capcast-test/" + run_id() + "/beside";
  test::TempDir dir;
  test::write_file(dir / "blocker", "a file where the folder should be");
  Subscriber sub(port, base + "/#", "sub-beside-" + run_id());
  Rig rig("[[channel]]\nname = \"broken\"\nurl = \"file://" + (dir / "blocker" / "out").string() +
          "\"\nbackoff_base = \"10ms\"\nbackoff_max = \"50ms\"\nmax_attempts = 1000\n"
          "[[channel]]\nname = \"mq\"\nurl = \"mqtt://127.0.0.1:" +
          std::to_string(port) + "/" + base + "/{identifier}\"\n");
  const int n = 500;
  for (int i = 0; i < n; ++i) {
    std::string id = "beside-" + std::to_string(i);
    rig.accept(new_alert(cap_xml(id, "Alert"), id, "Alert"));
  }
  std::thread runner([&] { rig.engine->run(); });
  REQUIRE(sub.wait_for(n, 60s) == n);
  auto delivered_on_mq = [&] {
    for (const auto& m : rig.engine->metrics()) {
      if (m.channel == "mq") return m.delivered;
    }
    return int64_t{0};
  };
  auto end = std::chrono::steady_clock::now() + 30s;  // the last PUBACKs may trail the subscriber
  while (delivered_on_mq() < n && std::chrono::steady_clock::now() < end)
    std::this_thread::sleep_for(10ms);
  auto metrics = rig.engine->metrics();
  rig.engine->stop();
  runner.join();
  for (const auto& m : metrics) {
    if (m.channel == "mq") CHECK(m.delivered == n);
    if (m.channel == "broken") {
      CHECK(m.delivered == 0);
      CHECK(m.retried > 0);  // it kept failing all along, beside the MQTT channel
    }
  }
}

TEST_CASE("mqtt channel: mqtts with a client certificate, and without one the broker refuses it") {
  // One broker, two listeners: TLS requiring a client certificate for capcast, plain for the
  // test's subscriber.
  test::TlsMosquitto broker;
  int plain = broker.plain_port();
  int tls = broker.tls_port();
  auto dir = [&](const char* name) { return broker.file(name); };
  std::string base = "capcast-test/" + run_id() + "/tls";
  Subscriber sub(plain, base + "/#", "sub-tls-" + run_id());
  std::string channel =
      "[[channel]]\nname = \"mq\"\nurl = \"mqtts://127.0.0.1:" + std::to_string(tls) + "/" + base +
      "/{identifier}?qos=1\"\nca_bundle = \"" + dir("ca.crt").string() + "\"\n";
  {
    Rig rig(channel + "cert_file = \"" + dir("client.crt").string() + "\"\nkey_file = \"" +
            dir("client.key").string() + "\"\n");
    std::string xml = cap_xml("tls-1", "Alert");
    rig.accept(new_alert(xml, "tls-1", "Alert"));
    CHECK(rig.drain(30s).deliveries_delivered == 1);
    REQUIRE(sub.wait_for(1, 10s) == 1);
    CHECK(sub.got()[0].payload == xml);
  }
  // No client certificate: the TLS handshake fails, the channel is never ready, and the
  // delivery waits in the outbox with no attempt spent.
  Rig rig(channel);
  int64_t id = rig.accept(new_alert(cap_xml("tls-2", "Alert"), "tls-2", "Alert"));
  for (int i = 0; i < 20; ++i) {
    REQUIRE(rig.engine->run_pass().ok());
    std::this_thread::sleep_for(100ms);
  }
  CHECK_FALSE(rig.channels[0].channel->ready());
  auto ds = *rig.db->deliveries_of(id);
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].state == store::DeliveryState::kPending);
  CHECK(ds[0].attempts == 0);
  CHECK(sub.got().size() == 1);
}

TEST_CASE("mqtt channel: WIS2 mode through the broker, schema-valid notifications on the topic") {
  int port = fixture_port();
  // The WIS2 topic is fixed but for the centre id: one of this run's own (tests share the
  // broker).
  const std::string centre = "capcast-test-" + run_id();
  const std::string topic = "origin/a/wis2/" + centre + "/data/core/weather/advisories-warnings";
  Subscriber sub(port, topic, "sub-wis2-" + run_id());
  Rig rig("[[channel]]\nname = \"wis2\"\nurl = \"mqtt://127.0.0.1:" + std::to_string(port) +
          "\"\nmode = \"wis2\"\ncentre_id = \"" + centre +
          "\"\nlink_base = \"https://alerts.example.org/\"\n");
  const std::string ref = "met@example.org,w-A,2030-01-01T00:00:00-00:00";
  const std::vector<std::pair<std::string, std::string>> sent = {
      {"w-A", cap_xml("w-A", "Alert", "", "2099-01-01T00:00:00-00:00")},
      {"w-U", cap_xml("w-U", "Update", ref, "2099-01-01T00:00:00-00:00")},
      {"w-C", cap_xml("w-C", "Cancel", ref)}};
  // One at a time: an Update or Cancel that arrives while its alert is still pending replaces
  // it (the outbox's lifecycle), and this test wants the three notifications.
  std::map<std::string, int64_t> ids;
  for (const auto& [id, xml] : sent) {
    std::vector<store::AlertRef> refs;
    if (id != "w-A") refs.push_back({"met@example.org", "w-A", "2030-01-01T00:00:00-00:00"});
    const char* type = id == "w-A" ? "Alert" : id == "w-U" ? "Update" : "Cancel";
    ids[id] = rig.accept(new_alert(xml, id, type, refs));
    rig.drain(30s);
  }
  CHECK(rig.db->stats()->deliveries_delivered == 3);
  REQUIRE(sub.wait_for(3, 10s) == 3);
  // What the broker delivered, checked by the official WNM schema (python3-jsonschema), with
  // the inline content's size and sha512 recomputed from the bytes.
  test::TempDir dir;
  std::vector<std::string> cmd = {
      "/usr/bin/python3", (test::source_dir() / "tests/dispatch/validate_wnm.py").string(),
      "--check-content",
      (test::source_dir() / "tests/data/wis2/wis2-notification-message-bundled.json").string()};
  int n = 0;
  std::set<std::string> links;
  for (const auto& r : sub.got()) {
    CHECK(r.topic == topic);
    CHECK(r.content_type == "application/geo+json");
    CHECK_FALSE(r.retained);  // WIS2 Guide §2.5.1
    for (const auto& [id, alert_id] : ids) {
      const std::string href =
          "https://alerts.example.org/alerts/" + std::to_string(alert_id) + ".xml";
      if (r.payload.find("\"" + href + "\"") != std::string::npos) links.insert(id);
    }
    const auto file = dir / ("wnm-" + std::to_string(n++) + ".json");
    test::write_file(file, r.payload);
    cmd.push_back(file.string());
  }
  CHECK(links.size() == 3);  // each notification links its own alert
  std::string out;
  int rc = test::run(cmd, &out);
  INFO(out);
  CHECK(rc == 0);
  CHECK(out.find("invalid") == std::string::npos);
}
