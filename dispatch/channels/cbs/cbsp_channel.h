// The CBSP channel: an alert's cell broadcast messages (cbs::Broadcast, from a Planner) written
// to, replaced on or killed on one or more BSCs over CBSP (3GPP TS 48.049), capcast acting as
// the Cell Broadcast Centre. Named by a URL, cbsp://host:48049 (the first BSC), with further
// BSCs in `peers`. Each BSC has its own link (cbsp/client.h); a delivery's outcome comes when
// every BSC has answered every broadcast of it.
//
// Outcome (what the engine records), judged per cell over all BSCs (a cell counts as done when
// any BSC completed it, so cells of another BSC's area refused as "cell identity not valid" do
// not fail a delivery that another BSC carried):
// - RetryLater: a BSC is unreachable or did not answer in time, or refused cells for a
//   transient cause (TS 48.049 §8.2.13: BSC/cell capacity or memory exceeded, cell broadcast not
//   operational, unspecified error): the engine retries later, and what is on air already
//   answers "message reference already used", counted as done.
// - Rejected: the Planner refused the alert, a request cannot be encoded, or every cell failed
//   for permanent causes (nothing is broadcast anywhere).
// - Delivered: every cell done, or some cells refused for permanent causes while others carry
//   the message (those cells are reported to the CellSink with their cause and logged).
// A KILL of a message the BSC does not know ("message reference not identified") is done.
//
// Thread-safety: as Channel (channel.h). The Planner runs on the lane's thread; the CellSink
// on the links' I/O threads.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capcast/dispatch/channel.h"
#include "cbs/broadcast.h"
#include "cbs/cbsp/client.h"

namespace capcast::dispatch::cbs {

struct CbspPeer {
  std::string name;  // for logs and CellReport::peer: "host:port" unless set
  std::string host;
  int port = cbsp::kDefaultPort;
};

struct CbspOptions {
  std::vector<CbspPeer> peers;
  std::chrono::milliseconds keep_alive{30'000};
  std::chrono::milliseconds response_timeout{10'000};
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds backoff_min{500};
  std::chrono::milliseconds backoff_max{30'000};
  int window = 16;  // deliveries outstanding at once
};

// The options from a channel URL (cbsp://host[:port], port 48049 by default) and further peers
// written "host[:port]" (the `peers` list). kInvalidArgument names what is wrong.
Result<CbspOptions> cbsp_options(std::string_view url, const std::vector<std::string>& peers);

// What one BSC said about one cell for one message (or about all its cells: cell unset).
struct CellReport {
  std::string peer;
  uint16_t message_id = 0;
  uint16_t serial = 0;  // the new serial (write/replace) or the one killed
  bool kill = false;
  std::optional<CellId> cell;  // unset: the whole request ("all cells in the BSC", no list)
  bool ok = false;
  uint8_t cause = 0;                             // TS 48.049 §8.2.13 when !ok
  std::optional<unsigned> broadcasts_completed;  // §8.2.10, when the BSC said
};

// The broadcasts of one delivery (the mapping from CAP, written elsewhere); an error: Rejected.
using Planner = std::function<Result<std::vector<Broadcast>>(const Message&)>;
using CellSink = std::function<void(const CellReport&)>;

class CbspChannel final : public Channel {
 public:
  CbspChannel(CbspOptions options, Planner planner, CellSink sink);
  ~CbspChannel() override;
  Outcome deliver(const Message& message) override;
  void submit(const Message& message, Done done) override;
  int max_window() const override;
  // True while at least one BSC link is up.
  bool ready() override;
  // An expired alert's broadcasts are killed (the Planner turns kExpired into kKill).
  bool wants_expiry() const override { return true; }
  std::vector<cbsp::ClientStats> link_stats() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace capcast::dispatch::cbs
