// The CBSP link's I/O (client.h): POSIX sockets and poll(2), one thread per BSC.
#include "cbs/cbsp/client.h"

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
#include <cstring>
#include <vector>

#include "cbs/cbsp/messages.h"

namespace capcast::dispatch::cbs::cbsp {
namespace {

using std::chrono::milliseconds;

int ms_until(std::chrono::steady_clock::time_point t, std::chrono::steady_clock::time_point now) {
  if (t <= now) return 0;
  return static_cast<int>(
      std::min<int64_t>(std::chrono::ceil<milliseconds>(t - now).count(), 60'000));
}

constexpr uint8_t kWriteKind = static_cast<uint8_t>(MessageType::kWriteReplace);
constexpr uint8_t kKillKind = static_cast<uint8_t>(MessageType::kKill);

}  // namespace

Client::Client(ClientOptions options, OnEvent on_event)
    : o_(std::move(options)), on_event_(std::move(on_event)) {
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

Client::~Client() {
  stop_ = true;
  wake();
  if (thread_.joinable()) thread_.join();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void Client::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { loop(); });
}

void Client::wake() {
  uint64_t one = 1;
  if (wake_fd_ >= 0) {
    ssize_t n = ::write(wake_fd_, &one, sizeof one);
    (void)n;  // a full counter still wakes the thread
  }
}

ClientStats Client::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

size_t Client::active_count() const {
  std::lock_guard lock(mu_);
  return active_.size();
}

std::optional<Client::Key> Client::request_key(const Pdu& p) {
  if (p.type == MessageType::kWriteReplace && p.message_id && p.new_serial) {
    return Key{*p.message_id, *p.new_serial, kWriteKind};
  }
  if (p.type == MessageType::kKill && p.message_id && p.old_serial) {
    return Key{*p.message_id, *p.old_serial, kKillKind};
  }
  return std::nullopt;
}

// TS 48.049 §8.1.3.2/3 answer a WRITE-REPLACE with its Message Identifier and New Serial
// Number, §8.1.3.5/6 a KILL with its Message Identifier and Old Serial Number.
std::optional<Client::Key> Client::response_key(const Pdu& p) {
  switch (p.type) {
    case MessageType::kWriteReplaceComplete:
    case MessageType::kWriteReplaceFailure:
      if (p.message_id && p.new_serial) return Key{*p.message_id, *p.new_serial, kWriteKind};
      return std::nullopt;
    case MessageType::kKillComplete:
    case MessageType::kKillFailure:
      if (p.message_id && p.old_serial) return Key{*p.message_id, *p.old_serial, kKillKind};
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

bool Client::send(Pdu request, Callback cb) {
  if (!request_key(request)) return false;
  {
    std::lock_guard lock(mu_);
    if (!connected_) return false;
    queue_.emplace_back(std::move(request), std::move(cb));
  }
  wake();
  return true;
}

void Client::queue_bytes(const Pdu& pdu) {
  auto bytes = encode(pdu);
  if (!bytes.ok()) {
    spdlog::error("cbsp {}: cannot encode {}: {}", o_.name, message_type_name(pdu.type),
                  bytes.status().message());
    return;
  }
  out_.insert(out_.end(), bytes->begin(), bytes->end());
}

bool Client::connect_once() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const std::string port = std::to_string(o_.port);
  if (int rc = ::getaddrinfo(o_.host.c_str(), port.c_str(), &hints, &res); rc != 0) {
    spdlog::warn("cbsp {}: cannot resolve {}: {}", o_.name, o_.host, ::gai_strerror(rc));
    return false;
  }
  std::string why = "no address";
  for (addrinfo* a = res; a; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0 && errno != EINPROGRESS) {
      why = std::strerror(errno);
      ::close(fd);
      continue;
    }
    pollfd p{fd, POLLOUT, 0};
    int err = 0;
    socklen_t len = sizeof err;
    if (::poll(&p, 1, static_cast<int>(o_.connect_timeout.count())) != 1 ||
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
      why = err ? std::strerror(err) : "connect timed out";
      ::close(fd);
      continue;
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fd_ = fd;
    break;
  }
  ::freeaddrinfo(res);
  if (fd_ < 0) {
    spdlog::warn("cbsp {}: cannot connect to {}:{}: {}", o_.name, o_.host, o_.port, why);
    return false;
  }
  last_io_ = Clock::now();
  keep_alive_deadline_.reset();
  {
    std::lock_guard lock(mu_);
    ++stats_.connects;
    connected_ = true;
  }
  spdlog::info("cbsp {}: connected to {}:{}", o_.name, o_.host, o_.port);
  if (resend_on_connect_) resend_active("reconnected");
  resend_on_connect_ = true;
  return true;
}

void Client::close_connection(const std::string& why) {
  std::vector<Callback> failed;
  bool was = false;
  {
    std::lock_guard lock(mu_);
    was = connected_.exchange(false);
    if (was) ++stats_.connection_losses;
    for (auto& [key, w] : waiting_) {
      if (w.cb) failed.push_back(std::move(w.cb));
    }
    waiting_.clear();
    for (auto& [pdu, cb] : queue_)
      failed.push_back(std::move(cb));
    queue_.clear();
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  in_.clear();
  out_.clear();
  keep_alive_deadline_.reset();
  if (was) spdlog::warn("cbsp {}: connection closed: {}", o_.name, why);
  for (auto& cb : failed)
    cb(Status(Code::kUnavailable, "CBSP link to " + o_.name + " lost (" + why + ")"));
}

// Every active message again, as a new write (the BSC lost them: §7.10 RESTART; or we cannot
// know after a reconnection; a BSC that still has one answers "message reference already used",
// which the channel counts as success).
void Client::resend_active(const std::string& why) {
  std::vector<Pdu> again;
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, pdu] : active_) {
      Pdu p = pdu;
      p.old_serial.reset();
      const auto k = *request_key(p);
      if (waiting_.count(k)) continue;
      waiting_[k] = Waiting{nullptr, Clock::now() + o_.response_timeout, p};
      again.push_back(std::move(p));
      ++stats_.resent;
      ++stats_.sent;
    }
  }
  if (!again.empty()) {
    spdlog::info("cbsp {}: {}: writing {} active message(s) again", o_.name, why, again.size());
  }
  for (const auto& p : again)
    queue_bytes(p);
}

bool Client::write_pending() {
  while (!out_.empty()) {
    const ssize_t n = ::send(fd_, out_.data(), out_.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
      if (errno == EINTR) continue;
      close_connection(std::string("write failed: ") + std::strerror(errno));
      return false;
    }
    out_.erase(out_.begin(), out_.begin() + n);
  }
  return true;
}

bool Client::read_some() {
  uint8_t buf[16384];
  for (;;) {
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
      in_.insert(in_.end(), buf, buf + n);
      if (static_cast<size_t>(n) < sizeof buf) return true;
      continue;
    }
    if (n == 0) {
      close_connection("closed by the BSC");
      return false;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
    if (errno == EINTR) continue;
    close_connection(std::string("read failed: ") + std::strerror(errno));
    return false;
  }
}

void Client::handle(const Pdu& pdu) {
  if (pdu.type == MessageType::kKeepAliveComplete) {
    keep_alive_deadline_.reset();
    return;
  }
  if (pdu.type == MessageType::kKeepAlive) {  // not the BSC's to send, but answered
    Pdu complete;
    complete.type = MessageType::kKeepAliveComplete;
    queue_bytes(complete);
    return;
  }
  if (pdu.type == MessageType::kRestart) {
    {
      std::lock_guard lock(mu_);
      ++stats_.restarts;
    }
    spdlog::warn("cbsp {}: the BSC restarted (recovery indication {})", o_.name,
                 pdu.recovery_indication.value_or(0));
    if (on_event_) on_event_(pdu);
    resend_active("RESTART");
    return;
  }
  auto key = response_key(pdu);
  // ERROR INDICATION (§8.1.3.21) may name the request it refuses.
  if (!key && pdu.type == MessageType::kErrorIndication && pdu.message_id) {
    std::lock_guard lock(mu_);
    if (pdu.new_serial && waiting_.count(Key{*pdu.message_id, *pdu.new_serial, kWriteKind})) {
      key = Key{*pdu.message_id, *pdu.new_serial, kWriteKind};
    } else if (pdu.old_serial && waiting_.count(Key{*pdu.message_id, *pdu.old_serial, kKillKind})) {
      key = Key{*pdu.message_id, *pdu.old_serial, kKillKind};
    }
  }
  Callback cb;
  bool matched = false;
  if (key) {
    std::lock_guard lock(mu_);
    auto it = waiting_.find(*key);
    if (it != waiting_.end()) {
      matched = true;
      const Pdu& req = it->second.request;
      const uint16_t id = *req.message_id;
      if (pdu.type == MessageType::kWriteReplaceComplete ||
          (pdu.type == MessageType::kWriteReplaceFailure && pdu.cell_list &&
           (!pdu.cell_list->cells.empty() ||
            pdu.cell_list->discriminator == Discriminator::kAllInBsc))) {
        if (req.old_serial) active_.erase({id, *req.old_serial});
        active_[{id, *req.new_serial}] = req;
      } else if (pdu.type == MessageType::kKillComplete || pdu.type == MessageType::kKillFailure) {
        active_.erase({id, *req.old_serial});
      }
      cb = std::move(it->second.cb);
      waiting_.erase(it);
    }
  }
  if (cb) {
    cb(pdu);
  } else {
    if (!matched && key) {
      spdlog::info("cbsp {}: {} for message {} that nobody waits for", o_.name,
                   message_type_name(pdu.type), std::get<0>(*key));
    }
    if (on_event_) on_event_(pdu);
  }
}

void Client::expire(Clock::time_point now) {
  std::vector<Callback> late;
  {
    std::lock_guard lock(mu_);
    for (auto it = waiting_.begin(); it != waiting_.end();) {
      if (it->second.deadline > now) {
        ++it;
        continue;
      }
      ++stats_.timeouts;
      if (it->second.cb) late.push_back(std::move(it->second.cb));
      it = waiting_.erase(it);
    }
  }
  for (auto& cb : late) {
    cb(Status(Code::kIoError, "no CBSP response from " + o_.name + " within " +
                                  std::to_string(o_.response_timeout.count()) + " ms"));
  }
  if (keep_alive_deadline_ && *keep_alive_deadline_ <= now) {
    {
      std::lock_guard lock(mu_);
      ++stats_.timeouts;
    }
    close_connection("no KEEP-ALIVE COMPLETE within " +
                     std::to_string(o_.response_timeout.count()) + " ms");
  }
}

void Client::loop() {
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
      if (connect_once()) {
        backoff_ = milliseconds(0);
      } else {
        backoff_ = std::clamp(backoff_ * 2, o_.backoff_min, o_.backoff_max);
        next_connect_ = Clock::now() + backoff_;
      }
      continue;
    }

    Clock::time_point wake_at = now + milliseconds(1000);
    std::vector<Callback> superseded;
    std::vector<Pdu> to_write;
    {
      std::lock_guard lock(mu_);
      while (!queue_.empty()) {
        auto [pdu, cb] = std::move(queue_.front());
        queue_.pop_front();
        const Key k = *request_key(pdu);
        if (auto it = waiting_.find(k); it != waiting_.end() && it->second.cb) {
          superseded.push_back(std::move(it->second.cb));
        }
        waiting_[k] = Waiting{std::move(cb), now + o_.response_timeout, pdu};
        to_write.push_back(std::move(pdu));
        ++stats_.sent;
      }
      for (const auto& [k, w] : waiting_)
        wake_at = std::min(wake_at, w.deadline);
    }
    for (auto& cb : superseded) {
      cb(Status(Code::kUnavailable, "superseded by the same request sent again"));
    }
    for (const auto& p : to_write)
      queue_bytes(p);
    // TS 48.049 §7.11: KEEP-ALIVE every period, its COMPLETE awaited for response_timeout.
    if (o_.keep_alive.count() > 0) {
      if (!keep_alive_deadline_ && now - last_io_ >= o_.keep_alive) {
        queue_bytes(keep_alive(std::chrono::duration_cast<std::chrono::seconds>(o_.keep_alive)));
        keep_alive_deadline_ = now + o_.response_timeout;
        last_io_ = now;
        std::lock_guard lock(mu_);
        ++stats_.keep_alives;
      }
      wake_at = std::min(wake_at, last_io_ + o_.keep_alive);
      if (keep_alive_deadline_) wake_at = std::min(wake_at, *keep_alive_deadline_);
    }

    if (!out_.empty() && !write_pending()) continue;
    pollfd p[2] = {{fd_, static_cast<short>(POLLIN | (out_.empty() ? 0 : POLLOUT)), 0},
                   {wake_fd_, POLLIN, 0}};
    const int rc = ::poll(p, 2, ms_until(wake_at, Clock::now()));
    if (rc < 0 && errno != EINTR) {
      close_connection(std::string("poll failed: ") + std::strerror(errno));
      continue;
    }
    if (p[1].revents & POLLIN) {
      uint64_t v;
      ssize_t n = ::read(wake_fd_, &v, sizeof v);
      (void)n;
    }
    if ((p[0].revents & POLLOUT) && !write_pending()) continue;
    if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      if (!read_some()) continue;
      while (fd_ >= 0) {
        auto need = next_pdu_size(in_);
        if (!need.ok()) {
          spdlog::warn("cbsp {}: {}", o_.name, need.status().message());
          close_connection("unframeable data from the BSC");
          break;
        }
        if (in_.size() < *need) break;
        const Bytes one(in_.begin(), in_.begin() + static_cast<ptrdiff_t>(*need));
        in_.erase(in_.begin(), in_.begin() + static_cast<ptrdiff_t>(*need));
        auto pdu = decode(one);
        if (!pdu.ok()) {
          spdlog::warn("cbsp {}: undecodable PDU from the BSC: {}", o_.name,
                       pdu.status().message());
          std::lock_guard lock(mu_);
          ++stats_.undecodable;
          continue;
        }
        handle(*pdu);
      }
    }
    expire(Clock::now());
  }
  close_connection("shutting down");
}

}  // namespace capcast::dispatch::cbs::cbsp
