// The CAP 1.2 XSD as data. Every complex type in it is a sequence of distinct element names, so a
// single greedy pass over the children decides validity (the schema obeys XSD's Unique Particle
// Attribution). Simple types are checked by their lexical space, after the whiteSpace facet of
// their base type: xs:string preserves whitespace (so " Actual" is not an enumerated value),
// xs:dateTime, xs:integer, xs:decimal, xs:language and xs:anyURI collapse it.
#include "schema_check.h"

#include <cstring>
#include <map>
#include <string>

#include "capcast/cap/parse.h"
#include "capcast/cap/safe_xml.h"

namespace capcast::cap {
namespace {

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
  const char* name;
  int min;
  int max;  // -1: unbounded
  Kind kind;
  const char* const* values = nullptr;  // kEnum: null-terminated list
  const ComplexType* type = nullptr;    // kComplex
};

constexpr int kMany = -1;

const char* const kStatus[] = {"Actual", "Exercise", "System", "Test", "Draft", nullptr};
const char* const kMsgType[] = {"Alert", "Update", "Cancel", "Ack", "Error", nullptr};
const char* const kScope[] = {"Public", "Restricted", "Private", nullptr};
const char* const kCategory[] = {"Geo",   "Met",    "Safety", "Security",  "Rescue",
                                 "Fire",  "Health", "Env",    "Transport", "Infra",
                                 "CBRNE", "Other",  nullptr};
const char* const kResponse[] = {"Shelter", "Evacuate", "Prepare",  "Execute", "Avoid",
                                 "Monitor", "Assess",   "AllClear", "None",    nullptr};
const char* const kUrgency[] = {"Immediate", "Expected", "Future", "Past", "Unknown", nullptr};
const char* const kSeverity[] = {"Extreme", "Severe", "Moderate", "Minor", "Unknown", nullptr};
const char* const kCertainty[] = {"Observed", "Likely", "Possible", "Unlikely", "Unknown", nullptr};

const Particle kPairParticles[] = {
    {"valueName", 1, 1, Kind::kString},
    {"value", 1, 1, Kind::kString},
};
const ComplexType kPair{kPairParticles, 2, false};

const Particle kResourceParticles[] = {
    {"resourceDesc", 1, 1, Kind::kString}, {"mimeType", 1, 1, Kind::kString},
    {"size", 0, 1, Kind::kInteger},        {"uri", 0, 1, Kind::kAnyUri},
    {"derefUri", 0, 1, Kind::kString},     {"digest", 0, 1, Kind::kString},
};
const ComplexType kResource{kResourceParticles, 6, false};

const Particle kAreaParticles[] = {
    {"areaDesc", 1, 1, Kind::kString},   {"polygon", 0, kMany, Kind::kString},
    {"circle", 0, kMany, Kind::kString}, {"geocode", 0, kMany, Kind::kComplex, nullptr, &kPair},
    {"altitude", 0, 1, Kind::kDecimal},  {"ceiling", 0, 1, Kind::kDecimal},
};
const ComplexType kArea{kAreaParticles, 6, false};

const Particle kInfoParticles[] = {
    {"language", 0, 1, Kind::kLanguage},
    {"category", 1, kMany, Kind::kEnum, kCategory},
    {"event", 1, 1, Kind::kString},
    {"responseType", 0, kMany, Kind::kEnum, kResponse},
    {"urgency", 1, 1, Kind::kEnum, kUrgency},
    {"severity", 1, 1, Kind::kEnum, kSeverity},
    {"certainty", 1, 1, Kind::kEnum, kCertainty},
    {"audience", 0, 1, Kind::kString},
    {"eventCode", 0, kMany, Kind::kComplex, nullptr, &kPair},
    {"effective", 0, 1, Kind::kDateTime},
    {"onset", 0, 1, Kind::kDateTime},
    {"expires", 0, 1, Kind::kDateTime},
    {"senderName", 0, 1, Kind::kString},
    {"headline", 0, 1, Kind::kString},
    {"description", 0, 1, Kind::kString},
    {"instruction", 0, 1, Kind::kString},
    {"web", 0, 1, Kind::kAnyUri},
    {"contact", 0, 1, Kind::kString},
    {"parameter", 0, kMany, Kind::kComplex, nullptr, &kPair},
    {"resource", 0, kMany, Kind::kComplex, nullptr, &kResource},
    {"area", 0, kMany, Kind::kComplex, nullptr, &kArea},
};
const ComplexType kInfo{kInfoParticles, 21, false};

const Particle kAlertParticles[] = {
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
    {"info", 0, kMany, Kind::kComplex, nullptr, &kInfo},
};
const ComplexType kAlert{kAlertParticles, 14, true};

constexpr std::string_view kDsigNs = "http://www.w3.org/2000/09/xmldsig#";
constexpr std::string_view kXsiNs = "http://www.w3.org/2001/XMLSchema-instance";

bool is_xml_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// The whiteSpace="collapse" facet (XML Schema Part 2 §4.3.6).
std::string collapse(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (is_xml_space(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool is_integer(std::string_view s) {
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  return all_digits(s);
}

bool is_decimal(std::string_view s) {
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  auto dot = s.find('.');
  if (dot == std::string_view::npos) return all_digits(s);
  std::string_view whole = s.substr(0, dot), frac = s.substr(dot + 1);
  if (whole.empty() && frac.empty()) return false;
  return (whole.empty() || all_digits(whole)) && (frac.empty() || all_digits(frac));
}

// xs:language: [a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*
bool is_language(std::string_view s) {
  size_t i = 0;
  bool first = true;
  while (true) {
    size_t n = 0;
    while (i < s.size() && s[i] != '-') {
      char c = s[i];
      bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      bool digit = c >= '0' && c <= '9';
      if (!(alpha || (!first && digit))) return false;
      ++n;
      ++i;
    }
    if (n < 1 || n > 8) return false;
    if (i == s.size()) return true;
    ++i;  // '-'
    first = false;
  }
}

bool leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

// The CAP pattern \d\d\d\d-\d\d-\d\dT\d\d:\d\d:\d\d[-,+]\d\d:\d\d on a value that must also be
// an xs:dateTime: the comma the pattern admits is not a valid sign, months and days must exist,
// 24:00:00 is the end of the day (XSD 1.0 §3.2.7), offsets lie within ±14:00.
bool is_cap_datetime(std::string_view s) {
  if (s.size() != 25) return false;
  const char* shape = "dddd-dd-ddTdd:dd:dd?dd:dd";
  for (size_t i = 0; i < 25; ++i) {
    char want = shape[i];
    if (want == 'd' && (s[i] < '0' || s[i] > '9')) return false;
    if (want != 'd' && want != '?' && s[i] != want) return false;
  }
  if (s[19] != '+' && s[19] != '-') return false;
  auto num = [&](size_t pos, size_t n) { return std::stoi(std::string(s.substr(pos, n))); };
  int y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2),
      sec = num(17, 2), oh = num(20, 2), om = num(23, 2);
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y == 0 || mo < 1 || mo > 12 || d < 1) return false;
  if (d > (mo == 2 && leap(y) ? 29 : kDays[mo - 1])) return false;
  if (mi > 59 || sec > 59) return false;
  if (h > 24 || (h == 24 && (mi != 0 || sec != 0))) return false;
  if (om > 59 || oh * 60 + om > 14 * 60) return false;
  return true;
}

class Checker {
 public:
  explicit Checker(std::vector<Finding>& out) : out_(out) {}

  void alert(pugi::xml_node root) {
    attributes(root, "/alert");
    complex(root, kAlert, "/alert");
  }

 private:
  void error(const std::string& path, const char* rule, std::string message) {
    out_.push_back({Level::kError, path, rule, std::move(message) + " (CAP-v1.2.xsd)"});
  }

  // Complex types in CAP declare no attributes: only namespace declarations and the xsi:
  // attributes every element may carry are allowed.
  void attributes(pugi::xml_node n, const std::string& path) {
    for (auto a : n.attributes()) {
      std::string_view name(a.name());
      if (name == "xmlns" || name.rfind("xmlns:", 0) == 0) continue;
      auto colon = name.find(':');
      if (colon != std::string_view::npos) {
        std::string decl = "xmlns:" + std::string(name.substr(0, colon));
        std::string_view ns;
        for (pugi::xml_node p = n; p && p.type() == pugi::node_element; p = p.parent()) {
          if (auto d = p.attribute(decl.c_str())) {
            ns = d.value();
            break;
          }
        }
        // xsi:schemaLocation and kin are allowed anywhere (XML Schema Part 1 §3.4.1); xsi:nil,
        // whatever its value, only on nillable elements (§3.3.4 clause 3.1), and no CAP element
        // is nillable; xsi:type is not followed here.
        std::string_view local = name.substr(colon + 1);
        if (ns == kXsiNs && (local == "schemaLocation" || local == "noNamespaceSchemaLocation")) {
          continue;
        }
        if (ns == kXsiNs && local == "nil") {
          error(path, "schema.attribute",
                "<" + std::string(local_name(n.name())) +
                    "> is not nillable: xsi:nil is not allowed on it");
          continue;
        }
      }
      error(path, "schema.attribute",
            "attribute '" + std::string(name) + "' is not allowed on <" +
                std::string(local_name(n.name())) + ">");
    }
  }

  // Text directly inside an element of complex type (other than whitespace) is not allowed.
  void no_text(pugi::xml_node n, const std::string& path) {
    for (auto c : n.children()) {
      if (c.type() != pugi::node_pcdata && c.type() != pugi::node_cdata) continue;
      std::string_view v(c.value());
      for (char ch : v) {
        if (!is_xml_space(ch)) {
          error(path, "schema.text",
                "text is not allowed directly in <" + std::string(local_name(n.name())) + ">");
          return;
        }
      }
    }
  }

  void complex(pugi::xml_node n, const ComplexType& type, const std::string& path) {
    no_text(n, path);
    size_t p = 0;                      // current particle
    int seen = 0;                      // occurrences of particle p so far
    std::map<std::string, int> index;  // element name -> occurrences, for the paths
    for (auto c : n.children()) {
      if (c.type() != pugi::node_element) continue;
      std::string name(local_name(c.name()));
      std::string_view ns = namespace_of(c);
      std::string child_path = path + "/" + name + "[" + std::to_string(++index[name]) + "]";
      if (ns != kNs12) {
        if (type.dsig_any_at_end && ns == kDsigNs) {
          // The trailing xs:any: every CAP particle must be complete before it.
          for (; p < type.count; ++p, seen = 0) {
            if (seen < type.particles[p].min) missing(path, type.particles[p]);
          }
          continue;  // processContents="lax": its content is not checked here
        }
        error(child_path, "schema.namespace",
              "<" + name + "> in namespace \"" + std::string(ns) + "\" is not allowed here");
        continue;
      }
      // Advance to the particle that matches, requiring each skipped one to be complete.
      size_t q = p;
      while (q < type.count && name != type.particles[q].name)
        ++q;
      if (q == type.count) {
        bool known_earlier = false;
        for (size_t k = 0; k < p; ++k)
          known_earlier |= name == type.particles[k].name;
        if (p >= type.count && type.dsig_any_at_end && known_earlier) {
          error(child_path, "schema.order", "<" + name + "> after the signature");
        } else if (known_earlier) {
          error(child_path, "schema.order",
                "<" + name + "> is out of order: it must come before <" +
                    (p < type.count ? type.particles[p].name : "the end") + ">");
        } else {
          error(child_path, "schema.unknown",
                "<" + name + "> is not a CAP 1.2 element of <" + std::string(local_name(n.name())) +
                    ">");
        }
        continue;
      }
      if (q == p) {
        ++seen;
      } else {
        if (seen < type.particles[p].min) missing(path, type.particles[p]);
        for (size_t k = p + 1; k < q; ++k) {
          if (type.particles[k].min > 0) missing(path, type.particles[k]);
        }
        p = q;
        seen = 1;
      }
      const Particle& part = type.particles[p];
      if (part.max != kMany && seen > part.max) {
        error(child_path, "schema.cardinality",
              "<" + name + "> may appear at most " + std::to_string(part.max) + " time" +
                  (part.max == 1 ? "" : "s") + " here");
      }
      attributes(c, child_path);
      if (part.kind == Kind::kComplex) {
        complex(c, *part.type, child_path);
      } else {
        simple(c, part, child_path);
      }
    }
    if (p < type.count && seen < type.particles[p].min) missing(path, type.particles[p]);
    for (size_t k = p + 1; k < type.count; ++k) {
      if (type.particles[k].min > 0) missing(path, type.particles[k]);
    }
  }

  void missing(const std::string& path, const Particle& part) {
    error(path, "schema.missing", "required element <" + std::string(part.name) + "> is missing");
  }

  void simple(pugi::xml_node n, const Particle& part, const std::string& path) {
    for (auto c : n.children()) {
      if (c.type() == pugi::node_element) {
        error(path, "schema.content",
              "<" + std::string(part.name) + "> holds text only, not the element <" +
                  std::string(local_name(c.name())) + ">");
        return;
      }
    }
    std::string text = text_of(n);
    switch (part.kind) {
      case Kind::kString:
      case Kind::kAnyUri:  // xs:anyURI: libxml2 and XSD 1.0 accept nearly any string
        return;
      case Kind::kEnum:
        for (const char* const* v = part.values; *v; ++v) {
          if (text == *v) return;
        }
        error(path, "schema.enum",
              "\"" + text + "\" is not a value of <" + part.name +
                  ">; allowed: " + join(part.values));
        return;
      case Kind::kDateTime:
        if (!is_cap_datetime(collapse(text))) {
          error(path, "schema.datetime",
                "\"" + text + "\" is not a date-time of the form YYYY-MM-DDThh:mm:ss+hh:mm");
        }
        return;
      case Kind::kInteger:
        if (!is_integer(collapse(text))) {
          error(path, "schema.integer", "\"" + text + "\" is not an integer");
        }
        return;
      case Kind::kDecimal:
        if (!is_decimal(collapse(text))) {
          error(path, "schema.decimal", "\"" + text + "\" is not a decimal number");
        }
        return;
      case Kind::kLanguage:
        if (!is_language(collapse(text))) {
          error(path, "schema.language",
                "\"" + text + "\" is not a language tag (xs:language, e.g. en-US)");
        }
        return;
      case Kind::kComplex:
        return;
    }
  }

  static std::string join(const char* const* values) {
    std::string out;
    for (const char* const* v = values; *v; ++v)
      out += (out.empty() ? "" : ", ") + std::string(*v);
    return out;
  }

  std::vector<Finding>& out_;
};

}  // namespace

void check_schema(const pugi::xml_document& doc, std::vector<Finding>& out) {
  pugi::xml_node root = doc.document_element();
  if (local_name(root.name()) != "alert" || namespace_of(root) != kNs12) {
    out.push_back({Level::kError, "/", "schema.root",
                   "the root element must be <alert> in namespace " + std::string(kNs12) +
                       " (CAP-v1.2.xsd)"});
    return;
  }
  Checker(out).alert(root);
}

}  // namespace capcast::cap
