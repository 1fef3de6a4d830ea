// The enumerated values of CAP 1.2 (§3.2.1, §3.2.2) as C++ enums, with their conversion from and
// to the text of the standard. The model (model.h) keeps each value as written, so that a finding
// can quote it and a message round-trips byte for byte; these give the typed view of it.
// Pure; thread-safe.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "capcast/cap/model.h"

namespace capcast::cap {

enum class Status { kActual, kExercise, kSystem, kTest, kDraft };
enum class MsgType { kAlert, kUpdate, kCancel, kAck, kError };
enum class Scope { kPublic, kRestricted, kPrivate };
enum class Category {
  kGeo,
  kMet,
  kSafety,
  kSecurity,
  kRescue,
  kFire,
  kHealth,
  kEnv,
  kTransport,
  kInfra,
  kCBRNE,
  kOther
};
enum class ResponseType {
  kShelter,
  kEvacuate,
  kPrepare,
  kExecute,
  kAvoid,
  kMonitor,
  kAssess,
  kAllClear,
  kNone
};
enum class Urgency { kImmediate, kExpected, kFuture, kPast, kUnknown };
enum class Severity { kExtreme, kSevere, kModerate, kMinor, kUnknown };
enum class Certainty { kObserved, kLikely, kPossible, kUnlikely, kUnknown };

// Exact, case-sensitive matches of the standard's values; nullopt for anything else.
std::optional<Status> parse_status(std::string_view s);
std::optional<MsgType> parse_msg_type(std::string_view s);
std::optional<Scope> parse_scope(std::string_view s);
std::optional<Category> parse_category(std::string_view s);
std::optional<ResponseType> parse_response_type(std::string_view s);
std::optional<Urgency> parse_urgency(std::string_view s);
std::optional<Severity> parse_severity(std::string_view s);
std::optional<Certainty> parse_certainty(std::string_view s);

std::string_view to_string(Status v);
std::string_view to_string(MsgType v);
std::string_view to_string(Scope v);
std::string_view to_string(Category v);
std::string_view to_string(ResponseType v);
std::string_view to_string(Urgency v);
std::string_view to_string(Severity v);
std::string_view to_string(Certainty v);

// The typed view of the enumerated elements of an alert and an info; a value that is not one
// of the standard's is nullopt (or left out of the lists).
struct TypedAlert {
  std::optional<Status> status;
  std::optional<MsgType> msg_type;
  std::optional<Scope> scope;
};
struct TypedInfo {
  std::vector<Category> categories;
  std::vector<ResponseType> response_types;
  std::optional<Urgency> urgency;
  std::optional<Severity> severity;
  std::optional<Certainty> certainty;
};
TypedAlert typed(const Alert& alert);
TypedInfo typed(const Info& info);

}  // namespace capcast::cap
