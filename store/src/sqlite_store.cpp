// The SQLite store. All of capcast's SQL lives in this file, so that a PostgreSQL store can be
// written against the same list of statements.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <string_view>
#include <unordered_map>

#include "capcast/core/redact.h"
#include "capcast/store/store.h"

namespace capcast::store {
namespace {

// Versioned migrations, applied in order at start-up; PRAGMA user_version records how many ran.
// Never edit a migration that has shipped: append a new one.
const char* const kMigrations[] = {
    // 1: alerts as received, deliveries (the outbox), sources' polling state.
    R"sql(
CREATE TABLE alerts (
  id          INTEGER PRIMARY KEY,
  sender      TEXT NOT NULL,
  identifier  TEXT NOT NULL,
  sent        TEXT NOT NULL,
  sent_ms     INTEGER NOT NULL,
  status      TEXT NOT NULL,
  msg_type    TEXT NOT NULL,
  expires_ms  INTEGER,
  title       TEXT NOT NULL,
  source      TEXT NOT NULL,
  received_ms INTEGER NOT NULL,
  xml         TEXT NOT NULL,
  UNIQUE (sender, identifier, sent)
);
CREATE INDEX alerts_sent ON alerts (sent_ms);
CREATE INDEX alerts_status ON alerts (status, msg_type);
CREATE INDEX alerts_expires ON alerts (expires_ms);
CREATE TABLE deliveries (
  id              INTEGER PRIMARY KEY,
  alert_id        INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  channel         TEXT NOT NULL,
  state           INTEGER NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT NOT NULL DEFAULT '',
  UNIQUE (alert_id, channel)
);
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_ms);
CREATE TABLE sources (
  name                 TEXT PRIMARY KEY,
  etag                 TEXT NOT NULL DEFAULT '',
  last_modified        TEXT NOT NULL DEFAULT '',
  last_attempt_ms      INTEGER NOT NULL DEFAULT 0,
  last_success_ms      INTEGER NOT NULL DEFAULT 0,
  last_error           TEXT NOT NULL DEFAULT '',
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  alerts_accepted      INTEGER NOT NULL DEFAULT 0
);
)sql",
    // 2: a source format's memory between polls (events seen, gauge states).
    R"sql(
ALTER TABLE sources ADD COLUMN memory TEXT NOT NULL DEFAULT '';
)sql",
    // 3: the lifecycle. Each alert's event (what its msgType brings) and state (active,
    // superseded, cancelled, expired; the one that ended it), references waiting for their
    // target, and deliveries keyed by event too, so that an alert can later get an 'expired'
    // delivery on a channel that already delivered it. Alerts stored before keep 'active':
    // their references were not recorded. Deliveries get a priority (0 jumps the queue). And
    // the keys that link alerts about one physical event across feeds (NewAlert::event_keys).
    R"sql(
ALTER TABLE alerts ADD COLUMN event TEXT NOT NULL DEFAULT 'new';
ALTER TABLE alerts ADD COLUMN state TEXT NOT NULL DEFAULT 'active';
ALTER TABLE alerts ADD COLUMN replaced_by INTEGER REFERENCES alerts (id);
UPDATE alerts SET event = CASE msg_type WHEN 'Update' THEN 'updated' WHEN 'Cancel' THEN 'cancelled'
  WHEN 'Ack' THEN 'ack' WHEN 'Error' THEN 'error' ELSE 'new' END;
CREATE INDEX alerts_state_expires ON alerts (state, expires_ms);
CREATE TABLE pending_refs (
  sender     TEXT NOT NULL,
  identifier TEXT NOT NULL,
  sent       TEXT NOT NULL,
  by_id      INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  PRIMARY KEY (sender, identifier, sent, by_id)
) WITHOUT ROWID;
CREATE TABLE deliveries_v3 (
  id              INTEGER PRIMARY KEY,
  alert_id        INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  channel         TEXT NOT NULL,
  event           TEXT NOT NULL DEFAULT 'new',
  priority        INTEGER NOT NULL DEFAULT 1,
  state           INTEGER NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT NOT NULL DEFAULT '',
  UNIQUE (alert_id, channel, event)
);
INSERT INTO deliveries_v3 (id, alert_id, channel, event, state, attempts, next_attempt_ms,
                           last_error)
  SELECT d.id, d.alert_id, d.channel, a.event, d.state, d.attempts, d.next_attempt_ms,
         d.last_error FROM deliveries d JOIN alerts a ON a.id = d.alert_id;
DROP TABLE deliveries;
ALTER TABLE deliveries_v3 RENAME TO deliveries;
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_ms);
CREATE TABLE event_keys (
  key      TEXT NOT NULL,
  alert_id INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  PRIMARY KEY (key, alert_id)
) WITHOUT ROWID;
)sql",
    // 4: leases and lanes. A claim records who holds it (an engine instance) and since when, so
    // that only leases that ran out are taken back; each channel claims its own due deliveries
    // in priority order through a partial index of the waiting rows; an Update or Cancel finds
    // the alerts it replaced (for channels that clear what those left, e.g. MQTT retained state).
    R"sql(
ALTER TABLE deliveries ADD COLUMN claimed_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
CREATE INDEX deliveries_channel_due ON deliveries (channel, priority, next_attempt_ms)
  WHERE state IN (0, 3);
CREATE INDEX alerts_replaced_by ON alerts (replaced_by);
)sql",
    // 5: deliveries to people (SMS). A recipient is a phone number kept sealed (sealer.h) and
    // found by a keyed hash; a delivery names its recipient (0: the channel itself), unique per
    // (alert, channel, event, recipient); the parts the peer accepted keep the peer's message
    // id and what its receipts said. Subscribers are recipients with languages, a home location
    // and registered areas (geocodes), by which alerts find them.
    R"sql(
CREATE TABLE recipients (
  id         INTEGER PRIMARY KEY,
  lookup     BLOB NOT NULL UNIQUE,
  sealed     BLOB NOT NULL,
  masked     TEXT NOT NULL,
  created_ms INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE deliveries_v5 (
  id              INTEGER PRIMARY KEY,
  alert_id        INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  channel         TEXT NOT NULL,
  event           TEXT NOT NULL DEFAULT 'new',
  priority        INTEGER NOT NULL DEFAULT 1,
  state           INTEGER NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT NOT NULL DEFAULT '',
  claimed_ms      INTEGER NOT NULL DEFAULT 0,
  claimed_by      TEXT NOT NULL DEFAULT '',
  recipient_id    INTEGER NOT NULL DEFAULT 0,
  UNIQUE (alert_id, channel, event, recipient_id)
);
INSERT INTO deliveries_v5 (id, alert_id, channel, event, priority, state, attempts,
                           next_attempt_ms, last_error, claimed_ms, claimed_by)
  SELECT id, alert_id, channel, event, priority, state, attempts, next_attempt_ms, last_error,
         claimed_ms, claimed_by FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_v5 RENAME TO deliveries;
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_ms);
CREATE INDEX deliveries_channel_due ON deliveries (channel, priority, next_attempt_ms)
  WHERE state IN (0, 3);
CREATE INDEX deliveries_recipient ON deliveries (recipient_id) WHERE recipient_id <> 0;
CREATE TABLE delivery_parts (
  delivery_id INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
  part        INTEGER NOT NULL,
  channel     TEXT NOT NULL,
  message_id  TEXT NOT NULL,
  state       TEXT NOT NULL DEFAULT 'submitted',
  final       INTEGER NOT NULL DEFAULT 0,
  updated_ms  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (delivery_id, part)
) WITHOUT ROWID;
CREATE INDEX delivery_parts_message ON delivery_parts (channel, message_id);
CREATE TABLE subscribers (
  recipient_id INTEGER PRIMARY KEY REFERENCES recipients (id) ON DELETE CASCADE,
  languages    TEXT NOT NULL DEFAULT '',
  lat          REAL,
  lon          REAL,
  channels     TEXT NOT NULL DEFAULT '',
  updated_ms   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX subscribers_location ON subscribers (lat, lon) WHERE lat IS NOT NULL;
CREATE TABLE subscriber_geocodes (
  geocode      TEXT NOT NULL,
  recipient_id INTEGER NOT NULL REFERENCES subscribers (recipient_id) ON DELETE CASCADE,
  PRIMARY KEY (geocode, recipient_id)
) WITHOUT ROWID;
)sql",
    // 6: cell broadcast. An incident (an alert and its Updates) holds one message code per
    // channel (TS 23.041 §9.4.1.2.1) and what is on air for it; each alert planned on the channel
    // names its incident; what each peer said about each cell.
    R"sql(
CREATE TABLE cbs_incidents (
  id            INTEGER PRIMARY KEY,
  channel       TEXT NOT NULL,
  message_code  INTEGER NOT NULL,
  update_number INTEGER NOT NULL DEFAULT -1,
  on_air        TEXT NOT NULL DEFAULT '[]',
  active        INTEGER NOT NULL DEFAULT 0,
  updated_ms    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX cbs_incidents_code ON cbs_incidents (channel, message_code) WHERE active = 1;
CREATE TABLE cbs_incident_alerts (
  channel     TEXT NOT NULL,
  sender      TEXT NOT NULL,
  identifier  TEXT NOT NULL,
  sent        TEXT NOT NULL,
  incident_id INTEGER NOT NULL REFERENCES cbs_incidents (id) ON DELETE CASCADE,
  PRIMARY KEY (channel, sender, identifier, sent)
) WITHOUT ROWID;
CREATE TABLE cbs_cells (
  channel    TEXT NOT NULL,
  peer       TEXT NOT NULL,
  message_id INTEGER NOT NULL,
  serial     INTEGER NOT NULL,
  cell       TEXT NOT NULL,
  ok         INTEGER NOT NULL,
  cause      INTEGER NOT NULL DEFAULT -1,
  completed  INTEGER NOT NULL DEFAULT -1,
  at_ms      INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (channel, message_id, serial, peer, cell)
) WITHOUT ROWID;
)sql",
    // 7: earthquake origins (NewAlert::origin), by time: linked() looks for other senders'
    // origins within kOriginLinkMs through the index, then measures the distance.
    R"sql(
CREATE TABLE event_origins (
  alert_id INTEGER PRIMARY KEY REFERENCES alerts (id) ON DELETE CASCADE,
  time_ms  INTEGER NOT NULL,
  lat      REAL NOT NULL,
  lon      REAL NOT NULL
);
CREATE INDEX event_origins_time ON event_origins (time_ms);
)sql",
    // 8: the due index holds only what is due (pending, retrying), like deliveries_channel_due,
    // and another only what is in flight (the leases, checked twice a lease period): a claim
    // moves a row from one to the other, recording its outcome drops it from the second, and
    // both stay as small as the backlog and the windows however many deliveries the outbox has
    // done (the full index moved every row twice: four index writes a delivery, now three).
    R"sql(
DROP INDEX deliveries_due;
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_ms) WHERE state IN (0, 3);
CREATE INDEX deliveries_in_flight ON deliveries (state) WHERE state = 1;
)sql",
    // 9: a known value sealed with the key the numbers are sealed with, so that a store opened
    // with another key is told apart from one damaged number (SqliteStore::check_sealer).
    R"sql(
CREATE TABLE sealer_check (
  id     INTEGER PRIMARY KEY CHECK (id = 1),
  sealed BLOB NOT NULL
);
)sql",
    // 10: no due index across channels: every claim of a lane (and its next_due_ms) goes
    // through deliveries_channel_due, and keeping a second index of the same rows cost each
    // claim an index write (10 % of an SMS fan-out's rate). A claim without a channel (tests,
    // tools) sorts the backlog instead.
    R"sql(
DROP INDEX deliveries_due;
)sql",
};

constexpr int kSchemaVersion = static_cast<int>(sizeof kMigrations / sizeof kMigrations[0]);

// A prepared statement, finalised on scope exit.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) {
    rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
  }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  bool prepared() const { return rc_ == SQLITE_OK; }
  // Ready to be bound and stepped again (a statement reused across the rows of a batch).
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  Stmt& bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Stmt& bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind(int i, const std::optional<int64_t>& v) {
    if (v)
      sqlite3_bind_int64(stmt_, i, *v);
    else
      sqlite3_bind_null(stmt_, i);
    return *this;
  }
  Stmt& bind_blob(int i, const std::string& v) {
    sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  std::string blob(int col) {
    const void* p = sqlite3_column_blob(stmt_, col);
    int n = sqlite3_column_bytes(stmt_, col);
    return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(n)) : "";
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return sqlite3_step(stmt_); }
  int64_t i64(int col) { return sqlite3_column_int64(stmt_, col); }
  std::optional<int64_t> opt_i64(int col) {
    if (sqlite3_column_type(stmt_, col) == SQLITE_NULL) return std::nullopt;
    return sqlite3_column_int64(stmt_, col);
  }
  std::string text(int col) {
    const auto* p = sqlite3_column_text(stmt_, col);
    int n = sqlite3_column_bytes(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n)) : "";
  }
  std::string error() const { return sqlite3_errmsg(db_); }
  sqlite3_stmt* raw() { return stmt_; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
};

// A statement of a hot path, kept prepared by the store (SqliteStore::prepared) and reset when
// the scope that used it ends, so that no read stays open between calls. A fan-out claims and
// finishes thousands of deliveries a second: compiling their SQL again each time (and once per
// row for the recipients and parts) cost about a tenth of the lane's CPU.
class Reused {
 public:
  explicit Reused(Stmt& s) : s_(s) {}
  ~Reused() { s_.reset(); }
  Reused(const Reused&) = delete;
  Reused& operator=(const Reused&) = delete;
  Stmt* operator->() { return &s_; }

 private:
  Stmt& s_;
};

Status db_error(sqlite3* db, const std::string& what) {
  return Status(Code::kIoError, what + ": " + sqlite3_errmsg(db));
}

const char* kAlertColumns =
    "id, sender, identifier, sent, sent_ms, status, msg_type, expires_ms, title, source, "
    "received_ms, xml, event, state, replaced_by";
const char* kDeliveryColumns =
    "id, alert_id, channel, event, state, attempts, next_attempt_ms, last_error, priority, "
    "recipient_id";

// What sealer_check holds, sealed (check_sealer).
constexpr std::string_view kSealerCheck = "capcast: numbers sealed with this key";

// The claim's columns: a delivery's (as kDeliveryColumns, read by read_delivery), then its
// recipient's sealed number, masked number and languages (NULL for a channel-level delivery).
const char* kClaimColumns =
    "d.id, d.alert_id, d.channel, d.event, d.state, d.attempts, d.next_attempt_ms, "
    "d.last_error, d.priority, d.recipient_id, r.sealed, r.masked, s.languages";
constexpr int kClaimSealed = 10;

Event parse_event(const std::string& s) {
  for (Event e : {Event::kNew, Event::kUpdated, Event::kCancelled, Event::kExpired, Event::kAck,
                  Event::kError}) {
    if (s == event_name(e)) return e;
  }
  return Event::kNew;
}

AlertState parse_state(const std::string& s) {
  for (AlertState a : {AlertState::kActive, AlertState::kSuperseded, AlertState::kCancelled,
                       AlertState::kExpired}) {
    if (s == alert_state_name(a)) return a;
  }
  return AlertState::kActive;
}

AlertRow read_alert(Stmt& s) {
  AlertRow r;
  r.id = s.i64(0);
  r.sender = s.text(1);
  r.identifier = s.text(2);
  r.sent = s.text(3);
  r.sent_ms = s.i64(4);
  r.status = s.text(5);
  r.msg_type = s.text(6);
  r.expires_ms = s.opt_i64(7);
  r.title = s.text(8);
  r.source = s.text(9);
  r.received_ms = s.i64(10);
  r.xml = s.text(11);
  r.event = parse_event(s.text(12));
  r.state = parse_state(s.text(13));
  r.replaced_by = s.opt_i64(14);
  return r;
}

Delivery read_delivery(Stmt& s) {
  Delivery d;
  d.id = s.i64(0);
  d.alert_id = s.i64(1);
  d.channel = s.text(2);
  d.event = parse_event(s.text(3));
  d.state = static_cast<DeliveryState>(s.i64(4));
  d.attempts = static_cast<int>(s.i64(5));
  d.next_attempt_ms = s.i64(6);
  d.last_error = s.text(7);
  d.priority = static_cast<int>(s.i64(8));
  d.recipient_id = s.i64(9);
  return d;
}

// `v` as a JSON string (RFC 8259 §7), for the arrays the hot paths hand to json_each: a few
// lines here rather than building a JSON document per batch with a library.
void append_json_string(std::string& out, std::string_view v) {
  out += '"';
  for (char c : v) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", static_cast<unsigned>(c));
      out += esc;
    } else {
      out += c;
    }
  }
  out += '"';
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string join(const std::vector<std::string>& v, char sep) {
  std::string out;
  for (const auto& x : v)
    out += (out.empty() ? "" : std::string(1, sep)) + x;
  return out;
}

void bind_real(Stmt& s, int i, const std::optional<double>& v) {
  if (v)
    sqlite3_bind_double(s.raw(), i, *v);
  else
    sqlite3_bind_null(s.raw(), i);
}

// Haversine distance on the sphere of the IUGG mean Earth radius, 6371.0088 km (as cap/geometry.h;
// the store does not depend on cap): ample for a 100 km tolerance.
double great_circle_km(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kRad = 3.14159265358979323846 / 180;
  double dlat = (lat2 - lat1) * kRad, dlon = (lon2 - lon1) * kRad;
  double slat = std::sin(dlat / 2), slon = std::sin(dlon / 2);
  double h = slat * slat + std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * slon * slon;
  return 2 * 6371.0088 * std::asin(std::sqrt(std::min(1.0, h)));
}

const char* kSubscriberSelect =
    "SELECT s.recipient_id, r.masked, s.languages, s.lat, s.lon, s.channels, "
    "(SELECT group_concat(geocode, char(10)) FROM subscriber_geocodes g WHERE g.recipient_id = "
    "s.recipient_id) FROM subscribers s JOIN recipients r ON r.id = s.recipient_id";

class SqliteStore final : public Store {
 public:
  SqliteStore(sqlite3* db, std::shared_ptr<const Sealer> sealer)
      : db_(db), sealer_(std::move(sealer)) {}
  ~SqliteStore() override {
    find_recipient_.reset();
    insert_recipient_.reset();
    prepared_.clear();
    sqlite3_close_v2(db_);
  }

  // The statement for `sql`, prepared once (under mu_); use it through Reused.
  Stmt& prepared(const std::string& sql) {
    auto& p = prepared_[sql];
    if (!p || !p->prepared()) p = std::make_unique<Stmt>(db_, sql.c_str());
    return *p;
  }

  Status exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      return Status(Code::kIoError, msg);
    }
    return {};
  }

  Result<std::vector<Delivery>> claim_locked(int64_t now_ms, int limit, const ClaimScope& scope) {
    std::vector<Delivery> out;
    std::vector<std::string> sealed;  // a recipient's sealed number, by position in `out`
    std::string ids = "[";
    {
      // With a channel, the partial index deliveries_channel_due yields the rows in this
      // order already, so a claim costs its LIMIT, not the length of the backlog. A person's
      // number and languages come in the same statement (one statement a row cost more in
      // cursors opened and closed than the lookups themselves).
      std::string sql = std::string("SELECT ") + kClaimColumns +
                        " FROM deliveries d LEFT JOIN recipients r ON r.id = d.recipient_id"
                        " LEFT JOIN subscribers s ON s.recipient_id = d.recipient_id"
                        " WHERE d.state IN (0, 3) AND d.next_attempt_ms <= ?" +
                        (scope.channel.empty() ? "" : " AND d.channel = ?") +
                        " ORDER BY d.priority, d.next_attempt_ms, d.id LIMIT ?";
      Stmt& s = prepared(sql);
      Reused in_use(s);
      int i = 1;
      s.bind(i++, now_ms);
      if (!scope.channel.empty()) s.bind(i++, scope.channel);
      s.bind(i, int64_t{limit});
      int rc;
      while ((rc = s.step()) == SQLITE_ROW) {
        Delivery d = read_delivery(s);
        sealed.emplace_back();
        if (d.recipient_id != 0) {
          if (sqlite3_column_type(s.raw(), kClaimSealed) == SQLITE_NULL) {
            // Its recipient row is gone: this delivery fails alone (the others go out).
            d.recipient_error = "delivery " + std::to_string(d.id) + ": recipient " +
                                std::to_string(d.recipient_id) + " is gone from the store";
          }
          sealed.back() = s.blob(kClaimSealed);
          d.recipient_masked = s.text(kClaimSealed + 1);
          d.recipient_languages = split(s.text(kClaimSealed + 2), ',');
        }
        if (ids.size() > 1) ids += ',';
        ids += std::to_string(d.id);
        out.push_back(std::move(d));
      }
      if (rc != SQLITE_DONE) return db_error(db_, "claiming deliveries");
    }
    if (out.empty()) return out;
    ids += ']';
    // One UPDATE for the whole claim: its cursors (the table and three indexes) are opened
    // once, not once a row.
    Stmt& u = prepared(
        "UPDATE deliveries SET state = 1, attempts = attempts + 1, claimed_ms = ?, "
        "claimed_by = ? WHERE id IN (SELECT value FROM json_each(?))");
    Reused in_use(u);
    u.bind(1, now_ms).bind(2, scope.owner).bind(3, ids);
    if (u.step() != SQLITE_DONE) return db_error(db_, "claiming deliveries");
    // With another key than the numbers' (check_sealer), the claim fails and is rolled back:
    // nothing attempted, no attempt spent, and the other channels go on. With the right key,
    // a number that does not open is a damaged row: it fails its own delivery
    // (recipient_error; the engine retries it, then dead-letters it) and the others go out.
    for (size_t k = 0; k < out.size(); ++k) {
      Delivery& d = out[k];
      d.state = DeliveryState::kInFlight;
      d.attempts += 1;
      if (d.recipient_id == 0 || !d.recipient_error.empty()) continue;
      // Errors name the delivery and the masked number (built only for an error).
      auto who = [&d] { return "delivery " + std::to_string(d.id) + " to " + d.recipient_masked; };
      if (!sealer_) {
        return Status(Code::kInvalidArgument, who() + ": the store was opened without its key");
      }
      if (!key_ok_) {
        return Status(Code::kPermissionDenied,
                      who() + ": the store's numbers were sealed with another key ([privacy] key)");
      }
      auto number = sealer_->open(sealed[k]);
      if (number.ok())
        d.recipient = std::move(*number);
      else
        d.recipient_error = who() + ": " + number.status().message();
    }
    return out;
  }

  Status finish_locked(const std::vector<Finish>& batch) {
    int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    // Most of a fan-out's outcomes say "delivered" and nothing more: one UPDATE for each run
    // of those recorded in the same millisecond (its cursors opened once, not once a row),
    // which also returns the rows' channels for their parts and leaves out the deliveries
    // gone with their alert. Anything else, a row at a time. The batch's order is kept.
    auto plain = [](const Finish& f) {
      return f.state == DeliveryState::kDelivered && !f.unattempted && f.error.empty();
    };
    size_t i = 0;
    while (i < batch.size()) {
      if (plain(batch[i])) {
        size_t j = i;
        std::string ids = "[";
        for (; j < batch.size() && plain(batch[j]) &&
               batch[j].next_attempt_ms == batch[i].next_attempt_ms;
             ++j) {
          if (j > i) ids += ',';
          ids += std::to_string(batch[j].delivery_id);
        }
        ids += ']';
        std::unordered_map<int64_t, std::string> channel_of;
        {
          Stmt& d = prepared(
              "UPDATE deliveries SET state = 2, next_attempt_ms = ?, last_error = '' "
              "WHERE id IN (SELECT value FROM json_each(?)) RETURNING id, channel");
          Reused in_use(d);
          d.bind(1, batch[i].next_attempt_ms).bind(2, ids);
          int rc;
          while ((rc = d.step()) == SQLITE_ROW)
            channel_of.emplace(d.i64(0), d.text(1));
          if (rc != SQLITE_DONE) return db_error(db_, "recording delivery attempts");
        }
        // Their parts, in one INSERT too: [delivery, part, channel, message id] each.
        std::string parts = "[";
        for (; i < j; ++i) {
          const Finish& f = batch[i];
          auto it = channel_of.find(f.delivery_id);
          if (it == channel_of.end()) continue;  // gone with its alert: no parts
          for (size_t k = 0; k < f.message_ids.size(); ++k) {
            if (parts.size() > 1) parts += ',';
            parts += '[' + std::to_string(f.delivery_id) + ',' + std::to_string(k) + ',';
            append_json_string(parts, it->second);
            parts += ',';
            append_json_string(parts, f.message_ids[k]);
            parts += ']';
          }
        }
        if (parts.size() == 1) continue;
        parts += ']';
        Stmt& p = prepared(
            "INSERT OR REPLACE INTO delivery_parts (delivery_id, part, channel, message_id, "
            "state, final, updated_ms) SELECT value ->> 0, value ->> 1, value ->> 2, "
            "value ->> 3, 'submitted', 0, ? FROM json_each(?)");
        Reused in_use(p);
        p.bind(1, now_ms).bind(2, parts);
        if (p.step() != SQLITE_DONE) return db_error(db_, "recording delivery parts");
        continue;
      }
      const Finish& f = batch[i++];
      Stmt& s = prepared(
          "UPDATE deliveries SET state = ?, next_attempt_ms = ?, last_error = ?, "
          "attempts = MAX(0, attempts - ?) WHERE id = ?");
      Reused in_use(s);
      s.bind(1, int64_t{static_cast<int>(f.state)})
          .bind(2, f.next_attempt_ms)
          .bind(3, f.error)
          .bind(4, int64_t{f.unattempted ? 1 : 0})
          .bind(5, f.delivery_id);
      if (s.step() != SQLITE_DONE) return db_error(db_, "recording a delivery attempt");
      if (!f.message_ids.empty()) {
        if (auto p = record_parts(f, now_ms); !p.ok()) return p;
      }
    }
    return {};
  }

  // Whether the sealer holds the key the numbers were sealed with (key_ok_): a known value
  // sealed with that key is kept in sealer_check; a store from before it learns it from its
  // first numbers (any that opens: the key is right; none: it is not, and nothing is written).
  Status check_sealer() {
    if (!sealer_) return {};
    std::lock_guard lock(mu_);
    {
      Stmt c(db_, "SELECT sealed FROM sealer_check WHERE id = 1");
      int rc = c.step();
      if (rc == SQLITE_ROW) {
        auto plain = sealer_->open(c.blob(0));
        key_ok_ = plain.ok() && *plain == kSealerCheck;
        return {};
      }
      if (rc != SQLITE_DONE) return db_error(db_, "reading the key check");
    }
    bool any = false;
    bool opens = false;
    {
      Stmt r(db_, "SELECT sealed FROM recipients ORDER BY id LIMIT 16");
      int rc = SQLITE_DONE;
      while (!opens && (rc = r.step()) == SQLITE_ROW) {
        any = true;
        opens = sealer_->open(r.blob(0)).ok();
      }
      if (!opens && rc != SQLITE_DONE) return db_error(db_, "reading the key check");
    }
    key_ok_ = !any || opens;
    if (!key_ok_) return {};
    Stmt w(db_, "INSERT INTO sealer_check (id, sealed) VALUES (1, ?)");
    w.bind_blob(1, sealer_->seal(kSealerCheck));
    if (w.step() != SQLITE_DONE) return db_error(db_, "writing the key check");
    return {};
  }

  Status migrate() {
    int version = 0;
    {
      // Finalised before migrating: an open read statement would lock the tables that a
      // migration drops ("database table is locked").
      Stmt v(db_, "PRAGMA user_version");
      if (v.step() != SQLITE_ROW) return db_error(db_, "reading schema version");
      version = static_cast<int>(v.i64(0));
    }
    if (version > kSchemaVersion) {
      return Status(Code::kInvalidArgument, "store schema version " + std::to_string(version) +
                                                " is newer than this capcast knows (" +
                                                std::to_string(kSchemaVersion) +
                                                "): refusing to open it");
    }
    for (int i = version; i < kSchemaVersion; ++i) {
      if (auto s = exec("BEGIN IMMEDIATE"); !s.ok()) return s;
      auto s = exec(kMigrations[i]);
      if (s.ok()) {
        s = exec(("PRAGMA user_version = " + std::to_string(i + 1)).c_str());
      }
      if (!s.ok()) {
        exec("ROLLBACK");
        return Status(Code::kIoError,
                      "store migration " + std::to_string(i + 1) + " failed: " + s.message());
      }
      if (auto c = exec("COMMIT"); !c.ok()) return c;
    }
    return {};
  }

  Result<AcceptResult> accept_alert(const NewAlert& a,
                                    const std::vector<std::string>& channels) override {
    std::lock_guard lock(mu_);
    return in_transaction([&] { return accept_locked(a, channels); });
  }

  Result<std::vector<AlertRow>> recent_alerts(int limit) override {
    std::lock_guard lock(mu_);
    std::string sql = std::string("SELECT ") + kAlertColumns +
                      " FROM alerts ORDER BY sent_ms DESC, id DESC LIMIT ?";
    Stmt s(db_, sql.c_str());
    s.bind(1, int64_t{limit});
    std::vector<AlertRow> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW)
      out.push_back(read_alert(s));
    if (rc != SQLITE_DONE) return db_error(db_, "listing alerts");
    return out;
  }

  Result<std::optional<AlertRow>> find_alert(int64_t id) override {
    std::lock_guard lock(mu_);
    static const std::string sql =
        std::string("SELECT ") + kAlertColumns + " FROM alerts WHERE id = ?";
    Stmt& s = prepared(sql);
    Reused in_use(s);
    s.bind(1, id);
    int rc = s.step();
    if (rc == SQLITE_ROW) return std::optional<AlertRow>(read_alert(s));
    if (rc == SQLITE_DONE) return std::optional<AlertRow>();
    return db_error(db_, "reading alert");
  }

  Result<std::vector<Delivery>> claim_due(int64_t now_ms, int limit,
                                          const ClaimScope& scope) override {
    std::lock_guard lock(mu_);
    return in_relaxed_transaction([&] { return claim_locked(now_ms, limit, scope); });
  }

  Status finish_attempt(int64_t id, DeliveryState state, int64_t next_attempt_ms,
                        const std::string& error) override {
    return finish_attempts({Finish{id, state, next_attempt_ms, error, false, {}}});
  }

  Status finish_attempts(const std::vector<Finish>& batch) override {
    if (batch.empty()) return {};
    std::lock_guard lock(mu_);
    auto done = in_relaxed_transaction([&]() -> Result<bool> {
      if (auto st = finish_locked(batch); !st.ok()) return st;
      return true;
    });
    return done.ok() ? Status() : done.status();
  }

  using Store::recover_in_flight;
  Result<int64_t> recover_in_flight(
      const std::function<bool(const std::string&, int64_t)>& take_back) override {
    std::lock_guard lock(mu_);
    return in_transaction([&]() -> Result<int64_t> {
      // Few rows: at most the lanes' windows. The decision is the caller's (engine leases).
      std::vector<int64_t> ids;
      {
        Stmt s(db_, "SELECT id, claimed_by, claimed_ms FROM deliveries WHERE state = 1");
        int rc;
        while ((rc = s.step()) == SQLITE_ROW) {
          if (take_back(s.text(1), s.i64(2))) ids.push_back(s.i64(0));
        }
        if (rc != SQLITE_DONE) return db_error(db_, "reading deliveries in flight");
      }
      Stmt u(db_, "UPDATE deliveries SET state = 0, claimed_by = '' WHERE id = ? AND state = 1");
      for (int64_t id : ids) {
        u.reset();
        u.bind(1, id);
        if (u.step() != SQLITE_DONE) return db_error(db_, "recovering deliveries");
      }
      return static_cast<int64_t>(ids.size());
    });
  }

  Result<std::vector<AlertRow>> replaced_by(int64_t alert_id) override {
    std::lock_guard lock(mu_);
    std::string sql = std::string("SELECT ") + kAlertColumns +
                      " FROM alerts WHERE replaced_by = ? ORDER BY sent_ms, id";
    Stmt s(db_, sql.c_str());
    s.bind(1, alert_id);
    std::vector<AlertRow> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW)
      out.push_back(read_alert(s));
    if (rc != SQLITE_DONE) return db_error(db_, "reading replaced alerts");
    return out;
  }

  // Through deliveries_channel_due, a seek per (channel, priority) group (the row value skips
  // to the next group; the index gives the group's earliest first): a handful of seeks however
  // long the backlog, where MIN() over the index would read all of it.
  using Store::next_due_ms;
  Result<std::optional<int64_t>> next_due_ms(const std::string& channel) override {
    std::lock_guard lock(mu_);
    Stmt& s = prepared(
        "SELECT channel, priority, next_attempt_ms FROM deliveries WHERE state IN (0, 3) AND "
        "(channel, priority) > (?, ?) ORDER BY channel, priority, next_attempt_ms LIMIT 1");
    std::optional<int64_t> earliest;
    std::string group_channel = channel;
    int64_t group_priority = std::numeric_limits<int64_t>::min();
    while (true) {
      Reused in_use(s);
      s.bind(1, group_channel).bind(2, group_priority);
      int rc = s.step();
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return db_error(db_, "reading the outbox");
      group_channel = s.text(0);
      if (!channel.empty() && group_channel != channel) break;
      group_priority = s.i64(1);
      int64_t at = s.i64(2);
      if (!earliest || at < *earliest) earliest = at;
    }
    return earliest;
  }

  Result<std::vector<Expired>> expire_due(int64_t now_ms,
                                          const std::vector<std::string>& channels) override {
    std::lock_guard lock(mu_);
    // The engine asks on every pass: a read decides first, so that a pass with nothing to
    // expire (nearly all of them) does not take the write lock that accept_alert needs.
    {
      Stmt any(db_,
               "SELECT 1 FROM alerts "
               "WHERE state = 'active' AND expires_ms IS NOT NULL AND expires_ms <= ? LIMIT 1");
      any.bind(1, now_ms);
      int rc = any.step();
      if (rc == SQLITE_DONE) return std::vector<Expired>();
      if (rc != SQLITE_ROW) return db_error(db_, "finding expired alerts");
    }
    return in_transaction([&] { return expire_locked(now_ms, channels); });
  }

  Result<std::vector<int64_t>> linked(int64_t alert_id) override {
    std::lock_guard lock(mu_);
    return linked_locked(alert_id);
  }

  Result<std::vector<Delivery>> deliveries_of(int64_t alert_id) override {
    std::lock_guard lock(mu_);
    // Recipients by their masked numbers only: a listing never opens a sealed one.
    Stmt s(db_, (std::string("SELECT ") + kDeliveryColumns +
                 ", (SELECT masked FROM recipients r WHERE r.id = recipient_id) FROM deliveries "
                 "WHERE alert_id = ? ORDER BY id")
                    .c_str());
    s.bind(1, alert_id);
    std::vector<Delivery> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
      out.push_back(read_delivery(s));
      out.back().recipient_masked = s.text(10);
    }
    if (rc != SQLITE_DONE) return db_error(db_, "listing deliveries");
    return out;
  }

  Result<std::optional<SourceState>> load_source(const std::string& name) override {
    std::lock_guard lock(mu_);
    Stmt s(db_, std::string(kSourceSelect + std::string(" WHERE name = ?")).c_str());
    s.bind(1, name);
    int rc = s.step();
    if (rc == SQLITE_ROW) return std::optional<SourceState>(read_source(s));
    if (rc == SQLITE_DONE) return std::optional<SourceState>();
    return db_error(db_, "reading source state");
  }

  Status save_source(const SourceState& st) override {
    std::lock_guard lock(mu_);
    Stmt s(db_,
           "INSERT INTO sources (name, etag, last_modified, last_attempt_ms, last_success_ms, "
           "last_error, consecutive_failures, alerts_accepted, memory) VALUES (?, ?, ?, ?, ?, ?, "
           "?, ?, ?) "
           "ON CONFLICT (name) DO UPDATE SET etag = excluded.etag, "
           "last_modified = excluded.last_modified, last_attempt_ms = excluded.last_attempt_ms, "
           "last_success_ms = excluded.last_success_ms, last_error = excluded.last_error, "
           "consecutive_failures = excluded.consecutive_failures, "
           "alerts_accepted = excluded.alerts_accepted, memory = excluded.memory");
    s.bind(1, st.name).bind(2, st.etag).bind(3, st.last_modified).bind(4, st.last_attempt_ms);
    s.bind(5, st.last_success_ms).bind(6, st.last_error);
    s.bind(7, int64_t{st.consecutive_failures}).bind(8, st.alerts_accepted).bind(9, st.memory);
    if (s.step() != SQLITE_DONE) return db_error(db_, "saving source state");
    return {};
  }

  Result<std::vector<SourceState>> sources() override {
    std::lock_guard lock(mu_);
    Stmt s(db_, (std::string(kSourceSelect) + " ORDER BY name").c_str());
    std::vector<SourceState> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW)
      out.push_back(read_source(s));
    if (rc != SQLITE_DONE) return db_error(db_, "listing sources");
    return out;
  }

  Result<int64_t> upsert_subscribers(const std::vector<Subscriber>& subs) override {
    std::lock_guard lock(mu_);
    return in_transaction([&]() -> Result<int64_t> {
      Stmt up(db_,
              "INSERT OR REPLACE INTO subscribers (recipient_id, languages, lat, lon, channels, "
              "updated_ms) VALUES (?, ?, ?, ?, ?, "
              "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))");
      Stmt clear(db_, "DELETE FROM subscriber_geocodes WHERE recipient_id = ?");
      Stmt geo(db_,
               "INSERT OR IGNORE INTO subscriber_geocodes (geocode, recipient_id) "
               "VALUES (?, ?)");
      for (const auto& sub : subs) {
        auto id = recipient_id(sub.number);
        if (!id.ok()) return id.status();
        up.reset();
        up.bind(1, *id).bind(2, join(sub.languages, ','));
        bind_real(up, 3, sub.lat);
        bind_real(up, 4, sub.lon);
        up.bind(5, join(sub.channels, ','));
        if (up.step() != SQLITE_DONE) return db_error(db_, "storing a subscriber");
        clear.reset();
        clear.bind(1, *id);
        if (clear.step() != SQLITE_DONE) return db_error(db_, "storing a subscriber");
        for (const auto& g : sub.geocodes) {
          geo.reset();
          geo.bind(1, g).bind(2, *id);
          if (geo.step() != SQLITE_DONE) return db_error(db_, "storing a subscriber's areas");
        }
      }
      return static_cast<int64_t>(subs.size());
    });
  }

  Result<std::vector<Subscriber>> list_subscribers(int limit, int offset) override {
    std::lock_guard lock(mu_);
    return read_subscribers(
        std::string(kSubscriberSelect) + " ORDER BY s.recipient_id LIMIT ? OFFSET ?",
        [&](Stmt& q) { q.bind(1, int64_t{limit}).bind(2, int64_t{offset}); });
  }

  Result<bool> remove_subscriber(const std::string& number) override {
    std::lock_guard lock(mu_);
    if (!sealer_) return Status(Code::kInvalidArgument, "the store was opened without its key");
    Stmt d(db_,
           "DELETE FROM subscribers WHERE recipient_id = (SELECT id FROM recipients WHERE "
           "lookup = ?)");
    d.bind_blob(1, sealer_->lookup_key(number));
    if (d.step() != SQLITE_DONE) return db_error(db_, "removing a subscriber");
    return sqlite3_changes(db_) > 0;
  }

  Result<std::vector<Subscriber>> subscribers_in_box(double min_lat, double max_lat, double min_lon,
                                                     double max_lon) override {
    std::lock_guard lock(mu_);
    bool wraps = min_lon > max_lon;
    std::string sql = std::string(kSubscriberSelect) +
                      " WHERE s.lat IS NOT NULL AND s.lat BETWEEN ? AND ? AND " +
                      (wraps ? "(s.lon >= ? OR s.lon <= ?)" : "s.lon BETWEEN ? AND ?") +
                      " ORDER BY s.recipient_id";
    return read_subscribers(sql, [&](Stmt& q) {
      sqlite3_bind_double(q.raw(), 1, min_lat);
      sqlite3_bind_double(q.raw(), 2, max_lat);
      sqlite3_bind_double(q.raw(), 3, min_lon);
      sqlite3_bind_double(q.raw(), 4, max_lon);
    });
  }

  Result<std::vector<Subscriber>> subscribers_with_geocodes(
      const std::vector<std::string>& geocodes) override {
    std::lock_guard lock(mu_);
    std::vector<Subscriber> out;
    std::vector<int64_t> seen;
    for (const auto& g : geocodes) {
      auto some = read_subscribers(
          std::string(kSubscriberSelect) +
              " WHERE s.recipient_id IN (SELECT recipient_id FROM subscriber_geocodes WHERE "
              "geocode = ?) ORDER BY s.recipient_id",
          [&](Stmt& q) { q.bind(1, g); });
      if (!some.ok()) return some.status();
      for (auto& sub : *some) {
        if (std::find(seen.begin(), seen.end(), sub.recipient_id) != seen.end()) continue;
        seen.push_back(sub.recipient_id);
        out.push_back(std::move(sub));
      }
    }
    return out;
  }

  Result<std::optional<DeliveryPart>> record_receipt(const std::string& channel,
                                                     const Receipt& r) override {
    std::lock_guard lock(mu_);
    return in_relaxed_transaction([&]() -> Result<std::optional<DeliveryPart>> {
      for (const auto& key : r.message_id_keys) {
        Stmt q(db_,
               "SELECT delivery_id, part, message_id, final FROM delivery_parts "
               "WHERE channel = ? AND message_id = ? ORDER BY delivery_id DESC LIMIT 1");
        q.bind(1, channel).bind(2, key);
        int rc = q.step();
        if (rc == SQLITE_DONE) continue;
        if (rc != SQLITE_ROW) return db_error(db_, "matching a receipt");
        DeliveryPart p{q.i64(0), static_cast<int>(q.i64(1)), q.text(2), r.state, r.final, r.at_ms};
        // A final state stays: a late intermediate receipt does not undo it.
        if (q.i64(3) != 0) {
          Stmt cur(db_,
                   "SELECT state, updated_ms FROM delivery_parts WHERE delivery_id = ? "
                   "AND part = ?");
          cur.bind(1, p.delivery_id).bind(2, int64_t{p.part});
          if (cur.step() == SQLITE_ROW && !r.final) {
            p.state = cur.text(0);
            p.final = true;
            p.updated_ms = cur.i64(1);
            return std::optional<DeliveryPart>(p);
          }
        }
        Stmt u(db_,
               "UPDATE delivery_parts SET state = ?, final = ?, updated_ms = ? "
               "WHERE delivery_id = ? AND part = ?");
        u.bind(1, r.state).bind(2, int64_t{r.final ? 1 : 0}).bind(3, r.at_ms);
        u.bind(4, p.delivery_id).bind(5, int64_t{p.part});
        if (u.step() != SQLITE_DONE) return db_error(db_, "recording a receipt");
        return std::optional<DeliveryPart>(p);
      }
      return std::optional<DeliveryPart>();
    });
  }

  Result<std::vector<DeliveryPart>> parts_of(int64_t delivery_id) override {
    std::lock_guard lock(mu_);
    Stmt q(db_,
           "SELECT delivery_id, part, message_id, state, final, updated_ms FROM delivery_parts "
           "WHERE delivery_id = ? ORDER BY part");
    q.bind(1, delivery_id);
    std::vector<DeliveryPart> out;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) {
      out.push_back(
          {q.i64(0), static_cast<int>(q.i64(1)), q.text(2), q.text(3), q.i64(4) != 0, q.i64(5)});
    }
    if (rc != SQLITE_DONE) return db_error(db_, "reading delivery parts");
    return out;
  }

  Result<CbsIncident> cbs_incident(const std::string& channel, const AlertRef& alert,
                                   const std::vector<AlertRef>& references) override {
    std::lock_guard lock(mu_);
    // FULL, not relaxed: a message code reserved and then lost to a power failure could be given
    // to another incident while this one's message is on air (and could then not be killed).
    // Nothing is written (no fsync) when the incident is known already, as it is when
    // accept_alert allocated it (cbs_allocate_on_accept).
    return in_transaction([&] { return cbs_incident_locked(channel, alert, references); });
  }

  void set_cancel_pending(const std::string& channel, CancelPending policy) override {
    std::lock_guard lock(mu_);
    cancel_pending_[channel] = policy;
  }

  void cbs_allocate_on_accept(const std::string& channel, bool on) override {
    std::lock_guard lock(mu_);
    if (on) {
      cbs_on_accept_.insert(channel);
    } else {
      cbs_on_accept_.erase(channel);
    }
  }

  Status cbs_save(const std::string& channel, int64_t incident_id, const AlertRef& alert,
                  int update_number, const std::string& on_air, bool on_air_any) override {
    std::lock_guard lock(mu_);
    // FULL: what is on air must survive anything, or a Cancel could not kill it.
    auto r = in_transaction([&]() -> Result<bool> {
      Stmt u(db_,
             "UPDATE cbs_incidents SET update_number = ?, on_air = ?, active = ?, "
             "updated_ms = CAST(strftime('%s', 'now') AS INTEGER) * 1000 WHERE id = ?");
      u.bind(1, int64_t{update_number}).bind(2, on_air).bind(3, int64_t{on_air_any ? 1 : 0});
      u.bind(4, incident_id);
      if (u.step() != SQLITE_DONE) return db_error(db_, "saving a cell broadcast incident");
      Stmt a(db_,
             "INSERT OR REPLACE INTO cbs_incident_alerts (channel, sender, identifier, sent, "
             "incident_id) VALUES (?, ?, ?, ?, ?)");
      a.bind(1, channel).bind(2, alert.sender).bind(3, alert.identifier).bind(4, alert.sent);
      a.bind(5, incident_id);
      if (a.step() != SQLITE_DONE) return db_error(db_, "saving a cell broadcast incident");
      return true;
    });
    return r.ok() ? Status::ok_status() : r.status();
  }

  Status cbs_record_cells(const std::string& channel, const std::vector<CbsCell>& cells) override {
    std::lock_guard lock(mu_);
    auto r = in_relaxed_transaction([&]() -> Result<bool> {
      Stmt ins(db_,
               "INSERT OR REPLACE INTO cbs_cells (channel, peer, message_id, serial, cell, ok, "
               "cause, completed, at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
      for (const auto& c : cells) {
        ins.reset();
        ins.bind(1, channel).bind(2, c.peer).bind(3, int64_t{c.message_id});
        ins.bind(4, int64_t{c.serial}).bind(5, c.cell).bind(6, int64_t{c.ok ? 1 : 0});
        ins.bind(7, int64_t{c.cause}).bind(8, c.broadcasts_completed).bind(9, c.at_ms);
        if (ins.step() != SQLITE_DONE) return db_error(db_, "recording cell states");
      }
      return true;
    });
    return r.ok() ? Status::ok_status() : r.status();
  }

  Result<std::vector<CbsCell>> cbs_cells(const std::string& channel, int message_id,
                                         int serial) override {
    std::lock_guard lock(mu_);
    Stmt q(db_,
           "SELECT peer, message_id, serial, cell, ok, cause, completed, at_ms FROM cbs_cells "
           "WHERE channel = ? AND message_id = ? AND serial = ? ORDER BY peer, cell");
    q.bind(1, channel).bind(2, int64_t{message_id}).bind(3, int64_t{serial});
    std::vector<CbsCell> out;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) {
      out.push_back(CbsCell{q.text(0), static_cast<int>(q.i64(1)), static_cast<int>(q.i64(2)),
                            q.text(3), q.i64(4) != 0, static_cast<int>(q.i64(5)), q.i64(6),
                            q.i64(7)});
    }
    if (rc != SQLITE_DONE) return db_error(db_, "reading cell states");
    return out;
  }

  Result<Stats> stats() override {
    std::lock_guard lock(mu_);
    Stats st;
    Stmt a(db_, "SELECT COUNT(*) FROM alerts");
    if (a.step() != SQLITE_ROW) return db_error(db_, "counting alerts");
    st.alerts = a.i64(0);
    Stmt d(db_, "SELECT state, COUNT(*) FROM deliveries GROUP BY state");
    int rc;
    while ((rc = d.step()) == SQLITE_ROW) {
      auto state = static_cast<DeliveryState>(d.i64(0));
      int64_t n = d.i64(1);
      if (state == DeliveryState::kDelivered)
        st.deliveries_delivered += n;
      else if (state == DeliveryState::kDead)
        st.deliveries_dead += n;
      else
        st.deliveries_pending += n;
    }
    if (rc != SQLITE_DONE) return db_error(db_, "counting deliveries");
    return st;
  }

 private:
  // Runs `body` (which returns a Result) in one write transaction: committed when it succeeds,
  // rolled back when it fails or the commit does. Called with mu_ held.
  // Store::cbs_incident, inside the caller's transaction.
  Result<CbsIncident> cbs_incident_locked(const std::string& channel, const AlertRef& alert,
                                          const std::vector<AlertRef>& references) {
    auto find = [&](const AlertRef& ref) -> Result<std::optional<CbsIncident>> {
      Stmt q(db_,
             "SELECT i.id, i.message_code, i.update_number, i.on_air FROM cbs_incident_alerts a "
             "JOIN cbs_incidents i ON i.id = a.incident_id WHERE a.channel = ? AND "
             "a.sender = ? AND a.identifier = ? AND a.sent = ?");
      q.bind(1, channel).bind(2, ref.sender).bind(3, ref.identifier).bind(4, ref.sent);
      int rc = q.step();
      if (rc == SQLITE_DONE) return std::optional<CbsIncident>();
      if (rc != SQLITE_ROW) return db_error(db_, "finding a cell broadcast incident");
      return std::optional<CbsIncident>(CbsIncident{q.i64(0), static_cast<int>(q.i64(1)),
                                                    static_cast<int>(q.i64(2)), q.text(3), false});
    };
    auto self = find(alert);
    if (!self.ok()) return self.status();
    if (*self) return **self;
    for (const auto& ref : references) {
      auto r = find(ref);
      if (!r.ok()) return r.status();
      if (*r) return **r;
    }
    // A new incident: the code after the channel's latest, skipping those on air.
    Stmt last(db_,
              "SELECT message_code FROM cbs_incidents WHERE channel = ? "
              "ORDER BY id DESC LIMIT 1");
    last.bind(1, channel);
    int rc = last.step();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db_error(db_, "allocating a message code");
    const int start = rc == SQLITE_ROW ? static_cast<int>((last.i64(0) + 1) % 1024) : 0;
    std::vector<bool> busy(1024, false);
    Stmt active(db_, "SELECT message_code FROM cbs_incidents WHERE channel = ? AND active = 1");
    active.bind(1, channel);
    while ((rc = active.step()) == SQLITE_ROW)
      busy[static_cast<size_t>(active.i64(0) & 1023)] = true;
    if (rc != SQLITE_DONE) return db_error(db_, "allocating a message code");
    for (int k = 0; k < 1024; ++k) {
      const int code = (start + k) % 1024;
      if (busy[static_cast<size_t>(code)]) continue;
      Stmt ins(db_, "INSERT INTO cbs_incidents (channel, message_code) VALUES (?, ?)");
      ins.bind(1, channel).bind(2, int64_t{code});
      if (ins.step() != SQLITE_DONE) return db_error(db_, "allocating a message code");
      const int64_t id = sqlite3_last_insert_rowid(db_);
      // The alert names its incident at once: a retry before cbs_save finds the same code.
      Stmt a(db_,
             "INSERT INTO cbs_incident_alerts (channel, sender, identifier, sent, "
             "incident_id) VALUES (?, ?, ?, ?, ?)");
      a.bind(1, channel).bind(2, alert.sender).bind(3, alert.identifier).bind(4, alert.sent);
      a.bind(5, id);
      if (a.step() != SQLITE_DONE) return db_error(db_, "allocating a message code");
      return CbsIncident{id, code, -1, "[]", true};
    }
    return unavailable("channel " + channel +
                       ": all 1024 cell broadcast message codes are on air (TS 23.041 "
                       "§9.4.1.2.1); kill or let expire some first");
  }

  // One statement without results, kept prepared: the transactions' BEGIN, COMMIT and PRAGMAs
  // run several times for every batch of claims and outcomes.
  Status run(const char* sql) {
    Stmt& s = prepared(sql);
    Reused in_use(s);
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) return Status(Code::kIoError, std::string(sql) + ": " + s.error());
    return {};
  }

  template <typename Body>
  auto in_transaction(Body body) -> decltype(body()) {
    if (auto s = run("BEGIN IMMEDIATE"); !s.ok()) return s;
    auto result = body();
    if (!result.ok()) {
      run("ROLLBACK");
      return result;
    }
    if (auto s = run("COMMIT"); !s.ok()) {
      run("ROLLBACK");
      return s;
    }
    return result;
  }

  // The same, committed without its own fsync (PRAGMA synchronous = NORMAL for this
  // transaction; SQLite docs, "WAL mode": a NORMAL commit may be lost on power failure, never
  // corrupted, and the next FULL commit's fsync covers its frames too). Only for what the
  // outbox can afford to lose on power failure: claims and outcomes, whose loss makes a
  // delivery be sent again (a duplicate), never lost. Accepting an alert stays FULL.
  template <typename Body>
  auto in_relaxed_transaction(Body body) -> decltype(body()) {
    run("PRAGMA synchronous = NORMAL");
    auto result = in_transaction(std::move(body));
    run("PRAGMA synchronous = FULL");
    return result;
  }

  static constexpr const char* kSourceSelect =
      "SELECT name, etag, last_modified, last_attempt_ms, last_success_ms, last_error, "
      "consecutive_failures, alerts_accepted, memory FROM sources";

  static SourceState read_source(Stmt& s) {
    SourceState st;
    st.name = s.text(0);
    st.etag = s.text(1);
    st.last_modified = s.text(2);
    st.last_attempt_ms = s.i64(3);
    st.last_success_ms = s.i64(4);
    st.last_error = s.text(5);
    st.consecutive_failures = static_cast<int>(s.i64(6));
    st.alerts_accepted = s.i64(7);
    st.memory = s.text(8);
    return st;
  }

  Result<AcceptResult> accept_locked(const NewAlert& a, const std::vector<std::string>& channels) {
    Event event = event_of_msg_type(a.msg_type);
    Stmt ins(db_,
             "INSERT INTO alerts (sender, identifier, sent, sent_ms, status, msg_type, expires_ms, "
             "title, source, received_ms, xml, event) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
             "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), ?, ?) "
             "ON CONFLICT (sender, identifier, sent) DO NOTHING");
    ins.bind(1, a.sender).bind(2, a.identifier).bind(3, a.sent).bind(4, a.sent_ms);
    ins.bind(5, a.status).bind(6, a.msg_type).bind(7, a.expires_ms).bind(8, a.title);
    ins.bind(9, a.source).bind(10, a.xml).bind(11, std::string(event_name(event)));
    if (ins.step() != SQLITE_DONE) return db_error(db_, "storing alert");
    AcceptResult out;
    out.event = event;
    if (sqlite3_changes(db_) == 0) {
      Stmt q(db_, "SELECT id, state FROM alerts WHERE sender = ? AND identifier = ? AND sent = ?");
      q.bind(1, a.sender).bind(2, a.identifier).bind(3, a.sent);
      if (q.step() != SQLITE_ROW) return db_error(db_, "finding duplicate alert");
      out.alert_id = q.i64(0);
      out.state = parse_state(q.text(1));
      return out;
    }
    out.alert_id = sqlite3_last_insert_rowid(db_);
    out.inserted = true;

    // Its effect on the alerts it references (CAP 1.2 §3.2.1: Update and Cancel only; an Ack
    // or Error references messages without changing them).
    std::vector<int64_t> referenced;  // the stored alerts it names
    // People whose delivery of an alert this Cancel ends was still pending, on channels whose
    // policy is to tell them (CancelPending::kNotify): noted before end_alert dead-letters it.
    std::vector<std::pair<std::string, int64_t>> pending_people;
    const bool follow_cancel = event == Event::kCancelled && a.follow_references;
    if (event == Event::kUpdated || event == Event::kCancelled) {
      for (const auto& r : a.references) {
        Stmt f(db_, "SELECT id FROM alerts WHERE sender = ? AND identifier = ? AND sent = ?");
        f.bind(1, r.sender).bind(2, r.identifier).bind(3, r.sent);
        int rc = f.step();
        if (rc == SQLITE_ROW) {
          int64_t target = f.i64(0);
          if (target == out.alert_id) continue;  // a self-reference changes nothing
          referenced.push_back(target);
          if (follow_cancel) {
            if (auto st = pending_people_of(target, pending_people); !st.ok()) return st;
          }
          auto ended = end_alert(target, out.alert_id, event, a);
          if (!ended.ok()) return ended.status();
          if (*ended) out.ended.push_back(target);
        } else if (rc == SQLITE_DONE) {
          Stmt p(db_,
                 "INSERT OR IGNORE INTO pending_refs (sender, identifier, sent, by_id) "
                 "VALUES (?, ?, ?, ?)");
          p.bind(1, r.sender).bind(2, r.identifier).bind(3, r.sent).bind(4, out.alert_id);
          if (p.step() != SQLITE_DONE) return db_error(db_, "recording a reference");
          ++out.unresolved;
        } else {
          return db_error(db_, "resolving a reference");
        }
      }
    }

    // The same physical event from other senders (another feed): linked by a shared key.
    for (const auto& key : a.event_keys) {
      Stmt k(db_, "INSERT OR IGNORE INTO event_keys (key, alert_id) VALUES (?, ?)");
      k.bind(1, key).bind(2, out.alert_id);
      if (k.step() != SQLITE_DONE) return db_error(db_, "recording an event key");
    }
    if (a.origin) {
      Stmt o(db_, "INSERT INTO event_origins (alert_id, time_ms, lat, lon) VALUES (?, ?, ?, ?)");
      o.bind(1, out.alert_id).bind(2, a.origin->time_ms);
      bind_real(o, 3, a.origin->lat);
      bind_real(o, 4, a.origin->lon);
      if (o.step() != SQLITE_DONE) return db_error(db_, "recording an earthquake origin");
    }
    if (!a.event_keys.empty() || a.origin) {
      auto linked = linked_locked(out.alert_id);
      if (!linked.ok()) return linked.status();
      out.linked = std::move(*linked);
    }

    // Updates and Cancels that named this alert before it arrived: applied now, oldest first.
    std::vector<std::pair<int64_t, Event>> earlier;
    {
      Stmt q(db_,
             "SELECT p.by_id, a.event FROM pending_refs p JOIN alerts a ON a.id = p.by_id "
             "WHERE p.sender = ? AND p.identifier = ? AND p.sent = ? ORDER BY p.by_id");
      q.bind(1, a.sender).bind(2, a.identifier).bind(3, a.sent);
      int rc;
      while ((rc = q.step()) == SQLITE_ROW)
        earlier.emplace_back(q.i64(0), parse_event(q.text(1)));
      if (rc != SQLITE_DONE) return db_error(db_, "reading earlier references");
    }
    for (const auto& [by, by_event] : earlier) {
      auto ended = end_alert(out.alert_id, by, by_event, a);
      if (!ended.ok()) return ended.status();
    }
    if (!earlier.empty()) {
      Stmt d(db_, "DELETE FROM pending_refs WHERE sender = ? AND identifier = ? AND sent = ?");
      d.bind(1, a.sender).bind(2, a.identifier).bind(3, a.sent);
      if (d.step() != SQLITE_DONE) return db_error(db_, "resolving earlier references");
      Stmt st(db_, "SELECT state FROM alerts WHERE id = ?");
      st.bind(1, out.alert_id);
      if (st.step() != SQLITE_ROW) return db_error(db_, "reading alert state");
      out.state = parse_state(st.text(0));
    }

    // Its deliveries: pending while it is in force; dead-lettered, with the reason, when a
    // newer message that arrived first already replaced it.
    std::string why;
    if (out.state != AlertState::kActive)
      why = std::string("already ") + alert_state_name(out.state) +
            " by a message received before it";
    std::vector<std::string> targets = channels;
    if (a.follow_references) {
      // A Cancel on a channel whose policy is CancelPending::kCancel: the channels a referenced
      // alert went out on (in flight or delivered), and those it had only other deliveries on.
      std::set<std::string> reached;
      std::set<std::string> unreached;
      for (int64_t r : referenced) {
        // Channel-level deliveries; those to people follow below, person by person.
        Stmt q(db_,
               "SELECT channel, MAX(state IN (1, 2)) FROM deliveries WHERE alert_id = ? AND "
               "recipient_id = 0 GROUP BY channel ORDER BY MIN(id)");
        q.bind(1, r);
        int rc;
        while ((rc = q.step()) == SQLITE_ROW) {
          std::string ch = q.text(0);
          const bool went_out = q.i64(1) != 0;
          if (follow_cancel && policy_of(ch, false) == CancelPending::kCancel) {
            (went_out ? reached : unreached).insert(ch);
            if (!went_out) continue;
          }
          if (std::find(targets.begin(), targets.end(), ch) == targets.end()) {
            targets.push_back(std::move(ch));
          }
        }
        if (rc != SQLITE_DONE) return db_error(db_, "reading referenced deliveries");
      }
      // Such a channel that the cancelled alerts never reached gets no Cancel either, even when
      // routing chose it: it never heard of them.
      for (const auto& ch : unreached) {
        if (reached.count(ch) == 0)
          targets.erase(std::remove(targets.begin(), targets.end(), ch), targets.end());
      }
    }
    // Channels that deliver to people: a delivery per recipient, not per channel.
    std::vector<std::pair<std::string, std::vector<int64_t>>> people;
    for (const auto& cr : a.recipients) {
      std::vector<int64_t> ids;
      for (const auto& number : cr.numbers) {
        auto id = recipient_id(number);
        if (!id.ok()) return id.status();
        ids.push_back(*id);  // a number twice: one delivery (INSERT OR IGNORE, UNIQUE below)
      }
      ids.insert(ids.end(), cr.ids.begin(), cr.ids.end());
      people.emplace_back(cr.channel, std::move(ids));
    }
    if (a.follow_references) {
      // Whoever was sent (or is being sent) a referenced alert hears of its update or end.
      for (int64_t r : referenced) {
        Stmt q(db_,
               "SELECT channel, recipient_id FROM deliveries WHERE alert_id = ? AND "
               "recipient_id <> 0 AND state IN (1, 2) ORDER BY id");
        q.bind(1, r);
        int rc;
        while ((rc = q.step()) == SQLITE_ROW) {
          std::string ch = q.text(0);
          int64_t id = q.i64(1);
          auto it = std::find_if(people.begin(), people.end(),
                                 [&](const auto& p) { return p.first == ch; });
          if (it == people.end()) it = people.insert(people.end(), {ch, {}});
          it->second.push_back(id);
        }
        if (rc != SQLITE_DONE) return db_error(db_, "reading referenced recipients");
      }
      // A Cancel also tells those whose delivery it dead-lettered, where the channel says so.
      for (auto& [ch, id] : pending_people) {
        auto it = std::find_if(people.begin(), people.end(),
                               [&](const auto& p) { return p.first == ch; });
        if (it == people.end()) it = people.insert(people.end(), {ch, {}});
        it->second.push_back(id);
      }
    }
    Stmt d(db_,
           "INSERT OR IGNORE INTO deliveries (alert_id, channel, event, priority, state, "
           "last_error, recipient_id) VALUES (?, ?, ?, ?, ?, ?, ?)");
    auto add = [&](const std::string& ch, int64_t recipient) -> Status {
      d.reset();
      d.bind(1, out.alert_id).bind(2, ch).bind(3, std::string(event_name(event)));
      d.bind(4, int64_t{a.urgent ? 0 : 1}).bind(5, int64_t{why.empty() ? 0 : 4}).bind(6, why);
      d.bind(7, recipient);
      if (d.step() != SQLITE_DONE) return db_error(db_, "creating delivery");
      return {};
    };
    for (const auto& ch : targets) {
      // A channel with recipients gets their deliveries (below) instead of its own.
      bool of_people =
          std::any_of(people.begin(), people.end(), [&](const auto& p) { return p.first == ch; });
      if (of_people) continue;
      if (auto s = add(ch, 0); !s.ok()) return s;
    }
    for (const auto& [ch, ids] : people) {
      for (int64_t id : ids) {
        if (auto s = add(ch, id); !s.ok()) return s;
      }
    }
    // Cell broadcast channels' message codes, committed with the alert (one fsync): the
    // delivery then finds its incident without a commit of its own (cbs_allocate_on_accept).
    // A Cancel allocates nothing (it kills what its references hold), nor does an alert that
    // is already ended.
    if (why.empty() && event != Event::kCancelled && !cbs_on_accept_.empty()) {
      const AlertRef self{a.sender, a.identifier, a.sent};
      for (const auto& ch : targets) {
        if (cbs_on_accept_.count(ch) == 0) continue;
        auto incident = cbs_incident_locked(ch, self, a.references);
        // All 1,024 codes on air: the delivery tries again later (and says why); accepting the
        // alert never depends on it.
        if (!incident.ok() && incident.status().code() != Code::kUnavailable) {
          return incident.status();
        }
      }
    }
    return out;
  }

  // The id of the recipient with this number, added (sealed) if new.
  Result<int64_t> recipient_id(const std::string& number) {
    if (!sealer_) {
      return Status(Code::kInvalidArgument,
                    "an alert with recipients needs the store's key (privacy.key): phone "
                    "numbers are never stored in clear");
    }
    std::string lookup = sealer_->lookup_key(number);
    // Prepared once and kept: a campaign looks up a million numbers in one accept.
    if (!find_recipient_) {
      find_recipient_ = std::make_unique<Stmt>(db_, "SELECT id FROM recipients WHERE lookup = ?");
      insert_recipient_ = std::make_unique<Stmt>(
          db_,
          "INSERT INTO recipients (lookup, sealed, masked, created_ms) VALUES (?, ?, ?, "
          "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))");
    }
    Stmt& f = *find_recipient_;
    f.reset();
    f.bind_blob(1, lookup);
    int rc = f.step();
    if (rc == SQLITE_ROW) {
      int64_t id = f.i64(0);
      f.reset();
      return id;
    }
    f.reset();
    if (rc != SQLITE_DONE) return db_error(db_, "finding a recipient");
    Stmt& ins = *insert_recipient_;
    ins.reset();
    ins.bind_blob(1, lookup).bind_blob(2, sealer_->seal(number)).bind(3, mask_msisdn(number));
    rc = ins.step();
    ins.reset();
    if (rc != SQLITE_DONE) return db_error(db_, "adding a recipient");
    return sqlite3_last_insert_rowid(db_);
  }

  Result<std::vector<Subscriber>> read_subscribers(const std::string& sql,
                                                   const std::function<void(Stmt&)>& bind) {
    Stmt q(db_, sql.c_str());
    bind(q);
    std::vector<Subscriber> out;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) {
      Subscriber sub;
      sub.recipient_id = q.i64(0);
      sub.masked = q.text(1);
      sub.languages = split(q.text(2), ',');
      if (sqlite3_column_type(q.raw(), 3) != SQLITE_NULL) {
        sub.lat = sqlite3_column_double(q.raw(), 3);
        sub.lon = sqlite3_column_double(q.raw(), 4);
      }
      sub.channels = split(q.text(5), ',');
      sub.geocodes = split(q.text(6), '\n');
      out.push_back(std::move(sub));
    }
    if (rc != SQLITE_DONE) return db_error(db_, "reading subscribers");
    return out;
  }

  // A delivery's parts, under its channel (none when the delivery is gone with its alert).
  // The channel is read first so that each insert is of one row (VALUES): an INSERT ... SELECT
  // may insert many and so pays for a statement journal, which was a fifth of the write.
  Status record_parts(const Finish& f, int64_t now_ms) {
    Stmt& c = prepared("SELECT channel FROM deliveries WHERE id = ?");
    Reused channel_in_use(c);
    c.bind(1, f.delivery_id);
    int rc = c.step();
    if (rc == SQLITE_DONE) return {};
    if (rc != SQLITE_ROW) return db_error(db_, "recording delivery parts");
    std::string channel = c.text(0);
    Stmt& p = prepared(
        "INSERT OR REPLACE INTO delivery_parts (delivery_id, part, channel, message_id, "
        "state, final, updated_ms) VALUES (?, ?, ?, ?, 'submitted', 0, ?)");
    Reused in_use(p);
    for (size_t i = 0; i < f.message_ids.size(); ++i) {
      p.reset();
      p.bind(1, f.delivery_id).bind(2, static_cast<int64_t>(i)).bind(3, channel);
      p.bind(4, f.message_ids[i]).bind(5, now_ms);
      if (p.step() != SQLITE_DONE) return db_error(db_, "recording delivery parts");
    }
    return {};
  }

  Result<std::vector<int64_t>> linked_locked(int64_t alert_id) {
    Stmt q(db_,
           "SELECT DISTINCT o.alert_id FROM event_keys m JOIN event_keys o ON o.key = m.key "
           "JOIN alerts a ON a.id = o.alert_id JOIN alerts me ON me.id = m.alert_id "
           "WHERE m.alert_id = ? AND a.sender <> me.sender ORDER BY o.alert_id");
    q.bind(1, alert_id);
    std::vector<int64_t> out;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW)
      out.push_back(q.i64(0));
    if (rc != SQLITE_DONE) return db_error(db_, "finding linked alerts");
    // By the earthquake's origin: other senders' origins within the time window (the index),
    // then within the distance. No cells or buckets, so no border to miss a pair at; the
    // distance is great-circle, so the antimeridian and the poles are no borders either.
    Stmt me(db_, "SELECT time_ms, lat, lon FROM event_origins WHERE alert_id = ?");
    me.bind(1, alert_id);
    rc = me.step();
    if (rc == SQLITE_ROW) {
      const int64_t t = me.i64(0);
      const double lat = sqlite3_column_double(me.raw(), 1);
      const double lon = sqlite3_column_double(me.raw(), 2);
      Stmt n(db_,
             "SELECT o.alert_id, o.lat, o.lon FROM event_origins o "
             "JOIN alerts a ON a.id = o.alert_id JOIN alerts me ON me.id = ? "
             "WHERE o.time_ms BETWEEN ? AND ? AND a.sender <> me.sender");
      n.bind(1, alert_id).bind(2, t - kOriginLinkMs).bind(3, t + kOriginLinkMs);
      while ((rc = n.step()) == SQLITE_ROW) {
        double d = great_circle_km(lat, lon, sqlite3_column_double(n.raw(), 1),
                                   sqlite3_column_double(n.raw(), 2));
        if (d <= kOriginLinkKm) out.push_back(n.i64(0));
      }
      if (rc != SQLITE_DONE) return db_error(db_, "finding alerts about the same earthquake");
      std::sort(out.begin(), out.end());
      out.erase(std::unique(out.begin(), out.end()), out.end());
    } else if (rc != SQLITE_DONE) {
      return db_error(db_, "reading an earthquake origin");
    }
    return out;
  }

  // A channel's policy for pending deliveries of what a Cancel ends (set_cancel_pending), for
  // its channel-level deliveries or those to people.
  CancelPending policy_of(const std::string& channel, bool people) const {
    auto it = cancel_pending_.find(channel);
    if (it != cancel_pending_.end()) return it->second;
    return people ? CancelPending::kCancel : CancelPending::kNotify;
  }

  // Appends the people whose delivery of `target` is pending (not attempted yet, or waiting for
  // a retry) on channels whose policy is CancelPending::kNotify.
  Status pending_people_of(int64_t target, std::vector<std::pair<std::string, int64_t>>& out) {
    for (const auto& [ch, policy] : cancel_pending_) {
      if (policy != CancelPending::kNotify) continue;
      Stmt q(db_,
             "SELECT recipient_id FROM deliveries WHERE alert_id = ? AND channel = ? AND "
             "recipient_id <> 0 AND state IN (0, 3) AND event <> 'expired' ORDER BY id");
      q.bind(1, target).bind(2, ch);
      int rc;
      while ((rc = q.step()) == SQLITE_ROW)
        out.emplace_back(ch, q.i64(0));
      if (rc != SQLITE_DONE) return db_error(db_, "reading pending recipients");
    }
    return {};
  }

  // `by` (an Update or a Cancel) ends `target`: superseded or cancelled, a Cancel winning over
  // an Update and either over expiry. Deliveries of `target` not attempted yet are dead-lettered,
  // since the newer message replaces what they carry; those in flight finish. True when the
  // target's state changed.
  Result<bool> end_alert(int64_t target, int64_t by, Event by_event, const NewAlert& by_alert) {
    bool cancel = by_event == Event::kCancelled;
    Stmt u(db_, cancel ? "UPDATE alerts SET state = 'cancelled', replaced_by = ? "
                         "WHERE id = ? AND state <> 'cancelled'"
                       : "UPDATE alerts SET state = 'superseded', replaced_by = ? "
                         "WHERE id = ? AND state IN ('active', 'expired')");
    u.bind(1, by).bind(2, target);
    if (u.step() != SQLITE_DONE) return db_error(db_, "applying the lifecycle");
    bool changed = sqlite3_changes(db_) > 0;
    if (changed) {
      Stmt by_key(db_, "SELECT sender, identifier FROM alerts WHERE id = ?");
      by_key.bind(1, by);
      std::string who = by_key.step() == SQLITE_ROW
                            ? "(" + by_key.text(0) + ", " + by_key.text(1) + ")"
                            : "(" + by_alert.sender + ", " + by_alert.identifier + ")";
      Stmt d(db_,
             "UPDATE deliveries SET state = 4, last_error = ? "
             "WHERE alert_id = ? AND state IN (0, 3) AND event <> 'expired'");
      d.bind(1,
             std::string(cancel ? "cancelled" : "superseded") + " by " + who + " before delivery");
      d.bind(2, target);
      if (d.step() != SQLITE_DONE) return db_error(db_, "applying the lifecycle");
    }
    return changed;
  }

  Result<std::vector<Expired>> expire_locked(int64_t now_ms,
                                             const std::vector<std::string>& channels) {
    std::vector<Expired> out;
    std::vector<bool> notify;
    {
      Stmt q(db_,
             "SELECT id, sender, identifier, event FROM alerts "
             "WHERE state = 'active' AND expires_ms IS NOT NULL AND expires_ms <= ? ORDER BY id");
      q.bind(1, now_ms);
      int rc;
      while ((rc = q.step()) == SQLITE_ROW) {
        out.push_back(Expired{q.i64(0), q.text(1), q.text(2)});
        Event e = parse_event(q.text(3));
        notify.push_back(e == Event::kNew || e == Event::kUpdated);
      }
      if (rc != SQLITE_DONE) return db_error(db_, "finding expired alerts");
    }
    for (size_t i = 0; i < out.size(); ++i) {
      Stmt u(db_, "UPDATE alerts SET state = 'expired' WHERE id = ?");
      u.bind(1, out[i].alert_id);
      if (u.step() != SQLITE_DONE) return db_error(db_, "expiring alert");
      if (!notify[i]) continue;
      for (const auto& ch : channels) {
        // Only where the alert went out (or is going out): there is nothing to clear elsewhere.
        Stmt d(db_,
               "INSERT OR IGNORE INTO deliveries (alert_id, channel, event, state) "
               "SELECT ?1, ?2, 'expired', 0 WHERE EXISTS (SELECT 1 FROM deliveries "
               "WHERE alert_id = ?1 AND channel = ?2 AND event <> 'expired' AND state IN (1, 2))");
        d.bind(1, out[i].alert_id).bind(2, ch);
        if (d.step() != SQLITE_DONE) return db_error(db_, "creating expiry delivery");
      }
    }
    return out;
  }

  std::mutex mu_;
  sqlite3* db_;
  std::set<std::string> cbs_on_accept_;  // cbs_allocate_on_accept's channels, under mu_
  std::map<std::string, CancelPending> cancel_pending_;  // set_cancel_pending's, under mu_
  std::shared_ptr<const Sealer> sealer_;
  bool key_ok_ = true;                    // check_sealer(): sealer_ opens the numbers of this store
  std::unique_ptr<Stmt> find_recipient_;  // recipient_id()'s, under mu_
  std::unique_ptr<Stmt> insert_recipient_;
  std::unordered_map<std::string, std::unique_ptr<Stmt>> prepared_;  // prepared()'s, under mu_
};

}  // namespace

const char* state_name(DeliveryState s) {
  switch (s) {
    case DeliveryState::kPending:
      return "pending";
    case DeliveryState::kInFlight:
      return "in-flight";
    case DeliveryState::kDelivered:
      return "delivered";
    case DeliveryState::kRetrying:
      return "retrying";
    case DeliveryState::kDead:
      return "dead";
  }
  return "?";
}

const char* event_name(Event e) {
  switch (e) {
    case Event::kNew:
      return "new";
    case Event::kUpdated:
      return "updated";
    case Event::kCancelled:
      return "cancelled";
    case Event::kExpired:
      return "expired";
    case Event::kAck:
      return "ack";
    case Event::kError:
      return "error";
  }
  return "?";
}

Event event_of_msg_type(std::string_view msg_type) {
  if (msg_type == "Update") return Event::kUpdated;
  if (msg_type == "Cancel") return Event::kCancelled;
  if (msg_type == "Ack") return Event::kAck;
  if (msg_type == "Error") return Event::kError;
  return Event::kNew;
}

const char* alert_state_name(AlertState s) {
  switch (s) {
    case AlertState::kActive:
      return "active";
    case AlertState::kSuperseded:
      return "superseded";
    case AlertState::kCancelled:
      return "cancelled";
    case AlertState::kExpired:
      return "expired";
  }
  return "?";
}

int sqlite_schema_version() {
  return kSchemaVersion;
}

Result<std::unique_ptr<Store>> open_sqlite(const std::filesystem::path& path,
                                           std::shared_ptr<const Sealer> sealer) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  // SQLite counts every allocation it makes under one process-wide mutex (SQLITE_DEFAULT_MEMSTATUS
  // is 1 in Debian's build); capcast reads none of those counts, and the lock showed on the
  // outbox's hot path (docs/BENCHMARKS.md, smpp_bench "session 9"). It can only be set before
  // SQLite initialises: if something in the process opened a database first, sqlite3_config says
  // SQLITE_MISUSE and the counting stays on, which costs time and nothing else.
  static const int memstatus_off = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)memstatus_off;
  sqlite3* db = nullptr;
  // NOMUTEX: every use of the connection is under SqliteStore::mu_ already; SQLite's own mutex
  // (FULLMUTEX) added a lock and an unlock to every sqlite3_* call of the hot paths.
  int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return Status(Code::kIoError, path.string() + ": cannot open store: " + msg);
  }
  auto store = std::make_unique<SqliteStore>(db, std::move(sealer));
  sqlite3_busy_timeout(db, 5000);
  for (const char* pragma :
       {"PRAGMA journal_mode = WAL", "PRAGMA foreign_keys = ON", "PRAGMA synchronous = FULL"}) {
    if (auto s = store->exec(pragma); !s.ok()) {
      return Status(Code::kIoError, path.string() + ": " + pragma + ": " + s.message());
    }
  }
  if (auto s = store->migrate(); !s.ok()) {
    return Status(s.code(), path.string() + ": " + s.message());
  }
  if (auto s = store->check_sealer(); !s.ok()) {
    return Status(s.code(), path.string() + ": " + s.message());
  }
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace capcast::store
