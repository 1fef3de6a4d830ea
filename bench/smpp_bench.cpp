// issue 6: the SMPP channel, measured against Kannel's bearerbox in the same run, both sending to
// the bench's own SMSC (bench/smsc_peer.cpp, a process of its own answering every submit_sm at
// once, so that neither its CPU nor its speed is counted as capcast's or Kannel's):
//  1. Fan-out throughput: one alert to N people (N sealed recipient rows accepted in one
//     transaction, timed apart), drained by the engine through the smpp channel with 1 and 4
//     binds of `window` submits each, no receipts asked: N / (engine start to the peer's Nth
//     submit_sm), and N / (engine start to the engine counting N delivered). Against bearerbox
//     with as many `smsc = smpp` binds (transceiver-mode, max-pending-submits = window) fed the
//     same N messages through smsbox's sendsms (many numbers per request): N / (first request to
//     the peer's Nth submit_sm). Targets: capcast >= 5x Kannel and >= 20,000 submit_sm/s.
//  2. Latency: an alert with one recipient every 100 ms; from the call of accept_alert (its
//     fsync included) and from its return to the peer receiving the submit_sm (CLOCK_MONOTONIC
//     on both sides, the peer's stamps come through a pipe): p50, p99.
//  3. Memory: the peak resident set (VmHWM, reset before each run) of one run of a large
//     campaign (--campaign, default 1,000,000 recipients).
#include <fcntl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "capcast/config/config.h"
#include "capcast/dispatch/engine.h"
#include "capcast/dispatch/registry.h"
#include "capcast/store/sealer.h"
#include "capcast/store/store.h"

extern char** environ;

namespace {

using namespace capcast;
using Steady = std::chrono::steady_clock;
namespace fs = std::filesystem;

const char* kKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const char* kText = "Flood warning for Nairobi: move to higher ground now.";

double seconds_since(Steady::time_point t) {
  return std::chrono::duration<double>(Steady::now() - t).count();
}

// steady_clock is CLOCK_MONOTONIC on Linux (libstdc++): the peer's stamps are on the same clock.
int64_t ns_of(Steady::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
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

bool can_connect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

// A child process; stdin and stdout are pipes when asked, stdout/stderr else go to `log`.
struct Child {
  pid_t pid = -1;
  int in = -1;   // our end of its stdin
  int out = -1;  // our end of its stdout
};

Child spawn(const std::vector<std::string>& argv, bool pipes, const std::string& log) {
  Child c;
  int pin[2] = {-1, -1};
  int pout[2] = {-1, -1};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (pipes) {
    if (::pipe2(pin, O_CLOEXEC) != 0 || ::pipe2(pout, O_CLOEXEC) != 0) std::exit(1);
    posix_spawn_file_actions_adddup2(&fa, pin[0], 0);
    posix_spawn_file_actions_adddup2(&fa, pout[1], 1);
  } else {
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  }
  posix_spawn_file_actions_addopen(&fa, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  std::vector<char*> args;
  for (const auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  if (posix_spawn(&c.pid, args[0], &fa, nullptr, args.data(), environ) != 0) c.pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  if (pipes) {
    ::close(pin[0]);
    ::close(pout[1]);
    c.in = pin[1];
    c.out = pout[0];
  }
  return c;
}

void stop(Child& c) {
  if (c.pid <= 0) return;
  ::kill(c.pid, SIGTERM);
  int status = 0;
  ::waitpid(c.pid, &status, 0);
  c.pid = -1;
}

// user + system CPU seconds of a process, from /proc/PID/stat (fields 14 and 15, in ticks).
double proc_cpu(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string s;
  std::getline(f, s);  // one line
  auto p = s.rfind(')');
  if (p == std::string::npos) return 0;
  std::istringstream rest(s.substr(p + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i)
    if (i >= 14) ticks += std::stod(field);
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

double self_cpu() {
  rusage r{};
  getrusage(RUSAGE_SELF, &r);
  return static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
         static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

// VmHWM or VmRSS of this process in MB, from /proc/self/status.
double status_mb(const std::string& key) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind(key + ":", 0) == 0) return std::stod(line.substr(key.size() + 1)) / 1024.0;
  }
  return 0;
}

// Resets VmHWM to the current RSS (proc(5), /proc/PID/clear_refs, value 5), after giving freed
// heap back, so that each run's peak is its own.
void reset_peak() {
  ::malloc_trim(0);
  std::ofstream("/proc/self/clear_refs") << "5";
}

double load1() {
  std::ifstream f("/proc/loadavg");
  double l = 0;
  f >> l;
  return l;
}

// The bench's SMSC (bench/smsc_peer), next to this binary; its answers read by a thread.
class Peer {
 public:
  explicit Peer(const fs::path& dir) : port_(free_port()) {
    auto exe = fs::read_symlink("/proc/self/exe").parent_path() / "smsc_peer";
    child_ = spawn({exe.string(), std::to_string(port_)}, true, (dir / "smsc_peer.log").string());
    reader_ = std::thread([this] { read(); });
    if (expect("listening", 10).empty()) {
      std::fprintf(stderr, "smpp_bench: smsc_peer did not start\n");
      std::exit(1);
    }
  }
  ~Peer() {
    send("quit");
    ::close(child_.in);
    int status = 0;
    ::waitpid(child_.pid, &status, 0);
    reader_.join();
    ::close(child_.out);
  }
  int port() const { return port_; }
  pid_t pid() const { return child_.pid; }
  void send(const std::string& cmd) {
    std::string l = cmd + "\n";
    if (::write(child_.in, l.data(), l.size()) < 0) std::perror("smpp_bench: peer");
  }
  // The next line starting with `prefix` (others before it are dropped), "" after `seconds`.
  std::string expect(const std::string& prefix, double seconds) {
    std::unique_lock lock(mu_);
    auto end = Steady::now() + std::chrono::duration<double>(seconds);
    while (true) {
      while (!lines_.empty()) {
        std::string l = std::move(lines_.front());
        lines_.pop_front();
        if (l.rfind(prefix, 0) == 0) return l;
      }
      if (cv_.wait_until(lock, end) == std::cv_status::timeout && lines_.empty()) return "";
    }
  }
  int binds() {
    send("binds");
    auto l = expect("binds ", 5);
    return l.empty() ? -1 : std::stoi(l.substr(6));
  }
  bool wait_binds(int k, double seconds) {
    auto end = Steady::now() + std::chrono::duration<double>(seconds);
    while (Steady::now() < end) {
      if (binds() >= k) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  double cpu() {
    send("cpu");
    auto l = expect("cpu ", 5);
    return l.empty() ? 0 : std::stod(l.substr(4));
  }
  // The "s NS DEST" lines of stamp mode so far: destination_addr -> NS.
  std::map<std::string, int64_t> stamps() {
    std::lock_guard lock(mu_);
    std::map<std::string, int64_t> out;
    for (const auto& l : stamps_) {
      auto sp = l.find(' ', 2);
      out[l.substr(sp + 1)] = std::stoll(l.substr(2, sp - 2));
    }
    return out;
  }

 private:
  void read() {
    std::string buf;
    char chunk[4096];
    while (true) {
      ssize_t n = ::read(child_.out, chunk, sizeof chunk);
      if (n <= 0) return;
      buf.append(chunk, static_cast<size_t>(n));
      size_t nl;
      std::lock_guard lock(mu_);
      while ((nl = buf.find('\n')) != std::string::npos) {
        (buf.rfind("s ", 0) == 0 ? stamps_ : lines_).push_back(buf.substr(0, nl));
        buf.erase(0, nl + 1);
      }
      cv_.notify_all();
    }
  }

  int port_;
  Child child_;
  std::thread reader_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> lines_;
  std::deque<std::string> stamps_;
};

std::string cap_xml(const std::string& id) {
  return std::string(
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>") +
         id +
         "</identifier><sender>met@example.org</sender><sent>2030-01-01T00:00:00-00:00</sent>"
         "<status>Actual</status><msgType>Alert</msgType><scope>Public</scope><info>"
         "<category>Met</category><event>Flood</event><urgency>Immediate</urgency>"
         "<severity>Severe</severity><certainty>Observed</certainty><headline>" +
         kText + "</headline><area><areaDesc>Nairobi</areaDesc></area></info></alert>\n";
}

std::string number(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "+2547%08d", i);
  return buf;
}

store::NewAlert new_alert(const std::string& id, std::vector<std::string> numbers) {
  store::NewAlert n;
  n.sender = "met@example.org";
  n.identifier = id;
  n.sent = "2030-01-01T00:00:00-00:00";
  n.sent_ms = 1'893'456'000'000;
  n.status = "Actual";
  n.msg_type = "Alert";
  n.title = "Flood";
  n.source = "bench";
  n.xml = cap_xml(id);
  n.recipients = {{"sms", std::move(numbers), {}}};
  return n;
}

// A sealed store, an smpp channel "sms" to the peer, an engine; run() on a thread of its own.
struct Capcast {
  fs::path dir;
  std::unique_ptr<store::Store> db;
  std::vector<dispatch::NamedChannel> channels;
  std::unique_ptr<dispatch::Engine> engine;
  std::thread runner;

  Capcast(const fs::path& d, int port, int binds, int window) : dir(d) {
    fs::create_directories(dir);
    db = std::move(*store::open_sqlite(
        dir / "capcast.db", std::shared_ptr<const store::Sealer>(*store::sodium_sealer(kKey))));
    config::Schema schema{{dispatch::channel_section()}};
    auto doc = config::load_string(
        "[[channel]]\nname = \"sms\"\nurl = \"smpp://capcast:secret@127.0.0.1:" +
            std::to_string(port) + "?source=EWS&binds=" + std::to_string(binds) +
            "&window=" + std::to_string(window) + "\"\nregistered_delivery = false\n",
        "bench", schema);
    if (!doc.ok()) {
      std::fprintf(stderr, "smpp_bench: %s\n", doc.status().message().c_str());
      std::exit(1);
    }
    auto built = dispatch::build_channels(*doc);
    if (!built.ok()) {
      std::fprintf(stderr, "smpp_bench: %s\n", built.status().message().c_str());
      std::exit(1);
    }
    channels = std::move(*built);
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
    channels.clear();  // unbinds
    db.reset();
    fs::remove_all(dir);
  }
};

struct Run {
  double accept_s = 0;      // accept_alert of the alert and its N recipients
  double peer_s = 0;        // engine start to the peer's Nth submit_sm
  double engine_s = 0;      // engine start to the engine counting N delivered
  double cpu = 0;           // this process's CPU seconds over engine_s
  double peer_cpu = 0;      // the peer's
  double rss_start_mb = 0;  // RSS before accepting
  double hwm_mb = 0;        // peak RSS over the run (accept and drain)
  int64_t delivered = 0;    // in the store, after the engine stopped
  double db_mb_start = 0;   // the store's files (database and WAL) before the accept
  double db_mb = 0;         // and after the drain
  bool ok = false;
};

// The store's files: the database and its write-ahead log.
double store_mb(const fs::path& dir) {
  std::error_code ec;
  double bytes = 0;
  for (const char* f : {"capcast.db", "capcast.db-wal"}) {
    auto n = fs::file_size(dir / f, ec);
    if (!ec) bytes += static_cast<double>(n);
  }
  return bytes / (1024 * 1024);
}

Run capcast_run(Peer& peer, const fs::path& dir, int n, int binds, int window, double timeout) {
  Run r;
  std::vector<std::string> nums;
  nums.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i)
    nums.push_back(number(i));
  reset_peak();
  r.rss_start_mb = status_mb("VmRSS");
  {
    Capcast c(dir, peer.port(), binds, window);
    r.db_mb_start = store_mb(dir);
    auto t_acc = Steady::now();
    auto acc =
        c.db->accept_alert(new_alert("fanout-" + std::to_string(binds), std::move(nums)), {});
    r.accept_s = seconds_since(t_acc);
    if (!acc.ok()) {
      std::fprintf(stderr, "smpp_bench: accept: %s\n", acc.status().message().c_str());
      return r;
    }
    // Bound first: the bench measures submitting, not the TCP/SMPP handshake.
    if (!peer.wait_binds(binds, 10)) {
      std::fprintf(stderr, "smpp_bench: capcast did not bind %d times\n", binds);
      return r;
    }
    peer.send("target " + std::to_string(n));
    double pcpu0 = peer.cpu();
    double cpu0 = self_cpu();
    auto t0 = Steady::now();
    c.start();
    auto done = peer.expect("done ", timeout);
    std::fprintf(stderr, "smpp_bench: capcast %s\n", done.empty() ? "timed out" : done.c_str());
    if (!done.empty()) {
      int64_t last = std::stoll(done.substr(done.rfind(' ') + 1));
      r.peer_s = static_cast<double>(last - ns_of(t0)) / 1e9;
    }
    auto end = t0 + std::chrono::duration<double>(timeout);
    while (Steady::now() < end) {
      auto m = c.engine->metrics();
      if (m[0].delivered + m[0].dead >= n) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    r.engine_s = seconds_since(t0);
    r.cpu = self_cpu() - cpu0;
    r.peer_cpu = peer.cpu() - pcpu0;
    c.engine->stop();
    c.runner.join();  // outcomes written
    r.delivered = c.db->stats()->deliveries_delivered;
    r.hwm_mb = status_mb("VmHWM");
    r.db_mb = store_mb(dir);
    r.ok = !done.empty() && r.delivered == n;
  }
  if (!r.ok) {
    std::fprintf(stderr, "smpp_bench: capcast run incomplete: peer %s, %lld of %d delivered\n",
                 r.peer_s > 0 ? "counted all" : "did not count all",
                 static_cast<long long>(r.delivered), n);
  }
  return r;
}

struct KannelRun {
  double feed_s = 0;  // first sendsms request to the last answered
  double peer_s = 0;  // first sendsms request to the peer's Nth submit_sm
  double cpu = 0;     // bearerbox + smsbox CPU seconds over peer_s
  double peer_cpu = 0;
  bool ok = false;
  std::string why;
};

// bearerbox (with `binds` smsc groups, one bind each, to the peer) and smsbox, fed N messages
// through sendsms, `batch` numbers to a request, from `feeders` threads.
KannelRun kannel_run(Peer& peer, const fs::path& dir, int n, int binds, int window, int batch,
                     int feeders, double timeout) {
  KannelRun r;
  fs::create_directories(dir);
  int admin = free_port(), box = free_port(), http = free_port();
  {
    std::ofstream conf(dir / "kannel.conf");
    conf << "group = core\nadmin-port = " << admin << "\nadmin-password = bench\n"
         << "smsbox-port = " << box << "\nadmin-interface = 127.0.0.1\n"
         << "box-allow-ip = 127.0.0.1\nlog-level = 4\ndlr-storage = internal\n\n";
    for (int i = 0; i < binds; ++i) {
      // One group per bind, same smsc-id: bearerbox shares the messages among them.
      conf << "group = smsc\nsmsc = smpp\nsmsc-id = peer\nhost = 127.0.0.1\nport = " << peer.port()
           << "\ntransceiver-mode = true\nsmsc-username = kannel\n"
           << "smsc-password = secret\nsystem-type = \"\"\nmax-pending-submits = " << window
           << "\nlog-level = 4\n\n";
    }
    conf << "group = smsbox\nbearerbox-host = 127.0.0.1\nbearerbox-port = " << box
         << "\nsendsms-port = " << http << "\nsendsms-interface = 127.0.0.1\nlog-level = 4\n\n"
         << "group = sendsms-user\nusername = bench\npassword = bench\nmax-messages = 1\n"
         << "user-allow-ip = \"127.0.0.1\"\n";
  }
  std::string log = (dir / "kannel.log").string();
  Child bb = spawn({"/usr/sbin/bearerbox", "-v", "4", (dir / "kannel.conf").string()}, false, log);
  Child sb;
  auto cleanup = [&] {
    stop(sb);
    stop(bb);
  };
  if (!peer.wait_binds(binds, 20)) {
    r.why = "bearerbox did not bind (see " + log + ")";
    cleanup();
    return r;
  }
  sb = spawn({"/usr/sbin/smsbox", "-v", "4", (dir / "kannel.conf").string()}, false, log);
  for (int i = 0; i < 200 && !can_connect(http); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  if (!can_connect(http)) {
    r.why = "smsbox's sendsms port did not open (see " + log + ")";
    cleanup();
    return r;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // smsbox connects to bearerbox
  std::fprintf(stderr, "smpp_bench: Kannel up, %d bind(s)\n", binds);
  peer.send("target " + std::to_string(n));
  double pcpu0 = peer.cpu();
  double cpu0 = proc_cpu(bb.pid) + proc_cpu(sb.pid);
  auto t0 = Steady::now();
  std::mutex mu;
  int next = 0;
  std::string failure;
  auto feed = [&] {
    httplib::Client cli("127.0.0.1", http);
    cli.set_read_timeout(static_cast<time_t>(timeout), 0);
    cli.set_url_encode(false);  // the query below is encoded already
    while (true) {
      int first;
      {
        std::lock_guard lock(mu);
        if (next >= n || !failure.empty()) return;
        first = next;
        next = std::min(n, next + batch);
      }
      int last = std::min(n, first + batch);
      // `to`: numbers separated by spaces ('+' in a query), each '+' of a number as %2B.
      std::string to;
      for (int i = first; i < last; ++i) {
        if (i > first) to += '+';
        to += "%2B" + number(i).substr(1);
      }
      std::string path = "/cgi-bin/sendsms?username=bench&password=bench&from=EWS&to=" + to +
                         "&text=" + httplib::detail::encode_query_param(kText);
      auto res = cli.Get(path);
      // smsbox answers 202 "Accepted for delivery" (or "Queued for later delivery").
      if (!res || res->status / 100 != 2 || res->body.find("delivery") == std::string::npos) {
        std::lock_guard lock(mu);
        failure = res ? std::to_string(res->status) + " " + res->body
                      : "no answer: " + httplib::to_string(res.error());
        return;
      }
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < feeders; ++i)
    threads.emplace_back(feed);
  for (auto& t : threads)
    t.join();
  r.feed_s = seconds_since(t0);
  if (!failure.empty()) {
    r.why = "sendsms: " + failure;
    cleanup();
    return r;
  }
  std::fprintf(stderr, "smpp_bench: Kannel fed in %.2f s\n", r.feed_s);
  auto done = peer.expect("done ", timeout);
  if (done.empty()) {
    r.why = "the peer did not count " + std::to_string(n) + " submits";
  } else {
    int64_t last = std::stoll(done.substr(done.rfind(' ') + 1));
    r.peer_s = static_cast<double>(last - ns_of(t0)) / 1e9;
    r.ok = true;
  }
  r.cpu = proc_cpu(bb.pid) + proc_cpu(sb.pid) - cpu0;
  r.peer_cpu = peer.cpu() - pcpu0;
  cleanup();
  return r;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

// One alert with one recipient every 1/rate s for `seconds`; accept (call, return) to the peer's
// submit_sm, in ms.
void latency(Peer& peer, const fs::path& dir, int window, double rate, double seconds) {
  Capcast c(dir, peer.port(), 1, window);
  if (!peer.wait_binds(1, 10)) {
    std::fprintf(stderr, "smpp_bench: capcast did not bind\n");
    return;
  }
  c.start();
  peer.send("stamp 1");
  std::map<std::string, std::pair<int64_t, int64_t>> sent;  // number -> call, return
  int n = static_cast<int>(rate * seconds);
  auto start = Steady::now();
  for (int i = 0; i < n; ++i) {
    std::this_thread::sleep_until(start + std::chrono::duration<double>(i / rate));
    std::string num = number(50'000'000 + i);
    auto t_call = Steady::now();
    auto acc = c.db->accept_alert(new_alert("latency-" + std::to_string(i), {num}), {});
    auto t_ret = Steady::now();
    if (!acc.ok()) continue;
    c.engine->notify();
    sent[num] = {ns_of(t_call), ns_of(t_ret)};
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  peer.send("stamp 0");
  peer.binds();  // a round trip: every stamp is in by its answer
  auto stamps = peer.stamps();
  std::vector<double> from_call, from_ret;
  for (const auto& [num, t] : sent) {
    // destination_addr carries the digits of an international number, without its '+'.
    auto it = stamps.find(num.substr(1));
    if (it == stamps.end()) continue;
    from_call.push_back(static_cast<double>(it->second - t.first) / 1e6);
    from_ret.push_back(static_cast<double>(it->second - t.second) / 1e6);
  }
  std::printf(
      "%d alerts at %.0f/s, %zu seen by the peer\n"
      "  accept_alert call   -> submit_sm at the peer: p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms\n"
      "  accept_alert return -> submit_sm at the peer: p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms\n",
      n, rate, from_call.size(), percentile(from_call, 0.5), percentile(from_call, 0.99),
      percentile(from_call, 1), percentile(from_ret, 0.5), percentile(from_ret, 0.99),
      percentile(from_ret, 1));
}

}  // namespace

int main(int argc, char** argv) {
  int n = 100'000;
  int window = 64;
  int reps = 1;
  int campaign = 1'000'000;
  int batch = 500;
  int feeders = 4;
  double lat_seconds = 10;
  double timeout = 600;  // seconds a run may take
  bool with_kannel = true;
  std::string parts = "tlm";
  std::vector<int> bind_counts = {1, 4};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || i + 1 >= argc) {
      std::printf(
          "smpp_bench [--recipients N] [--window W] [--binds 1,4] [--reps R] [--campaign M]\n"
          "           [--kannel-batch B] [--kannel-feeders F] [--latency-seconds S]\n"
          "           [--timeout S] [--parts tlm]  (t: throughput vs Kannel, l: latency, m: "
          "memory)\n");
      return a == "--help" ? 0 : 2;
    }
    std::string v = argv[++i];
    if (a == "--recipients")
      n = std::stoi(v);
    else if (a == "--window")
      window = std::stoi(v);
    else if (a == "--reps")
      reps = std::stoi(v);
    else if (a == "--campaign")
      campaign = std::stoi(v);
    else if (a == "--kannel-batch")
      batch = std::stoi(v);
    else if (a == "--kannel-feeders")
      feeders = std::stoi(v);
    else if (a == "--latency-seconds")
      lat_seconds = std::stod(v);
    else if (a == "--parts")
      parts = v;
    else if (a == "--kannel")
      with_kannel = v != "0";
    else if (a == "--timeout")
      timeout = std::stod(v);
    else if (a == "--binds") {
      bind_counts.clear();
      std::stringstream ss(v);
      std::string b;
      while (std::getline(ss, b, ','))
        bind_counts.push_back(std::stoi(b));
    } else {
      std::fprintf(stderr, "smpp_bench: unknown option %s\n", a.c_str());
      return 2;
    }
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  spdlog::set_level(spdlog::level::warn);  // one info line per submit would be measured too
  char tmpl[] = "/tmp/capcast-smpp-bench-XXXXXX";
  fs::path dir = ::mkdtemp(tmpl);
  double load_start = load1();
  bool incomplete = false;  // a capcast run that did not deliver everyone: exit 1
  Peer peer(dir);
  std::printf("smpp_bench: %s; smsc_peer 127.0.0.1:%d (its own process); load average %.2f\n",
              CAPCAST_BENCH_BUILD, peer.port(), load_start);

  if (parts.find('t') != std::string::npos) {
    std::printf(
        "\n1. fan-out: one alert to %d people, window %d a bind, no receipts asked; "
        "%d repetition(s), capcast and Kannel alternating\n",
        n, window, reps);
    std::printf("%-5s %-4s %10s %12s %12s %10s %9s %9s %9s\n", "binds", "rep", "accept s",
                "to peer /s", "counted /s", "CPU %", "peer CPU%", "peak MB", "ratio");
    for (int rep = 1; rep <= reps; ++rep) {
      for (int b : bind_counts) {
        Run c = capcast_run(peer, dir / "capcast", n, b, window, timeout);
        KannelRun k;
        k.why = "skipped (--kannel 0)";
        if (with_kannel)
          k = kannel_run(peer, dir / "kannel", n, b, window, batch, feeders, timeout);
        incomplete = incomplete || !c.ok;
        double ours = c.peer_s > 0 ? n / c.peer_s : 0;
        double theirs = k.ok ? n / k.peer_s : 0;
        std::printf("%-5d %-4d %10.2f %12.0f %12.0f %9.0f%% %8.0f%% %9.0f %8.2fx  capcast%s\n", b,
                    rep, c.accept_s, ours, n / c.engine_s, 100 * c.cpu / c.engine_s,
                    100 * c.peer_cpu / c.engine_s, c.hwm_mb, theirs > 0 ? ours / theirs : 0,
                    c.ok ? "" : " INCOMPLETE");
        if (k.ok) {
          std::printf(
              "%-5d %-4d %10s %12.0f %12s %9.0f%% %8.0f%% %9s %9s  Kannel (fed in %.2f s)\n", b,
              rep, "-", theirs, "-", 100 * k.cpu / k.peer_s, 100 * k.peer_cpu / k.peer_s, "-", "",
              k.feed_s);
        } else {
          std::printf("%-5d %-4d Kannel FAILED: %s\n", b, rep, k.why.c_str());
        }
        std::fflush(stdout);
      }
    }
    std::printf(
        "(to peer: N / engine start to the peer's Nth submit_sm; counted: N / engine start to "
        "the engine counting N delivered. Kannel: N / first sendsms request to the peer's Nth "
        "submit_sm. CPU: capcast's process, Kannel's bearerbox + smsbox, over that time.)\n");
  }
  if (parts.find('l') != std::string::npos) {
    std::printf("\n2. latency, one alert with one recipient at 10/s, 1 bind\n");
    latency(peer, dir / "latency", window, 10, lat_seconds);
  }
  if (parts.find('m') != std::string::npos && campaign > 0) {
    std::printf("\n3. memory: one alert to %d people, 4 binds, window %d\n", campaign, window);
    Run c = capcast_run(peer, dir / "campaign", campaign, 4, window, 3 * timeout);
    incomplete = incomplete || !c.ok;
    std::printf(
        "accept %.1f s (%.0f recipients/s), drain %.1f s (%.0f submit_sm/s to the peer); RSS "
        "%.0f MB before, peak %.0f MB (+%.0f MB, %.0f bytes a recipient); store %.0f MB after "
        "the drain (%.0f bytes a delivery: its row, the sealed number, indexes)%s\n",
        c.accept_s, campaign / c.accept_s, c.engine_s, c.peer_s > 0 ? campaign / c.peer_s : 0,
        c.rss_start_mb, c.hwm_mb, c.hwm_mb - c.rss_start_mb,
        (c.hwm_mb - c.rss_start_mb) * 1024 * 1024 / campaign, c.db_mb,
        (c.db_mb - c.db_mb_start) * 1024 * 1024 / campaign, c.ok ? "" : " INCOMPLETE");
  }
  std::printf("\nload average %.2f at the start, %.2f at the end\n", load_start, load1());
  fs::remove_all(dir);
  return incomplete ? 1 : 0;
}
