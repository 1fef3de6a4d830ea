// Store: capcast's durable state behind a narrow interface, so that the embedded SQLite default
// can later be joined by a shared PostgreSQL for several nodes. Holds the alerts as received
// (unique on sender, identifier, sent), the delivery outbox, and each source's polling state.
// Implementations are thread-safe: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capcast/core/result.h"
#include "capcast/store/sealer.h"

namespace capcast::store {

// What an alert brings to its incident (CAP 1.2 §3.2.1 msgType), and the expiry capcast notices
// itself (§3.2.2 expires). Channels are told which one a delivery carries.
enum class Event { kNew, kUpdated, kCancelled, kExpired, kAck, kError };
const char* event_name(Event e);  // "new", "updated", "cancelled", "expired", "ack", "error"
Event event_of_msg_type(std::string_view msg_type);  // Alert (and anything unknown) -> kNew

// An alert's place in the lifecycle: in force, superseded by an Update, retracted by a Cancel,
// or past its <expires>. Cancelled and superseded win over expired (cap/lifecycle.h).
enum class AlertState { kActive, kSuperseded, kCancelled, kExpired };
const char* alert_state_name(AlertState s);

// A (sender, identifier, sent) triple of a <references> value.
struct AlertRef {
  std::string sender;
  std::string identifier;
  std::string sent;
};

// The people one channel sends an alert to, by phone number (E.164, e.g. "+254700000001"), or
// by the id of a recipient already stored (a subscriber found by targeting).
struct ChannelRecipients {
  std::string channel;
  std::vector<std::string> numbers;
  std::vector<int64_t> ids;
};

// A person who subscribed to warnings. Location and registered areas decide which alerts reach
// them (dispatch/targeting.h); the number is sealed like every recipient's.
struct Subscriber {
  std::string number;  // in clear when written; empty in what the store returns
  std::string masked;  // "+2547******01"
  int64_t recipient_id = 0;
  std::vector<std::string> languages;  // RFC 5646 tags, most preferred first
  std::optional<double> lat;           // home location, WGS 84 degrees
  std::optional<double> lon;
  std::vector<std::string> geocodes;  // registered areas, "NAME=value" (CAP <geocode>)
  std::vector<std::string> channels;  // channel names to be reached on; empty: any
};

// Where and when an earthquake began, as an alert gives it (the CAP parameters EventOriginTime
// and EventLatLon): alerts of different senders whose origins are within kOriginLinkMs and
// kOriginLinkKm of each other are about the same quake and are linked like a shared event key.
struct EventOrigin {
  int64_t time_ms = 0;  // UTC
  double lat = 0;       // degrees, WGS 84
  double lon = 0;
};
// USGS's own association of earthquake solutions from different networks uses 16 s and 100 km
// (PDL, gov.usgs.earthquake.indexer.DefaultAssociator). The tsunami centres' text gives the
// origin time to the minute only (up to 59 s early) and a preliminary solution: 90 s covers
// the minute and USGS's 16 s with a margin; 100 km is USGS's distance, ten times the 0.1 degree
// rounding of their epicentre.
inline constexpr int64_t kOriginLinkMs = 90'000;
inline constexpr double kOriginLinkKm = 100.0;

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
  // The messages an Update or Cancel supersedes or retracts: every triple of <references>.
  std::vector<AlertRef> references;
  // Keys that name the physical event across feeds, e.g. "usgs:us70006s89" for the USGS id
  // that both the USGS feed and GDACS give an earthquake: alerts of different senders that
  // share one are the same event (AcceptResult::linked, Store::linked).
  std::vector<std::string> event_keys;
  // The earthquake the alert is about, when it gives one: links it by time and place too.
  std::optional<EventOrigin> origin;
  // Its deliveries jump the queue (claim_due takes them first): a Cancel, an Update of an
  // Extreme alert, an Immediate and Extreme alert.
  bool urgent = false;
  // An Update or Cancel also gets a delivery on every channel that an alert it references has
  // one on, whatever the channels passed to accept_alert: whoever was told of an incident hears
  // of its update and its end, even when routing would not send the new message there (a Cancel
  // without <info>, a severity lowered below a route's minimum).
  bool follow_references = false;
  // Channels that deliver to people one by one (SMS): one delivery per number instead of one
  // for the channel, the numbers kept sealed (sealer.h; open_sqlite needs a Sealer for them)
  // and each number once per channel. For an Update or Cancel with follow_references, the
  // people who received (or are being sent) an alert it references on such a channel are added
  // to its numbers there: whoever was warned hears of the update and of the end, and nobody
  // else does through that follow-up.
  std::vector<ChannelRecipients> recipients;
};

// What a Cancel (CAP 1.2 §3.2.1 msgType) with NewAlert::follow_references does, on one
// channel, for a target (the channel, or one person on a channel to people) whose delivery of
// an alert it cancels was still pending (not attempted yet, or waiting for a retry). Either way
// that delivery is dead-lettered ("cancelled by (sender, identifier) before delivery").
enum class CancelPending {
  // The target gets no Cancel either: it never heard of the alert. Default for deliveries to
  // people (recipient_id <> 0).
  kCancel,
  // The target gets the Cancel instead. Default for channel-level deliveries (recipient_id 0).
  kNotify,
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
  Event event = Event::kNew;
  AlertState state = AlertState::kActive;
  std::optional<int64_t> replaced_by;  // the Update or Cancel that ended it
};

struct AcceptResult {
  int64_t alert_id = 0;
  bool inserted = false;  // false: a duplicate of an alert already stored; nothing changed
  Event event = Event::kNew;
  // Its state once stored: not kActive when a Cancel or Update that references it came first.
  AlertState state = AlertState::kActive;
  // Stored alerts this one superseded or cancelled, and its references not stored (yet).
  std::vector<int64_t> ended;
  int unresolved = 0;
  // Stored alerts of other senders about the same physical event (a shared event key, or an
  // earthquake origin close enough in time and place).
  std::vector<int64_t> linked;
};

// An alert that passed its <expires>, as expire_due() reports it.
struct Expired {
  int64_t alert_id = 0;
  std::string sender;
  std::string identifier;
};

enum class DeliveryState { kPending, kInFlight, kDelivered, kRetrying, kDead };
const char* state_name(DeliveryState s);

struct Delivery {
  int64_t id = 0;
  int64_t alert_id = 0;
  std::string channel;
  Event event = Event::kNew;
  int priority = 1;  // 0: urgent, claimed before the others (NewAlert::urgent)
  DeliveryState state = DeliveryState::kPending;
  int attempts = 0;
  int64_t next_attempt_ms = 0;
  std::string last_error;
  // For a delivery to one person (NewAlert::recipients): the recipient's id, and the number in
  // clear, opened by claim_due and kept in memory only (never logged: core/redact.h).
  int64_t recipient_id = 0;
  std::string recipient;
  std::string recipient_masked;  // "+2547*****12": what logs and status pages may show
  std::vector<std::string> recipient_languages;  // a subscriber's, most preferred first
  // Set by claim_due when this one number could not be opened (a damaged row; the number
  // masked): the engine fails the attempt with it instead of handing the channel no number.
  std::string recipient_error;
};

// One part of a delivery as the peer acknowledged it (an SMS part: the SMSC's message id), and
// what the peer reported of it since (a delivery receipt).
struct DeliveryPart {
  int64_t delivery_id = 0;
  int part = 0;            // 0-based
  std::string message_id;  // as the peer gave it
  std::string state;       // "submitted", or the receipt's state (e.g. "DELIVRD", "UNDELIV")
  bool final = false;      // the receipt was final: nothing more will be reported
  int64_t updated_ms = 0;
};

// Who claims: one channel's deliveries or all (empty), and the lease holder (an engine
// instance id; empty for a process that owns the store alone).
struct ClaimScope {
  std::string channel;
  std::string owner;
};

// The outcome of one attempt, as Store::finish_attempts records it.
struct Finish {
  int64_t delivery_id = 0;
  DeliveryState state = DeliveryState::kPending;
  int64_t next_attempt_ms = 0;
  std::string error;
  // The claim is given back unattempted (its channel went down before the attempt): the
  // attempt the claim counted is taken back too.
  bool unattempted = false;
  // The peer's ids of the parts it accepted (e.g. one SMSC message id per SMS part), recorded
  // with a delivered outcome so that later receipts can be matched (record_receipt).
  std::vector<std::string> message_ids;
};

// A receipt the peer sent later about one part (an SMPP delivery receipt).
struct Receipt {
  // The keys the part's id may be stored under (an SMSC may write the id of its receipts in
  // another base than the id of its submit_sm_resp): tried in order, the first that matches wins.
  std::vector<std::string> message_id_keys;
  std::string state;  // "DELIVRD", "UNDELIV", ...
  bool final = true;
  int64_t at_ms = 0;
};

// Cell broadcast: one CAP incident (an alert and its Updates) on one channel.
struct CbsIncident {
  int64_t id = 0;
  int message_code = 0;    // TS 23.041 §9.4.1.2.1, 10 bits
  int update_number = -1;  // of the messages last written; -1: none yet
  std::string on_air;      // the channel's JSON of the messages on air ("[]": none)
  bool created = false;    // allocated by this call
};

// What a BSC (or CBC) said about one cell for one message.
struct CbsCell {
  std::string peer;  // host:port
  int message_id = 0;
  int serial = 0;
  std::string cell;  // "mcc-mnc-lac-ci"
  bool ok = false;
  int cause = -1;                     // TS 48.049 §8.2.13 when !ok
  int64_t broadcasts_completed = -1;  // when the peer reported it
  int64_t at_ms = 0;
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
  // The lifecycle is applied in the same transaction (CAP 1.2 §3.2.1 msgType, references): an
  // Update supersedes and a Cancel retracts every stored alert it references (a Cancel wins over
  // an Update), and their deliveries not yet attempted are dead-lettered with the reason, since
  // the newer message replaces them. A reference to an alert not stored yet is kept and applied
  // when that alert arrives: it is then stored superseded or cancelled, with its deliveries
  // dead-lettered, so arrival order does not decide what is sent. What a Cancel with
  // follow_references sends where its alerts were still pending: set_cancel_pending.
  virtual Result<AcceptResult> accept_alert(const NewAlert& alert,
                                            const std::vector<std::string>& channels) = 0;
  // The newest alerts by sent time, at most `limit`.
  virtual Result<std::vector<AlertRow>> recent_alerts(int limit) = 0;
  virtual Result<std::optional<AlertRow>> find_alert(int64_t id) = 0;

  // Claims up to `limit` deliveries that are due at now_ms (pending, or retrying with
  // next_attempt_ms <= now_ms), on scope.channel only unless it is empty, marks them in flight
  // under a lease held by scope.owner from now_ms, and returns them: urgent ones first, then
  // oldest first.
  virtual Result<std::vector<Delivery>> claim_due(int64_t now_ms, int limit,
                                                  const ClaimScope& scope = {}) = 0;
  // Records the outcome of an attempt on a claimed delivery.
  virtual Status finish_attempt(int64_t delivery_id, DeliveryState state, int64_t next_attempt_ms,
                                const std::string& error) = 0;
  // The same for many, in one transaction (one fsync for a batch of outcomes).
  virtual Status finish_attempts(const std::vector<Finish>& batch) = 0;
  // Puts back to pending the deliveries in flight for which take_back(lease holder, claimed
  // at) is true (the holder's process died, or its lease ran out); returns how many.
  virtual Result<int64_t> recover_in_flight(
      const std::function<bool(const std::string& owner, int64_t claimed_ms)>& take_back) = 0;
  // Every delivery in flight: for a process that owns the store alone, at start.
  Result<int64_t> recover_in_flight() {
    return recover_in_flight([](const std::string&, int64_t) { return true; });
  }
  // The alerts that alert_id superseded or cancelled (AlertRow::replaced_by), oldest first.
  virtual Result<std::vector<AlertRow>> replaced_by(int64_t alert_id) = 0;
  // Marks every active alert whose <expires> is at or before now_ms as expired and gives each
  // Alert or Update among them one pending delivery with Event::kExpired per channel named
  // (those that act on expiry, e.g. clearing a retained message) on which the alert was
  // delivered or is in flight; returns them.
  virtual Result<std::vector<Expired>> expire_due(int64_t now_ms,
                                                  const std::vector<std::string>& channels) = 0;
  // When the next pending or retrying delivery (of `channel`; of any when empty) falls due, if
  // any.
  virtual Result<std::optional<int64_t>> next_due_ms(const std::string& channel) = 0;
  Result<std::optional<int64_t>> next_due_ms() { return next_due_ms(std::string()); }
  // An alert's deliveries, recipients by their masked numbers (recipient stays empty).
  virtual Result<std::vector<Delivery>> deliveries_of(int64_t alert_id) = 0;
  // Alerts of other senders that share an event key with this one (NewAlert::event_keys), or
  // whose earthquake origin is within kOriginLinkMs and kOriginLinkKm of its own.
  virtual Result<std::vector<int64_t>> linked(int64_t alert_id) = 0;

  virtual Result<std::optional<SourceState>> load_source(const std::string& name) = 0;
  virtual Status save_source(const SourceState& state) = 0;
  virtual Result<std::vector<SourceState>> sources() = 0;

  virtual Result<Stats> stats() = 0;

  // Records a receipt on the part it is about, on `channel`; the part, or nullopt when no part
  // has that id (a receipt for a message capcast did not send, or sent before the part was
  // recorded).
  virtual Result<std::optional<DeliveryPart>> record_receipt(const std::string& channel,
                                                             const Receipt& receipt) = 0;
  virtual Result<std::vector<DeliveryPart>> parts_of(int64_t delivery_id) = 0;

  // Cell broadcast: an incident's state on one channel (dispatch/channels/cbs/plan.h). The
  // incident of `alert` is the one it was planned in before (a retry), else that of the first of
  // `references` planned on this channel, else a new one with the next message code (0..1023,
  // round robin) that no incident with messages on air holds. kUnavailable when all 1,024 do.
  virtual Result<CbsIncident> cbs_incident(const std::string& channel, const AlertRef& alert,
                                           const std::vector<AlertRef>& references) = 0;
  // Makes accept_alert allocate, in its own transaction, the incident of each alert it gives a
  // delivery on `channel` (what cbs_incident would do at the delivery), so that the delivery's
  // path reads its message code instead of committing one: a cell broadcast channel asks for
  // this when it gets the store (issue 7, accepted alert -> WRITE-REPLACE latency: one fsync,
  // not two). on = false: no longer.
  virtual void cbs_allocate_on_accept(const std::string& channel, bool on) = 0;
  // Sets `channel`'s CancelPending policy for the Cancels accept_alert takes from then on
  // (the dispatch engine passes each channel's configured cancel_pending once, at start).
  // A channel never set keeps the defaults (CancelPending).
  virtual void set_cancel_pending(const std::string& channel, CancelPending policy) = 0;
  // Records what was done once the peers confirmed it: the incident's update number and the
  // messages on air (opaque text: the channel's own JSON; "[]" when none), and that `alert`
  // belongs to the incident. An incident with nothing on air frees its message code.
  virtual Status cbs_save(const std::string& channel, int64_t incident_id, const AlertRef& alert,
                          int update_number, const std::string& on_air, bool on_air_any) = 0;
  // What a peer said about each cell (CBSP's per-cell COMPLETE / FAILURE lists), replacing what
  // it said before about the same (peer, message id, serial, cell).
  virtual Status cbs_record_cells(const std::string& channel,
                                  const std::vector<CbsCell>& cells) = 0;
  virtual Result<std::vector<CbsCell>> cbs_cells(const std::string& channel, int message_id,
                                                 int serial) = 0;

  // Subscribers: added or replaced by number, in one transaction; how many were written.
  virtual Result<int64_t> upsert_subscribers(const std::vector<Subscriber>& subscribers) = 0;
  // Ordered by recipient id; numbers masked.
  virtual Result<std::vector<Subscriber>> list_subscribers(int limit, int offset) = 0;
  // False when no subscriber has that number. Deliveries already made keep their recipient.
  virtual Result<bool> remove_subscriber(const std::string& number) = 0;
  // Candidates for an alert's area: subscribers located in the box (min_lon > max_lon: the box
  // crosses the antimeridian), and subscribers registered for any of the geocodes.
  virtual Result<std::vector<Subscriber>> subscribers_in_box(double min_lat, double max_lat,
                                                             double min_lon, double max_lon) = 0;
  virtual Result<std::vector<Subscriber>> subscribers_with_geocodes(
      const std::vector<std::string>& geocodes) = 0;
};

// Opens (creating if needed) a SQLite store: WAL mode, foreign keys on, migrations applied.
// `sealer` seals recipients' numbers (sealer.h); without one, an alert with recipients is
// refused (kInvalidArgument) and nothing is stored in clear.
Result<std::unique_ptr<Store>> open_sqlite(const std::filesystem::path& path,
                                           std::shared_ptr<const Sealer> sealer = nullptr);

// The schema version open_sqlite migrates to.
int sqlite_schema_version();

}  // namespace capcast::store
