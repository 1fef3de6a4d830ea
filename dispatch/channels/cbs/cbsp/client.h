// The Cell Broadcast Centre's end of one CBSP link (TS 48.049): a TCP connection to one BSC
// (capcast connects; port 48049 by default, §5.2), kept up by KEEP-ALIVE (§7.11), with requests
// (WRITE-REPLACE, KILL) matched to their responses by (message identifier, serial number, kind),
// a response timeout, reconnection with backoff, and the re-sending of every active message
// (written and not killed) after the BSC says RESTART (§7.10) or after a reconnection. Its own
// I/O thread (poll(2)) does the socket work, after smpp/session.h. The codec is codec.h; what to
// send and how to judge the answers is the channel's (cbsp_channel.h).
//
// Thread-safe: send() and the accessors may be called from any thread; callbacks run on the
// client's I/O thread, never under its lock.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <tuple>

#include "capcast/core/result.h"
#include "cbs/cbsp/codec.h"

namespace capcast::dispatch::cbs::cbsp {

struct ClientOptions {
  std::string name;  // for logs: "cbsp#1 bsc-north"
  std::string host;
  int port = kDefaultPort;
  std::chrono::milliseconds keep_alive{30'000};  // 0: none; sent after this long idle
  std::chrono::milliseconds response_timeout{10'000};
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds backoff_min{500};
  std::chrono::milliseconds backoff_max{30'000};
};

struct ClientStats {
  int64_t connects = 0;
  int64_t connection_losses = 0;
  int64_t sent = 0;      // requests written (re-sends included)
  int64_t resent = 0;    // active messages written again after RESTART or a reconnection
  int64_t timeouts = 0;  // requests (and keep-alives) with no response in time
  int64_t restarts = 0;  // RESTART received
  int64_t keep_alives = 0;
  int64_t undecodable = 0;
};

class Client {
 public:
  // A request's response (COMPLETE or FAILURE), or an error when none came: kUnavailable
  // (not connected, connection lost) or kIoError (no response within response_timeout).
  using Callback = std::function<void(Result<Pdu>)>;
  // What the BSC says about requests nobody waits for (the answers to re-sends) and on its own
  // (FAILURE, ERROR INDICATION, RESTART): for per-cell reports and logs.
  using OnEvent = std::function<void(const Pdu&)>;

  Client(ClientOptions options, OnEvent on_event);
  // Closes the connection and fails what is outstanding.
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  void start();
  bool connected() const { return connected_.load(); }
  // Queues a WRITE-REPLACE or KILL; false, nothing queued, when not connected. `cb` is called
  // exactly once. A successful WRITE-REPLACE (COMPLETE, or FAILURE for some cells only) makes
  // the message active: replaced by a later one with it as Old Serial Number, ended by KILL.
  bool send(Pdu request, Callback cb);
  const std::string& name() const { return o_.name; }
  ClientStats stats() const;
  // Messages written and not killed: (message id, serial) -> the WRITE-REPLACE.
  size_t active_count() const;

 private:
  using Clock = std::chrono::steady_clock;
  // (message id, serial, response kind: WRITE-REPLACE or KILL)
  using Key = std::tuple<uint16_t, uint16_t, uint8_t>;
  struct Waiting {
    Callback cb;  // empty for a re-send
    Clock::time_point deadline;
    Pdu request;
  };

  void loop();
  bool connect_once();
  void close_connection(const std::string& why);
  bool write_pending();
  bool read_some();
  void handle(const Pdu& pdu);
  void queue_bytes(const Pdu& pdu);
  void resend_active(const std::string& why);
  void expire(Clock::time_point now);
  void wake();
  static std::optional<Key> request_key(const Pdu& p);
  static std::optional<Key> response_key(const Pdu& p);

  ClientOptions o_;
  OnEvent on_event_;
  std::atomic<bool> connected_{false};
  std::atomic<bool> stop_{false};
  std::thread thread_;
  int wake_fd_ = -1;

  mutable std::mutex mu_;  // guards what follows up to the I/O thread's own state
  std::deque<std::pair<Pdu, Callback>> queue_;
  std::map<Key, Waiting> waiting_;
  std::map<std::pair<uint16_t, uint16_t>, Pdu> active_;  // (message id, serial)
  ClientStats stats_;

  // The I/O thread's own.
  int fd_ = -1;
  Bytes in_;
  Bytes out_;
  Clock::time_point last_io_{};
  std::optional<Clock::time_point> keep_alive_deadline_;
  std::chrono::milliseconds backoff_{0};
  Clock::time_point next_connect_{};
  bool resend_on_connect_ = false;
};

}  // namespace capcast::dispatch::cbs::cbsp
