// issue 7: cell broadcast.
//  1. Latency, accepted CAP alert -> WRITE-REPLACE on the wire (target p99 under 5 ms): capcast
//     (Store::accept_alert into a SQLite store, the engine's lane for a cbsp:// channel, the
//     planner with the incident's serial from the store, the CBSP link) to a BSC played in this
//     process, which stamps the moment a whole WRITE-REPLACE has arrived. One alert at a time,
//     paced (--rate), each followed by its Cancel (a KILL), so that message codes are freed.
//     The reference, in the same run and against the same BSC: a bare TCP client writing an
//     already encoded WRITE-REPLACE (what no CBC can beat: the loopback and the stamping).
//  2. Encode throughput: the pages of a text (cbs::encode_pages: GSM 7-bit alphabet, packing,
//     CR padding) for 1, 5 and 15 pages, next to libosmocore's gsm_7bit_encode_n_ussd per page,
//     which is what osmo-cbc's REST API does for "payload_decoded" GSM text (charset.c); and
//     the whole plan of an alert (cbs::plan: rule, text, pages), parse not included.
// libosmocore is GPL: it is linked into this benchmark only (as into the oracle tests), never
// into capcast.
extern "C" {
#include <osmocom/gsm/gsm_utils.h>
}

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "capcast/cap/parse.h"
#include "capcast/config/config.h"
#include "capcast/core/clock.h"
#include "capcast/dispatch/engine.h"
#include "capcast/dispatch/registry.h"
#include "capcast/store/store.h"
#include "cbs/cbsp/codec.h"
#include "cbs/message_id.h"
#include "cbs/pages.h"
#include "cbs/plan.h"

#ifndef CAPCAST_BENCH_BUILD
#define CAPCAST_BENCH_BUILD "unknown"
#endif

namespace {

using namespace capcast;
using namespace capcast::dispatch;
namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

// A BSC: accepts connections on a free port of 127.0.0.1, answers WRITE-REPLACE and KILL with
// COMPLETE and KEEP-ALIVE with its COMPLETE, and stamps each request's arrival.
class Bsc {
 public:
  struct Stamp {
    cbs::cbsp::MessageType type;
    Steady::time_point at;
  };

  Bsc() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    ::listen(listen_fd_, 8);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~Bsc() {
    stop_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    acceptor_.join();
    std::lock_guard lock(mu_);
    for (int fd : fds_)
      ::shutdown(fd, SHUT_RDWR);
    for (auto& t : conns_)
      t.detach();
  }
  int port() const { return port_; }
  // Waits for the next request stamp (bounded); false on timeout.
  bool next(Stamp& out, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, timeout, [this] { return !stamps_.empty(); })) return false;
    out = stamps_.front();
    stamps_.pop_front();
    return true;
  }
  void clear() {
    std::lock_guard lock(mu_);
    stamps_.clear();
  }

 private:
  void accept_loop() {
    while (!stop_) {
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      std::lock_guard lock(mu_);
      fds_.push_back(fd);
      conns_.emplace_back([this, fd] { serve(fd); });
    }
  }
  void serve(int fd) {
    cbs::Bytes in;
    uint8_t buf[65536];
    while (true) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) break;
      const auto now = Steady::now();
      in.insert(in.end(), buf, buf + n);
      while (true) {
        auto size = cbs::cbsp::next_pdu_size(in);
        if (!size.ok() || in.size() < *size || *size < cbs::cbsp::kHeaderSize) break;
        auto pdu = cbs::cbsp::decode(std::span(in).first(*size));
        in.erase(in.begin(), in.begin() + static_cast<long>(*size));
        if (!pdu.ok()) continue;
        answer(fd, *pdu, now);
      }
    }
    ::close(fd);
  }
  void answer(int fd, const cbs::cbsp::Pdu& req, Steady::time_point at) {
    using cbs::cbsp::MessageType;
    cbs::cbsp::Pdu r;
    if (req.type == MessageType::kWriteReplace) {
      r.type = MessageType::kWriteReplaceComplete;
      r.message_id = req.message_id;
      r.new_serial = req.new_serial;
      r.old_serial = req.old_serial;
      r.cell_list = req.cell_list;
    } else if (req.type == MessageType::kKill) {
      r.type = MessageType::kKillComplete;
      r.message_id = req.message_id;
      r.old_serial = req.old_serial;
      r.cell_list = req.cell_list;
    } else if (req.type == MessageType::kKeepAlive) {
      r.type = MessageType::kKeepAliveComplete;
    } else {
      return;
    }
    if (req.type != MessageType::kKeepAlive) {
      std::lock_guard lock(mu_);
      stamps_.push_back({req.type, at});
      cv_.notify_all();
    }
    auto bytes = cbs::cbsp::encode(r);
    if (bytes.ok()) (void)!::write(fd, bytes->data(), bytes->size());
  }

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<int> fds_;
  std::vector<std::thread> conns_;
  std::deque<Stamp> stamps_;
};

std::string cap_xml(const std::string& id, const std::string& msg_type, const std::string& refs) {
  std::string x =
      "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>" + id +
      "</identifier><sender>met@example.org</sender><sent>2030-01-01T00:00:00-00:00</sent>"
      "<status>Actual</status><msgType>" +
      msg_type + "</msgType><scope>Public</scope>";
  if (!refs.empty()) x += "<references>" + refs + "</references>";
  if (msg_type != "Cancel") {
    x += "<info><language>en</language><category>Met</category><event>Flood</event>"
         "<urgency>Immediate</urgency><severity>Extreme</severity><certainty>Observed"
         "</certainty><expires>2099-01-01T00:00:00-00:00</expires><headline>Flash flood warning"
         "</headline><instruction>Move to higher ground now. Do not cross flooded roads."
         "</instruction><area><areaDesc>Valley</areaDesc><circle>52.0,4.3 10</circle></area>"
         "</info>";
  }
  return x + "</alert>";
}

// An alert, or (ref_id given) a Cancel of alert ref_id.
store::NewAlert new_alert(const std::string& id, const std::string& msg_type,
                          const std::string& ref_id = "") {
  const std::string refs =
      ref_id.empty() ? "" : "met@example.org," + ref_id + ",2030-01-01T00:00:00-00:00";
  store::NewAlert n;
  n.sender = "met@example.org";
  n.identifier = id;
  n.sent = "2030-01-01T00:00:00-00:00";
  n.sent_ms = 1'893'456'000'000;
  n.status = "Actual";
  n.msg_type = msg_type;
  n.title = "Flood";
  n.source = "bench";
  n.xml = cap_xml(id, msg_type, refs);
  if (!ref_id.empty()) n.references = {{"met@example.org", ref_id, "2030-01-01T00:00:00-00:00"}};
  return n;
}

void latency(const fs::path& dir, int alerts, double rate) {
  Bsc bsc;
  fs::create_directories(dir);
  auto db = store::open_sqlite(dir / "capcast.db");
  if (!db.ok()) {
    std::fprintf(stderr, "cbs_bench: %s\n", db.status().message().c_str());
    std::exit(1);
  }
  config::Schema schema{{dispatch::channel_section()}};
  auto doc = config::load_string(
      "[[channel]]\nname = \"bsc\"\nurl = \"cbsp://127.0.0.1:" + std::to_string(bsc.port()) +
          "\"\nprofile = \"wea\"\nkeep_alive = \"0s\"\n",
      "bench", schema);
  if (!doc.ok()) {
    std::fprintf(stderr, "cbs_bench: %s\n", doc.status().message().c_str());
    std::exit(1);
  }
  auto built = dispatch::build_channels(*doc);
  if (!built.ok()) {
    std::fprintf(stderr, "cbs_bench: %s\n", built.status().message().c_str());
    std::exit(1);
  }
  auto channels = std::move(*built);
  auto engine = std::make_unique<dispatch::Engine>(db->get(), &channels, SystemClock::instance(),
                                                   [] { return 0.5; });
  std::thread runner([&] { engine->run(); });
  for (int i = 0; i < 500 && !channels[0].channel->ready(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::vector<double> capcast_ms, commit_ms, after_ms, bare_ms;
  int lost = 0;
  const auto period = std::chrono::duration<double>(1.0 / rate);

  // The reference: the same kind of PDU, encoded beforehand, on a bare TCP connection.
  int ref = ::socket(AF_INET, SOCK_STREAM, 0);
  {
    int one = 1;
    ::setsockopt(ref, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(bsc.port()));
    if (::connect(ref, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      std::fprintf(stderr, "cbs_bench: reference connect failed\n");
      std::exit(1);
    }
  }
  std::thread drain([ref] {
    uint8_t buf[4096];
    while (::read(ref, buf, sizeof buf) > 0) {
    }
  });

  for (int i = 0; i < alerts; ++i) {
    const auto due = Steady::now() + period;
    const std::string id = "L-" + std::to_string(i);
    const auto t0 = Steady::now();
    auto acc = (*db)->accept_alert(new_alert(id, "Alert"), {"bsc"});
    const auto t1 = Steady::now();
    engine->notify();
    Bsc::Stamp s{};
    if (!acc.ok() || !bsc.next(s, std::chrono::seconds(10))) {
      ++lost;
      continue;
    }
    capcast_ms.push_back(std::chrono::duration<double, std::milli>(s.at - t0).count());
    commit_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    after_ms.push_back(std::chrono::duration<double, std::milli>(s.at - t1).count());
    // Its Cancel frees the message code (a KILL), outside the measurement.
    (void)(*db)->accept_alert(new_alert("X-" + std::to_string(i), "Cancel", id), {"bsc"});
    engine->notify();
    bsc.next(s, std::chrono::seconds(10));

    // The reference's WRITE-REPLACE: what capcast just sent, encoded beforehand.
    cbs::cbsp::Pdu w;
    w.type = cbs::cbsp::MessageType::kWriteReplace;
    w.message_id = 4371;
    w.new_serial = static_cast<uint16_t>(0x4000 | ((i % 1024) << 4));
    w.cell_list = cbs::cbsp::CellList{};
    w.channel_indicator = 0;
    w.category = 0;
    w.repetition_period = 32;
    w.broadcasts_requested = 0;
    w.dcs = 0x01;
    w.pages.resize(1);
    w.pages[0].used = 40;
    auto bytes = cbs::cbsp::encode(w);
    if (!bytes.ok()) {
      std::fprintf(stderr, "cbs_bench: %s\n", bytes.status().message().c_str());
      std::exit(1);
    }
    const auto r0 = Steady::now();
    (void)!::write(ref, bytes->data(), bytes->size());
    if (bsc.next(s, std::chrono::seconds(10))) {
      bare_ms.push_back(std::chrono::duration<double, std::milli>(s.at - r0).count());
    }
    std::this_thread::sleep_until(due);
  }
  ::shutdown(ref, SHUT_RDWR);
  drain.join();
  ::close(ref);
  engine->stop();
  runner.join();
  engine.reset();
  channels.clear();
  db->reset();
  fs::remove_all(dir);
  auto line = [](const char* who, const std::vector<double>& v) {
    std::printf("  %-44s p50 %6.3f ms  p99 %6.3f ms  max %7.3f ms  (n=%zu)\n", who,
                percentile(v, 0.5), percentile(v, 0.99), percentile(v, 1), v.size());
  };
  std::printf("%d alerts at %.0f/s (each followed by its Cancel), %d not seen\n", alerts, rate,
              lost);
  line("capcast: accept_alert -> WRITE-REPLACE at BSC", capcast_ms);
  line("  of which accept_alert (the durable commit)", commit_ms);
  line("  of which accepted -> WRITE-REPLACE at BSC", after_ms);
  line("reference: write() of the encoded PDU -> BSC", bare_ms);
  std::printf("  ratio capcast/reference: p50 %.1fx  p99 %.1fx\n",
              percentile(capcast_ms, 0.5) / std::max(1e-9, percentile(bare_ms, 0.5)),
              percentile(capcast_ms, 0.99) / std::max(1e-9, percentile(bare_ms, 0.99)));
}

// Runs f repeatedly for about `seconds`; returns calls per second.
template <typename F>
double rate_of(F&& f, double seconds) {
  size_t n = 0;
  const auto start = Steady::now();
  const auto until = start + std::chrono::duration<double>(seconds);
  while (Steady::now() < until) {
    for (int i = 0; i < 64; ++i)
      f();
    n += 64;
  }
  return static_cast<double>(n) / std::chrono::duration<double>(Steady::now() - start).count();
}

void encode(double seconds, int reps) {
  std::string base = "Flash flood warning for the river valley. Move to higher ground now. ";
  for (int pages : {1, 5, 15}) {
    std::string text;
    while (text.size() < static_cast<size_t>(93 * pages - 40))
      text += base;
    text.resize(static_cast<size_t>(93 * pages - 40));
    // libosmocore, as osmo-cbc's payload_decoded does it: one gsm_7bit_encode_n_ussd per page
    // of 93 characters (ASCII text: its table is ASCII in, septets out), padded with CR.
    auto osmo = [&] {
      uint8_t page[82];
      int octets = 0;
      size_t ok = 0;
      for (size_t off = 0; off < text.size(); off += 93) {
        std::string chunk = text.substr(off, 93);
        chunk.resize(93, '\r');
        gsm_7bit_encode_n_ussd(page, sizeof page, chunk.c_str(), &octets);
        ok += static_cast<size_t>(octets);
      }
      return ok;
    };
    auto ours = [&] { return cbs::encode_pages(text, "en").ok(); };
    std::vector<double> a, b;
    for (int r = 0; r < reps; ++r) {
      a.push_back(rate_of(ours, seconds));
      b.push_back(rate_of(osmo, seconds));
    }
    const double ma = percentile(a, 0.5), mb = percentile(b, 0.5);
    std::printf(
        "  %2d page(s) GSM 7-bit: capcast encode_pages %10.0f/s   libosmocore %10.0f/s"
        "   ratio %.2fx\n",
        pages, ma, mb, ma / mb);
  }
  // The whole plan of one alert (rule, text, pages), the CAP parsed beforehand.
  auto parsed = cap::parse(cap_xml("E-1", "Alert", ""));
  const cbs::Profile* profile = cbs::builtin_profile("wea");
  cbs::PlanOptions po;
  po.profile = profile;
  std::vector<double> p, q;
  for (int r = 0; r < reps; ++r) {
    p.push_back(
        rate_of([&] { return cbs::plan(parsed->alert, cbs::IncidentState{}, po).ok(); }, seconds));
    q.push_back(rate_of([&] { return cap::parse(cap_xml("E-1", "Alert", "")).ok(); }, seconds));
  }
  std::printf("  plan of a 1-page alert (parse excluded): %10.0f/s; cap::parse of it: %10.0f/s\n",
              percentile(p, 0.5), percentile(q, 0.5));
}

}  // namespace

int main(int argc, char** argv) {
  int alerts = 1000;
  double rate = 50;
  double seconds = 1.0;
  int reps = 3;
  std::string parts = "le";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--alerts")
      alerts = std::stoi(next());
    else if (a == "--rate")
      rate = std::stod(next());
    else if (a == "--seconds")
      seconds = std::stod(next());
    else if (a == "--reps")
      reps = std::stoi(next());
    else if (a == "--parts")
      parts = next();
    else {
      std::fprintf(stderr,
                   "usage: cbs_bench [--alerts N] [--rate R] [--seconds S] [--reps N] "
                   "[--parts le]  (l: latency, e: encode)\n");
      return 2;
    }
  }
  spdlog::set_level(spdlog::level::warn);  // the engine's "delivered" lines would be timed too
  std::printf("cbs_bench (issue 7); build: %s\n", CAPCAST_BENCH_BUILD);
  if (parts.find('l') != std::string::npos) {
    std::printf(
        "\n1. accepted alert -> WRITE-REPLACE on the wire, cbsp:// to a BSC on 127.0.0.1\n");
    latency(fs::temp_directory_path() / ("cbs_bench." + std::to_string(::getpid())), alerts, rate);
  }
  if (parts.find('e') != std::string::npos) {
    std::printf("\n2. encode throughput (median of %d runs of %.1f s)\n", reps, seconds);
    encode(seconds, reps);
  }
  return 0;
}
