// HostGate: the minimum interval between the starts of two requests to one host, so that many
// sources on one server (NWS, Meteoalarm) do not hammer it while requests to other hosts go
// ahead undelayed. Requests wait in a queue per host; on one host, the sources with requests
// waiting take turns (round robin), so a source with many linked documents cannot starve the
// others. A pure scheduler: it reads no clock and makes no request (the Poller does both).
// Not thread-safe.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "capcast/core/clock.h"

namespace capcast::ingest {

// What the gate keys on: "scheme://host:port" of an http(s) URL (RFC 3986 §6.2.2.1 and §6.2.3:
// the scheme and host lower-cased, the default port made explicit), so that http://A/ and
// http://a:80/ are one host. Empty for file:// and for anything unparsable: not gated.
std::string host_key(const std::string& url);

template <typename T>
class HostGate {
 public:
  // min_interval 0: every request is released at once.
  explicit HostGate(Duration min_interval) : min_interval_(min_interval) {}

  // Queues `item` of source number `source` for `host` (a host_key(); empty: not gated).
  void push(const std::string& host, size_t source, T item) {
    ++waiting_;
    if (host.empty() || min_interval_.count() <= 0) {
      free_.push_back(std::move(item));
      return;
    }
    auto [it, added] = hosts_.try_emplace(host);
    Host& h = it->second;
    if (added) h.name = &it->first;
    if (h.turns.empty()) ready_.emplace(h.next_allowed, &h);
    auto& q = h.queues[source];
    if (q.empty()) h.turns.push_back(source);
    q.push_back(std::move(item));
  }

  // Takes what may start at `now`: every ungated item, and at most one item per host whose last
  // request started at least min_interval ago (that host's next source in turn). Each host that
  // releases one is marked as used at `now`.
  std::vector<T> release(TimePoint now) {
    std::vector<T> out;
    if (waiting_ == 0) return out;
    for (auto& item : free_)
      out.push_back(std::move(item));
    free_.clear();
    while (!ready_.empty() && ready_.begin()->first <= now) {
      Host& h = *ready_.begin()->second;
      ready_.erase(ready_.begin());
      size_t source = h.turns.front();
      h.turns.pop_front();
      auto q = h.queues.find(source);
      out.push_back(std::move(q->second.front()));
      q->second.pop_front();
      if (q->second.empty()) {
        h.queues.erase(q);
      } else {
        h.turns.push_back(source);  // its next request waits for the other sources' turns
      }
      h.next_allowed = now + min_interval_;
      if (!h.turns.empty()) ready_.emplace(h.next_allowed, &h);
    }
    waiting_ -= out.size();
    return out;
  }

  // When release() will next have something to give; nullopt when nothing waits.
  std::optional<TimePoint> next_release() const {
    if (waiting_ == 0) return std::nullopt;
    if (!free_.empty()) return TimePoint::min();
    return ready_.begin()->first;
  }

  size_t waiting() const { return waiting_; }

 private:
  struct Host {
    const std::string* name = nullptr;  // its key in hosts_
    TimePoint next_allowed = TimePoint::min();
    std::deque<size_t> turns;                // sources with requests waiting, in turn order
    std::map<size_t, std::deque<T>> queues;  // per source, in the order they were pushed
  };

  Duration min_interval_;
  std::map<std::string, Host> hosts_;  // every host seen, to remember when it was last used
  // The hosts with requests waiting, by when they may next start one (so a release visits only
  // the hosts it releases from), then by name: hosts due at the same time are released in a
  // fixed order, not in the order of their addresses in memory.
  struct Sooner {
    bool operator()(const std::pair<TimePoint, Host*>& a,
                    const std::pair<TimePoint, Host*>& b) const {
      if (a.first != b.first) return a.first < b.first;
      return *a.second->name < *b.second->name;
    }
  };
  std::set<std::pair<TimePoint, Host*>, Sooner> ready_;
  std::vector<T> free_;  // ungated items
  size_t waiting_ = 0;
};

}  // namespace capcast::ingest
