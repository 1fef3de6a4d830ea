// The templates from which cap_corpus.cpp generates "typical" CAP 1.2 alerts: hazards (with the
// CAP codes agencies use for them), their wording in five languages, and issuing regions modelled
// on real feeds (NWS/IPAWS, NAADS, DWD, MeteoSwiss, Brazil's Defesa Civil, NSW RFS): sender,
// languages, geocode schemes, place names, parameters. Constant data; thread-safe.
#pragma once

#include <cstddef>

namespace capcast::bench {

inline constexpr int kLanguages = 5;  // en, es, fr, de, pt (indices into kLanguageText)
inline constexpr int kHazards = 7;    // indices into kHazardTable and LanguageText::hazard

// What one hazard is called and said in one language. "%P" stands for a place name.
struct HazardText {
  const char* event;
  const char* description[3];
  const char* instruction;
};

struct LanguageText {
  const char* for_word;  // "Flood Warning <for> Cleveland County"
  HazardText hazard[kHazards];
  const char* generic[4];  // sentences any description may end with
};

// CAP 1.2 §3.2.2 values for one hazard.
struct Hazard {
  const char* category;
  const char* second_category;  // nullptr: one <category>
  const char* same_code;        // EAS/SAME event code (47 CFR 11.31)
  const char* slug;             // the event in profiles that name it in words
  const char* response;
  const char* urgency;
  const char* severity;
  const char* certainty;
  bool circle;  // the area is a circle around an epicentre rather than a polygon
};

// A <geocode>: valueName, then a fixed prefix and `digits` random digits.
struct GeocodeScheme {
  const char* name;
  const char* prefix;
  int digits;
};

struct Region {
  const char* id;
  double lat_lo, lat_hi, lon_lo, lon_hi;  // where its areas lie
  int utc_offset_minutes;
  const char* sender;
  const char* sender_name;
  const char* identifier_prefix;
  const char* code;       // <code>, or nullptr
  const char* ns_prefix;  // "" for the default namespace, else e.g. "cap" (CAP-AU feeds)
  int languages;
  const char* language_tags[3];
  int language_base[3];  // index into kLanguageText
  unsigned hazards;      // bit h: hazard h is issued here
  const char* event_code_name;
  bool event_code_is_slug;  // the eventCode value is Hazard::slug, not the SAME code
  GeocodeScheme geocodes[2];
  const char* places[6];
  const char* web;
  const char* contact;  // or nullptr
  int parameters;
  const char* parameter[6][2];
};

extern const LanguageText kLanguageText[kLanguages];
extern const Hazard kHazardTable[kHazards];
extern const Region kRegions[];
extern const size_t kRegionCount;

}  // namespace capcast::bench
