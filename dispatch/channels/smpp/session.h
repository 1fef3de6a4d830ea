// One SMPP 3.4 session (a bind) of the SMS channel: a TCP connection to the SMSC, bound as a
// transmitter or transceiver, with a window of outstanding requests matched to their responses
// by sequence number. Its own I/O thread connects, binds, writes, reads, answers the SMSC's
// enquire_link, deliver_sm, data_sm and unbind, sends enquire_link when the link is idle, times out
// requests that get no response, and reconnects with backoff when the connection is lost
// (SMPP 3.4 §2.2 sessions, §2.4 operations, §2.7 enquire_link; §3.2.1 windowing is left to the
// ESME: here `window`). The codec is pdu.h; what to send and how to classify the answers is the
// channel's (smpp_channel.h).
//
// Thread-safe: send() and the accessors may be called from any thread; callbacks run on the
// session's I/O thread (never under its lock).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "capcast/core/result.h"
#include "smpp/pdu.h"

namespace capcast::dispatch::smpp {

struct SessionOptions {
  std::string name;  // for logs: "sms#1"
  std::string host;
  int port = 2775;
  uint32_t bind_command = cmd::kBindTransceiver;  // or kBindTransmitter
  Bind bind;                                      // system_id, password, system_type ...
  int window = 10;  // requests awaiting their response at once (Kannel's default is 10)
  double rate = 0;  // requests per second at most on this bind; 0: unlimited
  std::chrono::milliseconds enquire_link{30'000};  // idle time before an enquire_link
  std::chrono::milliseconds response_timeout{10'000};
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds backoff_min{500};
  std::chrono::milliseconds backoff_max{30'000};
  // After ESME_RTHROTTLED or ESME_RMSGQFUL: nothing is sent on this bind for this long, and its
  // rate (when set) is halved, then grows back by a tenth each second without another one.
  std::chrono::milliseconds throttle_wait{1'000};
};

struct SessionStats {
  int64_t binds = 0;          // successful binds (reconnections included)
  int64_t bind_failures = 0;  // refused or failed binds
  int64_t sent = 0;           // requests written
  int64_t timeouts = 0;       // requests with no response in time
  int64_t throttled = 0;      // throttled() calls
  int64_t enquire_links_sent = 0;
  int64_t enquire_links_answered = 0;  // the SMSC's, answered by us
  int64_t deliver_sm = 0;              // received (receipts and MO)
  int64_t data_sm = 0;                 // received (receipts and MO), answered data_sm_resp
  int64_t generic_nacks_sent = 0;      // for undecodable PDUs
  int64_t connection_losses = 0;
};

class Session {
 public:
  // A request's response (any command_status; a generic_nack has its id), or an error when
  // no response came: kUnavailable (connection lost, not bound) or kIoError (timeout).
  using Callback = std::function<void(Result<Pdu>)>;
  // A deliver_sm from the SMSC (a delivery receipt or a mobile-originated message); answered
  // with deliver_sm_resp after this returns.
  using OnDeliver = std::function<void(const DeliverSm&)>;
  // A data_sm from the SMSC (a receipt some SMSCs send instead of deliver_sm, or MO data);
  // answered with data_sm_resp (ESME_ROK, message_id empty) after this returns.
  using OnData = std::function<void(const DataSm&)>;

  Session(SessionOptions options, OnDeliver on_deliver, OnData on_data = nullptr);
  // Unbinds (waiting up to a second for unbind_resp), closes, and fails what is outstanding.
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start();
  bool bound() const { return bound_.load(); }
  // Queues a request (its sequence number is assigned here); false, and nothing queued, when
  // the session is not bound. `cb` is called exactly once. With `defer`, the I/O thread is not
  // woken for it: the caller queues a batch and calls flush() once, so that a fan-out costs one
  // wake-up (an eventfd write and a context switch) per batch rather than per SMS.
  bool send(Pdu request, Callback cb, bool defer = false);
  // Wakes the I/O thread for what send(..., true) queued.
  void flush();
  // The SMSC asked us to slow down (ESME_RTHROTTLED, ESME_RMSGQFUL): see throttle_wait.
  void throttled();
  // Requests queued or awaiting a response (a snapshot, read without the lock: the channel
  // asks it of every bind for every SMS).
  size_t load() const { return load_.load(std::memory_order_relaxed); }
  const std::string& name() const { return o_.name; }
  SessionStats stats() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Request {
    Pdu pdu;
    Callback cb;
  };
  struct Outstanding {
    Callback cb;
    Clock::time_point deadline;
    uint32_t command_id = 0;
  };

  void loop();
  bool connect_and_bind();
  void close_connection(const std::string& why);
  bool pump_writes(Clock::time_point now);
  bool read_some();
  void handle(const Pdu& pdu);
  void answer(const Pdu& response);
  void expire(Clock::time_point now);
  uint32_t next_sequence();
  void wake();
  void update_load() { load_.store(queue_.size() + window_.size(), std::memory_order_relaxed); }
  // Handles the PDUs buffered in in_ (all whole ones), then drops them from it in one go.
  void handle_buffered();
  double tokens_available(Clock::time_point now);

  SessionOptions o_;
  OnDeliver on_deliver_;
  OnData on_data_;
  std::atomic<bool> bound_{false};
  std::atomic<bool> stop_{false};
  std::atomic<size_t> load_{0};
  std::atomic<bool> deferred_{false};  // send(..., true) queued something not yet woken for
  std::thread thread_;
  int wake_fd_ = -1;  // eventfd: send() and the destructor wake the I/O thread

  mutable std::mutex mu_;  // guards what follows, up to the I/O thread's own state
  std::deque<Request> queue_;
  std::map<uint32_t, Outstanding> window_;
  uint32_t sequence_ = 0;
  SessionStats stats_;
  double rate_ = 0;  // current: o_.rate, lowered after throttling
  double tokens_ = 0;
  Clock::time_point tokens_at_{};
  Clock::time_point paused_until_{};
  Clock::time_point last_throttle_{};

  // The I/O thread's own.
  int fd_ = -1;
  std::string in_;
  std::string out_;
  Clock::time_point last_read_{};
  std::optional<uint32_t> enquire_seq_;
  Clock::time_point enquire_deadline_{};
  std::chrono::milliseconds backoff_{0};
  Clock::time_point next_connect_{};
};

}  // namespace capcast::dispatch::smpp
