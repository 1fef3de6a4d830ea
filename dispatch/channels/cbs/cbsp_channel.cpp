// The CBSP channel (cbsp_channel.h): one link per BSC, and the judgement of their answers.
#include "cbs/cbsp_channel.h"

#include <spdlog/spdlog.h>

#include <future>
#include <map>
#include <mutex>

#include "capcast/core/broker_url.h"
#include "cbs/cbsp/messages.h"

namespace capcast::dispatch::cbs {
namespace {

using cbsp::Client;
using cbsp::Discriminator;
using cbsp::Pdu;

// Whether a failure entry names this requested cell (its discriminator says which parts count).
bool names(const cbsp::Failure& f, const CellId& c) {
  switch (f.discriminator) {
    case Discriminator::kCgi:
      return f.cell.mcc == c.mcc && f.cell.mnc == c.mnc && f.cell.lac == c.lac && f.cell.ci == c.ci;
    case Discriminator::kLacCi:
      return f.cell.lac == c.lac && f.cell.ci == c.ci;
    case Discriminator::kCi:
      return f.cell.ci == c.ci;
    case Discriminator::kLai:
      return f.cell.mcc == c.mcc && f.cell.mnc == c.mnc && f.cell.lac == c.lac;
    case Discriminator::kLac:
      return f.cell.lac == c.lac;
    case Discriminator::kAllInBsc:
      return true;
  }
  return false;
}

// A refusal that still leaves the wanted state (§8.2.13): killing what the BSC does not have,
// writing (again) what it already has.
bool harmless(uint8_t cause, bool kill, bool replace) {
  if (kill) return cause == cbsp::cause::kMessageReferenceNotIdentified;
  return !replace && cause == cbsp::cause::kMessageReferenceAlreadyUsed;
}

enum class CellState { kPending, kDone, kTransient, kPermanent };

std::string cause_text(uint8_t c) {
  auto n = cbsp::cause_name(c);
  return (n.empty() ? "cause" : std::string(n)) + " (" + std::to_string(c) + ")";
}

std::string cell_text(const std::optional<CellId>& c) {
  if (!c) return "all cells";
  return std::to_string(c->mcc) + "-" + std::to_string(c->mnc) + "-" + std::to_string(c->lac) +
         "-" + std::to_string(c->ci);
}

// One delivery in flight: every (broadcast, BSC) request, judged cell by cell when the last
// answer arrives.
struct Attempt {
  std::mutex mu;
  Done done;
  int pending = 1;    // one for submit() itself, released when every request is out
  std::string retry;  // set when a link failed or a cause was transient
  std::vector<Broadcast> broadcasts;
  // Per broadcast, per requested cell (or one entry for "all cells"): its best state over the
  // BSCs, and the cause that kept it from done.
  std::vector<std::vector<std::pair<CellState, uint8_t>>> cells;
};

}  // namespace

Result<CbspOptions> cbsp_options(std::string_view url, const std::vector<std::string>& peers) {
  CbspOptions o;
  auto add = [&](std::string_view u) -> Status {
    auto parsed = parse_endpoint_url(u, {{"cbsp", cbsp::kDefaultPort, false}});
    if (!parsed.ok()) return parsed.status();
    o.peers.push_back(
        CbspPeer{parsed->host + ":" + std::to_string(parsed->port), parsed->host, parsed->port});
    return Status();
  };
  if (Status s = add(url); !s.ok()) return s;
  for (const auto& p : peers) {
    const std::string u = p.find("://") == std::string::npos ? "cbsp://" + p : p;
    if (Status s = add(u); !s.ok()) {
      return invalid_argument("peers: \"" + p + "\": " + s.message());
    }
  }
  return o;
}

class CbspChannel::Impl {
 public:
  Impl(CbspOptions o, Planner planner, CellSink sink)
      : o_(std::move(o)), planner_(std::move(planner)), sink_(std::move(sink)) {
    for (const auto& p : o_.peers) {
      cbsp::ClientOptions c;
      c.name = p.name.empty() ? p.host + ":" + std::to_string(p.port) : p.name;
      c.host = p.host, c.port = p.port;
      c.keep_alive = o_.keep_alive, c.response_timeout = o_.response_timeout;
      c.connect_timeout = o_.connect_timeout;
      c.backoff_min = o_.backoff_min, c.backoff_max = o_.backoff_max;
      const std::string name = c.name;
      links_.push_back(std::make_unique<Client>(
          std::move(c), [this, name](const Pdu& pdu) { report(name, pdu, nullptr); }));
    }
    for (auto& l : links_)
      l->start();
  }
  ~Impl() { links_.clear(); }  // joins the I/O threads before the sink goes away

  void submit(const Message& m, Done done) {
    auto plan = planner_(m);
    if (!plan.ok()) {
      done(Rejected{"cell broadcast plan: " + plan.status().message()});
      return;
    }
    if (plan->empty()) {
      done(Delivered{});
      return;
    }
    std::vector<Pdu> requests;
    for (const auto& b : *plan) {
      auto r = b.operation == Operation::kKill ? cbsp::kill(b) : cbsp::write_replace(b);
      if (!r.ok()) {
        done(Rejected{r.status().message()});
        return;
      }
      if (auto bytes = cbsp::encode(*r); !bytes.ok()) {
        done(Rejected{bytes.status().message()});
        return;
      }
      requests.push_back(std::move(*r));
    }
    auto a = std::make_shared<Attempt>();
    a->done = std::move(done);
    a->broadcasts = std::move(*plan);
    for (const auto& b : a->broadcasts) {
      a->cells.emplace_back(b.whole_network ? 1 : b.cells.size(),
                            std::make_pair(CellState::kPending, uint8_t{0}));
    }
    for (size_t i = 0; i < requests.size(); ++i) {
      for (auto& link : links_) {
        {
          std::lock_guard lock(a->mu);
          ++a->pending;
        }
        const std::string peer = link->name();
        const bool sent = link->send(requests[i], [this, a, i, peer](Result<Pdu> r) {
          judge(*a, i, peer, r);
          release(a);
        });
        if (!sent) {
          std::lock_guard lock(a->mu);
          a->retry = "CBSP link to " + peer + " is down";
          --a->pending;
        }
      }
    }
    release(a);
  }

  bool ready() const {
    for (const auto& l : links_) {
      if (l->connected()) return true;
    }
    return false;
  }

  std::vector<cbsp::ClientStats> stats() const {
    std::vector<cbsp::ClientStats> out;
    for (const auto& l : links_)
      out.push_back(l->stats());
    return out;
  }

  int window() const { return o_.window; }

 private:
  // What one BSC said about broadcast i, folded into the attempt's cells.
  void judge(Attempt& a, size_t i, const std::string& peer, const Result<Pdu>& r) {
    const Broadcast& b = a.broadcasts[i];
    const bool kill = b.operation == Operation::kKill;
    const bool replace = b.operation == Operation::kReplace;
    std::lock_guard lock(a.mu);
    if (!r.ok()) {
      a.retry = r.status().message();
      return;
    }
    report(peer, *r, &b);
    const Pdu& p = *r;
    auto& cells = a.cells[i];
    auto better = [](std::pair<CellState, uint8_t>& c, CellState s, uint8_t cause) {
      // done beats transient beats permanent beats pending: a cell any BSC carries is done.
      auto rank = [](CellState x) {
        return x == CellState::kDone        ? 3
               : x == CellState::kTransient ? 2
               : x == CellState::kPermanent ? 1
                                            : 0;
      };
      if (rank(s) > rank(c.first)) c = {s, cause};
    };
    if (p.type == cbsp::MessageType::kErrorIndication) {
      const uint8_t c = p.cause.value_or(cbsp::cause::kUnspecifiedError);
      for (auto& cell : cells) {
        better(cell, cbsp::is_transient(c) ? CellState::kTransient : CellState::kPermanent, c);
      }
      return;
    }
    const bool failure = p.type == cbsp::MessageType::kWriteReplaceFailure ||
                         p.type == cbsp::MessageType::kKillFailure;
    for (size_t k = 0; k < cells.size(); ++k) {
      CellState s = CellState::kDone;
      uint8_t cause = 0;
      if (failure && p.failures) {
        for (const auto& f : *p.failures) {
          const bool hit = b.whole_network || names(f, b.cells[k]);
          if (!hit || harmless(f.cause, kill, replace)) continue;
          s = cbsp::is_transient(f.cause) ? CellState::kTransient : CellState::kPermanent;
          cause = f.cause;
          if (b.whole_network && s == CellState::kPermanent && p.cell_list &&
              !p.cell_list->cells.empty()) {
            s = CellState::kDone;  // some of the BSC's cells carry it: partial, reported
          }
          if (s == CellState::kTransient) break;
        }
      }
      better(cells[k], s, cause);
    }
  }

  void release(const std::shared_ptr<Attempt>& a) {
    Done done;
    Outcome outcome = Delivered{};
    {
      std::lock_guard lock(a->mu);
      if (--a->pending > 0) return;
      done = std::move(a->done);
      if (!a->retry.empty()) {
        outcome = RetryLater{Duration(0), a->retry};
      } else {
        size_t total = 0, permanent = 0;
        std::string transient, refused;
        for (size_t i = 0; i < a->cells.size(); ++i) {
          const Broadcast& b = a->broadcasts[i];
          for (size_t k = 0; k < a->cells[i].size(); ++k) {
            const auto [s, cause] = a->cells[i][k];
            ++total;
            const std::optional<CellId> cell =
                b.whole_network ? std::nullopt : std::optional<CellId>(b.cells[k]);
            const std::string what = "message " + std::to_string(b.message_id) + " cell " +
                                     cell_text(cell) + ": " + cause_text(cause);
            if (s == CellState::kTransient && transient.empty()) transient = what;
            if (s == CellState::kPermanent || s == CellState::kPending) {
              ++permanent;
              if (refused.empty()) refused = what;
            }
          }
        }
        if (!transient.empty()) {
          outcome = RetryLater{Duration(0), "BSC refused for now: " + transient};
        } else if (permanent == total) {
          outcome = Rejected{"every cell refused, e.g. " + refused};
        } else if (permanent > 0) {
          spdlog::warn("cbsp: delivered, but {} of {} cells refused, e.g. {}", permanent, total,
                       refused);
        }
      }
    }
    if (done) done(std::move(outcome));
  }

  // The CellReports of one answer (b: the broadcast it answers, nullptr for unsolicited ones).
  void report(const std::string& peer, const Pdu& p, const Broadcast* b) {
    if (!sink_) return;
    CellReport base;
    base.peer = peer;
    base.message_id = p.message_id.value_or(0);
    base.kill =
        p.type == cbsp::MessageType::kKillComplete || p.type == cbsp::MessageType::kKillFailure;
    base.serial = (base.kill ? p.old_serial : p.new_serial).value_or(0);
    const bool kill = base.kill;
    const bool replace = b && b->operation == Operation::kReplace;
    size_t n = 0;
    if (p.failures) {
      for (const auto& f : *p.failures) {
        CellReport r = base;
        if (f.discriminator != Discriminator::kAllInBsc) r.cell = f.cell;
        r.ok = harmless(f.cause, kill, replace);
        r.cause = f.cause;
        sink_(r), ++n;
      }
    }
    if (p.completed) {
      for (const auto& c : p.completed->items) {
        CellReport r = base;
        r.cell = c.cell, r.ok = true, r.broadcasts_completed = c.broadcasts;
        sink_(r), ++n;
      }
    } else if (p.cell_list && (p.type == cbsp::MessageType::kWriteReplaceComplete ||
                               p.type == cbsp::MessageType::kKillComplete ||
                               p.type == cbsp::MessageType::kWriteReplaceFailure ||
                               p.type == cbsp::MessageType::kKillFailure)) {
      for (const auto& c : p.cell_list->cells) {
        CellReport r = base;
        r.cell = c, r.ok = true;
        sink_(r), ++n;
      }
    }
    if (n == 0 && (p.type == cbsp::MessageType::kWriteReplaceComplete ||
                   p.type == cbsp::MessageType::kKillComplete)) {
      CellReport r = base;
      r.ok = true;
      sink_(r);
    }
    if (p.type == cbsp::MessageType::kErrorIndication) {
      CellReport r = base;
      r.ok = false, r.cause = p.cause.value_or(0);
      sink_(r);
    }
  }

  CbspOptions o_;
  Planner planner_;
  CellSink sink_;
  std::vector<std::unique_ptr<Client>> links_;
};

CbspChannel::CbspChannel(CbspOptions options, Planner planner, CellSink sink)
    : impl_(std::make_shared<Impl>(std::move(options), std::move(planner), std::move(sink))) {}

CbspChannel::~CbspChannel() = default;

void CbspChannel::submit(const Message& message, Done done) {
  impl_->submit(message, std::move(done));
}

Outcome CbspChannel::deliver(const Message& message) {
  auto promise = std::make_shared<std::promise<Outcome>>();
  auto future = promise->get_future();
  submit(message, [promise](Outcome o) { promise->set_value(std::move(o)); });
  // Every request ends by its response, its timeout or the link's loss: this wait is bounded.
  return future.get();
}

int CbspChannel::max_window() const {
  return impl_->window();
}

bool CbspChannel::ready() {
  return impl_->ready();
}

std::vector<cbsp::ClientStats> CbspChannel::link_stats() const {
  return impl_->stats();
}

}  // namespace capcast::dispatch::cbs
