// poller_bench: what polling N HTTP feeds every INTERVAL costs capcast's Poller in CPU time, next
// to a reference peer doing the same HTTP work and nothing else (issue 4: 1,000 sources every
// 60 s under 5 % of one core). Three processes run side by side, so that each one's CPU time is
// its own:
//   - feed_server (bench/feed_server.cpp): N feeds on 127.0.0.1, spread over H host names
//     (hK.localhost, which libcurl resolves itself), with ETags; 1 in K answers a 200 with a
//     small CAP ATOM feed (two embedded alerts), the rest 304;
//   - `--role capcast`: a Poller (cap-atom format, a SQLite store in a temporary directory, the
//     [ingest] defaults including min_host_interval 1 s (divided by --scale), first polls spread
//     over the interval)
//     on its own thread, handing documents to a sink that counts them;
//   - `--role curl`: one libcurl multi handle on one thread issuing the same conditional GETs on
//     the same schedule (a min-heap of due times), keeping each feed's ETag, discarding bodies.
// Each client waits one interval (the spread first round), then measures getrusage(RUSAGE_SELF)
// (every thread of its process) over the window, and the server's count of its requests.
#include <httplib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <queue>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "capcast/ingest/poller.h"

namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

struct Options {
  int sources = 1000;
  int hosts = 100;
  double interval_s = 60;
  double window_s = 180;
  double scale = 1;  // intervals (and the warm-up) divided by this
  long change_every = 10;
  std::string role;  // empty: the orchestrator
  int port = 0;
};

double interval_seconds(const Options& o) {
  return o.interval_s / o.scale;
}

std::string feed_url(const Options& o, const std::string& client, int i) {
  return "http://h" + std::to_string(i % o.hosts) + ".localhost:" + std::to_string(o.port) + "/" +
         client + "/" + std::to_string(i);
}

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(ru.ru_utime) + s(ru.ru_stime);
}

struct ServerCounts {
  long requests = 0, ok = 0, not_modified = 0;
};

ServerCounts server_counts(int port, const std::string& client) {
  httplib::Client c("127.0.0.1", port);
  ServerCounts out;
  if (auto r = c.Get(("/stats?client=" + client).c_str()); r && r->status == 200) {
    std::istringstream in(r->body);
    in >> out.requests >> out.ok >> out.not_modified;
  }
  return out;
}

// One client's measured window, printed as one line for the orchestrator.
struct Window {
  double cpu0 = 0;
  Steady::time_point wall0;
  ServerCounts server0;
};

Window open_window(const Options& o, const std::string& client) {
  Window w;
  w.cpu0 = cpu_seconds();
  w.wall0 = Steady::now();
  w.server0 = server_counts(o.port, client);
  return w;
}

void close_window(const Options& o, const std::string& client, const Window& w, long documents,
                  long failing) {
  ServerCounts s = server_counts(o.port, client);
  double wall = std::chrono::duration<double>(Steady::now() - w.wall0).count();
  double cpu = cpu_seconds() - w.cpu0;
  std::printf("result %s %.3f %.3f %ld %ld %ld %ld %ld\n", client.c_str(), cpu, wall,
              s.requests - w.server0.requests, s.ok - w.server0.ok,
              s.not_modified - w.server0.not_modified, documents, failing);
  std::fflush(stdout);
}

void sleep_seconds(double s) {
  std::this_thread::sleep_for(std::chrono::duration<double>(s));
}

int run_capcast(const Options& o) {
  using namespace capcast;
  char tmpl[] = "/tmp/poller_bench.XXXXXX";
  if (!mkdtemp(tmpl)) return 1;
  std::filesystem::path dir = tmpl;
  int rc = 0;
  {
    auto store = store::open_sqlite(dir / "capcast.db");
    if (!store.ok()) {
      std::fprintf(stderr, "poller_bench: %s\n", store.status().message().c_str());
      return 1;
    }
    const auto* format = ingest::find_format("cap-atom");
    auto interval = Duration{static_cast<int64_t>(interval_seconds(o) * 1000)};
    std::vector<ingest::SourceSpec> specs;
    for (int i = 0; i < o.sources; ++i)
      specs.push_back(
          ingest::SourceSpec{"s" + std::to_string(i), format, feed_url(o, "c", i), interval});
    ingest::PollerOptions options;  // the [ingest] defaults
    options.fetch.user_agent = "capcast-bench";
    options.first_poll_spread = interval;
    // --scale shortens every time: the host interval too, or it alone would cap the requests.
    options.min_host_interval = Duration{static_cast<int64_t>(1000 / o.scale)};
    std::atomic<long> documents{0};
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    ingest::Poller poller(
        std::move(specs), options, store->get(),
        [&documents](const ingest::Document&) {
          ++documents;
          return ingest::Taken::kAccepted;
        },
        SystemClock::instance(), [&] { return uniform(rng); });
    std::thread t([&] { poller.run(); });
    sleep_seconds(interval_seconds(o));
    Window w = open_window(o, "c");
    long docs0 = documents;
    sleep_seconds(o.window_s);
    long docs = documents - docs0;
    long failing = 0;
    for (int i = 0; i < o.sources; ++i) {
      auto st = (*store)->load_source("s" + std::to_string(i));
      if (st.ok() && st->has_value() && (*st)->consecutive_failures > 0) ++failing;
    }
    close_window(o, "c", w, docs, failing);
    poller.stop();
    t.join();
  }
  std::filesystem::remove_all(dir);
  return rc;
}

// The reference peer: the same conditional GETs, no scheduling beyond a heap of due times, no
// parsing, no store.
struct Feed {
  std::string url;
  std::string etag;
  std::string etag_seen;
  curl_slist* headers = nullptr;
  bool failed = false;
};

size_t discard(char*, size_t size, size_t n, void*) {
  return size * n;
}

size_t keep_etag(char* data, size_t size, size_t n, void* feed) {
  size_t len = size * n;
  if (len > 5 && strncasecmp(data, "ETag:", 5) == 0) {
    std::string v(data + 5, len - 5);
    v.erase(0, v.find_first_not_of(" \t"));
    v.erase(v.find_last_not_of(" \t\r\n") + 1);
    static_cast<Feed*>(feed)->etag_seen = v;
  }
  return len;
}

int run_curl(const Options& o) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CURLM* multi = curl_multi_init();
  std::vector<Feed> feeds(static_cast<size_t>(o.sources));
  using Due = std::pair<Steady::time_point, size_t>;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> due;
  auto interval = std::chrono::duration_cast<Steady::duration>(
      std::chrono::duration<double>(interval_seconds(o)));
  std::mt19937_64 rng(43);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  auto start = Steady::now();
  for (size_t i = 0; i < feeds.size(); ++i) {
    feeds[i].url = feed_url(o, "r", static_cast<int>(i));
    due.emplace(start + std::chrono::duration_cast<Steady::duration>(interval * uniform(rng)), i);
  }
  auto begin = [&](size_t i) {
    Feed& f = feeds[i];
    CURL* e = curl_easy_init();
    curl_slist_free_all(f.headers);
    f.headers = nullptr;
    if (!f.etag.empty())
      f.headers = curl_slist_append(nullptr, ("If-None-Match: " + f.etag).c_str());
    f.etag_seen.clear();
    curl_easy_setopt(e, CURLOPT_URL, f.url.c_str());
    curl_easy_setopt(e, CURLOPT_USERAGENT, "capcast-bench-reference");
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 30'000L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    if (f.headers) curl_easy_setopt(e, CURLOPT_HTTPHEADER, f.headers);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &discard);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &keep_etag);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, &f);
    curl_easy_setopt(e, CURLOPT_PRIVATE, reinterpret_cast<void*>(i));
    curl_multi_add_handle(multi, e);
  };
  auto warm_until = start + std::chrono::duration_cast<Steady::duration>(
                                std::chrono::duration<double>(interval_seconds(o)));
  auto end = warm_until + std::chrono::duration_cast<Steady::duration>(
                              std::chrono::duration<double>(o.window_s));
  Window w;
  bool measuring = false;
  long bodies = 0, bodies0 = 0;
  while (true) {
    auto now = Steady::now();
    if (!measuring && now >= warm_until) {
      w = open_window(o, "r");
      bodies0 = bodies;
      measuring = true;
    }
    if (now >= end) break;
    while (!due.empty() && due.top().first <= now) {
      begin(due.top().second);
      due.pop();
    }
    auto next = due.empty() ? now + 1s : std::min(due.top().first, now + 1s);
    int ms =
        static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count());
    int running = 0;
    curl_multi_poll(multi, nullptr, 0, std::max(ms, 0), nullptr);
    curl_multi_perform(multi, &running);
    int left = 0;
    while (CURLMsg* m = curl_multi_info_read(multi, &left)) {
      if (m->msg != CURLMSG_DONE) continue;
      void* p = nullptr;
      curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &p);
      auto i = reinterpret_cast<size_t>(p);
      long code = 0;
      curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &code);
      feeds[i].failed = m->data.result != CURLE_OK || (code != 200 && code != 304);
      if (code == 200) {
        feeds[i].etag = feeds[i].etag_seen;
        ++bodies;
      }
      curl_multi_remove_handle(multi, m->easy_handle);
      curl_easy_cleanup(m->easy_handle);
      due.emplace(Steady::now() + interval, i);
    }
  }
  long failing = 0;
  for (const Feed& f : feeds)
    failing += f.failed ? 1 : 0;
  close_window(o, "r", w, bodies - bodies0, failing);
  for (Feed& f : feeds)
    curl_slist_free_all(f.headers);
  curl_multi_cleanup(multi);
  return 0;
}

// Starts `argv` with its stdout on a pipe; returns the pid and the read end.
std::pair<pid_t, FILE*> spawn(const std::vector<std::string>& args) {
  int fds[2];
  if (pipe(fds) != 0) return {-1, nullptr};
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> argv;
    for (const auto& a : args)
      argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(fds[1]);
  return {pid, fdopen(fds[0], "r")};
}

std::string first_line_of(const char* path, const char* prefix) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(prefix, 0) == 0) return line;
  return "?";
}

std::string loadavg() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

struct Result {
  std::string client;
  double cpu = 0, wall = 0;
  long requests = 0, ok = 0, not_modified = 0, documents = 0, failing = 0;
  bool valid = false;
};

Result read_result(FILE* f) {
  Result r;
  char line[512];
  while (std::fgets(line, sizeof line, f)) {
    char client[16];
    if (std::sscanf(line, "result %15s %lf %lf %ld %ld %ld %ld %ld", client, &r.cpu, &r.wall,
                    &r.requests, &r.ok, &r.not_modified, &r.documents, &r.failing) == 8) {
      r.client = client;
      r.valid = true;
    }
  }
  return r;
}

int orchestrate(const Options& o, const std::string& self) {
  std::string dir = std::filesystem::path(self).parent_path().string();
  auto [server_pid, server_out] =
      spawn({dir + "/feed_server", "--change-every", std::to_string(o.change_every)});
  int port = 0;
  if (!server_out || std::fscanf(server_out, "port %d", &port) != 1) {
    std::fprintf(stderr, "poller_bench: feed_server did not start\n");
    return 1;
  }
  double interval = interval_seconds(o);
  std::printf(
      "poller_bench: %d sources on %d hosts, interval %.1f s%s, 1 in %ld answers 200 "
      "(else 304); warm-up %.0f s, window %.0f s\n",
      o.sources, o.hosts, interval,
      o.scale != 1 ? (" (--scale " + std::to_string(o.scale) + ")").c_str() : "", o.change_every,
      interval, o.window_s);
  std::printf("machine: %u cpus, %s; load average at start %s\n",
              std::thread::hardware_concurrency(),
              first_line_of("/proc/cpuinfo", "model name").c_str(), loadavg().c_str());
  std::fflush(stdout);
  std::vector<std::string> common = {
      "--sources",  std::to_string(o.sources),    "--hosts",  std::to_string(o.hosts),
      "--interval", std::to_string(o.interval_s), "--window", std::to_string(o.window_s),
      "--scale",    std::to_string(o.scale),      "--port",   std::to_string(port)};
  auto with = [&](const char* role) {
    std::vector<std::string> a = {self, "--role", role};
    a.insert(a.end(), common.begin(), common.end());
    return a;
  };
  auto [cap_pid, cap_out] = spawn(with("capcast"));
  auto [ref_pid, ref_out] = spawn(with("curl"));
  Result cap = read_result(cap_out);
  Result ref = read_result(ref_out);
  int status = 0;
  waitpid(cap_pid, &status, 0);
  waitpid(ref_pid, &status, 0);
  kill(server_pid, SIGTERM);
  waitpid(server_pid, &status, 0);
  std::printf("load average at end %s\n\n", loadavg().c_str());
  if (!cap.valid || !ref.valid) {
    std::fprintf(stderr, "poller_bench: a client did not report\n");
    return 1;
  }
  double expected = static_cast<double>(o.sources) * o.window_s / interval;
  std::printf(
      "| client | requests (expected %.0f) | 200 | 304 | documents / bodies | failing sources | "
      "CPU s | %% of one core | us per request |\n",
      expected);
  std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const Result* r : {&cap, &ref}) {
    std::printf("| %s | %ld | %ld | %ld | %ld | %ld | %.2f | %.2f %% | %.0f |\n",
                r == &cap ? "capcast Poller" : "libcurl multi loop (peer)", r->requests, r->ok,
                r->not_modified, r->documents, r->failing, r->cpu, 100 * r->cpu / r->wall,
                r->requests ? 1e6 * r->cpu / static_cast<double>(r->requests) : 0.0);
  }
  double share = 100 * cap.cpu / cap.wall;
  std::printf(
      "\nratio capcast / peer CPU: %.2fx; capcast at %.2f %% of one core: target < 5 %% "
      "%s\n",
      ref.cpu > 0 ? cap.cpu / ref.cpu : 0.0, share, share < 5 ? "met" : "MISSED");
  bool complete = cap.requests >= 0.9 * expected && cap.failing == 0 && ref.failing == 0;
  if (!complete) std::printf("INCOMPLETE: fewer requests than expected, or failing sources\n");
  return complete ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--sources")
      o.sources = std::atoi(next());
    else if (a == "--hosts")
      o.hosts = std::max(1, std::atoi(next()));
    else if (a == "--interval")
      o.interval_s = std::atof(next());
    else if (a == "--window")
      o.window_s = std::atof(next());
    else if (a == "--scale")
      o.scale = std::atof(next());
    else if (a == "--change-every")
      o.change_every = std::atol(next());
    else if (a == "--role")
      o.role = next();
    else if (a == "--port")
      o.port = std::atoi(next());
    else {
      std::printf(
          "usage: poller_bench [--sources 1000] [--hosts 100] [--interval 60] [--window 180]\n"
          "                    [--scale 1] [--change-every 10]\n"
          "--scale S divides the interval (and the warm-up, one interval) by S.\n");
      return a == "--help" ? 0 : 2;
    }
  }
  if (o.scale <= 0) o.scale = 1;
  if (o.role == "capcast") return run_capcast(o);
  if (o.role == "curl") return run_curl(o);
  // Its own path, to start itself and feed_server (built next to it) whatever the cwd.
  return orchestrate(o, std::filesystem::read_symlink("/proc/self/exe").string());
}
