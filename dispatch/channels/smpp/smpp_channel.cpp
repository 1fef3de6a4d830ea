// The SMPP channel's I/O half (smpp_channel.h): its binds, and the completion of each delivery
// from the submit_sm_resp of its parts.
#include "smpp/smpp_channel.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "smpp/receipt.h"

namespace capcast::dispatch::smpp {

class SmppChannel::Impl {
 public:
  explicit Impl(SmppOptions o) : o_(std::move(o)) {
    for (int i = 0; i < o_.binds; ++i) {
      SessionOptions so = o_.session;
      so.name = o_.url.host + ":" + std::to_string(o_.url.port) + "#" + std::to_string(i + 1);
      sessions_.push_back(std::make_unique<Session>(
          so, [this](const DeliverSm& d) { on_deliver(d); },
          [this](const DataSm& d) { on_data(d); }));
    }
    for (auto& s : sessions_)
      s->start();
    if (o_.submit_multi) flusher_ = std::thread([this] { flush_loop(); });
  }

  ~Impl() {
    if (flusher_.joinable()) {
      {
        std::lock_guard lock(multi_mu_);
        closing_ = true;
      }
      multi_cv_.notify_all();
      flusher_.join();  // sends what was gathered
    }
    sessions_.clear();  // each unbinds and fails what it still holds
  }

  bool ready() const {
    for (const auto& s : sessions_) {
      if (s->bound()) return true;
    }
    return false;
  }

  // With submit_multi a PDU carries up to multi_max deliveries. Without a rate limit the lane
  // holds more than the binds' windows: while a window's worth awaits its responses, the rest
  // is queued at the binds, which write again as soon as a response frees a slot instead of
  // idling until the lane has claimed more (the SMSC still sees at most `window` outstanding a
  // bind). At least kQueued in all (the lane claims and records in chunks of half of it: fewer,
  // larger transactions), two to eight windows a bind: with one bind of 64, 512 measured 5-20 %
  // faster than 256 and 1,024 slower (docs/BENCHMARKS.md, session 9). With a rate, the rate is
  // the limit: a deeper queue would only make a Cancel or an Extreme alert wait behind more SMS.
  int max_window() const {
    constexpr int kQueued = 512;
    int windows = o_.binds * o_.session.window;
    int depth = o_.session.rate > 0 ? windows : std::clamp(kQueued, 2 * windows, 8 * windows);
    return depth * (o_.submit_multi ? o_.multi_max : 1);
  }

  void set_sink(ReceiptSink sink) {
    std::lock_guard lock(sink_mu_);
    sink_ = std::move(sink);
  }

  void submit(const Message& m, Done done) {
    uint16_t ref;
    {
      std::lock_guard lock(ref_mu_);
      ref = ++reference_;
      if (o_.encode.concatenation == sms::Concatenation::kUdh8 && ref % 256 == 0)
        ref = ++reference_;
    }
    auto p = cached_plan(m, ref);
    if (!p.ok()) {
      done(Rejected{"cannot send as SMS: " + p.status().message()});
      return;
    }
    // All parts of one message on one bind: the least loaded of those bound.
    Session* best = least_loaded();
    if (!best) {
      done(RetryLater{Duration{0}, "not bound to the SMSC", /*unattempted=*/true});
      return;
    }
    auto attempt = std::make_shared<Attempt>();
    attempt->done = std::move(done);
    attempt->ids.resize(p->submits.size());
    attempt->remaining = static_cast<int>(p->submits.size());
    attempt->session = best;
    attempt->to = m.recipient_masked;
    if (o_.submit_multi) {
      gather(m, std::move(*p), attempt);
      return;
    }
    for (size_t i = 0; i < p->submits.size(); ++i) {
      bool queued = best->send(
          std::move(p->submits[i]),
          [this, attempt, i](Result<Pdu> r) { part_done(*attempt, i, std::move(r)); },
          /*defer=*/true);
      if (!queued) part_done(*attempt, i, Status(Code::kAborted, "the bind went down"));
    }
  }

  // The lane's batch is queued: each bind's I/O thread is woken once for its share.
  void flush() {
    for (auto& s : sessions_)
      s->flush();
  }

  std::vector<SessionStats> stats() const {
    std::vector<SessionStats> out;
    for (const auto& s : sessions_)
      out.push_back(s->stats());
    return out;
  }

 private:
  // A fan-out sends one text to many people in a row: the text is built and encoded once per
  // (alert, event, language), and each delivery only changes the destination. The lane's
  // thread only (submit()).
  Result<Plan> cached_plan(const Message& m, uint16_t ref) {
    std::string key =
        std::to_string(m.alert_id) + "/" + store::event_name(m.event) + "/" + m.recipient_language;
    if (key != plan_key_ || !cached_) {
      auto p = plan(o_, m, ref);
      if (!p.ok()) return p;
      plan_key_ = std::move(key);
      cached_ = std::move(*p);
      return *cached_;
    }
    if (m.recipient.empty())
      return invalid_argument("no recipient: an SMS delivery names a phone number");
    Address dst = address_for(m.recipient, o_.dest_ton, o_.dest_npi);
    if (dst.ton == 5) return invalid_argument("recipient " + m.recipient_masked + ": not a number");
    Plan out = *cached_;
    for (auto& pdu : out.submits) {
      auto& sm = std::get<SubmitSm>(pdu.body);
      sm.dest_addr_ton = dst.ton;
      sm.dest_addr_npi = dst.npi;
      sm.destination_addr = dst.addr;
    }
    return out;
  }
  std::string plan_key_;
  std::optional<Plan> cached_;

  Session* least_loaded() {
    Session* best = nullptr;
    for (auto& s : sessions_) {
      if (s->bound() && (!best || s->load() < best->load())) best = s.get();
    }
    return best;
  }

  struct Attempt;
  // Deliveries of one text (one alert, event and language) waiting to go in a submit_multi.
  struct Batch {
    std::vector<Pdu> parts;  // the submit_sm of the first delivery: all but the destination
    std::vector<std::pair<std::string, std::shared_ptr<Attempt>>> members;  // address, attempt
    std::vector<Address> dests;
    std::chrono::steady_clock::time_point deadline;
  };

  void gather(const Message& m, Plan p, std::shared_ptr<Attempt> attempt) {
    const auto& first = std::get<SubmitSm>(p.submits[0].body);
    Address dst{first.dest_addr_ton, first.dest_addr_npi, first.destination_addr};
    std::string key =
        std::to_string(m.alert_id) + "/" + store::event_name(m.event) + "/" + p.text.text;
    std::optional<Batch> full;
    {
      std::lock_guard lock(multi_mu_);
      auto [it, fresh] = batches_.try_emplace(key);
      Batch& b = it->second;
      if (fresh) {
        b.parts = std::move(p.submits);
        b.deadline = std::chrono::steady_clock::now() + o_.multi_wait;
      }
      b.members.emplace_back(dst.addr, std::move(attempt));
      b.dests.push_back(dst);
      if (static_cast<int>(b.members.size()) >= o_.multi_max) {
        full = std::move(b);
        batches_.erase(it);
      }
    }
    if (full) {
      send_batch(std::move(*full));
    } else {
      multi_cv_.notify_all();
    }
  }

  void flush_loop() {
    std::unique_lock lock(multi_mu_);
    while (true) {
      auto now = std::chrono::steady_clock::now();
      std::vector<Batch> due;
      for (auto it = batches_.begin(); it != batches_.end();) {
        if (closing_ || it->second.deadline <= now) {
          due.push_back(std::move(it->second));
          it = batches_.erase(it);
        } else {
          ++it;
        }
      }
      if (!due.empty()) {
        lock.unlock();
        for (auto& b : due)
          send_batch(std::move(b));
        lock.lock();
        continue;
      }
      if (closing_) return;
      auto next = now + std::chrono::seconds(1);
      for (const auto& [key, b] : batches_)
        next = std::min(next, b.deadline);
      multi_cv_.wait_until(lock, next);
    }
  }

  // One submit_multi per part for the batch's destinations; each member's outcome from the
  // response: its own error from unsuccess_sme (SMPP 3.4 §4.5.2), or the PDU's.
  void send_batch(Batch b) {
    Session* session = least_loaded();
    for (size_t i = 0; i < b.parts.size(); ++i) {
      const auto& sm = std::get<SubmitSm>(b.parts[i].body);
      SubmitMulti multi;
      multi.service_type = sm.service_type;
      multi.source_addr_ton = sm.source_addr_ton;
      multi.source_addr_npi = sm.source_addr_npi;
      multi.source_addr = sm.source_addr;
      for (const auto& d : b.dests)
        multi.dests.push_back(DestAddress{false, d.ton, d.npi, d.addr});
      multi.esm_class = sm.esm_class;
      multi.registered_delivery = sm.registered_delivery;
      multi.data_coding = sm.data_coding;
      multi.short_message = sm.short_message;
      multi.tlvs = sm.tlvs;
      auto members = std::make_shared<decltype(b.members)>(b.members);
      auto answer = [this, members, i](Result<Pdu> r) {
        for (auto& [addr, attempt] : *members) {
          if (!r.ok() || r->command_status != status::kOk) {
            part_done(*attempt, i, r);
            continue;
          }
          const auto* resp = std::get_if<SubmitMultiResp>(&r->body);
          uint32_t error = 0;
          if (resp) {
            for (const auto& u : resp->unsuccess) {
              if (u.address == addr) error = u.error_status ? u.error_status : status::kSysErr;
            }
          }
          // Receipts of a submit_multi carry one message id for every destination: the part's
          // key is that id and the destination together (on_deliver builds the same).
          std::string id = resp ? canonical_message_id(resp->message_id) + "@" + addr : "";
          part_done(*attempt, i,
                    Pdu{cmd::kSubmitSmResp, error, r->sequence, MessageIdResp{id, {}}});
        }
      };
      bool queued =
          session && session->send(Pdu{cmd::kSubmitMulti, 0, 0, std::move(multi)}, answer);
      if (!queued) answer(Status(Code::kAborted, "not bound to the SMSC"));
    }
  }

  struct Attempt {
    std::mutex mu;
    Done done;
    std::vector<std::string> ids;
    int remaining = 0;
    int unsent = 0;  // parts that never left capcast (kAborted: queued when the bind went down)
    std::string error;
    Verdict verdict = Verdict::kOk;
    Session* session = nullptr;
    std::string to;  // masked
  };

  void part_done(Attempt& a, size_t part, Result<Pdu> r) {
    Verdict v = Verdict::kOk;
    std::string error;
    bool unsent = false;
    if (!r.ok()) {
      v = Verdict::kTransient;
      error = r.status().message();
      unsent = r.status().code() == Code::kAborted;
    } else {
      v = classify(r->command_id, r->command_status);
      if (v == Verdict::kOk) {
        if (const auto* resp = std::get_if<MessageIdResp>(&r->body)) {
          std::lock_guard lock(a.mu);
          a.ids[part] = resp->message_id.find('@') == std::string::npos
                            ? canonical_message_id(resp->message_id)
                            : resp->message_id;  // id@destination, from send_batch
        }
      } else {
        auto name = status_name(r->command_status);
        char hex[16];
        std::snprintf(hex, sizeof hex, "0x%02X", r->command_status);
        error = std::string(r->command_id == cmd::kGenericNack ? "generic_nack " : "") +
                (name.empty() ? std::string(hex) : std::string(name) + " (" + hex + ")") +
                " for part " + std::to_string(part + 1);
        if (v == Verdict::kThrottled) a.session->throttled();
      }
    }
    Done done;
    Outcome outcome;
    {
      std::lock_guard lock(a.mu);
      if (unsent) ++a.unsent;
      // The worst verdict of the parts decides: permanent over throttled over transient.
      if (v != Verdict::kOk) {
        auto rank = [](Verdict x) {
          return x == Verdict::kPermanent ? 3 : x == Verdict::kThrottled ? 2 : 1;
        };
        if (a.verdict == Verdict::kOk || rank(v) > rank(a.verdict)) {
          a.verdict = v;
          a.error = error;
        }
      }
      if (--a.remaining > 0) return;
      switch (a.verdict) {
        case Verdict::kOk:
          outcome = Delivered{std::move(a.ids)};
          break;
        case Verdict::kPermanent:
          outcome = Rejected{"the SMSC refused it: " + a.error};
          break;
        case Verdict::kThrottled:
          outcome = RetryLater{o_.session.throttle_wait, "the SMSC asks to slow down: " + a.error};
          break;
        case Verdict::kTransient:
          // No part left capcast: the delivery goes back without spending an attempt.
          outcome = RetryLater{Duration{0}, a.error, a.unsent == static_cast<int>(a.ids.size())};
          break;
      }
      done = std::move(a.done);
    }
    // Parts the SMSC accepted before another failed are sent again with the retry: the person
    // may see them twice (SMPP has no idempotency key), never miss them.
    done(std::move(outcome));
  }

  void on_deliver(const DeliverSm& d) {
    if (!is_receipt(d)) {
      // A mobile-originated message (a reply): not handled; its sender is not logged.
      spdlog::info("smpp {}: a mobile-originated message was received and ignored", o_.url.host);
      return;
    }
    record(parse_receipt(d), d.source_addr);
  }

  // Some SMSCs send receipts as data_sm (SMPP 3.4 §4.7.1): matched like deliver_sm's.
  void on_data(const DataSm& d) {
    if (!is_receipt(d)) {
      // Mobile-originated data: answered ESME_ROK by the session, not handled; no number logged.
      spdlog::debug("smpp {}: a mobile-originated data_sm was received and ignored", o_.url.host);
      return;
    }
    record(parse_receipt(d), d.source_addr);
  }

  // A receipt's state on the part whose submit_sm_resp gave its id. `source` is the receipt's
  // source_addr: the person's number.
  void record(const Result<Receipt>& r, const std::string& source) {
    if (!r.ok()) {
      spdlog::warn("smpp {}: unreadable delivery receipt: {}", o_.url.host, r.status().message());
      return;
    }
    store::Receipt out;
    out.message_id_keys = message_id_keys(r->id);
    if (o_.submit_multi) {
      // A submit_multi's parts are recorded as id@destination; the receipt comes from the
      // destination (its source_addr).
      size_t n = out.message_id_keys.size();
      for (size_t i = 0; i < n; ++i)
        out.message_id_keys.push_back(out.message_id_keys[i] + "@" + source);
    }
    out.state = std::string(state_name(r->state));
    out.final = r->final;
    out.at_ms = to_unix_ms(SystemClock::instance().now());
    std::lock_guard lock(sink_mu_);
    if (sink_) sink_(std::move(out));
  }

  SmppOptions o_;
  std::mutex ref_mu_;
  uint16_t reference_ = 0;
  std::mutex sink_mu_;
  ReceiptSink sink_;
  std::mutex multi_mu_;  // guards batches_ and closing_
  std::condition_variable multi_cv_;
  std::map<std::string, Batch> batches_;
  bool closing_ = false;
  std::thread flusher_;
  std::vector<std::unique_ptr<Session>> sessions_;  // last: destroyed first
};

SmppChannel::SmppChannel(SmppOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
SmppChannel::~SmppChannel() = default;

Outcome SmppChannel::deliver(const Message& message) {
  auto promise = std::make_shared<std::promise<Outcome>>();
  auto future = promise->get_future();
  submit(message, [promise](Outcome o) { promise->set_value(std::move(o)); });
  flush();
  return future.get();  // the session's response timeout bounds the wait
}

void SmppChannel::submit(const Message& message, Done done) {
  impl_->submit(message, std::move(done));
}

void SmppChannel::flush() {
  impl_->flush();
}

int SmppChannel::max_window() const {
  return impl_->max_window();
}

bool SmppChannel::ready() {
  return impl_->ready();
}

void SmppChannel::set_receipt_sink(ReceiptSink sink) {
  impl_->set_sink(std::move(sink));
}

std::vector<SessionStats> SmppChannel::session_stats() const {
  return impl_->stats();
}

Result<std::unique_ptr<Channel>> create(const config::Section& section,
                                        const config::Document& doc) {
  auto o = smpp_options(section, doc);
  if (!o.ok()) return o.status();
  return std::unique_ptr<Channel>(std::make_unique<SmppChannel>(std::move(*o)));
}

}  // namespace capcast::dispatch::smpp
