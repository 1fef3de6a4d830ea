// Internals of the nws-tsunami format: one product as a CAP 1.2 alert. Pure; thread-safe.
#pragma once

#include <string>

#include "capcast/cap/model.h"
#include "product.h"

namespace capcast::ingest::nws_tsunami {

struct Settings {
  std::string sender;
};

// "nws-tsunami.PHEB.SEHW70.EQIHWX.20160401T0922Z": the centre, the WMO heading, the AWIPS id,
// the issue time (and the heading's BBB, a correction being another message); the same for
// every poll of the same product.
std::string identifier(const Product& p);

// CAP 1.2 §3.2.2 urgency, severity and certainty, and the event, of a product kind.
struct KindRule {
  const char* event;
  const char* urgency;
  const char* severity;
  const char* certainty;
  const char* response_type;  // nullptr: none written
};
const KindRule& rule_for(Kind kind);

cap::Alert build_alert(const Product& p, const Settings& s);

}  // namespace capcast::ingest::nws_tsunami
