#include "cbs/profile_config.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

#include "capcast/cap/enums.h"

namespace capcast::dispatch::cbs {

using config::Key;
using config::Type;

namespace {

Key text(const char* name, bool required, const char* help) {
  return Key{name, Type::kString, std::nullopt, required, false, help};
}

Key list(const char* name, const char* help) {
  return Key{name, Type::kStringArray, std::nullopt, false, false, help};
}

Key number(const char* name, const char* help) {
  return Key{name, Type::kInt, std::nullopt, false, false, help};
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names)
    out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string joined_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines)
    out += (out.empty() ? "" : "\n") + l;
  return out;
}

bool is_builtin(std::string_view name) {
  return builtin_profile(name) != nullptr;
}

// Errors and warnings as "file:line:column: [[cbs_rule]] #2 'NL-Alert national': key: what".
class Findings {
 public:
  void error(const config::Section& s, const std::string& key, const std::string& what) {
    errors_.push_back(line(s, key, what));
  }
  void warn(const config::Section& s, const std::string& key, const std::string& what) {
    warnings_.push_back(line(s, key, what));
  }
  const std::vector<std::string>& errors() const { return errors_; }
  std::vector<std::string>& warnings() { return warnings_; }

 private:
  static std::string line(const config::Section& s, const std::string& key,
                          const std::string& what) {
    const std::string who = s.name() == "cbs_rule" ? s.get_string("label") : s.get_string("name");
    return s.location_of(key).to_string() + ": " + s.label() +
           (who.empty() ? "" : " '" + who + "'") + ": " + key + ": " + what;
  }

  std::vector<std::string> errors_;
  std::vector<std::string> warnings_;
};

// Every value of the list must be one of CAP's (compared exactly, as match() does).
template <typename Parse>
void check_values(Findings& f, const config::Section& s, const char* key, Parse parse,
                  const char* allowed, const char* rule) {
  for (const auto& v : s.get_strings(key)) {
    if (!parse(v)) {
      f.error(s, key, "'" + v + "' is not a CAP value: " + allowed + ", spelled so (" + rule + ")");
    }
  }
}

void check_pairs(Findings& f, const config::Section& s, const char* key) {
  for (const auto& v : s.get_strings(key)) {
    const auto eq = v.find('=');
    if (eq == std::string::npos || eq == 0) {
      f.error(s, key, "'" + v + "' is not \"valueName=value\" (e.g. \"SAME=EAN\")");
    }
  }
}

// TS 23.041 §9.4.1.2.2 Message Identifier ranges. An identifier for the SIM (data download) or
// the reserved 0xFFFF never reaches the user: refused. One outside the public warning range
// (4352-6399, and 6400 EU-Info, ETSI TS 102 900) is allowed, since some countries also
// broadcast on a channel a user can enable by hand (919 on older handsets), but handsets do not
// treat it as a warning: said, not refused.
std::optional<uint16_t> identifier(Findings& f, const config::Section& s, const char* key) {
  if (!s.has(key)) return std::nullopt;
  const int64_t id = s.get_int(key);
  if (id < 0 || id > 65535) {
    f.error(s, key,
            std::to_string(id) +
                " is not a message identifier: 0 to 65535 (16 bits, "
                "TS 23.041 §9.4.1.2.2)");
  } else if (id == 65535) {
    f.error(s, key, "65535 (0xFFFF) is reserved (TS 23.041 §9.4.1.2.2)");
  } else if (id >= 4096 && id <= 4351) {
    f.error(s, key,
            std::to_string(id) +
                " is in 4096-4351, for SIM data download: handsets hand it to the SIM "
                "and never show it (TS 23.041 §9.4.1.2.2)");
  } else if ((id < 4352 || id > 6399) && id != msgid::kEuInfo) {
    f.warn(s, key,
           std::to_string(id) +
               " is outside the public warning range 4352-6399 (TS 23.041 §9.4.1.2.2): "
               "handsets show it only where the user enabled that channel, without "
               "an alert tone");
  }
  if (id < 0 || id > 65535) return std::nullopt;
  return static_cast<uint16_t>(id);
}

std::optional<EtwsWarningType> etws_type(std::string_view name) {
  static const std::map<std::string_view, EtwsWarningType> kTypes = {
      {"earthquake", EtwsWarningType::kEarthquake},
      {"tsunami", EtwsWarningType::kTsunami},
      {"earthquake-and-tsunami", EtwsWarningType::kEarthquakeAndTsunami},
      {"test", EtwsWarningType::kTest},
      {"other", EtwsWarningType::kOther}};
  auto it = kTypes.find(name);
  if (it == kTypes.end()) return std::nullopt;
  return it->second;
}

Rule rule_of(Findings& f, const config::Section& s) {
  Rule r;
  r.label = s.get_string("label");
  r.status = s.get_strings("status");
  r.event_codes = s.get_strings("event_codes");
  r.event_contains = s.get_strings("event_contains");
  r.categories = s.get_strings("categories");
  r.parameters = s.get_strings("parameters");
  r.severity = s.get_strings("severity");
  r.urgency = s.get_strings("urgency");
  r.certainty = s.get_strings("certainty");
  r.broadcast = s.get_bool("broadcast");
  if (r.label.empty()) f.error(s, "label", "must say what the identifier means");
  check_values(f, s, "status", cap::parse_status, "Actual, Exercise, System, Test, Draft",
               "CAP 1.2 §3.2.1");
  check_values(f, s, "categories", cap::parse_category,
               "Geo, Met, Safety, Security, Rescue, Fire, Health, Env, Transport, Infra, CBRNE, "
               "Other",
               "CAP 1.2 §3.2.2");
  check_values(f, s, "severity", cap::parse_severity, "Extreme, Severe, Moderate, Minor, Unknown",
               "CAP 1.2 §3.2.2");
  check_values(f, s, "urgency", cap::parse_urgency, "Immediate, Expected, Future, Past, Unknown",
               "CAP 1.2 §3.2.2");
  check_values(f, s, "certainty", cap::parse_certainty,
               "Observed, Likely, Possible, Unlikely, Unknown", "CAP 1.2 §3.2.2");
  check_pairs(f, s, "event_codes");
  check_pairs(f, s, "parameters");
  for (const auto& v : s.get_strings("event_contains")) {
    if (v.empty()) f.error(s, "event_contains", "an empty text would match every <event>");
  }
  if (!r.broadcast) {
    for (const char* key : {"message_id", "additional_id", "etws"}) {
      if (s.has(key)) {
        f.error(s, key,
                "a rule with broadcast = false sends nothing: leave out " + std::string(key));
      }
    }
    return r;
  }
  auto id = identifier(f, s, "message_id");
  if (!s.has("message_id")) {
    f.error(s, "message_id",
            "missing: the identifier the matching alerts go out with (or "
            "broadcast = false)");
  }
  r.message_id = id.value_or(0);
  r.additional_id = identifier(f, s, "additional_id");
  if (s.has("etws")) {
    r.etws = etws_type(s.get_string("etws"));
    if (!r.etws) {
      f.error(s, "etws",
              "'" + s.get_string("etws") +
                  "' is not an ETWS warning type: earthquake, tsunami, "
                  "earthquake-and-tsunami, test, other (TS 23.041 §9.3.24)");
    }
    if (id && (*id < msgid::kEtwsEarthquake || *id > 4359)) {
      f.error(s, "message_id",
              std::to_string(*id) + " is not an ETWS identifier: 4352-4359 (TS 23.041 §9.4.1.2.2)");
    }
    if (s.has("additional_id")) {
      f.error(s, "additional_id",
              "ETWS identifiers have no additional-language counterparts (TS 23.041 §9.4.1.2.2)");
    }
  }
  return r;
}

}  // namespace

config::SectionSpec profile_section() {
  config::SectionSpec s;
  s.name = "cbs_profile";
  s.help =
      "a cell broadcast profile of the operator's own: the [[cbs_rule]]s naming it, in file "
      "order, then its base's rules; channels and `capcast cbs encode --config` use it by name";
  s.repeated = true;
  s.keys = {
      text("name", true, "the profile's name, for a channel's profile key; not a built-in's"),
      text("base", false,
           "a built-in profile (wea, cmas, eu-alert, etws) whose rules follow this one's; none: "
           "an alert no rule matches is not broadcast"),
      text("primary_language", false,
           "ISO 639-1 language of the primary identifier, e.g. nl (default: the base's, else "
           "the first <info>)"),
      number("max_chars",
             "most characters of text per message (default: the base's, else 0: "
             "what 15 pages hold)"),
  };
  return s;
}

config::SectionSpec rule_section() {
  config::SectionSpec s;
  s.name = "cbs_rule";
  s.help =
      "a rule of a [[cbs_profile]]: the first of a profile's rules whose conditions all hold for "
      "the alert and its primary <info> gives the message identifier (TS 23.041 §9.4.1.2.2); a "
      "list holds when one of its values does, CAP values spelled as CAP 1.2 does";
  s.repeated = true;
  s.keys = {
      text("profile", true, "the name of the [[cbs_profile]] this rule belongs to"),
      text("label", true,
           "what the identifier means, e.g. \"NL-Alert national\" (shown by cbs "
           "encode and in reasons)"),
      list("status", "<status>: Actual, Exercise, System, Test, Draft"),
      list("event_codes",
           "<eventCode>s, \"valueName=value\", e.g. \"SAME=EAN\"; with "
           "event_contains, either holds"),
      list("event_contains", "texts an <event> contains, without case"),
      list("categories", "<category>: Geo, Met, Safety, ... CBRNE, Other"),
      list("parameters", "<parameter>s, \"valueName=value\""),
      list("severity", "<severity>: Extreme, Severe, Moderate, Minor, Unknown"),
      list("urgency", "<urgency>: Immediate, Expected, Future, Past, Unknown"),
      list("certainty", "<certainty>: Observed, Likely, Possible, Unlikely, Unknown"),
      number("message_id",
             "the message identifier, 0-65534; public warning: 4352-6399 (TS 23.041 "
             "§9.4.1.2.2); required unless broadcast = false"),
      number("additional_id",
             "the identifier for further <info> languages (e.g. 4383 for 4370); none: only the "
             "primary language goes out"),
      text("etws", false,
           "an ETWS primary notification too (TS 23.041 §9.3.24): earthquake, tsunami, "
           "earthquake-and-tsunami, test, other; message_id 4352-4359"),
      Key{"broadcast", Type::kBool, config::Value{true}, false, false,
          "false: alerts this rule matches are not broadcast, and the label says why"},
  };
  return s;
}

Result<OperatorProfiles> operator_profiles(const config::Document& doc) {
  Findings f;
  OperatorProfiles out;
  std::map<std::string, const config::Section*> where;
  std::set<std::string> refused;  // names refused above: their rules need no error of their own
  for (const auto& s : doc.entries("cbs_profile")) {
    Profile p;
    p.name = s.get_string("name");
    if (p.name.empty()) {
      f.error(s, "name", "must not be empty");
      continue;
    }
    if (is_builtin(p.name)) {
      f.error(s, "name",
              "'" + p.name + "' is a built-in profile (" + joined(builtin_profile_names()) +
                  "): name yours otherwise, with base = \"" + p.name + "\" to extend it");
      refused.insert(p.name);
      continue;
    }
    if (where.count(p.name)) {
      f.error(s, "name",
              "a profile named '" + p.name + "' exists already, at " +
                  where[p.name]->where().to_string());
      continue;
    }
    where[p.name] = &s;
    if (s.has("base")) {
      const Profile* base = builtin_profile(s.get_string("base"));
      if (base == nullptr) {
        f.error(s, "base",
                "'" + s.get_string("base") + "' is not a built-in profile (" +
                    joined(builtin_profile_names()) + ")");
      } else {
        p.primary_language = base->primary_language;
        p.max_chars = base->max_chars;
      }
    }
    if (s.has("primary_language")) {
      const std::string lang = s.get_string("primary_language");
      const bool ok =
          (lang.size() == 2 || lang.size() == 3) &&
          std::all_of(lang.begin(), lang.end(), [](char c) { return c >= 'a' && c <= 'z'; });
      if (!ok) {
        f.error(s, "primary_language",
                "'" + lang + "' is not a language code: ISO 639-1, lower case, e.g. \"nl\"");
      }
      p.primary_language = lang;
    }
    if (s.has("max_chars")) {
      if (s.get_int("max_chars") < 0) f.error(s, "max_chars", "must be 0 or more");
      p.max_chars = static_cast<size_t>(std::max<int64_t>(0, s.get_int("max_chars")));
    }
    out.profiles.push_back(std::move(p));
  }
  for (const auto& s : doc.entries("cbs_rule")) {
    Rule r = rule_of(f, s);
    const std::string name = s.get_string("profile");
    auto it = std::find_if(out.profiles.begin(), out.profiles.end(),
                           [&](const Profile& p) { return p.name == name; });
    if (it == out.profiles.end()) {
      if (refused.count(name) == 0) {
        std::vector<std::string> names;
        for (const auto& p : out.profiles)
          names.push_back(p.name);
        f.error(s, "profile",
                "no [[cbs_profile]] is named '" + name + "'" +
                    (names.empty() ? std::string(" (there is none)")
                                   : " (there are: " + joined(names) + ")"));
      }
      continue;
    }
    it->rules.push_back(std::move(r));
  }
  // The base's rules after the profile's own: the operator's rule wins where both match.
  for (auto& p : out.profiles) {
    const auto& s = *where[p.name];
    const Profile* base = s.has("base") ? builtin_profile(s.get_string("base")) : nullptr;
    if (base != nullptr) {
      p.rules.insert(p.rules.end(), base->rules.begin(), base->rules.end());
    } else if (p.rules.empty() && !s.has("base")) {
      f.error(s, "name",
              "no [[cbs_rule]] names this profile and it has no base: nothing would "
              "ever be broadcast");
    }
  }
  if (!f.errors().empty()) return Status(Code::kInvalidArgument, joined_lines(f.errors()));
  out.warnings = std::move(f.warnings());
  return out;
}

Result<Profile> find_profile(std::string_view name, const config::Document* doc) {
  if (const Profile* p = builtin_profile(name)) return *p;
  std::string known = joined(builtin_profile_names());
  if (doc != nullptr) {
    auto ops = operator_profiles(*doc);
    if (!ops.ok()) return ops.status();
    for (const auto& p : ops->profiles) {
      if (p.name == name) return p;
      known += ", " + p.name;
    }
  }
  return invalid_argument(
      "unknown profile '" + std::string(name) + "' (" + known +
      (doc == nullptr ? "; a [[cbs_profile]] of yours needs its configuration" : "") + ")");
}

}  // namespace capcast::dispatch::cbs
