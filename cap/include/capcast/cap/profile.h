// CAP profiles: national and regional rules on top of CAP 1.2, selectable by name. Each profile
// is data (a name, the <code> by which an alert declares it, a check function) registered in one
// table. Thread-safe (immutable).
//   ipaws       US IPAWS CAP profile v1.0 (OASIS CAP-v1.2-IPAWS-profile-v1.0), with the WEA
//               text limits of 47 CFR §10.430 (CMAMtext 90, CMAMlongtext 360 characters)
//   cap-cp      Canadian CAP profile (CAP-CP, Intro and Rules, 0.4)
//   cap-au      Australian CAP profile (CAP-AU-STD 1.0)
//   meteoalarm  MeteoAlarm / WMO warnings as exchanged through MeteoAlarm (awareness parameters)
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "capcast/cap/model.h"
#include "capcast/cap/validate.h"

namespace capcast::cap {

struct Profile {
  const char* name;  // what --profile takes
  const char* title;
  bool (*declared_by)(const Alert& alert);  // the alert's <code> names this profile
  void (*check)(const Alert& alert, std::vector<Finding>& out);
};

const std::vector<Profile>& profiles();
const Profile* find_profile(std::string_view name);

// Findings of the named profiles ("auto": every profile the alert declares in its <code>s).
// Unknown names are a usage error for the caller to catch with find_profile first.
std::vector<Finding> check_profiles(const Alert& alert, const std::vector<std::string>& names);

}  // namespace capcast::cap
