#include "capcast/ingest/poller.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdint>
#include <deque>

#include "capcast/core/redact.h"

namespace capcast::ingest {
namespace {

// However many pages a format allows, one poll reads at most this many.
constexpr int kMaxPages = 100;

// The wait from `now` to `next`, within [0, most] (`next` may be TimePoint::min()).
Duration until(TimePoint now, TimePoint next, Duration most) {
  if (next <= now) return Duration{0};
  return std::min(std::chrono::duration_cast<Duration>(next - now), most);
}

}  // namespace

Duration first_poll_offset(const std::string& name, Duration spread) {
  if (spread.count() <= 0) return Duration{0};
  // FNV-1a (64-bit offset basis and prime): stable across runs, builds and platforms, which
  // std::hash is not required to be. Its last character reaches only the middle bits, so
  // "feed-1" and "feed-2" would land side by side: MurmurHash3's 64-bit finalizer (fmix64)
  // spreads every bit over the whole word.
  uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : name) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  // The top 53 bits as a fraction in [0, 1), exact in a double.
  double share = static_cast<double>(h >> 11) / 9007199254740992.0;
  return Duration{static_cast<int64_t>(share * static_cast<double>(spread.count()))};
}

struct Poller::Source {
  size_t index = 0;  // in sources_, its name in the host gate
  SourceSpec spec;
  std::string host;  // host_key of its URL
  store::SourceState state;
  TimePoint next_due{};
  bool busy = false;
  int pending = 0;                            // transfers of the current poll still running
  bool poll_failed = false;                   // the feed itself failed in the current poll
  bool link_failed = false;                   // a linked CAP document failed in the current poll
  std::optional<std::string> pending_memory;  // the format's memory, kept when the poll succeeds
  Duration retry_after{0};
  int accepted_this_poll = 0;
  std::set<std::string> fetched_links;
  std::deque<std::string> fetched_order;
  std::set<std::string> pages;  // the URLs of the pages read in the current poll
};

Poller::Poller(std::vector<SourceSpec> sources, PollerOptions options, store::Store* store,
               Sink sink, const Clock& clock, std::function<double()> random)
    : options_(std::move(options)),
      store_(store),
      sink_(std::move(sink)),
      clock_(clock),
      random_(std::move(random)),
      fetcher_(options_.fetch),
      gate_(options_.min_host_interval) {
  TimePoint now = clock_.now();
  Duration spread = options_.first_poll_spread.value_or(
      Duration{100 * static_cast<int64_t>(sources.empty() ? 0 : sources.size() - 1)});
  for (auto& spec : sources) {
    auto s = std::make_unique<Source>();
    s->index = sources_.size();
    s->host = host_key(spec.url);
    s->next_due = now + first_poll_offset(spec.name, std::min(spread, spec.interval));
    s->state.name = spec.name;
    if (auto loaded = store_->load_source(spec.name); loaded.ok() && loaded->has_value()) {
      s->state = **loaded;
    }
    s->spec = std::move(spec);
    due_.emplace(s->next_due, s->index);
    sources_.push_back(std::move(s));
  }
}

Poller::~Poller() = default;

void Poller::stop() {
  stop_ = true;
  fetcher_.wakeup();
}

void Poller::start(Source& s) {
  s.busy = true;
  s.pending = 1;
  s.poll_failed = false;
  s.link_failed = false;
  s.pending_memory.reset();
  s.retry_after = Duration{0};
  s.accepted_this_poll = 0;
  s.state.last_attempt_ms = to_unix_ms(clock_.now());
  FetchRequest req{s.spec.url, s.state.etag, s.state.last_modified};
  request(s, std::move(req), [this, &s](FetchResponse r) { on_feed(s, std::move(r)); });
}

void Poller::request(Source& s, FetchRequest req, Fetcher::Callback done) {
  // A link may name another host than its feed's.
  std::string host = req.url == s.spec.url ? s.host : host_key(req.url);
  gate_.push(host, s.index, Request{std::move(req), std::move(done)});
}

void Poller::release(TimePoint now) {
  for (auto& r : gate_.release(now))
    fetcher_.submit(r.request, std::move(r.done));
}

void Poller::on_feed(Source& s, FetchResponse r) {
  std::string where = mask_url_password(s.spec.url);
  if (!r.status.ok()) {
    s.poll_failed = true;
    s.retry_after = r.retry_after;
    s.state.last_error = r.status.message();
    spdlog::warn("source {}: {}: {}", s.spec.name, where, r.status.message());
    done_one(s);
    return;
  }
  if (r.not_modified) {
    spdlog::debug("source {}: not modified", s.spec.name);
    done_one(s);
    return;
  }
  s.state.etag = r.etag;
  s.state.last_modified = r.last_modified;
  s.pages = {s.spec.url, r.effective_url};
  take(s, r, 1);
  done_one(s);
}

void Poller::on_page(Source& s, const std::string& url, int page, FetchResponse r) {
  if (!r.status.ok()) {
    // As for a linked document: the source is not failed, and the feed's validators are dropped
    // so that the next poll reads every page again.
    s.link_failed = true;
    spdlog::warn("source {}: page {} {}: {}", s.spec.name, page, mask_url_password(url),
                 r.status.message());
  } else {
    take(s, r, page);
  }
  done_one(s);
}

// Hands what one page of the source (the feed itself is page 1) holds to the sink, requests its
// links, and its next page if the format gave one.
void Poller::take(Source& s, const FetchResponse& r, int page) {
  // Page 2 on sees what the pages before it left in memory.
  std::string_view memory = s.pending_memory ? *s.pending_memory : s.state.memory;
  Input in{r.body,      r.effective_url,
           s.spec.name, s.spec.options ? s.spec.options : &default_options(*s.spec.format),
           memory,      to_unix_ms(clock_.now()),
           page};
  Extracted ex = s.spec.format->extract(in);
  // The format's new memory is kept only once every document of this poll is safely stored
  // (done_one): were it kept after a store failure, the next poll would not issue again what the
  // store lost.
  if (ex.memory) s.pending_memory = std::move(ex.memory);
  for (const auto& p : ex.problems)
    spdlog::warn("source {}: {}", s.spec.name, p);
  for (auto& doc : ex.documents) {
    Taken t = sink_(Document{s.spec.name, r.effective_url, std::move(doc)});
    if (t == Taken::kAccepted) ++s.accepted_this_poll;
    if (t == Taken::kFailed) s.link_failed = true;  // read the feed in full again next time
  }
  for (const auto& link : ex.links) {
    if (s.fetched_links.count(link)) continue;
    ++s.pending;
    request(s, {link, "", ""},
            [this, &s, link](FetchResponse lr) { on_linked(s, link, std::move(lr)); });
  }
  if (ex.next_page.empty()) return;
  // Only on the source's own host (scheme, host, port), where the host gate and the operator's
  // trust apply; never a page twice in a poll (a server that loops), never past kMaxPages
  // whatever the format allows.
  std::string next = ex.next_page;
  if (host_key(next) != s.host || s.host.empty()) {
    spdlog::warn("source {}: next page {} is not on {}: not followed", s.spec.name,
                 mask_url_password(next), s.host.empty() ? "an http(s) host" : s.host);
  } else if (page >= kMaxPages || !s.pages.insert(next).second) {
    spdlog::warn("source {}: next page {} not followed: {}", s.spec.name, mask_url_password(next),
                 page >= kMaxPages ? "too many pages in one poll" : "already read in this poll");
  } else {
    ++s.pending;
    request(s, {next, "", ""}, [this, &s, next, page](FetchResponse pr) {
      on_page(s, next, page + 1, std::move(pr));
    });
  }
}

void Poller::on_linked(Source& s, const std::string& url, FetchResponse r) {
  if (!r.status.ok()) {
    // One unreachable entry does not fail the source; it is tried again on the next poll, for
    // which the feed's validators are dropped so that the feed is read again in full.
    s.link_failed = true;
    spdlog::warn("source {}: linked CAP {}: {}", s.spec.name, mask_url_password(url),
                 r.status.message());
  } else {
    Taken t = sink_(Document{s.spec.name, r.effective_url, std::move(r.body)});
    if (t == Taken::kAccepted) ++s.accepted_this_poll;
    if (t == Taken::kFailed) {
      s.link_failed = true;
      done_one(s);
      return;
    }
    s.fetched_links.insert(url);
    s.fetched_order.push_back(url);
    while (s.fetched_order.size() > options_.remembered_links) {
      s.fetched_links.erase(s.fetched_order.front());
      s.fetched_order.pop_front();
    }
  }
  done_one(s);
}

void Poller::done_one(Source& s) {
  if (--s.pending > 0) return;
  s.busy = false;
  TimePoint now = clock_.now();
  s.state.alerts_accepted += s.accepted_this_poll;
  if (s.link_failed) {
    s.state.etag.clear();
    s.state.last_modified.clear();
  } else if (s.pending_memory) {
    s.state.memory = std::move(*s.pending_memory);
  }
  s.pending_memory.reset();
  if (s.poll_failed) {
    ++s.state.consecutive_failures;
    // Full jitter over an exponential backoff, never sooner than the interval or Retry-After.
    int shift = std::min(s.state.consecutive_failures - 1, 16);
    auto ceiling =
        std::min<int64_t>(s.spec.interval.count() << shift, options_.max_backoff.count());
    auto wait = std::max<int64_t>({s.spec.interval.count(), s.retry_after.count(),
                                   static_cast<int64_t>(random_() * static_cast<double>(ceiling))});
    s.next_due = now + Duration{wait};
    spdlog::info("source {}: {} consecutive failure(s), next poll in {} s", s.spec.name,
                 s.state.consecutive_failures, wait / 1000);
  } else {
    s.state.consecutive_failures = 0;
    s.state.last_error.clear();
    s.state.last_success_ms = to_unix_ms(now);
    s.next_due = now + s.spec.interval;
  }
  due_.emplace(s.next_due, s.index);
  if (auto st = store_->save_source(s.state); !st.ok()) {
    spdlog::error("source {}: cannot save its state: {}", s.spec.name, st.message());
  }
}

void Poller::drive(Duration max_wait) {
  fetcher_.poll(max_wait);
}

void Poller::step(Duration max_wait) {
  TimePoint now = clock_.now();
  TimePoint next = now + max_wait;
  while (!due_.empty() && due_.top().first <= now) {
    auto [when, i] = due_.top();
    due_.pop();
    Source& s = *sources_[i];
    if (!s.busy && s.next_due == when) start(s);
  }
  if (!due_.empty()) next = std::min(next, due_.top().first);
  release(now);
  if (auto r = gate_.next_release()) next = std::min(next, *r);
  drive(until(now, next, max_wait));
}

bool Poller::quiet() const {
  TimePoint now = clock_.now();
  if (fetcher_.in_flight() > 0) return false;
  if (auto r = gate_.next_release(); r && *r <= now) return false;
  return due_.empty() || due_.top().first > now;
}

void Poller::run() {
  while (!stop_)
    step(Duration{1000});
}

void Poller::run_once() {
  for (auto& s : sources_) {
    if (!s->busy) start(*s);
  }
  while (!stop_ && (fetcher_.in_flight() > 0 || gate_.waiting() > 0)) {
    TimePoint now = clock_.now();
    release(now);
    TimePoint next = now + Duration{200};
    if (auto r = gate_.next_release()) next = std::min(next, *r);
    drive(until(now, next, Duration{200}));
  }
}

}  // namespace capcast::ingest
