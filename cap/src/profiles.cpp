// The CAP profiles. Rules are cited to their profile document; where a rule's exact wording
// could not be checked here it says so. Rule ids are prefixed with the profile's name.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <set>

#include "capcast/cap/datetime.h"
#include "capcast/cap/lifecycle.h"
#include "capcast/cap/profile.h"
#include "capcast/cap/text_fit.h"

namespace capcast::cap {
namespace {

using Out = std::vector<Finding>;

std::string info_path(size_t i) {
  return "/alert/info[" + std::to_string(i + 1) + "]";
}
std::string area_path(size_t i, size_t k) {
  return info_path(i) + "/area[" + std::to_string(k + 1) + "]";
}

bool has_code(const Alert& a, std::string_view prefix) {
  return std::any_of(a.codes.begin(), a.codes.end(),
                     [&](const std::string& c) { return c.rfind(prefix, 0) == 0; });
}

bool blank(const std::optional<std::string>& s) {
  return !s || s->find_first_not_of(" \t\r\n") == std::string::npos;
}

std::set<std::pair<std::string, std::string>> pair_set(const std::vector<ValuePair>& v) {
  std::set<std::pair<std::string, std::string>> out;
  for (const auto& p : v)
    out.emplace(p.value_name, p.value);
  return out;
}

// Rules several profiles share.
void require_code(const Alert& a, std::string_view prefix, const char* rule, const std::string& doc,
                  Out& out) {
  if (!has_code(a, prefix)) {
    out.push_back({Level::kError, "/alert/code", rule,
                   "a <code> " + std::string(prefix) + "… must declare the profile (" + doc + ")"});
  }
}

void update_cancel_references(const Alert& a, const char* rule, const std::string& doc, Out& out) {
  if ((a.msg_type == "Update" || a.msg_type == "Cancel") &&
      parse_references(a.references.value_or("")).empty()) {
    out.push_back({Level::kError, "/alert/references", rule,
                   "an " + a.msg_type + " must reference every related message not yet expired (" +
                       doc + ")"});
  }
}

void info_required(const Alert& a, const char* rule, const std::string& doc, Out& out) {
  if (a.msg_type != "Ack" && a.msg_type != "Error" && a.infos.empty()) {
    out.push_back({Level::kError, "/alert", rule,
                   "a message for public distribution must have an <info> (" + doc + ")"});
  }
}

void same_across_infos(const Alert& a, bool categories, const char* prefix, const std::string& doc,
                       Out& out) {
  for (size_t i = 1; i < a.infos.size(); ++i) {
    if (pair_set(a.infos[i].event_codes) != pair_set(a.infos[0].event_codes)) {
      out.push_back({Level::kError, info_path(i) + "/eventCode",
                     (std::string(prefix) + ".eventcode.match").c_str(),
                     "every <info> must carry the same <eventCode>s (" + doc + ")"});
    }
    if (categories) {
      std::set<std::string> c0(a.infos[0].categories.begin(), a.infos[0].categories.end());
      std::set<std::string> ci(a.infos[i].categories.begin(), a.infos[i].categories.end());
      if (c0 != ci) {
        out.push_back({Level::kError, info_path(i) + "/category",
                       (std::string(prefix) + ".category.match").c_str(),
                       "every <info> must carry the same <category>s (" + doc + ")"});
      }
    }
  }
}

void area_required(const Alert& a, const char* rule, const std::string& doc, Out& out) {
  for (size_t i = 0; i < a.infos.size(); ++i) {
    if (a.infos[i].areas.empty()) {
      out.push_back(
          {Level::kError, info_path(i), rule, "at least one <area> is required (" + doc + ")"});
    }
  }
}

void recommend(bool condition, std::string path, const char* rule, std::string message, Out& out) {
  if (condition) out.push_back({Level::kRecommendation, std::move(path), rule, std::move(message)});
}

// ---- IPAWS v1.0 ------------------------------------------------------------------------------

const std::string kIpawsDoc = "IPAWS CAP profile v1.0";

bool zero_offset(const std::optional<std::string>& t) {
  if (!t) return false;
  auto d = parse_datetime(*t);
  return d && d->offset_minutes == 0;
}

void check_ipaws(const Alert& a, Out& out) {
  require_code(a, "IPAWSv1.0", "ipaws.code", kIpawsDoc, out);
  update_cancel_references(a, "ipaws.references", kIpawsDoc, out);
  same_across_infos(a, true, "ipaws", kIpawsDoc, out);
  area_required(a, "ipaws.area", kIpawsDoc, out);
  if (zero_offset(a.sent)) {
    out.push_back({Level::kWarning, "/alert/sent", "ipaws.sent.offset",
                   "sent has a UTC offset of 0: US alerts are expected in local time with their "
                   "offset (" +
                       kIpawsDoc + ")"});
  }
  for (size_t i = 0; i < a.infos.size(); ++i) {
    const Info& info = a.infos[i];
    std::string p = info_path(i);
    if (blank(info.expires)) {
      out.push_back({Level::kError, p + "/expires", "ipaws.expires",
                     "<expires> is required (" + kIpawsDoc + ")"});
    }
    int same = 0;
    bool same_ok = true;
    for (const auto& ec : info.event_codes) {
      if (ec.value_name == "SAME") {
        ++same;
        same_ok = same_ok && ec.value.size() == 3;
      }
    }
    if (same != 1 || !same_ok) {
      out.push_back({Level::kError, p + "/eventCode", "ipaws.same.eventcode",
                     "exactly one <eventCode> with valueName SAME and a three-letter SAME event "
                     "code is required (" +
                         kIpawsDoc + ")"});
    }
    recommend(!blank(info.effective), p + "/effective", "ipaws.effective.ignored",
              "<effective> is ignored by IPAWS: alerts are effective on issue", out);
    recommend(!blank(info.onset), p + "/onset", "ipaws.onset.ignored",
              "<onset> is ignored by IPAWS: alerts are effective on issue", out);
    recommend(blank(info.description), p, "ipaws.description", "give a <description>", out);
    recommend(blank(info.instruction), p, "ipaws.instruction", "give an <instruction>", out);
    for (size_t k = 0; k < info.areas.size(); ++k) {
      bool same_geo = std::any_of(
          info.areas[k].geocodes.begin(), info.areas[k].geocodes.end(),
          [](const ValuePair& g) { return g.value_name == "SAME" && g.value.size() == 6; });
      recommend(!same_geo, area_path(i, k), "ipaws.same.geocode",
                "a <geocode> SAME with a 6-digit location code should be given (" + kIpawsDoc + ")",
                out);
    }
    // WEA text (47 CFR §10.430; IPAWS: CMAMtext in the GSM 7-bit alphabet for English).
    bool english = !info.language || info.language->rfind("en", 0) == 0;
    for (size_t k = 0; k < info.parameters.size(); ++k) {
      const auto& prm = info.parameters[k];
      size_t limit = prm.value_name == "CMAMtext"       ? kWeaShortChars
                     : prm.value_name == "CMAMlongtext" ? kWeaLongChars
                                                        : 0;
      if (!limit) continue;
      std::string pp = p + "/parameter[" + std::to_string(k + 1) + "]";
      auto fit =
          fits_wea(prm.value, limit,
                   english && limit == kWeaShortChars ? WeaCharset::kGsm7 : WeaCharset::kAny);
      if (!fit.ok()) {
        out.push_back({Level::kError, pp, "ipaws.wea.text", fit.status().message()});
      } else if (!fit->fits) {
        std::string why =
            fit->characters > limit
                ? std::to_string(fit->characters) + " characters, at most " + std::to_string(limit)
                : "character " + std::to_string(fit->first_non_gsm7->index + 1) +
                      " is not in the GSM 7-bit alphabet";
        out.push_back(
            {Level::kError, pp, "ipaws.wea.text",
             prm.value_name + " does not fit a WEA message: " + why + " (47 CFR §10.430)"});
      }
    }
  }
}

bool declares_ipaws(const Alert& a) {
  return has_code(a, "IPAWSv1.0");
}

// ---- CAP-CP ----------------------------------------------------------------------------------

const std::string kCapCpDoc = "CAP-CP Intro and Rules";

void check_capcp(const Alert& a, Out& out) {
  require_code(a, "profile:CAP-CP:", "capcp.code", kCapCpDoc + " rule 3", out);
  info_required(a, "capcp.info", kCapCpDoc + " rule 5", out);
  update_cancel_references(a, "capcp.references", kCapCpDoc + " rule 12", out);
  same_across_infos(a, false, "capcp", kCapCpDoc + " rule 2", out);
  area_required(a, "capcp.area", kCapCpDoc + " rule 10", out);
  bool english = false, french = false;
  for (size_t i = 0; i < a.infos.size(); ++i) {
    const Info& info = a.infos[i];
    std::string p = info_path(i);
    std::string lang = info.language.value_or("en-US");
    english |= lang.rfind("en", 0) == 0;
    french |= lang.rfind("fr", 0) == 0;
    bool event = std::any_of(info.event_codes.begin(), info.event_codes.end(), [](const auto& e) {
      return e.value_name.rfind("profile:CAP-CP:Event:", 0) == 0;
    });
    if (!event) {
      out.push_back({Level::kError, p + "/eventCode", "capcp.eventcode",
                     "an <eventCode> from the CAP-CP Event References (valueName "
                     "profile:CAP-CP:Event:…) is required (" +
                         kCapCpDoc + " rule 8)"});
    }
    for (size_t k = 0; k < info.areas.size(); ++k) {
      bool location = std::any_of(info.areas[k].geocodes.begin(), info.areas[k].geocodes.end(),
                                  [](const auto& g) {
                                    return g.value_name.rfind("profile:CAP-CP:Location:", 0) == 0 ||
                                           g.value_name.find(":CLC") != std::string::npos;
                                  });
      if (!location) {
        out.push_back({Level::kError, area_path(i, k) + "/geocode", "capcp.geocode",
                       "a <geocode> from the CAP-CP Location References (valueName "
                       "profile:CAP-CP:Location:…) is required (" +
                           kCapCpDoc + " rule 9)"});
      }
    }
    recommend(blank(info.expires), p, "capcp.expires", "<expires> is strongly recommended", out);
    recommend(blank(info.sender_name), p, "capcp.sendername",
              "<senderName> is strongly recommended", out);
    recommend(info.response_types.empty(), p, "capcp.responsetype",
              "<responseType> is strongly recommended", out);
    recommend(blank(info.instruction), p, "capcp.instruction",
              "<instruction> is strongly recommended", out);
  }
  recommend(!a.infos.empty() && !(english && french), "/alert", "capcp.languages",
            "give one <info> in English and one in French", out);
}

bool declares_capcp(const Alert& a) {
  return has_code(a, "profile:CAP-CP:");
}

// ---- CAP-AU ----------------------------------------------------------------------------------

const std::string kCapAuDoc = "CAP-AU-STD 1.0";
constexpr std::string_view kCapAuCode = "urn:oasis:names:tc:emergency:cap:1.2:profile:CAP-AU:1.0";
constexpr std::string_view kCapAuEventList = "https://govshare.gov.au/xmlui/handle/10772/6495";

void check_capau(const Alert& a, Out& out) {
  require_code(a, kCapAuCode, "capau.code", kCapAuDoc, out);
  info_required(a, "capau.info", kCapAuDoc, out);
  update_cancel_references(a, "capau.references", kCapAuDoc, out);
  same_across_infos(a, true, "capau", kCapAuDoc, out);
  area_required(a, "capau.area", kCapAuDoc, out);
  std::map<std::string, std::string> event_by_language;
  for (size_t i = 0; i < a.infos.size(); ++i) {
    const Info& info = a.infos[i];
    std::string p = info_path(i);
    int listed = 0;
    for (const auto& ec : info.event_codes)
      listed += ec.value_name == kCapAuEventList;
    if (listed != 1) {
      out.push_back({Level::kError, p + "/eventCode", "capau.eventcode",
                     "exactly one <eventCode> from the AUeventLIST (valueName " +
                         std::string(kCapAuEventList) + ") is required (" + kCapAuDoc + ")"});
    }
    std::string lang = info.language.value_or("en-US");
    auto [it, inserted] = event_by_language.emplace(lang, info.event);
    if (!inserted && it->second != info.event) {
      out.push_back(
          {Level::kError, p + "/event", "capau.event.language",
           "<info> blocks in the same language must name the same <event> (" + kCapAuDoc + ")"});
    }
    if (a.msg_type == "Cancel" && info.effective) {
      out.push_back({Level::kError, p + "/effective", "capau.cancel.effective",
                     "do not use <effective> in a Cancel (" + kCapAuDoc + ")"});
    }
    recommend(blank(info.expires), p, "capau.expires", "<expires> is strongly recommended", out);
    recommend(blank(info.sender_name), p, "capau.sendername",
              "<senderName> is strongly recommended", out);
    recommend(blank(info.instruction), p, "capau.instruction",
              "<instruction> is strongly recommended", out);
  }
  recommend(a.status == "Test", "/alert/status", "capau.test",
            "a Test message is logged only, not broadcast", out);
  recommend(a.sender.find('@') == std::string::npos, "/alert/sender", "capau.sender",
            "the sender should be an e-mail style address of the issuing agency", out);
}

bool declares_capau(const Alert& a) {
  return has_code(a, kCapAuCode);
}

// ---- MeteoAlarm ------------------------------------------------------------------------------

// MeteoAlarm's awareness parameters, as every member service's feed carries them:
// awareness_level "N; colour; Severity" (1 green Minor, 2 yellow Moderate, 3 orange Severe,
// 4 red Extreme) and awareness_type "N; name" (1 wind ... 13 rain-flood). The MeteoAlarm CAP
// profile document itself could not be consulted here: the levels follow the real samples.
const std::string kMeteoalarmDoc = "MeteoAlarm CAP profile";

void check_meteoalarm(const Alert& a, Out& out) {
  static const char* const kLevels[][2] = {{"1; green; Minor", "Minor"},
                                           {"2; yellow; Moderate", "Moderate"},
                                           {"3; orange; Severe", "Severe"},
                                           {"4; red; Extreme", "Extreme"}};
  info_required(a, "meteoalarm.info", kMeteoalarmDoc, out);
  for (size_t i = 0; i < a.infos.size(); ++i) {
    const Info& info = a.infos[i];
    std::string p = info_path(i);
    const ValuePair* level = nullptr;
    const ValuePair* type = nullptr;
    for (const auto& prm : info.parameters) {
      if (prm.value_name == "awareness_level") level = &prm;
      if (prm.value_name == "awareness_type") type = &prm;
    }
    if (!level) {
      out.push_back({Level::kError, p + "/parameter", "meteoalarm.awareness_level",
                     "a <parameter> awareness_level (e.g. \"2; yellow; Moderate\") is required (" +
                         kMeteoalarmDoc + ")"});
    } else {
      // The colour's case varies between member services ("2; Yellow; Moderate" from the UK
      // Met Office): compared without case.
      const char* severity = nullptr;
      for (const auto& l : kLevels) {
        if (level->value.size() == std::strlen(l[0]) &&
            std::equal(level->value.begin(), level->value.end(), l[0], [](char x, char y) {
              return std::tolower(static_cast<unsigned char>(x)) ==
                     std::tolower(static_cast<unsigned char>(y));
            })) {
          severity = l[1];
        }
      }
      if (!severity) {
        out.push_back({Level::kError, p + "/parameter", "meteoalarm.awareness_level",
                       "awareness_level \"" + level->value +
                           "\" is not one of \"1; green; Minor\", \"2; yellow; Moderate\", "
                           "\"3; orange; Severe\", \"4; red; Extreme\""});
      } else if (info.severity != severity) {
        out.push_back({Level::kWarning, p + "/severity", "meteoalarm.severity",
                       "severity " + info.severity + " does not match awareness_level \"" +
                           level->value + "\""});
      }
    }
    if (!type) {
      out.push_back(
          {Level::kError, p + "/parameter", "meteoalarm.awareness_type",
           "a <parameter> awareness_type (e.g. \"1; wind\") is required (" + kMeteoalarmDoc + ")"});
    } else {
      auto semi = type->value.find(';');
      std::string n = type->value.substr(0, semi);
      bool ok = semi != std::string::npos && !n.empty() && n.size() <= 2 &&
                std::all_of(n.begin(), n.end(), ::isdigit) && std::stoi(n) >= 1 &&
                std::stoi(n) <= 13;
      if (!ok) {
        out.push_back({Level::kError, p + "/parameter", "meteoalarm.awareness_type",
                       "awareness_type \"" + type->value + "\" is not \"N; name\" with N 1-13"});
      }
    }
    if (blank(info.expires)) {
      out.push_back({Level::kError, p + "/expires", "meteoalarm.expires",
                     "<expires> is required (" + kMeteoalarmDoc + ")"});
    }
    if (!info.language) {
      out.push_back({Level::kWarning, p, "meteoalarm.language",
                     "give the <language> of each <info>: member services issue several"});
    }
    for (size_t k = 0; k < info.areas.size(); ++k) {
      recommend(info.areas[k].geocodes.empty(), area_path(i, k), "meteoalarm.geocode",
                "give the area's EMMA_ID or NUTS code as a <geocode>", out);
    }
  }
}

bool declares_meteoalarm(const Alert& a) {
  for (const auto& info : a.infos) {
    for (const auto& p : info.parameters) {
      if (p.value_name == "awareness_level") return true;
    }
  }
  return false;
}

}  // namespace

const std::vector<Profile>& profiles() {
  static const std::vector<Profile> kProfiles = {
      {"ipaws", "US IPAWS CAP profile v1.0, with WEA text limits", &declares_ipaws, &check_ipaws},
      {"cap-cp", "Canadian CAP profile (CAP-CP)", &declares_capcp, &check_capcp},
      {"cap-au", "Australian CAP profile (CAP-AU-STD 1.0)", &declares_capau, &check_capau},
      {"meteoalarm", "MeteoAlarm (WMO region VI) warnings", &declares_meteoalarm,
       &check_meteoalarm},
  };
  return kProfiles;
}

const Profile* find_profile(std::string_view name) {
  for (const auto& p : profiles()) {
    if (name == p.name) return &p;
  }
  return nullptr;
}

std::vector<Finding> check_profiles(const Alert& alert, const std::vector<std::string>& names) {
  std::vector<Finding> out;
  std::set<const Profile*> chosen;
  for (const auto& n : names) {
    if (n == "auto") {
      for (const auto& p : profiles()) {
        if (p.declared_by(alert)) chosen.insert(&p);
      }
    } else if (const Profile* p = find_profile(n)) {
      chosen.insert(p);
    }
  }
  for (const auto& p : profiles()) {
    if (chosen.count(&p)) p.check(alert, out);
  }
  return out;
}

}  // namespace capcast::cap
