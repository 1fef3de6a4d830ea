#include <sqlite3.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "capcast/dispatch/engine.h"
#include "capcast/store/sealer.h"
#include "support/helpers.h"

using namespace capcast;
using namespace capcast::dispatch;
using store::DeliveryState;

namespace {

// An Alert of sender s@x sent 2024-01-01T00:00:00-00:00.
store::NewAlert new_alert(const std::string& identifier) {
  store::NewAlert n;
  n.sender = "s@x";
  n.identifier = identifier;
  n.sent = "2024-01-01T00:00:00-00:00";
  n.status = "Actual";
  n.msg_type = "Alert";
  n.title = "t";
  n.source = "test";
  n.xml = "<alert/>";
  return n;
}

// A channel that answers from a script and records what it was given.
class ScriptedChannel final : public Channel {
 public:
  std::deque<Outcome> script;
  std::vector<Message> got;
  Outcome deliver(const Message& m) override {
    got.push_back(m);
    got.back().xml = {};  // the view does not outlive the call
    if (script.empty()) return Delivered{};
    Outcome o = script.front();
    script.pop_front();
    return o;
  }
};

struct Rig {
  test::TempDir dir;
  std::unique_ptr<store::Store> store = std::move(*store::open_sqlite(dir / "capcast.db"));
  ManualClock clock{from_unix_ms(1'700'000'000'000)};
  ScriptedChannel* a = nullptr;
  ScriptedChannel* b = nullptr;
  std::vector<NamedChannel> channels;
  std::unique_ptr<Engine> engine;

  // `random`: the backoff's draw in [0, 1) (full jitter), fixed for the test.
  explicit Rig(EngineOptions o = {}, double random = 0.999) {
    for (auto* name : {"a", "b"}) {
      auto ch = std::make_unique<ScriptedChannel>();
      (std::string(name) == "a" ? a : b) = ch.get();
      NamedChannel nc;
      nc.name = name;
      nc.channel = std::move(ch);
      nc.max_attempts = 3;
      nc.backoff_base = Duration{1000};
      nc.backoff_max = Duration{60'000};
      channels.push_back(std::move(nc));
    }
    engine = std::make_unique<Engine>(
        store.get(), &channels, clock, [random] { return random; }, o);
  }

  int64_t accept(std::optional<int64_t> expires_ms = std::nullopt) {
    store::NewAlert n = new_alert("A-1");
    n.expires_ms = expires_ms;
    return store->accept_alert(n, engine->route())->alert_id;
  }

  DeliveryState state_of(int64_t alert, const std::string& channel) {
    for (const auto& d : *store->deliveries_of(alert)) {
      if (d.channel == channel) return d.state;
    }
    FAIL("no delivery");
    return DeliveryState::kPending;
  }
};

}  // namespace

TEST_CASE("every routed channel gets the alert once, with its delivery id") {
  Rig rig;
  int64_t id = rig.accept();
  REQUIRE(*rig.engine->run_pass() == 2);
  CHECK(rig.a->got.size() == 1);
  CHECK(rig.b->got.size() == 1);
  CHECK(rig.a->got[0].identifier == "A-1");
  CHECK(rig.a->got[0].delivery_id != rig.b->got[0].delivery_id);
  CHECK(rig.state_of(id, "a") == DeliveryState::kDelivered);
  CHECK(*rig.engine->run_pass() == 0);  // nothing is sent twice
}

TEST_CASE("one failing channel does not hold back the other, it is retried with backoff") {
  Rig rig;
  int64_t id = rig.accept();
  rig.a->script = {RetryLater{Duration{0}, "broker down"}};
  REQUIRE(*rig.engine->run_pass() == 2);
  CHECK(rig.state_of(id, "b") == DeliveryState::kDelivered);
  CHECK(rig.state_of(id, "a") == DeliveryState::kRetrying);
  // First retry waits up to base (1 s) * 2^0; with the random draw at 0.999, 999 ms.
  rig.clock.advance(Duration{998});
  CHECK(*rig.engine->run_pass() == 0);
  rig.clock.advance(Duration{1});
  CHECK(*rig.engine->run_pass() == 1);
  CHECK(rig.state_of(id, "a") == DeliveryState::kDelivered);
  CHECK(rig.a->got.size() == 2);
  CHECK(rig.a->got[0].delivery_id == rig.a->got[1].delivery_id);  // idempotency key is stable
}

TEST_CASE("a pass attempts a failing delivery once, even when its backoff draws zero") {
  // Full jitter may draw a wait of 0: the retry is still at least a millisecond later and so
  // for a later pass (capcast send shows each attempt between passes), not for this one.
  Rig rig({}, /*random=*/0.0);
  int64_t id = rig.accept();
  rig.a->script = {RetryLater{Duration{0}, "broker down"}};
  REQUIRE(*rig.engine->run_pass() == 2);
  CHECK(rig.a->got.size() == 1);
  CHECK(rig.state_of(id, "a") == DeliveryState::kRetrying);
  CHECK(*rig.engine->run_pass() == 0);  // the clock has not moved
  rig.clock.advance(Duration{1});
  CHECK(*rig.engine->run_pass() == 1);
  CHECK(rig.a->got.size() == 2);
  CHECK(rig.state_of(id, "a") == DeliveryState::kDelivered);
}

TEST_CASE("an attempt that never reached the peer is given back: no attempt spent, no backoff") {
  // An SMS queued at a bind whose connection closed before it was written (RetryLater with
  // unattempted): the delivery is due again at once and keeps its attempts.
  Rig rig;
  int64_t id = rig.accept();
  rig.a->script = {RetryLater{Duration{0}, "connection lost before sending", true}};
  REQUIRE(*rig.engine->run_pass() == 3);  // b once, a twice in the same pass
  CHECK(rig.a->got.size() == 2);
  CHECK(rig.state_of(id, "a") == DeliveryState::kDelivered);
  for (const auto& d : *rig.store->deliveries_of(id))
    CHECK(d.attempts == 1);
}

TEST_CASE("a person whose number does not open fails alone, the others are sent") {
  // A sealed number damaged on disk: its delivery fails with the store's reason (the number
  // masked) and is retried with the backoff; the rest of the claim goes out.
  test::TempDir dir;
  auto path = dir / "people.db";
  auto sealer =
      store::sodium_sealer("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  REQUIRE(sealer.ok());
  auto st = store::open_sqlite(path, std::shared_ptr<const store::Sealer>(std::move(*sealer)));
  REQUIRE(st.ok());
  ManualClock clock{from_unix_ms(1'700'000'000'000)};
  std::vector<NamedChannel> channels;
  auto ch = std::make_unique<ScriptedChannel>();
  ScriptedChannel* sms = ch.get();
  NamedChannel nc;
  nc.name = "sms";
  nc.channel = std::move(ch);
  nc.max_attempts = 3;
  nc.backoff_base = Duration{1000};
  nc.backoff_max = Duration{60'000};
  channels.push_back(std::move(nc));
  Engine engine(st->get(), &channels, clock, [] { return 0.999; }, {});
  store::NewAlert n = new_alert("P-1");
  n.recipients = {{"sms", {"+254700000001", "+254700000002", "+254700000003"}, {}}};
  auto a = (*st)->accept_alert(n, {});
  REQUIRE(a.ok());
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  REQUIRE(sqlite3_exec(db, "UPDATE recipients SET sealed = zeroblob(length(sealed)) WHERE id = 2",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);

  REQUIRE(*engine.run_pass() == 3);
  REQUIRE(sms->got.size() == 2);
  for (const auto& m : sms->got)
    CHECK(m.recipient != "+254700000002");
  int failed = 0;
  for (const auto& d : *(*st)->deliveries_of(a->alert_id)) {
    if (d.recipient_id != 2) {
      CHECK(d.state == DeliveryState::kDelivered);
      continue;
    }
    ++failed;
    CHECK(d.state == DeliveryState::kRetrying);
    CHECK(d.attempts == 1);
    CHECK_THAT(d.last_error, Catch::Contains("the data was altered"));
    CHECK(d.last_error.find("254700000002") == std::string::npos);
  }
  CHECK(failed == 1);
}

TEST_CASE("a channel's own retry-after is honoured") {
  Rig rig;
  rig.accept();
  rig.a->script = {RetryLater{Duration{30'000}, "throttled"}};
  rig.engine->run_pass();
  rig.clock.advance(Duration{29'999});
  CHECK(*rig.engine->run_pass() == 0);
  rig.clock.advance(Duration{1});
  CHECK(*rig.engine->run_pass() == 1);
}

TEST_CASE("rejected and out-of-attempts deliveries are dead-lettered with the reason") {
  Rig rig;
  int64_t id = rig.accept();
  rig.a->script = {Rejected{"invalid recipient"}};
  rig.b->script = {RetryLater{Duration{0}, "x"}, RetryLater{Duration{0}, "y"},
                   RetryLater{Duration{0}, "z"}};
  for (int i = 0; i < 5; ++i) {
    rig.engine->run_pass();
    rig.clock.advance(Duration{120'000});
  }
  CHECK(rig.state_of(id, "a") == DeliveryState::kDead);
  CHECK(rig.state_of(id, "b") == DeliveryState::kDead);
  CHECK(rig.b->got.size() == 3);  // max_attempts
  for (const auto& d : *rig.store->deliveries_of(id)) {
    if (d.channel == "a") CHECK(d.last_error == "invalid recipient");
    if (d.channel == "b") CHECK(d.last_error == "gave up after 3 attempts: z");
  }
}

TEST_CASE("an expired alert is not sent, unless replaying an archive") {
  Rig rig;
  int64_t id = rig.accept(to_unix_ms(rig.clock.now()) - 1);
  rig.engine->run_pass();
  CHECK(rig.a->got.empty());
  CHECK(rig.state_of(id, "a") == DeliveryState::kDead);

  EngineOptions replay;
  replay.send_expired = true;
  Rig archive(replay);
  archive.accept(to_unix_ms(archive.clock.now()) - 1);
  archive.engine->run_pass();
  CHECK(archive.a->got.size() == 1);
}

TEST_CASE("a channel that throws fails only that attempt") {
  class Throwing final : public Channel {
   public:
    Outcome deliver(const Message&) override { throw std::runtime_error("boom"); }
  };
  Rig rig;
  rig.channels[0].channel = std::make_unique<Throwing>();
  int64_t id = rig.accept();
  rig.engine->run_pass();
  CHECK(rig.state_of(id, "a") == DeliveryState::kRetrying);
  CHECK(rig.state_of(id, "b") == DeliveryState::kDelivered);
}

TEST_CASE("channels are told the event: new, updated, cancelled, and expiry where wanted") {
  class Expiring final : public Channel {
   public:
    std::vector<store::Event> got;
    Outcome deliver(const Message& m) override {
      got.push_back(m.event);
      return Delivered{};
    }
    bool wants_expiry() const override { return true; }
  };
  Rig rig;
  auto expiring = std::make_unique<Expiring>();
  Expiring* x = expiring.get();
  rig.channels[0].channel = std::move(expiring);
  rig.engine = std::make_unique<Engine>(
      rig.store.get(), &rig.channels, rig.clock, [] { return 0.5; }, EngineOptions{});
  CHECK(rig.engine->route_expiry() == std::vector<std::string>{"a"});

  int64_t now = to_unix_ms(rig.clock.now());
  int64_t id = rig.accept(now + 60'000);
  REQUIRE(*rig.engine->run_pass() == 2);
  store::NewAlert update = new_alert("A-2");
  update.sent = "2024-01-01T01:00:00-00:00";
  update.msg_type = "Update";
  update.expires_ms = now + 60'000;
  update.references.push_back({"s@x", "A-1", "2024-01-01T00:00:00-00:00"});
  int64_t uid = rig.store->accept_alert(update, rig.engine->route())->alert_id;
  REQUIRE(*rig.engine->run_pass() == 2);
  CHECK(rig.b->got.back().event == store::Event::kUpdated);
  CHECK((*rig.store->find_alert(id))->state == store::AlertState::kSuperseded);

  // Past <expires>: the superseded alert is not "expired" again; the Update is, once, and only
  // the channel that wants expiry hears of it, even though the alert is past its expiry.
  rig.clock.advance(Duration{60'000});
  REQUIRE(*rig.engine->run_pass() == 1);
  CHECK(x->got == std::vector<store::Event>{store::Event::kNew, store::Event::kUpdated,
                                            store::Event::kExpired});
  CHECK(rig.b->got.size() == 2);
  CHECK((*rig.store->find_alert(uid))->state == store::AlertState::kExpired);
  CHECK(*rig.engine->run_pass() == 0);
}

namespace {

// An asynchronous channel: holds each submitted attempt until the test completes it, and
// records the most it ever had outstanding.
class HeldChannel final : public Channel {
 public:
  explicit HeldChannel(int window) : window_(window) {}
  Outcome deliver(const Message&) override { return Delivered{}; }
  void submit(const Message& m, Done done) override {
    std::lock_guard lock(mu_);
    held_.emplace_back(m.delivery_id, std::move(done));
    max_outstanding_ = std::max(max_outstanding_, held_.size());
    ++submitted_;
  }
  int max_window() const override { return window_; }
  bool ready() override { return ready_; }
  // Completes everything held so far with `o`; returns how many.
  size_t complete_all(const Outcome& o) {
    std::vector<std::pair<int64_t, Done>> now;
    {
      std::lock_guard lock(mu_);
      now.swap(held_);
    }
    for (auto& [id, done] : now)
      done(o);
    return now.size();
  }
  // Completes the first n held with `o`; returns how many.
  size_t complete_first(size_t n, const Outcome& o) {
    std::vector<std::pair<int64_t, Done>> now;
    {
      std::lock_guard lock(mu_);
      n = std::min(n, held_.size());
      now.assign(std::make_move_iterator(held_.begin()),
                 std::make_move_iterator(held_.begin() + static_cast<std::ptrdiff_t>(n)));
      held_.erase(held_.begin(), held_.begin() + static_cast<std::ptrdiff_t>(n));
    }
    for (auto& [id, done] : now)
      done(o);
    return now.size();
  }
  size_t outstanding() {
    std::lock_guard lock(mu_);
    return held_.size();
  }
  size_t max_outstanding() {
    std::lock_guard lock(mu_);
    return max_outstanding_;
  }
  size_t submitted() {
    std::lock_guard lock(mu_);
    return submitted_;
  }
  std::atomic<bool> ready_{true};

 private:
  int window_;
  std::mutex mu_;
  std::vector<std::pair<int64_t, Done>> held_;
  size_t max_outstanding_ = 0;
  size_t submitted_ = 0;
};

// A synchronous channel whose attempts block until released: a hung NFS mount, a dead SMSC.
class BlockedChannel final : public Channel {
 public:
  Outcome deliver(const Message&) override {
    std::unique_lock lock(mu_);
    ++entered_;
    cv_.wait(lock, [this] { return released_; });
    return Delivered{};
  }
  void release() {
    {
      std::lock_guard lock(mu_);
      released_ = true;
    }
    cv_.notify_all();
  }
  int entered() {
    std::lock_guard lock(mu_);
    return entered_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;
  int entered_ = 0;
};

// A channel that writes only when told the batch is complete, as the SMPP channel's binds do:
// what submit() queued goes out (and is answered) at flush().
class BatchingChannel final : public Channel {
 public:
  Outcome deliver(const Message&) override { return Delivered{}; }
  void submit(const Message& m, Done done) override {
    std::lock_guard lock(mu_);
    queued_.emplace_back(m.delivery_id, std::move(done));
  }
  void flush() override {
    std::vector<std::pair<int64_t, Done>> now;
    {
      std::lock_guard lock(mu_);
      now.swap(queued_);
      ++flushes_;
      largest_ = std::max(largest_, now.size());
    }
    for (auto& [id, done] : now)
      done(Delivered{});
  }
  int max_window() const override { return 16; }
  size_t queued() {
    std::lock_guard lock(mu_);
    return queued_.size();
  }
  size_t largest_batch() {
    std::lock_guard lock(mu_);
    return largest_;
  }

 private:
  std::mutex mu_;
  std::vector<std::pair<int64_t, Done>> queued_;
  size_t flushes_ = 0;
  size_t largest_ = 0;
};

store::NewAlert numbered(int i) {
  return new_alert("N-" + std::to_string(i));
}

template <typename Pred>
bool eventually(Pred pred, std::chrono::seconds limit = std::chrono::seconds(30)) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

struct LaneRig {
  test::TempDir dir;
  std::unique_ptr<store::Store> store = std::move(*store::open_sqlite(dir / "capcast.db"));
  std::vector<NamedChannel> channels;
  std::unique_ptr<Engine> engine;
  std::thread runner;

  void add(const std::string& name, std::unique_ptr<Channel> ch, int window = 0, double rate = 0) {
    NamedChannel nc;
    nc.name = name;
    nc.channel = std::move(ch);
    nc.max_attempts = 5;
    nc.backoff_base = Duration{1};
    nc.backoff_max = Duration{1};
    nc.window = window;
    nc.rate = rate;
    channels.push_back(std::move(nc));
  }
  void start(EngineOptions o = {}, bool own_idle_wait = false) {
    if (!own_idle_wait) o.idle_wait = Duration{20};
    engine = std::make_unique<Engine>(
        store.get(), &channels, SystemClock::instance(), [] { return 0.5; }, o);
    runner = std::thread([this] { engine->run(); });
  }
  void accept(int n) {
    for (int i = 0; i < n; ++i)
      REQUIRE(store->accept_alert(numbered(i), engine->route()).ok());
    engine->notify();
  }
  int64_t delivered_on(const std::string& channel) {
    int64_t n = 0;
    for (const auto& m : engine->metrics()) {
      if (m.channel == channel) n = m.delivered;
    }
    return n;
  }
  ~LaneRig() {
    if (engine) engine->stop();
    if (runner.joinable()) runner.join();
  }
};

}  // namespace

TEST_CASE("lanes: a blocked channel holds back no other channel") {
  LaneRig rig;
  auto blocked = std::make_unique<BlockedChannel>();
  BlockedChannel* b = blocked.get();
  rig.add("blocked", std::move(blocked));
  rig.add("fine", std::make_unique<HeldChannel>(8));
  auto* fine = static_cast<HeldChannel*>(rig.channels[1].channel.get());
  EngineOptions o;
  o.drain = Duration{100};
  rig.start(o);
  rig.accept(50);
  // Every delivery of the other channel completes while the first attempt of the blocked one
  // has not returned.
  REQUIRE(eventually([&] {
    fine->complete_all(Delivered{});
    return rig.delivered_on("fine") == 50;
  }));
  CHECK(b->entered() == 1);
  b->release();
  REQUIRE(eventually([&] { return rig.delivered_on("blocked") == 50; }));
}

TEST_CASE("lanes: at most the window is outstanding, the rest waits in the outbox") {
  LaneRig rig;
  rig.add("async", std::make_unique<HeldChannel>(100), /*window=*/7);
  auto* ch = static_cast<HeldChannel*>(rig.channels[0].channel.get());
  rig.start();
  rig.accept(40);
  REQUIRE(eventually([&] { return ch->outstanding() == 7; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(ch->outstanding() == 7);  // the configured window, below the channel's own 100
  auto st = *rig.store->stats();
  CHECK(st.deliveries_pending == 40);  // in flight or waiting: none lost, none dropped
  REQUIRE(eventually([&] {
    ch->complete_all(Delivered{});
    return rig.delivered_on("async") == 40;
  }));
  CHECK(ch->max_outstanding() == 7);
  CHECK(rig.store->stats()->deliveries_delivered == 40);
  auto m = rig.engine->metrics()[0];
  CHECK(m.window == 7);
  CHECK(m.attempts == 40);
  CHECK(m.latency_count == 40);
  CHECK(m.in_flight == 0);
}

TEST_CASE(
    "lanes: each batch of submits is followed by flush(), so a channel may hold them till then") {
  LaneRig rig;
  rig.add("batching", std::make_unique<BatchingChannel>());
  auto* ch = static_cast<BatchingChannel*>(rig.channels[0].channel.get());
  rig.start();
  rig.accept(100);
  // Nothing is answered before its flush: without one after each claim, none would arrive.
  REQUIRE(eventually([&] { return rig.delivered_on("batching") == 100; }));
  CHECK(ch->queued() == 0);
  CHECK(ch->largest_batch() > 1);  // handed over in batches, not one by one
  CHECK(ch->largest_batch() <= 16);
  CHECK(rig.store->stats()->deliveries_delivered == 100);
}

TEST_CASE("lanes: outcomes are recorded while the lane waits for a chunk of its window") {
  // A window of 100 refills in chunks of 50; 10 answers are recorded without waiting for the
  // other 40 or for idle_wait (an hour here): outcomes not recorded are duplicates after a crash.
  LaneRig rig;
  rig.add("slow", std::make_unique<HeldChannel>(100));
  auto* ch = static_cast<HeldChannel*>(rig.channels[0].channel.get());
  EngineOptions o;
  o.drain = Duration{100};
  o.idle_wait = Duration{3'600'000};
  rig.start(o, /*own_idle_wait=*/true);
  rig.accept(100);
  REQUIRE(eventually([&] { return ch->outstanding() == 100; }));
  REQUIRE(ch->complete_first(10, Delivered{}) == 10);
  CHECK(eventually([&] { return rig.store->stats()->deliveries_delivered == 10; },
                   std::chrono::seconds(10)));
  ch->complete_all(Delivered{});
  REQUIRE(eventually([&] { return rig.store->stats()->deliveries_delivered == 100; }));
}

TEST_CASE("lanes: the rate limit bounds attempts per second") {
  LaneRig rig;
  rig.add("slow", std::make_unique<HeldChannel>(100), 0, /*rate=*/5);
  auto* ch = static_cast<HeldChannel*>(rig.channels[0].channel.get());
  rig.start();
  rig.accept(30);
  // A burst of one second's worth (5) at once; after that, no more until tokens refill. The
  // check counts attempts, not time: at most 5 + 5 per elapsed second.
  auto t0 = std::chrono::steady_clock::now();
  REQUIRE(eventually([&] {
    ch->complete_all(Delivered{});
    return ch->submitted() >= 10;
  }));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(static_cast<double>(ch->submitted()) <= 5 + 5 * seconds + 1);
  CHECK(seconds >= 0.5);  // 10 attempts at 5/s cannot all go in the first instant
}

TEST_CASE("lanes: while a channel is down, deliveries wait without spending attempts") {
  LaneRig rig;
  rig.add("down", std::make_unique<HeldChannel>(10));
  auto* ch = static_cast<HeldChannel*>(rig.channels[0].channel.get());
  ch->ready_ = false;
  rig.start();
  rig.accept(5);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(ch->submitted() == 0);
  for (const auto& d : *rig.store->deliveries_of(1))
    CHECK(d.attempts == 0);
  ch->ready_ = true;
  REQUIRE(eventually([&] {
    ch->complete_all(Delivered{});
    return rig.delivered_on("down") == 5;
  }));
}

TEST_CASE("lanes: at stop, unanswered attempts go back to the outbox for the next start") {
  LaneRig rig;
  rig.add("async", std::make_unique<HeldChannel>(10));
  auto* ch = static_cast<HeldChannel*>(rig.channels[0].channel.get());
  EngineOptions o;
  o.drain = Duration{50};
  rig.start(o);
  rig.accept(3);
  REQUIRE(eventually([&] { return ch->outstanding() == 3; }));
  rig.engine->stop();
  rig.runner.join();
  for (const auto& d : *rig.store->deliveries_of(1)) {
    CHECK(d.state == DeliveryState::kPending);
    CHECK(d.last_error == "interrupted by shutdown");
  }
  ch->complete_all(Delivered{});  // a late answer after the lane is gone changes nothing
  CHECK(rig.store->stats()->deliveries_delivered == 0);
}

TEST_CASE("leases: a dead holder's claims are taken back at once, a live one's when they run out") {
  Rig rig;
  rig.accept();
  auto claimed =
      rig.store->claim_due(to_unix_ms(rig.clock.now()), 10, store::ClaimScope{"a", "somehost:1:1"});
  REQUIRE(claimed->size() == 1);
  // Another host's engine may still be working on it: not before the lease runs out.
  CHECK(*rig.engine->run_pass() == 1);  // only b's delivery
  CHECK(rig.state_of(1, "a") == DeliveryState::kInFlight);
  rig.clock.advance(EngineOptions{}.lease + Duration{1});
  CHECK(*rig.engine->run_pass() == 1);
  CHECK(rig.state_of(1, "a") == DeliveryState::kDelivered);

  // A process of this host that is gone: its claims come back right away.
  CHECK_FALSE(owner_is_dead(lease_owner_id()));
  std::string gone = lease_owner_id();
  gone = gone.substr(0, gone.find(':')) + ":999999999:1";
  CHECK(owner_is_dead(gone));
  CHECK_FALSE(owner_is_dead("otherhost:1:1"));
  CHECK_FALSE(owner_is_dead("garbage"));
}
