// A channel's policy for deliveries still pending when their alert is cancelled (issue 5,
// Store::set_cancel_pending): dead-lettered either way; the target then gets no Cancel either
// (cancel) or the Cancel instead (notify). Defaults: notify for channel-level deliveries, cancel
// for deliveries to people.
#include <catch2/catch.hpp>

#include <algorithm>

#include "capcast/store/store.h"
#include "support/helpers.h"

using namespace capcast;
using namespace capcast::store;

namespace {

const char* kKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const char* kDead = "cancelled by (met@example.org, c1) before delivery";

NewAlert alert(const std::string& id, const std::string& msg_type = "Alert") {
  NewAlert a;
  a.sender = "met@example.org";
  a.identifier = id;
  a.sent = "2024-01-01T00:00:00-00:00";
  a.status = "Actual";
  a.msg_type = msg_type;
  a.xml = "<alert>" + id + "</alert>";
  if (msg_type != "Alert") {
    a.sent = "2024-01-01T01:00:00-00:00";
    a.references = {{"met@example.org", "a1", "2024-01-01T00:00:00-00:00"}};
    a.follow_references = true;
  }
  return a;
}

struct Rig {
  test::TempDir dir;
  std::unique_ptr<Store> store;

  Rig() {
    auto sealer = sodium_sealer(kKey);
    REQUIRE(sealer.ok());
    auto s = open_sqlite(dir / "capcast.db", std::shared_ptr<const Sealer>(std::move(*sealer)));
    REQUIRE(s.ok());
    store = std::move(*s);
  }

  // Claims `channel`'s due deliveries and records each as delivered, or leaves it in flight.
  void attempt(const std::string& channel, int limit, bool delivered = true) {
    auto due = store->claim_due(0, limit, {channel, ""});
    REQUIRE(due.ok());
    REQUIRE(static_cast<int>(due->size()) == limit);
    for (const auto& d : *due) {
      if (delivered) REQUIRE(store->finish_attempt(d.id, DeliveryState::kDelivered, 0, "").ok());
    }
  }

  // "channel" for a channel-level delivery, "channel:+2547..." (masked) for one to a person.
  std::vector<std::string> targets(int64_t alert_id) {
    std::vector<std::string> out;
    for (const auto& d : *store->deliveries_of(alert_id))
      out.push_back(d.channel + (d.recipient_id ? ":" + d.recipient_masked : ""));
    std::sort(out.begin(), out.end());
    return out;
  }

  // The same, of the deliveries dead-lettered by the Cancel c1.
  std::vector<std::string> cancelled(int64_t alert_id) {
    std::vector<std::string> out;
    for (const auto& d : *store->deliveries_of(alert_id)) {
      if (d.state == DeliveryState::kDead && d.last_error == kDead)
        out.push_back(d.channel + (d.recipient_id ? ":" + d.recipient_masked : ""));
    }
    std::sort(out.begin(), out.end());
    return out;
  }
};

}  // namespace

TEST_CASE("cancel_pending on channel-level channels: notify by default, cancel when set") {
  Rig rig;
  Store& store = *rig.store;
  const bool set_cancel = GENERATE(false, true);
  // "late" is the channel whose delivery of a1 is still pending at the Cancel; "sent" got it.
  if (set_cancel) {
    store.set_cancel_pending("late", CancelPending::kCancel);
    store.set_cancel_pending("sent", CancelPending::kCancel);
  }
  auto a1 = store.accept_alert(alert("a1"), {"late", "sent"});
  REQUIRE(a1.ok());
  rig.attempt("sent", 1);

  // Routing chose both for the Cancel too (as with no [[route]]: every channel).
  auto c1 = store.accept_alert(alert("c1", "Cancel"), {"late", "sent"});
  REQUIRE(c1.ok());
  // The pending delivery is dead-lettered either way; the delivered one stays delivered.
  CHECK(rig.cancelled(a1->alert_id) == std::vector<std::string>{"late"});
  if (set_cancel) {
    // "late" never heard of a1: no Cancel there, even though routing chose it.
    CHECK(rig.targets(c1->alert_id) == std::vector<std::string>{"sent"});
  } else {
    CHECK(rig.targets(c1->alert_id) == std::vector<std::string>{"late", "sent"});
  }
}

TEST_CASE("cancel_pending cancel: a channel reached by any alert the Cancel ends gets it") {
  Rig rig;
  Store& store = *rig.store;
  store.set_cancel_pending("bus", CancelPending::kCancel);
  // a1 went out on bus, a2 did not: a Cancel of both is still owed to bus.
  auto a1 = store.accept_alert(alert("a1"), {"bus"});
  REQUIRE(a1.ok());
  rig.attempt("bus", 1);
  NewAlert a2 = alert("a2");
  auto r2 = store.accept_alert(a2, {"bus"});
  REQUIRE(r2.ok());
  NewAlert c = alert("c1", "Cancel");
  c.references.push_back({"met@example.org", "a2", "2024-01-01T00:00:00-00:00"});
  auto c1 = store.accept_alert(c, {});
  REQUIRE(c1.ok());
  CHECK(rig.targets(c1->alert_id) == std::vector<std::string>{"bus"});
  CHECK(rig.cancelled(r2->alert_id) == std::vector<std::string>{"bus"});
  // A channel the Cancel's alerts never had a delivery on keeps what routing chose.
  store.set_cancel_pending("other", CancelPending::kCancel);
  NewAlert c2 = alert("c2", "Cancel");
  c2.sent = "2024-01-01T02:00:00-00:00";
  auto rc2 = store.accept_alert(c2, {"other"});
  REQUIRE(rc2.ok());
  CHECK(rig.targets(rc2->alert_id) == std::vector<std::string>{"bus", "other"});
}

TEST_CASE("cancel_pending on people channels: cancel by default, notify when set") {
  Rig rig;
  Store& store = *rig.store;
  const bool set_notify = GENERATE(false, true);
  if (set_notify) store.set_cancel_pending("sms", CancelPending::kNotify);
  NewAlert a = alert("a1");
  // 01 is delivered, 02 in flight, 03 and 04 not attempted yet.
  a.recipients = {
      {"sms", {"+254700000001", "+254700000002", "+254700000003", "+254700000004"}, {}}};
  auto a1 = store.accept_alert(a, {});
  REQUIRE(a1.ok());
  rig.attempt("sms", 1);
  rig.attempt("sms", 1, false);
  // 03 was attempted and waits for a retry: pending too.
  {
    auto due = store.claim_due(0, 1, {"sms", ""});
    REQUIRE(due->size() == 1);
    REQUIRE(store.finish_attempt((*due)[0].id, DeliveryState::kRetrying, 1'000, "busy").ok());
  }

  auto c1 = store.accept_alert(alert("c1", "Cancel"), {});
  REQUIRE(c1.ok());
  CHECK(rig.cancelled(a1->alert_id) ==
        std::vector<std::string>{"sms:+2547******03", "sms:+2547******04"});
  if (set_notify) {
    CHECK(rig.targets(c1->alert_id) ==
          std::vector<std::string>{"sms:+2547******01", "sms:+2547******02", "sms:+2547******03",
                                   "sms:+2547******04"});
  } else {
    CHECK(rig.targets(c1->alert_id) ==
          std::vector<std::string>{"sms:+2547******01", "sms:+2547******02"});
  }
  // Each person is told once: the claim opens the numbers of the Cancel's deliveries.
  auto follow = *store.claim_due(10'000, 10, {"sms", ""});
  std::vector<std::string> numbers;
  for (const auto& d : follow) {
    if (d.alert_id == c1->alert_id) numbers.push_back(d.recipient);
  }
  std::sort(numbers.begin(), numbers.end());
  CHECK(numbers.size() == (set_notify ? 4u : 2u));
  CHECK(std::unique(numbers.begin(), numbers.end()) == numbers.end());
}

TEST_CASE("cancel_pending applies to a Cancel only: an Update follows as before") {
  Rig rig;
  Store& store = *rig.store;
  store.set_cancel_pending("late", CancelPending::kCancel);
  store.set_cancel_pending("sms", CancelPending::kNotify);
  NewAlert a = alert("a1");
  a.recipients = {{"sms", {"+254700000001"}, {}}};
  auto a1 = store.accept_alert(a, {"late"});
  REQUIRE(a1.ok());
  auto u1 = store.accept_alert(alert("u1", "Update"), {});
  REQUIRE(u1.ok());
  // The channel-level "late" gets the Update although a1 never went out there; the person, never
  // sent a1, does not.
  CHECK(rig.targets(u1->alert_id) == std::vector<std::string>{"late"});
}
