// One NWS tsunami product as a CAP 1.2 alert. Each rule names its source; the table is in
// docs/sources/nws-tsunami.md.
#include "alert.h"

#include "capcast/cap/datetime.h"
#include "capgen/capgen.h"

namespace capcast::ingest::nws_tsunami {
namespace {

// "2016-04-01T09:22:00-00:00" -> "20160401T0922Z".
std::string compact_utc(int64_t ms) {
  std::string t = cap::format_datetime(ms, 0);
  return t.substr(0, 4) + t.substr(5, 2) + t.substr(8, 2) + "T" + t.substr(11, 2) +
         t.substr(14, 2) + "Z";
}

}  // namespace

std::string identifier(const Product& p) {
  std::string id = "nws-tsunami." + p.cccc + "." + p.ttaaii;
  if (!p.awips_id.empty()) id += "." + p.awips_id;
  id += "." + compact_utc(p.issued_ms);
  if (!p.bbb.empty()) id += "." + p.bbb;
  return id;
}

const KindRule& rule_for(Kind kind) {
  // Warning and Cancellation: as the NTWC itself wrote them in CAP (the real PAAQ-2-lqw6d6
  // "Tsunami Warning" and PAAQ-4-mg5a94 "Tsunami Cancellation", tests/data/cap/). The others
  // follow the NWS definitions of the products (tsunami.gov, "Tsunami Messages") [verify against
  // NWS Directive 10-701 and the CAP-TSU profile]: an advisory warns of strong currents and
  // waves dangerous in or near the water, a watch of a tsunami possible later, a threat message
  // (PTWC international) of hazardous waves possible; an information statement says no (or no
  // destructive) tsunami is expected. A test is about no event.
  static const KindRule kWarning{"Tsunami Warning", "Immediate", "Extreme", "Likely", "Prepare"};
  static const KindRule kAdvisory{"Tsunami Advisory", "Immediate", "Severe", "Likely", "Prepare"};
  static const KindRule kWatch{"Tsunami Watch", "Future", "Severe", "Possible", "Monitor"};
  static const KindRule kThreat{"Tsunami Threat", "Immediate", "Severe", "Possible", "Monitor"};
  static const KindRule kCancellation{"Tsunami Cancellation", "Past", "Unknown", "Unlikely",
                                      "None"};
  static const KindRule kInformation{"Tsunami Information Statement", "Past", "Minor", "Unlikely",
                                     "None"};
  static const KindRule kTest{"Tsunami Communications Test", "Unknown", "Unknown", "Unknown",
                              "None"};
  static const KindRule kOther{"Tsunami", "Unknown", "Unknown", "Unknown", nullptr};
  switch (kind) {
    case Kind::kWarning:
      return kWarning;
    case Kind::kAdvisory:
      return kAdvisory;
    case Kind::kWatch:
      return kWatch;
    case Kind::kThreat:
      return kThreat;
    case Kind::kCancellation:
      return kCancellation;
    case Kind::kInformation:
      return kInformation;
    case Kind::kTest:
      return kTest;
    case Kind::kOther:
      break;
  }
  return kOther;
}

cap::Alert build_alert(const Product& p, const Settings& s) {
  cap::Alert a;
  a.identifier = identifier(p);
  a.sender = s.sender;
  a.sent = cap::format_datetime(p.issued_ms, 0);  // UTC, written "-00:00" (CAP 1.2 §3.3.2)
  a.status = p.test ? "Test" : "Actual";          // CAP 1.2 §3.2.1 status
  a.msg_type = "Alert";
  a.source = p.centre.empty() ? p.cccc : p.centre;
  a.scope = "Public";

  const KindRule& r = rule_for(p.kind);
  cap::Info i;
  i.language = "en-US";
  i.categories = {"Geo"};  // CAP 1.2 §3.2.2 category: "Geophysical (inc. landslide)"
  i.event = r.event;
  if (r.response_type) i.response_types = {r.response_type};
  i.urgency = r.urgency;
  i.severity = r.severity;
  i.certainty = r.certainty;
  // The UGC line's purge time is when the product expires (NWS Directive 10-1702).
  if (p.purge_ms && *p.purge_ms > p.issued_ms) i.expires = cap::format_datetime(*p.purge_ms, 0);
  std::string centre = p.centre.empty() ? "NWS tsunami warning centre " + p.cccc : p.centre;
  i.sender_name = p.issued_by.empty() ? centre : centre + ", issued by " + p.issued_by;
  i.headline = p.title;
  i.description = p.text;

  auto param = [&](const char* name, std::string value) {
    if (!value.empty()) i.parameters.push_back({name, std::move(value)});
  };
  // The names NWS CAP uses for the product's headers (NWS CAP v1.2 profile) ...
  param("WMOidentifier",
        p.ttaaii + " " + p.cccc + " " + p.yygggg + (p.bbb.empty() ? "" : " " + p.bbb));
  param("AWIPSidentifier", p.awips_id);
  if (p.origin) {
    // ... and those the NTWC's own CAP gives the earthquake (PAAQ-2-lqw6d6, tests/data/cap/).
    const Origin& o = *p.origin;
    param("EventOriginTime", cap::format_datetime(o.time_ms, 0));
    param("EventLatLon", capgen::decimal(o.lat, 3) + "," + capgen::decimal(o.lon, 3));
    if (o.magnitude) param("EventPreliminaryMagnitude", capgen::decimal(*o.magnitude, 2));
    param("EventPreliminaryMagnitudeType", o.magnitude_type);
    if (o.depth_km) param("EventDepth", capgen::decimal(*o.depth_km, 1) + " kilometers");
    param("EventLocationName", o.location);

    cap::Area epicentre;
    epicentre.area_desc = !o.location.empty() ? o.location
                                              : "Epicentre " + capgen::decimal(o.lat, 3) + ", " +
                                                    capgen::decimal(o.lon, 3);
    // CAP 1.2 §3.2.4 circle "lat,lon radius", radius 0: the point (as the NTWC writes it).
    epicentre.circles.push_back(capgen::decimal(o.lat, 3) + "," + capgen::decimal(o.lon, 3) + " 0");
    i.areas.push_back(std::move(epicentre));
  }
  if (!p.ugcs.empty()) {
    cap::Area zones;
    zones.area_desc =
        "NWS zones and counties of the product (UGC " + p.ugcs.front() +
        (p.ugcs.size() > 1 ? " and " + std::to_string(p.ugcs.size() - 1) + " more)" : ")");
    for (const auto& u : p.ugcs)
      zones.geocodes.push_back({"UGC", u});  // NWS CAP v1.2 profile: geocode "UGC"
    i.areas.push_back(std::move(zones));
  }
  a.infos.push_back(std::move(i));
  return a;
}

}  // namespace capcast::ingest::nws_tsunami
