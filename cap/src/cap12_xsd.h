// Internal to cap/: the official CAP 1.2 XSD (CAP-v1.2.xsd) as data, for schema_check.cpp.
// Every complex type in it is a sequence of distinct element names, each with its cardinality
// and its simple type (or complex type).
#pragma once

#include <cstddef>
#include <iterator>
#include <span>
#include <string_view>

namespace capcast::cap::xsd {

enum class Kind {
  kString,
  kDateTime,  // xs:dateTime restricted by the CAP pattern
  kInteger,
  kDecimal,
  kLanguage,
  kAnyUri,
  kEnum,
  kComplex,
};

struct Particle;

struct ComplexType {
  const Particle* particles;
  size_t count;
  bool dsig_any_at_end;  // <alert>'s trailing xs:any in the XML-DSig namespace (lax)
};

struct Particle {
  std::string_view name;
  int min;
  int max;  // -1: unbounded
  Kind kind;
  std::span<const std::string_view> values = {};  // kEnum
  const ComplexType* type = nullptr;              // kComplex
};

inline constexpr int kMany = -1;

inline constexpr std::string_view kStatus[] = {"Actual", "Exercise", "System", "Test", "Draft"};
inline constexpr std::string_view kMsgType[] = {"Alert", "Update", "Cancel", "Ack", "Error"};
inline constexpr std::string_view kScope[] = {"Public", "Restricted", "Private"};
inline constexpr std::string_view kCategory[] = {"Geo",       "Met",   "Safety", "Security",
                                                 "Rescue",    "Fire",  "Health", "Env",
                                                 "Transport", "Infra", "CBRNE",  "Other"};
inline constexpr std::string_view kResponse[] = {
    "Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess", "AllClear", "None"};
inline constexpr std::string_view kUrgency[] = {"Immediate", "Expected", "Future", "Past",
                                                "Unknown"};
inline constexpr std::string_view kSeverity[] = {"Extreme", "Severe", "Moderate", "Minor",
                                                 "Unknown"};
inline constexpr std::string_view kCertainty[] = {"Observed", "Likely", "Possible", "Unlikely",
                                                  "Unknown"};

inline constexpr Particle kPairParticles[] = {
    {"valueName", 1, 1, Kind::kString},
    {"value", 1, 1, Kind::kString},
};
inline constexpr ComplexType kPair{kPairParticles, 2, false};

inline constexpr Particle kResourceParticles[] = {
    {"resourceDesc", 1, 1, Kind::kString}, {"mimeType", 1, 1, Kind::kString},
    {"size", 0, 1, Kind::kInteger},        {"uri", 0, 1, Kind::kAnyUri},
    {"derefUri", 0, 1, Kind::kString},     {"digest", 0, 1, Kind::kString},
};
inline constexpr ComplexType kResource{kResourceParticles, 6, false};

inline constexpr Particle kAreaParticles[] = {
    {"areaDesc", 1, 1, Kind::kString},   {"polygon", 0, kMany, Kind::kString},
    {"circle", 0, kMany, Kind::kString}, {"geocode", 0, kMany, Kind::kComplex, {}, &kPair},
    {"altitude", 0, 1, Kind::kDecimal},  {"ceiling", 0, 1, Kind::kDecimal},
};
inline constexpr ComplexType kArea{kAreaParticles, 6, false};

inline constexpr Particle kInfoParticles[] = {
    {"language", 0, 1, Kind::kLanguage},
    {"category", 1, kMany, Kind::kEnum, kCategory},
    {"event", 1, 1, Kind::kString},
    {"responseType", 0, kMany, Kind::kEnum, kResponse},
    {"urgency", 1, 1, Kind::kEnum, kUrgency},
    {"severity", 1, 1, Kind::kEnum, kSeverity},
    {"certainty", 1, 1, Kind::kEnum, kCertainty},
    {"audience", 0, 1, Kind::kString},
    {"eventCode", 0, kMany, Kind::kComplex, {}, &kPair},
    {"effective", 0, 1, Kind::kDateTime},
    {"onset", 0, 1, Kind::kDateTime},
    {"expires", 0, 1, Kind::kDateTime},
    {"senderName", 0, 1, Kind::kString},
    {"headline", 0, 1, Kind::kString},
    {"description", 0, 1, Kind::kString},
    {"instruction", 0, 1, Kind::kString},
    {"web", 0, 1, Kind::kAnyUri},
    {"contact", 0, 1, Kind::kString},
    {"parameter", 0, kMany, Kind::kComplex, {}, &kPair},
    {"resource", 0, kMany, Kind::kComplex, {}, &kResource},
    {"area", 0, kMany, Kind::kComplex, {}, &kArea},
};
inline constexpr ComplexType kInfo{kInfoParticles, 21, false};

inline constexpr Particle kAlertParticles[] = {
    {"identifier", 1, 1, Kind::kString},
    {"sender", 1, 1, Kind::kString},
    {"sent", 1, 1, Kind::kDateTime},
    {"status", 1, 1, Kind::kEnum, kStatus},
    {"msgType", 1, 1, Kind::kEnum, kMsgType},
    {"source", 0, 1, Kind::kString},
    {"scope", 1, 1, Kind::kEnum, kScope},
    {"restriction", 0, 1, Kind::kString},
    {"addresses", 0, 1, Kind::kString},
    {"code", 0, kMany, Kind::kString},
    {"note", 0, 1, Kind::kString},
    {"references", 0, 1, Kind::kString},
    {"incidents", 0, 1, Kind::kString},
    {"info", 0, kMany, Kind::kComplex, {}, &kInfo},
};
inline constexpr ComplexType kAlert{kAlertParticles, 14, true};

// The most particles of any complex type (<info>'s).
inline constexpr size_t kMaxParticles = std::size(kInfoParticles);

}  // namespace capcast::cap::xsd
