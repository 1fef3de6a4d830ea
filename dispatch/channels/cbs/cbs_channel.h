// The cell broadcast channels' common half: each delivery's CAP is planned (plan.h) against the
// incident's state on this channel, kept in the store (Store::cbs_incident: message code, update
// number, what is on air), the broadcasts go to a Transport (CBSP to BSCs, a CBC's REST API), and
// once the transport confirms them the new state is saved. Until then nothing changes, so a
// retry sends the same serial numbers again (a peer that has the message already says so, and
// the transport counts that as done).
//
// Deliveries of one channel are planned one at a time (max_window 1): an Update never races its
// Alert for the serial. The channel acts on expiry too: an expired alert's messages are killed.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "capcast/dispatch/channel.h"
#include "cbs/broadcast.h"
#include "cbs/message_id.h"
#include "cbs/plan.h"

namespace capcast::dispatch::cbs {

// How broadcasts reach the network: one attempt for all of one delivery's broadcasts, in order
// (kills first). Delivered only when every peer confirmed every broadcast.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual Outcome send(const std::vector<Broadcast>& broadcasts) = 0;
  virtual bool ready() { return true; }
  // Where to record what peers say about each cell (CBSP); nullptr detaches. Thread-safe.
  virtual void attach(store::Store* store, const std::string& channel) {
    (void)store;
    (void)channel;
  }
};

struct CbsOptions {
  std::string channel;  // the channel's name: the store keys its incidents by it
  Profile profile;      // a copy: a built-in profile, with any configured rules before its own
  PlanOptions plan;     // plan.profile is set to &profile by the channel
};

class CbsChannel final : public Channel {
 public:
  CbsChannel(CbsOptions options, std::unique_ptr<Transport> transport);
  Outcome deliver(const Message& message) override;
  bool ready() override { return transport_->ready(); }
  bool wants_expiry() const override { return true; }
  // The store allocates this channel's message codes as it accepts alerts (one fsync for both:
  // Store::cbs_allocate_on_accept), so that deliver() commits nothing before the broadcast.
  // Detaching (nullptr) does not touch the store it leaves: that may be closed already.
  void set_store(store::Store* store) override {
    store_ = store;
    if (store_ != nullptr) store_->cbs_allocate_on_accept(options_.channel, true);
    transport_->attach(store, options_.channel);
  }

 private:
  CbsOptions options_;
  std::unique_ptr<Transport> transport_;
  store::Store* store_ = nullptr;
};

// The on-air list as the store keeps it (JSON), and back. A malformed text reads as nothing on
// air, with the error.
std::string on_air_json(const std::vector<OnAir>& on_air);
Result<std::vector<OnAir>> on_air_from_json(const std::string& json);

}  // namespace capcast::dispatch::cbs
