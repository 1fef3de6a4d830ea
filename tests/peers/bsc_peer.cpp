// A BSC for the CBSP tests (TS 48.049), built on libosmocore's CBSP codec (through
// tests/support/osmo_cbsp.h), independent of capcast's own: it listens on 127.0.0.1:PORT,
// accepts the Cell Broadcast Centre's connection (capcast is the TCP client), answers, and
// writes each PDU it receives as one JSON line (libosmocore's reading) to the log file.
//
//   bsc_peer --port N --log FILE [--restart] [--fail LAC:CI:CAUSE]... [--fail-all CAUSE]
//            [--drop-after N] [--silent-after N] [--restart-after N]
//
//   --restart        send RESTART (all cells, recovery "data lost") on every connection but
//                    the first, as a BSC does after it lost its messages (§7.10)
//   --fail L:C:X     answer a WRITE-REPLACE naming that cell with WRITE-REPLACE FAILURE, cause
//                    X for it (the other cells completed)
//   --fail-all X     answer every WRITE-REPLACE with FAILURE, cause X for every cell
//   --drop-after N   close the first connection, unanswered, when its Nth PDU arrives
//   --silent-after N never answer after the Nth PDU (response timeouts)
//   --restart-after N  send RESTART on the same connection after answering its Nth PDU (the
//                    BSC lost its messages without losing the link)
//
// Prints "listening" once it accepts connections. Log lines: {"event":"connect"},
// {"event":"drop"}, {"event":"restart"}, and {"type":"WRITE-REPLACE","msg_id":4370,...} per PDU.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "support/osmo_cbsp.h"

namespace {

struct FailCell {
  unsigned lac, ci, cause;
};

struct Options {
  int port = 0;
  std::string log;
  bool restart = false;
  std::vector<FailCell> fail;
  int fail_all = -1;
  int drop_after = 0;
  int silent_after = 0;
  int restart_after = 0;
};

FILE* g_log = nullptr;

void log_line(const std::string& s) {
  std::fprintf(g_log, "%s\n", s.c_str());
  std::fflush(g_log);
}

std::string cell_json(const oc_cell& c) {
  char b[160];
  std::snprintf(b, sizeof b, "{\"discr\":%u,\"mcc\":%u,\"mnc\":%u,\"lac\":%u,\"ci\":%u}", c.discr,
                c.mcc, c.mnc, c.lac, c.ci);
  return b;
}

std::string to_json(const oc_msg& m) {
  std::string s = "{\"type\":\"" + std::string(oc_msg_type_name(m.type)) + "\"";
  auto num = [&](const char* k, long v) {
    s += ",\"" + std::string(k) + "\":" + std::to_string(v);
  };
  if (m.has_msg_id) num("msg_id", m.msg_id);
  if (m.has_new_serial) num("new_serial", m.new_serial);
  if (m.has_old_serial) num("old_serial", m.old_serial);
  if (m.has_cell_list) {
    num("cell_discr", m.cell_discr);
    s += ",\"cells\":[";
    for (int i = 0; i < m.n_cells; ++i)
      s += (i ? "," : "") + cell_json(m.cells[i]);
    s += "]";
  }
  if (m.has_channel) num("channel", m.channel);
  if (m.type == 0x01) {
    num("is_cbs", m.is_cbs);
    if (m.is_cbs) {
      num("category", m.category);
      num("rep_period", m.rep_period);
      num("num_bcast_req", m.num_bcast_req);
      num("dcs", m.dcs);
      num("pages", m.n_pages);
      if (m.n_pages > 0) num("page1_used", m.page_used[0]);
    } else {
      num("warning_type", m.warning_type);
      num("warning_period_s", m.warning_period_s);
    }
  }
  if (m.type == 0x16) num("keep_alive_s", m.keep_alive_s);
  return s + "}";
}

bool read_all(int fd, uint8_t* p, size_t n) {
  while (n > 0) {
    const ssize_t r = ::read(fd, p, n);
    if (r <= 0) {
      if (r < 0 && errno == EINTR) continue;
      return false;
    }
    p += r, n -= static_cast<size_t>(r);
  }
  return true;
}

bool send_msg(int fd, const oc_msg& m) {
  uint8_t buf[8192];
  const char* err = "";
  const int n = oc_encode(&m, buf, sizeof buf, &err);
  if (n < 0) {
    std::fprintf(stderr, "bsc_peer: cannot encode %s: %s\n", oc_msg_type_name(m.type), err);
    return false;
  }
  return ::write(fd, buf, static_cast<size_t>(n)) == n;
}

oc_msg blank(int type) {
  oc_msg m;
  std::memset(&m, 0, sizeof m);
  m.type = type;
  return m;
}

// RESTART (§8.1.3.19): all cells, CBS, recovery indication "data lost".
void send_restart(int fd) {
  oc_msg r = blank(0x13);
  r.has_cell_list = 1, r.cell_discr = 6, r.bcast_msg_type = 0, r.recovery_ind = 1;
  send_msg(fd, r);
  log_line("{\"event\":\"restart\"}");
}

// The answer to one request, or nothing.
bool answer(int fd, const oc_msg& req, const Options& o) {
  switch (req.type) {
    case 0x01: {  // WRITE-REPLACE
      oc_msg fail = blank(0x03), ok = blank(0x02);
      for (oc_msg* r : {&fail, &ok}) {
        r->has_msg_id = r->has_new_serial = 1;
        r->msg_id = req.msg_id, r->new_serial = req.new_serial;
        r->has_old_serial = req.has_old_serial, r->old_serial = req.old_serial;
        r->has_cell_list = 1, r->cell_discr = req.cell_discr;
        r->has_channel = req.has_channel, r->channel = req.channel;
      }
      for (int i = 0; i < req.n_cells; ++i) {
        const oc_cell& c = req.cells[i];
        int cause = o.fail_all;
        for (const auto& f : o.fail) {
          if (f.lac == c.lac && f.ci == c.ci) cause = static_cast<int>(f.cause);
        }
        if (cause >= 0) {
          fail.fail[fail.n_fail++] = oc_fail{c, static_cast<uint8_t>(cause)};
        } else {
          ok.cells[ok.n_cells++] = c;
        }
      }
      if (req.n_cells == 0 && o.fail_all >= 0) {  // all cells in the BSC
        oc_cell all{};
        all.discr = 6;
        fail.fail[fail.n_fail++] = oc_fail{all, static_cast<uint8_t>(o.fail_all)};
      }
      if (fail.n_fail == 0) {
        ok.n_cells = req.n_cells;
        std::memcpy(ok.cells, req.cells, sizeof ok.cells);
        return send_msg(fd, ok);
      }
      fail.has_fail = 1;
      // The cells that did complete, in the failure's Cell List (§8.1.3.3).
      fail.n_cells = ok.n_cells;
      std::memcpy(fail.cells, ok.cells, sizeof fail.cells);
      fail.has_cell_list = fail.n_cells > 0;
      return send_msg(fd, fail);
    }
    case 0x04: {  // KILL
      oc_msg r = blank(0x05);
      r.has_msg_id = r.has_old_serial = 1;
      r.msg_id = req.msg_id, r.old_serial = req.old_serial;
      r.has_cell_list = 1, r.cell_discr = req.cell_discr, r.n_cells = req.n_cells;
      std::memcpy(r.cells, req.cells, sizeof r.cells);
      r.has_channel = req.has_channel, r.channel = req.channel;
      return send_msg(fd, r);
    }
    case 0x16:
      return send_msg(fd, blank(0x17));  // KEEP-ALIVE
    case 0x10: {                         // RESET
      oc_msg r = blank(0x11);
      r.has_cell_list = 1, r.cell_discr = req.cell_discr, r.n_cells = req.n_cells;
      std::memcpy(r.cells, req.cells, sizeof r.cells);
      return send_msg(fd, r);
    }
    default:
      return true;
  }
}

void serve(int fd, const Options& o, int connection) {
  log_line("{\"event\":\"connect\",\"n\":" + std::to_string(connection) + "}");
  if (o.restart && connection > 1) send_restart(fd);
  int received = 0;
  for (;;) {
    uint8_t head[4];
    if (!read_all(fd, head, 4)) break;
    const size_t len = static_cast<size_t>(head[1]) << 16 | head[2] << 8 | head[3];
    if (len > 65000) break;
    std::vector<uint8_t> pdu(4 + len);
    std::memcpy(pdu.data(), head, 4);
    if (!read_all(fd, pdu.data() + 4, len)) break;
    ++received;
    oc_msg m;
    const char* err = "";
    if (oc_decode(pdu.data(), pdu.size(), &m, &err) != 0) {
      log_line("{\"type\":\"undecodable\",\"error\":\"" + std::string(err) + "\"}");
      continue;
    }
    log_line(to_json(m));
    if (connection == 1 && o.drop_after > 0 && received >= o.drop_after) {
      log_line("{\"event\":\"drop\"}");
      break;
    }
    if (o.silent_after > 0 && received >= o.silent_after) continue;
    if (!answer(fd, m, o)) break;
    if (o.restart_after > 0 && received == o.restart_after) send_restart(fd);
  }
  ::close(fd);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const char* v = i + 1 < argc ? argv[i + 1] : "";
    if (a == "--port")
      o.port = std::atoi(v), ++i;
    else if (a == "--log")
      o.log = v, ++i;
    else if (a == "--restart")
      o.restart = true;
    else if (a == "--fail-all")
      o.fail_all = std::atoi(v), ++i;
    else if (a == "--drop-after")
      o.drop_after = std::atoi(v), ++i;
    else if (a == "--silent-after")
      o.silent_after = std::atoi(v), ++i;
    else if (a == "--restart-after")
      o.restart_after = std::atoi(v), ++i;
    else if (a == "--fail") {
      FailCell f{};
      if (std::sscanf(v, "%u:%u:%u", &f.lac, &f.ci, &f.cause) != 3) return 2;
      o.fail.push_back(f), ++i;
    } else {
      std::fprintf(stderr, "bsc_peer: unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  if (o.port <= 0 || o.log.empty()) return 2;
  g_log = std::fopen(o.log.c_str(), "a");
  if (!g_log) return 1;
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  ::setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(o.port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(s, 4) != 0) {
    std::perror("bsc_peer: bind/listen");
    return 1;
  }
  std::printf("listening on 127.0.0.1:%d\n", o.port);
  std::fflush(stdout);
  for (int n = 1;; ++n) {
    const int fd = ::accept(s, nullptr, nullptr);
    if (fd < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    serve(fd, o, n);
  }
}
