// The SMPP session's I/O (session.h): POSIX sockets and poll(2), one thread per bind.
#include "smpp/session.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

namespace capcast::dispatch::smpp {
namespace {

using std::chrono::milliseconds;

int ms_until(std::chrono::steady_clock::time_point t, std::chrono::steady_clock::time_point now) {
  if (t <= now) return 0;
  return static_cast<int>(
      std::min<int64_t>(std::chrono::ceil<milliseconds>(t - now).count(), 60'000));
}

std::string status_text(uint32_t status) {
  auto name = status_name(status);
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%02X", status);
  return name.empty() ? std::string(hex) : std::string(name) + " (" + hex + ")";
}

}  // namespace

Session::Session(SessionOptions options, OnDeliver on_deliver, OnData on_data)
    : o_(std::move(options)),
      on_deliver_(std::move(on_deliver)),
      on_data_(std::move(on_data)),
      rate_(o_.rate) {
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

Session::~Session() {
  stop_ = true;
  wake();
  if (thread_.joinable()) thread_.join();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void Session::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { loop(); });
}

void Session::wake() {
  uint64_t one = 1;
  if (wake_fd_ >= 0) {
    ssize_t n = ::write(wake_fd_, &one, sizeof one);
    (void)n;  // a full counter still wakes the thread
  }
}

uint32_t Session::next_sequence() {
  // SMPP 3.4 §5.1.4: 0x00000001 to 0x7FFFFFFF, then around again.
  sequence_ = sequence_ >= 0x7FFFFFFF ? 1 : sequence_ + 1;
  return sequence_;
}

bool Session::send(Pdu request, Callback cb, bool defer) {
  {
    std::lock_guard lock(mu_);
    if (!bound_) return false;
    queue_.push_back({std::move(request), std::move(cb)});
    update_load();
  }
  if (defer) {
    deferred_.store(true, std::memory_order_release);
  } else {
    wake();
  }
  return true;
}

void Session::flush() {
  if (deferred_.exchange(false, std::memory_order_acq_rel)) wake();
}

void Session::throttled() {
  std::lock_guard lock(mu_);
  auto now = Clock::now();
  ++stats_.throttled;
  paused_until_ = std::max(paused_until_, now + o_.throttle_wait);
  if (o_.rate > 0) rate_ = std::max(1.0, rate_ / 2);
  last_throttle_ = now;
}

SessionStats Session::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

// Tokens of the bind's rate now (under mu_); a large number when unlimited.
double Session::tokens_available(Clock::time_point now) {
  if (o_.rate <= 0) return 1e9;
  if (tokens_at_ == Clock::time_point{}) {
    tokens_ = std::max(1.0, rate_);
    tokens_at_ = now;
  }
  // Recovery after throttling: a tenth more each second without another ESME_RTHROTTLED.
  if (rate_ < o_.rate && now - last_throttle_ >= std::chrono::seconds(1)) {
    rate_ = std::min(o_.rate, rate_ * 1.1);
    last_throttle_ = now;
  }
  double elapsed = std::chrono::duration<double>(now - tokens_at_).count();
  tokens_ = std::min(std::max(1.0, rate_), tokens_ + elapsed * rate_);
  tokens_at_ = now;
  return tokens_;
}

bool Session::connect_and_bind() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  std::string port = std::to_string(o_.port);
  if (int rc = ::getaddrinfo(o_.host.c_str(), port.c_str(), &hints, &res); rc != 0) {
    spdlog::warn("smpp {}: cannot resolve {}: {}", o_.name, o_.host, gai_strerror(rc));
    return false;
  }
  int fd = -1;
  std::string why = "no address";
  for (addrinfo* a = res; a && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0 && errno != EINPROGRESS) {
      why = std::strerror(errno);
      ::close(fd);
      fd = -1;
      continue;
    }
    pollfd p{fd, POLLOUT, 0};
    int err = 0;
    socklen_t len = sizeof err;
    if (::poll(&p, 1, static_cast<int>(o_.connect_timeout.count())) != 1 ||
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
      why = err ? std::strerror(err) : "connect timed out";
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(res);
  if (fd < 0) {
    spdlog::warn("smpp {}: cannot connect to {}:{}: {}", o_.name, o_.host, o_.port, why);
    return false;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  fd_ = fd;
  in_.clear();
  out_.clear();

  // Bind (SMPP 3.4 §4.1), then wait for its response, answering what else comes meanwhile.
  uint32_t seq;
  {
    std::lock_guard lock(mu_);
    seq = next_sequence();
  }
  auto bytes = encode(Pdu{o_.bind_command, 0, seq, o_.bind});
  if (!bytes.ok()) {
    spdlog::error("smpp {}: cannot encode the bind: {}", o_.name, bytes.status().message());
    close_connection("bind not encodable");
    return false;
  }
  out_ = std::move(*bytes);
  auto deadline = Clock::now() + o_.response_timeout;
  while (!stop_) {
    auto now = Clock::now();
    if (now >= deadline) {
      spdlog::warn("smpp {}: no bind response within {} ms", o_.name, o_.response_timeout.count());
      break;
    }
    pollfd p{fd_, static_cast<short>(POLLIN | (out_.empty() ? 0 : POLLOUT)), 0};
    if (::poll(&p, 1, ms_until(deadline, now)) < 0 && errno != EINTR) break;
    if ((p.revents & POLLOUT) && !pump_writes(now)) break;
    if ((p.revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
    if (!read_some()) break;
    while (fd_ >= 0) {
      auto f = frame(in_);
      if (f.kind == Frame::Kind::kNeedMore) break;
      if (f.kind == Frame::Kind::kError) {
        spdlog::warn("smpp {}: {}", o_.name, f.error.message());
        close_connection("unframeable data during bind");
        return false;
      }
      std::string one_pdu = in_.substr(0, f.length);
      in_.erase(0, f.length);
      auto pdu = decode(one_pdu);
      if (!pdu.ok()) {
        spdlog::warn("smpp {}: undecodable PDU while binding: {}", o_.name, pdu.status().message());
        continue;
      }
      if (pdu->sequence == seq && is_response(pdu->command_id)) {
        if (pdu->command_status != status::kOk) {
          {
            std::lock_guard lock(mu_);
            ++stats_.bind_failures;
          }
          spdlog::error("smpp {}: bind as {} refused by {}:{}: {}", o_.name, o_.bind.system_id,
                        o_.host, o_.port, status_text(pdu->command_status));
          close_connection("bind refused");
          return false;
        }
        std::string smsc;
        if (const auto* r = std::get_if<BindResp>(&pdu->body)) smsc = r->system_id;
        {
          std::lock_guard lock(mu_);
          ++stats_.binds;
        }
        spdlog::info("smpp {}: bound to {}:{} ({}) as {}", o_.name, o_.host, o_.port, smsc,
                     o_.bind.system_id);
        last_read_ = Clock::now();
        bound_ = true;
        return true;
      }
      handle(*pdu);  // an enquire_link before the bind response, say
    }
  }
  {
    std::lock_guard lock(mu_);
    ++stats_.bind_failures;
  }
  close_connection("bind failed");
  return false;
}

void Session::close_connection(const std::string& why) {
  bool was_bound = bound_.exchange(false);
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  in_.clear();
  out_.clear();
  enquire_seq_.reset();
  std::deque<Request> queued;
  std::map<uint32_t, Outstanding> waiting;
  {
    std::lock_guard lock(mu_);
    queued.swap(queue_);
    waiting.swap(window_);
    update_load();
    if (was_bound) ++stats_.connection_losses;
  }
  if (was_bound) spdlog::warn("smpp {}: connection closed: {}", o_.name, why);
  // The SMSC may have accepted some of what was outstanding: the engine sends those again (a
  // duplicate SMS is better than a lost warning), and counts them as retries. What was still
  // queued never left capcast: kAborted, so that it costs no attempt.
  for (auto& [seq, w] : waiting)
    w.cb(Status(Code::kUnavailable, "connection to the SMSC lost (" + why + ")"));
  for (auto& r : queued)
    r.cb(Status(Code::kAborted, "connection to the SMSC lost before sending (" + why + ")"));
}

bool Session::pump_writes(Clock::time_point now) {
  (void)now;
  while (!out_.empty()) {
    ssize_t n = ::send(fd_, out_.data(), out_.size(), MSG_NOSIGNAL);
    if (n > 0) {
      out_.erase(0, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    if (n < 0 && errno == EINTR) continue;
    close_connection(std::string("write failed: ") + std::strerror(errno));
    return false;
  }
  return true;
}

bool Session::read_some() {
  char buf[16 * 1024];
  while (true) {
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
      in_.append(buf, static_cast<size_t>(n));
      last_read_ = Clock::now();
      if (static_cast<size_t>(n) < sizeof buf) return true;
      continue;
    }
    if (n == 0) {
      close_connection("closed by the SMSC");
      return false;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
    if (errno == EINTR) continue;
    close_connection(std::string("read failed: ") + std::strerror(errno));
    return false;
  }
}

void Session::answer(const Pdu& response) {
  auto bytes = encode(response);
  if (bytes.ok()) out_ += *bytes;
}

void Session::handle(const Pdu& pdu) {
  if (is_response(pdu.command_id)) {
    if (enquire_seq_ && pdu.sequence == *enquire_seq_) {
      enquire_seq_.reset();
      return;
    }
    Callback cb;
    {
      std::lock_guard lock(mu_);
      auto it = window_.find(pdu.sequence);
      if (it == window_.end()) {
        // Late (timed out already) or unknown: nothing waits for it.
        spdlog::debug("smpp {}: {} for sequence {} that nothing waits for", o_.name,
                      command_name(pdu.command_id), pdu.sequence);
        return;
      }
      cb = std::move(it->second.cb);
      window_.erase(it);
      update_load();
    }
    if (pdu.command_id == cmd::kGenericNack) {
      spdlog::warn("smpp {}: generic_nack for sequence {}: {}", o_.name, pdu.sequence,
                   status_text(pdu.command_status));
    }
    cb(pdu);
    return;
  }
  switch (pdu.command_id) {
    case cmd::kEnquireLink: {
      answer(Pdu{cmd::kEnquireLinkResp, 0, pdu.sequence, Empty{}});
      std::lock_guard lock(mu_);
      ++stats_.enquire_links_answered;
      return;
    }
    case cmd::kDeliverSm: {
      {
        std::lock_guard lock(mu_);
        ++stats_.deliver_sm;
      }
      if (const auto* d = std::get_if<SubmitSm>(&pdu.body)) on_deliver_(*d);
      // SMPP 3.4 §4.6.2: deliver_sm_resp's message_id is unused, set to NULL.
      answer(Pdu{cmd::kDeliverSmResp, 0, pdu.sequence, MessageIdResp{}});
      return;
    }
    case cmd::kDataSm: {
      {
        std::lock_guard lock(mu_);
        ++stats_.data_sm;
      }
      if (const auto* d = std::get_if<DataSm>(&pdu.body); d != nullptr && on_data_) on_data_(*d);
      // SMPP 3.4 §4.7.2: data_sm_resp carries a message_id; an ESME has none to give: empty.
      answer(Pdu{cmd::kDataSmResp, 0, pdu.sequence, MessageIdResp{}});
      return;
    }
    case cmd::kUnbind:
      answer(Pdu{cmd::kUnbindResp, 0, pdu.sequence, Empty{}});
      pump_writes(Clock::now());
      close_connection("the SMSC unbound");
      return;
    default: {
      // SMPP 3.4 §4.3: a request we do not support (a bind or submit_sm from the SMSC, say):
      // generic_nack, ESME_RINVCMDID.
      answer(Pdu{cmd::kGenericNack, status::kInvCmdId, pdu.sequence, Empty{}});
      std::lock_guard lock(mu_);
      ++stats_.generic_nacks_sent;
      return;
    }
  }
}

void Session::handle_buffered() {
  // A read brings hundreds of submit_sm_resp at full speed: they are decoded in place and the
  // buffer is shortened once, not once per PDU (which copied the rest of it each time).
  size_t used = 0;
  while (fd_ >= 0) {
    std::string_view rest = std::string_view(in_).substr(used);
    auto f = frame(rest);
    if (f.kind == Frame::Kind::kNeedMore) break;
    if (f.kind == Frame::Kind::kError) {
      // The stream cannot be re-synchronised: nack (when we can) and reconnect.
      spdlog::warn("smpp {}: {}", o_.name, f.error.message());
      if (auto nack = error_response(f.nack)) answer(*nack);
      pump_writes(Clock::now());
      close_connection("malformed data from the SMSC");  // clears in_
      return;
    }
    used += f.length;
    DecodeError why;
    auto pdu = decode(rest.substr(0, f.length), &why);
    if (!pdu.ok()) {
      spdlog::warn("smpp {}: undecodable PDU from the SMSC: {}", o_.name, pdu.status().message());
      if (auto nack = error_response(why)) {
        answer(*nack);
        std::lock_guard lock(mu_);
        ++stats_.generic_nacks_sent;
      }
      continue;
    }
    handle(*pdu);  // may close the connection (an unbind), which clears in_
  }
  if (fd_ >= 0) in_.erase(0, used);
}

void Session::expire(Clock::time_point now) {
  std::vector<Callback> late;
  {
    std::lock_guard lock(mu_);
    for (auto it = window_.begin(); it != window_.end();) {
      if (it->second.deadline <= now) {
        late.push_back(std::move(it->second.cb));
        it = window_.erase(it);
        ++stats_.timeouts;
      } else {
        ++it;
      }
    }
    update_load();
  }
  for (auto& cb : late) {
    cb(Status(Code::kIoError, "no response from the SMSC within " +
                                  std::to_string(o_.response_timeout.count()) + " ms"));
  }
  if (enquire_seq_ && now >= enquire_deadline_) {
    close_connection("no enquire_link_resp within " + std::to_string(o_.response_timeout.count()) +
                     " ms");
  }
}

void Session::loop() {
  while (!stop_) {
    auto now = Clock::now();
    if (fd_ < 0) {
      if (now < next_connect_) {
        pollfd p{wake_fd_, POLLIN, 0};
        ::poll(&p, 1, ms_until(next_connect_, now));
        uint64_t v;
        ssize_t n = ::read(wake_fd_, &v, sizeof v);
        (void)n;
        continue;
      }
      if (connect_and_bind()) {
        backoff_ = milliseconds(0);
      } else {
        backoff_ = std::clamp(backoff_ * 2, o_.backoff_min, o_.backoff_max);
        next_connect_ = Clock::now() + backoff_;
      }
      continue;
    }

    // Move queued requests into the window, within its size and the rate.
    Clock::time_point wake_at = now + milliseconds(1000);
    std::vector<std::pair<Callback, Status>> refused;  // not encodable: answered unlocked
    {
      std::lock_guard lock(mu_);
      if (now < paused_until_) {
        wake_at = std::min(wake_at, paused_until_);
      } else {
        while (!queue_.empty() && static_cast<int>(window_.size()) < o_.window) {
          if (tokens_available(now) < 1) {
            double need = 1 - tokens_;
            wake_at = std::min(wake_at, now + std::chrono::microseconds(static_cast<int64_t>(
                                                  std::ceil(need / rate_ * 1e6))));
            break;
          }
          if (o_.rate > 0) tokens_ -= 1;
          Request r = std::move(queue_.front());
          queue_.pop_front();
          r.pdu.sequence = next_sequence();
          auto bytes = encode(r.pdu);
          if (!bytes.ok()) {
            refused.emplace_back(std::move(r.cb), bytes.status());
            continue;
          }
          out_ += *bytes;
          window_[r.pdu.sequence] = {std::move(r.cb), now + o_.response_timeout, r.pdu.command_id};
          ++stats_.sent;
        }
        update_load();
      }
      for (const auto& [seq, w] : window_)
        wake_at = std::min(wake_at, w.deadline);
    }
    for (auto& [cb, st] : refused)
      cb(st);
    // Keep the link alive: an enquire_link after `enquire_link` without a PDU from the SMSC.
    if (!enquire_seq_ && now - last_read_ >= o_.enquire_link) {
      uint32_t seq;
      {
        std::lock_guard lock(mu_);
        seq = next_sequence();
        ++stats_.enquire_links_sent;
      }
      answer(Pdu{cmd::kEnquireLink, 0, seq, Empty{}});
      enquire_seq_ = seq;
      enquire_deadline_ = now + o_.response_timeout;
    }
    if (enquire_seq_) wake_at = std::min(wake_at, enquire_deadline_);
    wake_at = std::min(wake_at, last_read_ + o_.enquire_link);

    if (!out_.empty() && !pump_writes(now)) continue;
    pollfd p[2] = {{fd_, static_cast<short>(POLLIN | (out_.empty() ? 0 : POLLOUT)), 0},
                   {wake_fd_, POLLIN, 0}};
    int rc = ::poll(p, 2, ms_until(wake_at, Clock::now()));
    if (rc < 0 && errno != EINTR) {
      close_connection(std::string("poll failed: ") + std::strerror(errno));
      continue;
    }
    if (p[1].revents & POLLIN) {
      uint64_t v;
      ssize_t n = ::read(wake_fd_, &v, sizeof v);
      (void)n;
    }
    if (p[0].revents & POLLOUT) {
      if (!pump_writes(Clock::now())) continue;
    }
    if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      if (!read_some()) continue;
      handle_buffered();
    }
    expire(Clock::now());
  }
  // Shutdown: a clean unbind (SMPP 3.4 §4.2), briefly awaited, then close.
  if (fd_ >= 0 && bound_.exchange(false)) {
    uint32_t seq;
    {
      std::lock_guard lock(mu_);
      seq = next_sequence();
    }
    answer(Pdu{cmd::kUnbind, 0, seq, Empty{}});
    auto deadline = Clock::now() + milliseconds(1000);
    while (fd_ >= 0 && Clock::now() < deadline) {
      pollfd p{fd_, static_cast<short>(POLLIN | (out_.empty() ? 0 : POLLOUT)), 0};
      if (::poll(&p, 1, ms_until(deadline, Clock::now())) <= 0) break;
      if ((p.revents & POLLOUT) && !pump_writes(Clock::now())) break;
      if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
        if (!read_some()) break;
        auto f = frame(in_);
        if (f.kind != Frame::Kind::kComplete) continue;
        auto pdu = decode(std::string_view(in_).substr(0, f.length));
        in_.erase(0, f.length);
        if (pdu.ok() && pdu->command_id == cmd::kUnbindResp) break;
      }
    }
  }
  close_connection("shutting down");
}

}  // namespace capcast::dispatch::smpp
