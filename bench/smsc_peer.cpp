// smpp_bench's own SMSC (issue 6): a process of its own, so that its CPU time stays out of the
// ESME's numbers, fast enough not to be the limit (the npm SMSC of the tests tops out near
// 28,000 submit_sm/s). One thread, epoll, any number of connections; it answers at once:
//   bind_transmitter/receiver/transceiver -> *_resp, ESME_ROK, whatever system_id and password
//   submit_sm     -> submit_sm_resp, ESME_ROK, message_id = a counter in hex
//   enquire_link  -> enquire_link_resp; unbind -> unbind_resp, then closes
//   other requests -> generic_nack ESME_RINVCMDID; responses (deliver_sm_resp, ...) are ignored
// The header is read by hand (SMPP 3.4 §3.2: command_length, command_id, command_status,
// sequence_number, each a big-endian Integer(4)); of a submit_sm body only destination_addr
// (SMPP 3.4 §4.4.1) is read, for the latency stamps.
//
// Usage: smsc_peer PORT. Commands on stdin, one a line; answers on stdout, one a line:
//   target N  -> counts submit_sm from 0; at the Nth prints "done N FIRST_NS LAST_NS"
//                (CLOCK_MONOTONIC, the clock of std::chrono::steady_clock on Linux)
//   stamp 0|1 -> with 1, prints "s NS DESTINATION_ADDR" for every submit_sm
//   binds     -> prints "binds K": connections bound now
//   cpu       -> prints "cpu SECONDS": this process's user + system time so far
//   quit      -> exits
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>

namespace {

int64_t mono_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

uint32_t get32(const char* p) {
  uint32_t v = 0;
  std::memcpy(&v, p, 4);
  return ntohl(v);
}

void put32(std::string& out, uint32_t v) {
  v = htonl(v);
  out.append(reinterpret_cast<const char*>(&v), 4);
}

void respond(std::string& out, uint32_t id, uint32_t status, uint32_t seq, std::string_view body) {
  put32(out, static_cast<uint32_t>(16 + body.size()));
  put32(out, id);
  put32(out, status);
  put32(out, seq);
  out.append(body);
}

void say(const std::string& line) {
  std::string l = line + "\n";
  size_t off = 0;
  while (off < l.size()) {
    ssize_t n = ::write(1, l.data() + off, l.size() - off);
    if (n <= 0) std::exit(0);  // the bench is gone
    off += static_cast<size_t>(n);
  }
}

// The C-Octet String at `p` (at most `end`), and where the next field starts.
std::string_view cstring(const char*& p, const char* end) {
  const char* s = p;
  while (p < end && *p != '\0')
    ++p;
  std::string_view v(s, static_cast<size_t>(p - s));
  if (p < end) ++p;
  return v;
}

struct Conn {
  int fd = -1;
  std::string in;
  std::string out;
  bool bound = false;
  bool closing = false;
};

struct Peer {
  int ep = -1;
  std::unordered_map<int, std::unique_ptr<Conn>> conns;
  int64_t count = 0;
  int64_t target = -1;
  int64_t first_ns = 0;
  bool stamp = false;
  uint64_t next_id = 1;
  std::string cmd_buf;

  int bound() const {
    int k = 0;
    for (const auto& [fd, c] : conns)
      k += c->bound ? 1 : 0;
    return k;
  }

  void submit(Conn& c, uint32_t seq, const char* body, const char* end) {
    int64_t now = mono_ns();
    if (count == 0) first_ns = now;
    ++count;
    char id[24];
    int len = std::snprintf(id, sizeof id, "%llx", static_cast<unsigned long long>(next_id++));
    respond(c.out, 0x80000004, 0, seq, std::string_view(id, static_cast<size_t>(len) + 1));
    if (stamp) {
      // service_type, source ton/npi, source_addr, dest ton/npi, destination_addr
      const char* p = body;
      cstring(p, end);
      p += 2;
      cstring(p, end);
      p += 2;
      std::string dest(p < end ? cstring(p, end) : std::string_view());
      say("s " + std::to_string(now) + " " + dest);
    }
    if (count == target) {
      say("done " + std::to_string(count) + " " + std::to_string(first_ns) + " " +
          std::to_string(now));
    }
  }

  // Every whole PDU in c.in; false when the connection is to be closed at once.
  bool frames(Conn& c) {
    size_t off = 0;
    while (c.in.size() - off >= 16) {
      const char* h = c.in.data() + off;
      uint32_t len = get32(h);
      if (len < 16 || len > 70'000) return false;  // cannot be framed
      if (c.in.size() - off < len) break;
      uint32_t id = get32(h + 4);
      uint32_t seq = get32(h + 12);
      switch (id) {
        case 0x00000001:  // bind_receiver
        case 0x00000002:  // bind_transmitter
        case 0x00000009:  // bind_transceiver
          respond(c.out, id | 0x80000000, 0, seq, std::string_view("smsc_peer", 10));
          c.bound = true;
          break;
        case 0x00000004:
          submit(c, seq, h + 16, h + len);
          break;
        case 0x00000015:  // enquire_link
          respond(c.out, 0x80000015, 0, seq, {});
          break;
        case 0x00000006:  // unbind
          respond(c.out, 0x80000006, 0, seq, {});
          c.bound = false;
          c.closing = true;
          break;
        default:
          if ((id & 0x80000000) == 0) respond(c.out, 0x80000000, 0x03, seq, {});
      }
      off += len;
    }
    c.in.erase(0, off);
    return true;
  }

  void close_conn(int fd) {
    ::epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
    ::close(fd);
    conns.erase(fd);
  }

  // Writes what it can; watches for writability while something is left.
  bool flush(Conn& c) {
    while (!c.out.empty()) {
      ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n <= 0) return false;
      c.out.erase(0, static_cast<size_t>(n));
    }
    epoll_event ev{};
    ev.events = EPOLLIN | (c.out.empty() ? 0u : static_cast<uint32_t>(EPOLLOUT));
    ev.data.fd = c.fd;
    ::epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &ev);
    return !(c.closing && c.out.empty());
  }

  void command(const std::string& line) {
    if (line.rfind("target ", 0) == 0) {
      target = std::atoll(line.c_str() + 7);
      count = 0;
    } else if (line.rfind("stamp ", 0) == 0) {
      stamp = line[6] == '1';
    } else if (line == "binds") {
      say("binds " + std::to_string(bound()));
    } else if (line == "cpu") {
      rusage ru{};
      getrusage(RUSAGE_SELF, &ru);
      double s = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                 static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
      say("cpu " + std::to_string(s));
    } else if (line == "quit") {
      std::exit(0);
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: smsc_peer PORT\n");
    return 2;
  }
  int ls = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int one = 1;
  ::setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(std::atoi(argv[1])));
  if (::bind(ls, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(ls, 64) != 0) {
    std::perror("smsc_peer: bind");
    return 1;
  }
  Peer peer;
  peer.ep = ::epoll_create1(0);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = ls;
  ::epoll_ctl(peer.ep, EPOLL_CTL_ADD, ls, &ev);
  ev.data.fd = 0;
  ::epoll_ctl(peer.ep, EPOLL_CTL_ADD, 0, &ev);
  say("listening");
  epoll_event events[64];
  char buf[65536];
  while (true) {
    int n = ::epoll_wait(peer.ep, events, 64, -1);
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      if (fd == ls) {
        int c;
        while ((c = ::accept4(ls, nullptr, nullptr, SOCK_NONBLOCK)) >= 0) {
          ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          auto conn = std::make_unique<Conn>();
          conn->fd = c;
          peer.conns[c] = std::move(conn);
          epoll_event cev{};
          cev.events = EPOLLIN;
          cev.data.fd = c;
          ::epoll_ctl(peer.ep, EPOLL_CTL_ADD, c, &cev);
        }
      } else if (fd == 0) {
        ssize_t r = ::read(0, buf, sizeof buf);
        if (r <= 0) return 0;  // the bench is gone
        peer.cmd_buf.append(buf, static_cast<size_t>(r));
        size_t nl;
        while ((nl = peer.cmd_buf.find('\n')) != std::string::npos) {
          std::string line = peer.cmd_buf.substr(0, nl);
          peer.cmd_buf.erase(0, nl + 1);
          peer.command(line);
        }
      } else {
        auto it = peer.conns.find(fd);
        if (it == peer.conns.end()) continue;
        Conn& c = *it->second;
        bool ok = true;
        if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
          while (true) {
            ssize_t r = ::recv(fd, buf, sizeof buf, 0);
            if (r > 0) {
              c.in.append(buf, static_cast<size_t>(r));
              if (static_cast<size_t>(r) < sizeof buf) break;
              continue;
            }
            if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
            if (r < 0 && errno == EINTR) continue;
            ok = false;  // closed or failed
            break;
          }
          if (!peer.frames(c)) ok = false;
        }
        if (ok) ok = peer.flush(c);
        if (!ok) peer.close_conn(fd);
      }
    }
  }
}
