#include "json_cap.h"

#include <cctype>

#include "capcast/cap/datetime.h"
#include "capcast/cap/enums.h"
#include "capcast/cap/serialize.h"
#include "capcast/cap/validate.h"

namespace capcast::ingest::json_cap {
namespace {

std::string kind_of(const Json& v) {
  return std::string("a JSON ") + v.type_name();
}

// A pair's value: strings as written, numbers and booleans as JSON writes them; nullopt for
// null and for objects and arrays (`bad` tells which).
std::optional<std::string> value_text(const Json& v, bool* bad) {
  *bad = false;
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number() || v.is_boolean()) return v.dump();
  *bad = !v.is_null();
  return std::nullopt;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

}  // namespace

std::optional<Json> parse(std::string_view text, std::string* why) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    if (why) *why = "not JSON (or truncated, or not UTF-8)";
    return std::nullopt;
  }
  return j;
}

void Problems::fail(const std::string& field, const std::string& what) {
  failed_ = true;
  messages_.push_back(where_ + ": " + field + ": " + what + "; alert not converted");
}

void Problems::note(const std::string& field, const std::string& what) {
  messages_.push_back(where_ + ": " + field + ": " + what);
}

void Problems::flush_to(Extracted& out) const {
  out.problems.insert(out.problems.end(), messages_.begin(), messages_.end());
}

const Json* member(const Json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

bool absent_or_empty(const Json* v) {
  if (!v) return true;
  if (!v->is_array()) return false;
  for (const auto& e : *v)
    if (!e.is_null()) return false;
  return true;
}

std::optional<std::string> text(const Json* v, const std::string& field, Problems& pr) {
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    pr.fail(field, "is " + kind_of(*v) + ", not a string");
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::string required_text(const Json* v, const std::string& field, Problems& pr) {
  if (!v) {
    pr.fail(field, "is missing (CAP 1.2 requires it)");
    return {};
  }
  return text(v, field, pr).value_or("");
}

std::optional<std::string> scalar(const Json* v, const std::string& field, Problems& pr) {
  if (!v) return std::nullopt;
  bool bad = false;
  auto s = value_text(*v, &bad);
  if (bad) pr.fail(field, "is " + kind_of(*v) + ", not a string or a number");
  return s;
}

std::vector<std::string> texts(const Json* v, const std::string& field, Problems& pr) {
  std::vector<std::string> out;
  if (!v) return out;
  if (v->is_string()) return {v->get<std::string>()};
  if (!v->is_array()) {
    pr.fail(field, "is " + kind_of(*v) + ", not a string or an array of strings");
    return out;
  }
  for (size_t i = 0; i < v->size(); ++i) {
    const Json& e = (*v)[i];
    if (e.is_null()) continue;
    if (!e.is_string()) {
      pr.fail(field + "[" + std::to_string(i) + "]", "is " + kind_of(e) + ", not a string");
      continue;
    }
    out.push_back(e.get<std::string>());
  }
  return out;
}

std::optional<std::string> datetime(const Json* v, const std::string& field, Problems& pr) {
  auto s = text(v, field, pr);
  if (!s) return std::nullopt;
  std::string why;
  auto cap = to_cap_datetime(*s, &why);
  if (!cap) pr.fail(field, "\"" + *s + "\" " + why);
  return cap;
}

std::vector<cap::ValuePair> pairs_from_object(const Json* v, const std::string& field,
                                              Problems& pr) {
  std::vector<cap::ValuePair> out;
  if (!v) return out;
  if (!v->is_object()) {
    pr.fail(field, "is " + kind_of(*v) + ", not an object of name: [values]");
    return out;
  }
  for (const auto& item : v->items()) {
    // Named, not a structured binding: clang 14 (the fuzzer's compiler) cannot capture one.
    const std::string& name = item.key();
    const Json& values = item.value();
    std::string f = field + "." + name;
    auto take = [&](const Json& e, const std::string& where) {
      bool bad = false;
      auto s = value_text(e, &bad);
      if (bad) pr.fail(where, "is " + kind_of(e) + ", not a string or a number");
      if (s) out.push_back({name, *s});
    };
    if (values.is_array()) {
      for (size_t i = 0; i < values.size(); ++i)
        take(values[i], f + "[" + std::to_string(i) + "]");
    } else {
      take(values, f);
    }
  }
  return out;
}

std::vector<cap::ValuePair> pairs_from_array(const Json* v, const std::string& field,
                                             Problems& pr) {
  std::vector<cap::ValuePair> out;
  if (!v) return out;
  if (!v->is_array() && !v->is_object()) {
    pr.fail(field, "is " + kind_of(*v) + ", not an array of {valueName, value}");
    return out;
  }
  auto one = [&](const Json& e, const std::string& f) {
    if (!e.is_object()) {
      pr.fail(f, "is " + kind_of(e) + ", not {valueName, value}");
      return;
    }
    std::string name = required_text(member(e, "valueName"), f + ".valueName", pr);
    const Json* value = member(e, "value");
    if (!value) {
      pr.fail(f + ".value", "is missing (CAP 1.2 §3.2.2 requires it)");
      return;
    }
    auto s = scalar(value, f + ".value", pr);
    if (s && !pr.failed()) out.push_back({name, *s});
  };
  if (v->is_object()) {
    one(*v, field);
  } else {
    for (size_t i = 0; i < v->size(); ++i)
      one((*v)[i], field + "[" + std::to_string(i) + "]");
  }
  return out;
}

std::optional<std::string> to_cap_datetime(std::string_view s, std::string* why) {
  auto fail = [&](std::string m) -> std::optional<std::string> {
    if (why) *why = std::move(m);
    return std::nullopt;
  };
  const char* kForm = "is not a date-time of the form YYYY-MM-DDThh:mm:ss+hh:mm (CAP 1.2 §3.3.2)";
  if (s.size() < 19) return fail(kForm);
  std::string out(s.substr(0, 19));
  if (out[10] == 't') out[10] = 'T';  // RFC 3339 §5.6 allows lower case
  size_t i = 19;
  if (i < s.size() && s[i] == '.') {  // fractional seconds: CAP's form has none
    size_t start = ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
      ++i;
    if (i == start) return fail(kForm);
  }
  std::string_view off = s.substr(i);
  std::string offset;
  if (off == "Z" || off == "z") {
    offset = "-00:00";
  } else if (off.size() == 6 && (off[0] == '+' || off[0] == '-') && off[3] == ':') {
    offset = std::string(off);
  } else if (off.size() == 5 && (off[0] == '+' || off[0] == '-')) {  // ISO 8601 basic ±hhmm
    offset = std::string(off.substr(0, 3)) + ":" + std::string(off.substr(3));
  } else if (off.empty()) {
    return fail("has no UTC offset: the instant is unknown (CAP 1.2 §3.3.2)");
  } else {
    return fail(kForm);
  }
  // CAP 1.2 §3.3.2: "The timezone for UTC MUST be represented as -00:00".
  if (offset == "+00:00") offset = "-00:00";
  out += offset;
  std::string w;
  if (!cap::parse_datetime(out, &w)) return fail(w);
  return out;
}

std::optional<std::vector<std::string>> reference_triples(std::string_view refs, std::string* why) {
  std::vector<std::string> out;
  size_t i = 0;
  int n = 0;
  while (i < refs.size()) {
    while (i < refs.size() && is_space(refs[i]))
      ++i;
    if (i >= refs.size()) break;
    size_t end = i;
    while (end < refs.size() && !is_space(refs[end]))
      ++end;
    std::string_view t = refs.substr(i, end - i);
    i = end;
    ++n;
    std::string where = "reference " + std::to_string(n) + " \"" + std::string(t) + "\"";
    auto c1 = t.find(','), c2 = t.rfind(',');
    if (c1 == std::string_view::npos || c1 == c2) {
      if (why) *why = where + " is not sender,identifier,sent (CAP 1.2 §3.2.1)";
      return std::nullopt;
    }
    std::string_view sender = t.substr(0, c1), id = t.substr(c1 + 1, c2 - c1 - 1);
    auto bad = [](std::string_view x) {
      return x.empty() || x.find_first_of(",<&") != std::string_view::npos;
    };
    if (bad(sender) || bad(id)) {
      if (why) *why = where + " is not sender,identifier,sent (CAP 1.2 §3.2.1)";
      return std::nullopt;
    }
    std::string w;
    auto sent = to_cap_datetime(t.substr(c2 + 1), &w);
    if (!sent) {
      if (why) *why = where + ": its sent " + w;
      return std::nullopt;
    }
    out.push_back(std::string(sender) + "," + std::string(id) + "," + *sent);
  }
  return out;
}

void emit(const cap::Alert& alert, Problems& pr, Extracted& out) {
  if (!pr.failed()) {
    std::string xml = cap::serialize(alert);
    auto report = cap::validate(xml);
    for (const auto& f : report.findings) {
      if (f.level == cap::Level::kError) pr.fail(f.path, f.message + " [" + f.rule + "]");
    }
    if (!pr.failed()) out.documents.push_back(std::move(xml));
  }
  pr.flush_to(out);
}

void read_info_members(const Json& j, const std::string& prefix, const InfoSpelling& spelling,
                       Problems& pr, cap::Info& i) {
  auto field = [&](const char* name) { return prefix + name; };
  auto pairs = [&](const char* name) {
    return spelling.pairs_as_objects ? pairs_from_object(member(j, name), field(name), pr)
                                     : pairs_from_array(member(j, name), field(name), pr);
  };
  i.categories =
      enum_texts(member(j, "category"), field("category"), pr, cap::parse_category, kCategory);
  if (absent_or_empty(member(j, "category"))) {
    pr.fail(field("category"), "is missing (CAP 1.2 §3.2.2 requires one)");
  }
  i.event = required_text(member(j, "event"), field("event"), pr);
  i.response_types = enum_texts(member(j, spelling.response_types), field(spelling.response_types),
                                pr, cap::parse_response_type, kResponse);
  i.urgency =
      enum_text(member(j, "urgency"), field("urgency"), pr, cap::parse_urgency, kUrgency, true)
          .value_or("");
  i.severity =
      enum_text(member(j, "severity"), field("severity"), pr, cap::parse_severity, kSeverity, true)
          .value_or("");
  i.certainty = enum_text(member(j, "certainty"), field("certainty"), pr, cap::parse_certainty,
                          kCertainty, true)
                    .value_or("");
  i.audience = text(member(j, "audience"), field("audience"), pr);
  i.event_codes = pairs("eventCode");
  i.effective = datetime(member(j, "effective"), field("effective"), pr);
  i.onset = datetime(member(j, "onset"), field("onset"), pr);
  i.expires = datetime(member(j, "expires"), field("expires"), pr);
  i.sender_name = text(member(j, "senderName"), field("senderName"), pr);
  i.headline = text(member(j, "headline"), field("headline"), pr);
  i.description = text(member(j, "description"), field("description"), pr);
  i.instruction = text(member(j, "instruction"), field("instruction"), pr);
  i.web = text(member(j, "web"), field("web"), pr);
  i.contact = text(member(j, "contact"), field("contact"), pr);
  i.parameters = pairs(spelling.parameters);
}

}  // namespace capcast::ingest::json_cap
