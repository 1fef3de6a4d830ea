// Store: capcast's durable state behind a narrow interface, so that the embedded SQLite default
// can later be joined by a shared PostgreSQL for several nodes. Holds the alerts as received
// (unique on sender, identifier, sent), the delivery outbox, and each source's polling state.
// Implementations are thread-safe: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capcast/core/result.h"

namespace capcast::store {

struct NewAlert {
  std::string sender;
  std::string identifier;
  std::string sent;  // as written in the alert
  int64_t sent_ms = 0;
  std::string status;
  std::string msg_type;
  std::optional<int64_t> expires_ms;  // the latest <expires> of its <info> blocks, if any
  std::string title;                  // headline or event, for feeds and status pages
  std::string source;                 // name of the source it came from
  std::string xml;                    // the CAP XML as received
};

struct AlertRow {
  int64_t id = 0;
  std::string sender;
  std::string identifier;
  std::string sent;
  int64_t sent_ms = 0;
  std::string status;
  std::string msg_type;
  std::optional<int64_t> expires_ms;
  std::string title;
  std::string source;
  int64_t received_ms = 0;
  std::string xml;
};

struct AcceptResult {
  int64_t alert_id = 0;
  bool inserted = false;  // false: a duplicate of an alert already stored; nothing changed
};

enum class DeliveryState { kPending, kInFlight, kDelivered, kRetrying, kDead };
const char* state_name(DeliveryState s);

struct Delivery {
  int64_t id = 0;
  int64_t alert_id = 0;
  std::string channel;
  DeliveryState state = DeliveryState::kPending;
  int attempts = 0;
  int64_t next_attempt_ms = 0;
  std::string last_error;
};

// A polled source's state, kept across restarts (conditional GET validators and health).
struct SourceState {
  std::string name;
  std::string etag;
  std::string last_modified;
  int64_t last_attempt_ms = 0;
  int64_t last_success_ms = 0;
  std::string last_error;
  int consecutive_failures = 0;
  int64_t alerts_accepted = 0;
  std::string memory;  // what the source's format keeps between polls (ingest/format.h)
};

struct Stats {
  int64_t alerts = 0;
  int64_t deliveries_pending = 0;  // pending, in flight or retrying
  int64_t deliveries_delivered = 0;
  int64_t deliveries_dead = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Stores an alert and one pending delivery per channel in one transaction, so that an
  // accepted alert can never lose its deliveries. A duplicate (same sender, identifier, sent)
  // changes nothing and returns inserted = false with the existing id.
  virtual Result<AcceptResult> accept_alert(const NewAlert& alert,
                                            const std::vector<std::string>& channels) = 0;
  // The newest alerts by sent time, at most `limit`.
  virtual Result<std::vector<AlertRow>> recent_alerts(int limit) = 0;
  virtual Result<std::optional<AlertRow>> find_alert(int64_t id) = 0;

  // Claims up to `limit` deliveries that are due at now_ms (pending, or retrying with
  // next_attempt_ms <= now_ms), marks them in flight and returns them, oldest first.
  virtual Result<std::vector<Delivery>> claim_due(int64_t now_ms, int limit) = 0;
  // Records the outcome of an attempt on a claimed delivery.
  virtual Status finish_attempt(int64_t delivery_id, DeliveryState state, int64_t next_attempt_ms,
                                const std::string& error) = 0;
  // Puts deliveries left in flight by a previous process back to pending; returns how many.
  virtual Result<int64_t> recover_in_flight() = 0;
  // When the next pending or retrying delivery falls due, if any.
  virtual Result<std::optional<int64_t>> next_due_ms() = 0;
  virtual Result<std::vector<Delivery>> deliveries_of(int64_t alert_id) = 0;

  virtual Result<std::optional<SourceState>> load_source(const std::string& name) = 0;
  virtual Status save_source(const SourceState& state) = 0;
  virtual Result<std::vector<SourceState>> sources() = 0;

  virtual Result<Stats> stats() = 0;
};

// Opens (creating if needed) a SQLite store: WAL mode, foreign keys on, migrations applied.
Result<std::unique_ptr<Store>> open_sqlite(const std::filesystem::path& path);

// The schema version open_sqlite migrates to.
int sqlite_schema_version();

}  // namespace capcast::store
