#include <catch2/catch.hpp>

#include <deque>

#include "capcast/dispatch/engine.h"
#include "support/helpers.h"

using namespace capcast;
using namespace capcast::dispatch;
using store::DeliveryState;

namespace {

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

  explicit Rig(EngineOptions o = {}) {
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
        store.get(), &channels, clock, [] { return 0.999; }, o);
  }

  int64_t accept(std::optional<int64_t> expires_ms = std::nullopt) {
    store::NewAlert n;
    n.sender = "s@x";
    n.identifier = "A-1";
    n.sent = "2024-01-01T00:00:00-00:00";
    n.status = "Actual";
    n.msg_type = "Alert";
    n.title = "t";
    n.source = "test";
    n.xml = "<alert/>";
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
  store::NewAlert update;
  update.sender = "s@x";
  update.identifier = "A-2";
  update.sent = "2024-01-01T01:00:00-00:00";
  update.status = "Actual";
  update.msg_type = "Update";
  update.title = "t";
  update.source = "test";
  update.xml = "<alert/>";
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
