// issue 5: the mqtt channel, measured against reference peers in the same run, on a mosquitto of
// its own (the broker settings docs/CHANNELS.md recommends, on a free port of 127.0.0.1):
//  1. Publish throughput, QoS 1, 1 KB and 4 KB: capcast's whole path (outbox claim, lane, Paho,
//     PUBACK, outcome recorded in the outbox) against `mosquitto_pub -l` publishing the same
//     messages to the same broker. Target: at least 90% of its rate.
//  2. Latency from accepting an alert (Store::accept_alert, its fsync included) to its PUBACK,
//     p50/p99, at 10 and 1,000 alerts/s, against a bare Paho client publishing the same
//     messages at the same rate (publish to PUBACK). Target: p99 under 10 ms at 10/s.
//  3. Outbox cost: alerts accepted (an alert row and a delivery row, one transaction each) per
//     second and bytes per delivery, against SQLite inserting the same bytes, one transaction
//     each, with the same PRAGMAs.
// Repetitions alternate capcast and the peer, so a change of load touches both alike; medians.
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mqtt/async_client.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "capcast/config/config.h"
#include "capcast/dispatch/engine.h"
#include "capcast/dispatch/registry.h"
#include "capcast/store/store.h"

extern char** environ;

namespace {

using namespace capcast;
using Steady = std::chrono::steady_clock;
namespace fs = std::filesystem;

// Extra [[channel]] keys for experiments: CAPCAST_BENCH_CHANNEL="window = 500".
std::string extra_toml() {
  const char* e = std::getenv("CAPCAST_BENCH_CHANNEL");
  return e ? std::string(e) + "\n" : "";
}

double seconds_since(Steady::time_point t) {
  return std::chrono::duration<double>(Steady::now() - t).count();
}

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

pid_t spawn(const std::vector<std::string>& argv, const std::string& stdin_file = "") {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (!stdin_file.empty())
    posix_spawn_file_actions_addopen(&fa, 0, stdin_file.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  std::vector<char*> args;
  for (const auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// One line of CAP 1.2 (mosquitto_pub -l splits at line feeds) of exactly `size` bytes.
std::string cap_line(int i, size_t size) {
  std::string head =
      "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>bench-" +
      std::to_string(i) +
      "</identifier><sender>met@example.org</sender><sent>2030-01-01T00:00:00-00:00</sent>"
      "<status>Actual</status><msgType>Alert</msgType><scope>Public</scope><info><category>Met"
      "</category><event>Flood</event><urgency>Immediate</urgency><severity>Severe</severity>"
      "<certainty>Observed</certainty><description>";
  std::string tail = "</description><area><areaDesc>x</areaDesc></area></info></alert>";
  std::string pad(size > head.size() + tail.size() ? size - head.size() - tail.size() : 0, 'x');
  return head + pad + tail;
}

store::NewAlert new_alert(int i, const std::string& xml) {
  store::NewAlert n;
  n.sender = "met@example.org";
  n.identifier = "bench-" + std::to_string(i);
  n.sent = "2030-01-01T00:00:00-00:00";
  n.sent_ms = 1'893'456'000'000;
  n.status = "Actual";
  n.msg_type = "Alert";
  n.title = "Flood";
  n.source = "bench";
  n.xml = xml;
  return n;
}

struct Broker {
  fs::path dir;
  int port = free_port();
  pid_t pid = -1;
  explicit Broker(const fs::path& d) : dir(d) {
    fs::permissions(dir, fs::perms::all);
    std::ofstream(dir / "mosquitto.conf")
        << "listener " << port << " 127.0.0.1\nallow_anonymous true\npersistence false\n"
        << "max_inflight_messages 1000\nmax_queued_messages 100000\n";
    pid = spawn({"/usr/sbin/mosquitto", "-c", (dir / "mosquitto.conf").string()});
    for (int i = 0; i < 100; ++i) {
      int fd = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      a.sin_port = htons(static_cast<uint16_t>(port));
      bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
      ::close(fd);
      if (ok) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::fprintf(stderr, "mqtt_bench: mosquitto did not start\n");
    std::exit(1);
  }
  ~Broker() {
    ::kill(pid, SIGTERM);
    wait_exit(pid);
  }
};

// The channel under test, wrapped so that the bench sees each outcome when it happens.
class Timed final : public dispatch::Channel {
 public:
  explicit Timed(std::unique_ptr<dispatch::Channel> inner) : inner_(std::move(inner)) {}
  dispatch::Outcome deliver(const dispatch::Message& m) override { return inner_->deliver(m); }
  void submit(const dispatch::Message& m, dispatch::Done done) override {
    int64_t id = m.alert_id;
    if (null_) {  // CAPCAST_BENCH_NULL: the engine and outbox alone, no broker
      done(dispatch::Delivered{});
      return;
    }
    inner_->submit(m, [this, id, done = std::move(done)](dispatch::Outcome o) {
      {
        std::lock_guard lock(mu);
        acked[id] = Steady::now();
        if (!std::holds_alternative<dispatch::Delivered>(o)) ++failed;
      }
      done(std::move(o));
    });
  }
  bool ready() override { return inner_->ready(); }
  void flush() override { inner_->flush(); }
  bool null_ = std::getenv("CAPCAST_BENCH_NULL") != nullptr;
  int max_window() const override { return null_ ? 1000 : inner_->max_window(); }
  std::mutex mu;
  std::map<int64_t, Steady::time_point> acked;
  int failed = 0;

 private:
  std::unique_ptr<dispatch::Channel> inner_;
};

struct Capcast {
  fs::path dir;
  std::unique_ptr<store::Store> db;
  std::vector<dispatch::NamedChannel> channels;
  Timed* timed = nullptr;
  std::unique_ptr<dispatch::Engine> engine;
  std::thread runner;

  Capcast(const fs::path& d, int port, const std::string& topic) : dir(d) {
    fs::create_directories(dir);
    db = std::move(*store::open_sqlite(dir / "capcast.db"));
    config::Schema schema{{dispatch::channel_section()}};
    auto doc = config::load_string("[[channel]]\nname = \"mq\"\nurl = \"mqtt://127.0.0.1:" +
                                       std::to_string(port) + "/" + topic + "\"\n" + extra_toml(),
                                   "bench", schema);
    channels = std::move(*dispatch::build_channels(*doc));
    auto t = std::make_unique<Timed>(std::move(channels[0].channel));
    timed = t.get();
    channels[0].channel = std::move(t);
    engine = std::make_unique<dispatch::Engine>(db.get(), &channels, SystemClock::instance(),
                                                [] { return 0.5; });
  }
  void start() {
    runner = std::thread([this] { engine->run(); });
  }
  ~Capcast() {
    if (engine) engine->stop();
    if (runner.joinable()) runner.join();
    engine.reset();
    channels.clear();
    db.reset();
    fs::remove_all(dir);
  }
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

// mosquitto_pub -l: N lines, QoS 1, 1000 in flight, to the same broker. Its rate in messages/s.
double mosquitto_pub_rate(const Broker& b, const fs::path& lines, int n) {
  auto t0 = Steady::now();
  pid_t pid = spawn({"/usr/bin/mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(b.port),
                     "-q", "1", "-M", "1000", "-t", "bench/ref", "-l"},
                    lines.string());
  int rc = wait_exit(pid);
  double s = seconds_since(t0);
  if (rc != 0) std::fprintf(stderr, "mqtt_bench: mosquitto_pub exited %d\n", rc);
  return n / s;
}

// Bare Paho C++: the same N messages through the same library capcast's channel uses (MQTT 5,
// 1000 in flight, as capcast's default), nothing else: the ceiling of any Paho-based channel on
// this machine. Its rate in messages/s, publish of the first to PUBACK of the last.
double paho_rate(const Broker& b, const std::vector<std::string>& msgs) {
  ::mqtt::create_options create(MQTTVERSION_5);
  create.set_max_buffered_messages(1100);
  ::mqtt::async_client cli("tcp://127.0.0.1:" + std::to_string(b.port), "bench-bare-rate", create,
                           nullptr);
  ::mqtt::connect_options o;
  o.set_mqtt_version(MQTTVERSION_5);
  o.set_clean_start(true);
  o.set_max_inflight(1000);
  cli.connect(o)->wait();
  struct L : ::mqtt::iaction_listener {
    std::mutex mu;
    std::condition_variable cv;
    int in_flight = 0;
    int done = 0;
    void finish() {
      {
        std::lock_guard lock(mu);
        --in_flight;
        ++done;
      }
      cv.notify_one();
    }
    void on_success(const ::mqtt::token&) override { finish(); }
    void on_failure(const ::mqtt::token&) override { finish(); }
  } l;
  auto t0 = Steady::now();
  for (const auto& m : msgs) {
    {
      std::unique_lock lock(l.mu);
      l.cv.wait(lock, [&] { return l.in_flight < 1000; });
      ++l.in_flight;
    }
    cli.publish(::mqtt::make_message("bench/paho", m, 1, false), nullptr, l);
  }
  {
    std::unique_lock lock(l.mu);
    l.cv.wait(lock, [&] { return l.done == static_cast<int>(msgs.size()); });
  }
  double s = seconds_since(t0);
  cli.disconnect()->wait();
  return static_cast<double>(msgs.size()) / s;
}

// capcast: N alerts in a fresh outbox (not timed: that is the outbox measurement), then the
// engine drains them through the mqtt channel. Its rate in messages/s.
double capcast_rate(const Broker& b, const fs::path& dir, const std::vector<std::string>& msgs,
                    double* accept_rate) {
  Capcast c(dir, b.port, "bench/capcast");
  auto t_acc = Steady::now();
  for (size_t i = 0; i < msgs.size(); ++i)
    c.db->accept_alert(new_alert(static_cast<int>(i), msgs[i]), {"mq"});
  if (accept_rate) *accept_rate = static_cast<double>(msgs.size()) / seconds_since(t_acc);
  // Connect first: the bench measures publishing, not the TCP/MQTT handshake.
  while (!c.channels[0].channel->ready())
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  rusage ru0{};
  getrusage(RUSAGE_SELF, &ru0);
  auto t0 = Steady::now();
  c.start();
  // Watch the engine's counters, not the store: a COUNT over the outbox every few ms would
  // compete with the lane for the store.
  while (true) {
    auto m = c.engine->metrics();
    if (m[0].delivered + m[0].dead >= static_cast<int64_t>(msgs.size())) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  double s = seconds_since(t0);
  rusage ru1{};
  getrusage(RUSAGE_SELF, &ru1);
  auto cpu = [](const rusage& r) {
    return static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
           static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
  };
  if (std::getenv("CAPCAST_BENCH_CPU")) {
    std::fprintf(stderr, "capcast process CPU during the drain: %.0f%% of one core\n",
                 100 * (cpu(ru1) - cpu(ru0)) / s);
  }
  c.engine->stop();
  c.runner.join();  // outcomes written
  auto st = *c.db->stats();
  if (st.deliveries_delivered != static_cast<int64_t>(msgs.size())) {
    std::fprintf(stderr, "mqtt_bench: only %lld of %zu delivered\n",
                 static_cast<long long>(st.deliveries_delivered), msgs.size());
  }
  return static_cast<double>(msgs.size()) / s;
}

// Bare Paho: publish the same message at `rate`/s for `seconds`, publish-to-PUBACK latencies.
std::vector<double> paho_latencies(const Broker& b, const std::string& msg, double rate,
                                   double seconds) {
  ::mqtt::async_client cli("tcp://127.0.0.1:" + std::to_string(b.port), "bench-bare",
                           ::mqtt::create_options(MQTTVERSION_5));
  ::mqtt::connect_options o;
  o.set_mqtt_version(MQTTVERSION_5);
  o.set_max_inflight(1000);
  cli.connect(o)->wait();
  std::vector<double> out;
  std::mutex mu;
  struct L : ::mqtt::iaction_listener {
    std::vector<double>* out;
    std::mutex* mu;
    Steady::time_point t;
    void on_success(const ::mqtt::token&) override {
      std::lock_guard lock(*mu);
      out->push_back(std::chrono::duration<double, std::milli>(Steady::now() - t).count());
    }
    void on_failure(const ::mqtt::token&) override {}
  };
  int n = static_cast<int>(rate * seconds);
  std::vector<std::unique_ptr<L>> listeners;
  auto start = Steady::now();
  for (int i = 0; i < n; ++i) {
    std::this_thread::sleep_until(start + std::chrono::duration<double>(i / rate));
    auto l = std::make_unique<L>();
    l->out = &out;
    l->mu = &mu;
    l->t = Steady::now();
    cli.publish(::mqtt::make_message("bench/bare", msg, 1, false), nullptr, *l);
    listeners.push_back(std::move(l));
  }
  for (int i = 0; i < 500; ++i) {
    {
      std::lock_guard lock(mu);
      if (static_cast<int>(out.size()) >= n) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  cli.disconnect()->wait();
  return out;
}

// capcast: accept an alert at `rate`/s for `seconds` while the engine runs; accept-to-PUBACK.
// *after_store: the part after accept_alert returned (its fsync excluded).
std::vector<double> capcast_latencies(const Broker& b, const fs::path& dir, const std::string& msg,
                                      double rate, double seconds,
                                      std::vector<double>* after_store) {
  Capcast c(dir, b.port, "bench/latency");
  while (!c.channels[0].channel->ready())
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  c.start();
  std::map<int64_t, Steady::time_point> accepted, stored;
  int n = static_cast<int>(rate * seconds);
  auto start = Steady::now();
  for (int i = 0; i < n; ++i) {
    std::this_thread::sleep_until(start + std::chrono::duration<double>(i / rate));
    auto t = Steady::now();
    auto r = c.db->accept_alert(new_alert(i, msg), {"mq"});
    if (!r.ok()) continue;
    accepted[r->alert_id] = t;
    stored[r->alert_id] = Steady::now();
    c.engine->notify();
  }
  for (int i = 0; i < 500; ++i) {
    {
      std::lock_guard lock(c.timed->mu);
      if (c.timed->acked.size() >= accepted.size()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::vector<double> out;
  std::lock_guard lock(c.timed->mu);
  for (const auto& [id, t] : accepted) {
    auto it = c.timed->acked.find(id);
    if (it != c.timed->acked.end()) {
      out.push_back(std::chrono::duration<double, std::milli>(it->second - t).count());
      if (after_store) {
        after_store->push_back(
            std::chrono::duration<double, std::milli>(it->second - stored[id]).count());
      }
    }
  }
  return out;
}

// SQLite alone: the same alert bytes and a delivery row, one transaction each, same PRAGMAs.
double sqlite_rate(const fs::path& dir, const std::vector<std::string>& msgs) {
  fs::create_directories(dir);
  sqlite3* db = nullptr;
  sqlite3_open((dir / "ref.db").c_str(), &db);
  sqlite3_exec(db,
               "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
               "CREATE TABLE a (id INTEGER PRIMARY KEY, k TEXT UNIQUE, xml TEXT);"
               "CREATE TABLE d (id INTEGER PRIMARY KEY, a INTEGER, ch TEXT, state INTEGER);",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* ia = nullptr;
  sqlite3_stmt* id = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO a (k, xml) VALUES (?, ?)", -1, &ia, nullptr);
  sqlite3_prepare_v2(db, "INSERT INTO d (a, ch, state) VALUES (?, 'mq', 0)", -1, &id, nullptr);
  auto t0 = Steady::now();
  for (size_t i = 0; i < msgs.size(); ++i) {
    sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    std::string k = "bench-" + std::to_string(i);
    sqlite3_bind_text(ia, 1, k.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ia, 2, msgs[i].data(), static_cast<int>(msgs[i].size()), SQLITE_STATIC);
    sqlite3_step(ia);
    sqlite3_reset(ia);
    sqlite3_bind_int64(id, 1, sqlite3_last_insert_rowid(db));
    sqlite3_step(id);
    sqlite3_reset(id);
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  }
  double rate = static_cast<double>(msgs.size()) / seconds_since(t0);
  sqlite3_finalize(ia);
  sqlite3_finalize(id);
  sqlite3_close(db);
  fs::remove_all(dir);
  return rate;
}

}  // namespace

int main(int argc, char** argv) {
  int n = 20'000;
  int reps = 3;
  std::string parts = "123";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--messages") n = std::stoi(argv[i + 1]);
    if (std::string(argv[i]) == "--reps") reps = std::stoi(argv[i + 1]);
    if (std::string(argv[i]) == "--parts") parts = argv[i + 1];  // e.g. "1" or "23"
  }
  spdlog::set_level(spdlog::level::warn);  // one info line per delivery would be measured too
  char tmpl[] = "/tmp/capcast-mqtt-bench-XXXXXX";
  fs::path dir = ::mkdtemp(tmpl);
  Broker broker(dir);
  std::printf(
      "mqtt_bench: %s; mosquitto 127.0.0.1:%d (max_inflight_messages 1000); %d messages "
      "x %d repetitions, medians\n",
      CAPCAST_BENCH_BUILD, broker.port, n, reps);

  if (parts.find('1') != std::string::npos) {
    std::printf(
        "\n1. publish throughput, QoS 1 (capcast: outbox -> lane -> Paho -> PUBACK -> "
        "outbox)\n");
    std::printf("%-6s %14s %14s %14s %8s %12s %18s\n", "size", "capcast msg/s", "mosq_pub msg/s",
                "bare Paho/s", "ratio", "vs Paho", "outbox accepts/s");
    for (size_t size : {size_t{1024}, size_t{4096}}) {
      std::vector<std::string> msgs;
      std::ofstream lines(dir / "lines.txt", std::ios::trunc);
      for (int i = 0; i < n; ++i) {
        msgs.push_back(cap_line(i, size));
        lines << msgs.back() << '\n';
      }
      lines.close();
      std::vector<double> ours, ref, paho, accepts;
      for (int r = 0; r < reps; ++r) {
        ref.push_back(mosquitto_pub_rate(broker, dir / "lines.txt", n));
        paho.push_back(paho_rate(broker, msgs));
        double acc = 0;
        ours.push_back(capcast_rate(broker, dir / "run", msgs, &acc));
        accepts.push_back(acc);
      }
      std::printf("%-6zu %14.0f %14.0f %14.0f %7.2fx %11.2fx %18.0f\n", size, median(ours),
                  median(ref), median(paho), median(ours) / median(ref),
                  median(ours) / median(paho), median(accepts));
      std::printf("       (bare Paho / mosquitto_pub: %.2fx)\n", median(paho) / median(ref));
    }
  }
  if (parts.find('2') != std::string::npos) {
    std::printf(
        "\n2. latency, accept -> PUBACK (capcast) vs publish -> PUBACK (bare Paho), 1 KB\n");
    std::printf("%-8s %11s %11s %16s %16s %10s %10s %8s\n", "rate", "capcast p50", "capcast p99",
                "after-store p50", "after-store p99", "paho p50", "paho p99", "samples");
    std::string msg = cap_line(0, 1024);
    for (auto [rate, secs] : {std::pair{10.0, 20.0}, std::pair{1000.0, 5.0}}) {
      auto ref = paho_latencies(broker, msg, rate, secs);
      std::vector<double> after;
      auto ours = capcast_latencies(broker, dir / "lat", msg, rate, secs, &after);
      std::printf("%-8s %9.2fms %9.2fms %14.2fms %14.2fms %8.2fms %8.2fms %8zu\n",
                  (std::to_string(static_cast<int>(rate)) + "/s").c_str(), percentile(ours, 0.5),
                  percentile(ours, 0.99), percentile(after, 0.5), percentile(after, 0.99),
                  percentile(ref, 0.5), percentile(ref, 0.99), ours.size());
    }
  }
  if (parts.find('3') != std::string::npos) {
    std::printf(
        "\n3. outbox cost: accepts/s (alert + delivery row, one transaction each, fsync)\n");
    std::vector<std::string> msgs;
    for (int i = 0; i < 2000; ++i)
      msgs.push_back(cap_line(i, 1024));
    std::vector<double> ours, ref;
    int64_t bytes = 0;
    for (int r = 0; r < reps; ++r) {
      ref.push_back(sqlite_rate(dir / "sq", msgs));
      fs::create_directories(dir / "ob");
      {
        auto db = std::move(*store::open_sqlite(dir / "ob" / "capcast.db"));
        auto t0 = Steady::now();
        for (size_t i = 0; i < msgs.size(); ++i)
          db->accept_alert(new_alert(static_cast<int>(i), msgs[i]), {"mq"});
        ours.push_back(static_cast<double>(msgs.size()) / seconds_since(t0));
      }
      bytes = static_cast<int64_t>(fs::file_size(dir / "ob" / "capcast.db"));
      fs::remove_all(dir / "ob");
    }
    std::printf(
        "capcast %.0f/s, SQLite alone %.0f/s, ratio %.2fx; %.0f bytes per delivery "
        "(1 KB alert included; WAL checkpointed)\n",
        median(ours), median(ref), median(ours) / median(ref),
        static_cast<double>(bytes) / static_cast<double>(msgs.size()));
  }
  fs::remove_all(dir);
  return 0;
}
