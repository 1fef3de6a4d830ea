// Layer 1 of validation: the CAP 1.2 XSD (cap12_xsd.h) checked on the pugixml tree. Every
// complex type in it is a sequence of distinct element names, so a single greedy pass over the
// children decides validity (the schema obeys XSD's Unique Particle Attribution). Simple types
// are checked by their lexical space, after the whiteSpace facet of their base type: xs:string
// preserves whitespace (so " Actual" is not an enumerated value), xs:dateTime, xs:integer,
// xs:decimal, xs:language and xs:anyURI collapse it.
//
// Most documents have no finding, so nothing is built for one in advance: an element's path is
// rendered from a chain of Places only when a finding is emitted, and text is read in place.
#include "schema_check.h"

#include <map>
#include <string>
#include <string_view>

#include "cap12_xsd.h"
#include "capcast/cap/parse.h"
#include "capcast/cap/safe_xml.h"

namespace capcast::cap {
namespace {

using xsd::ComplexType;
using xsd::Kind;
using xsd::kMany;
using xsd::Particle;

constexpr std::string_view kDsigNs = "http://www.w3.org/2000/09/xmldsig#";
constexpr std::string_view kXsiNs = "http://www.w3.org/2001/XMLSchema-instance";

bool is_xml_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// What the checks of the collapsing types below see. The whiteSpace="collapse" facet (XML
// Schema Part 2 §4.3.6) trims the value and turns each inner run of whitespace into one space;
// none of those checks accepts a space or any other whitespace, so checking the trimmed value
// gives the same answer without building the collapsed one.
std::string_view trim(std::string_view s) {
  while (!s.empty() && is_xml_space(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_xml_space(s.back()))
    s.remove_suffix(1);
  return s;
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
  auto num = [&](size_t pos, size_t n) {  // digits, checked above
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i)
      v = v * 10 + (s[i] - '0');
    return v;
  };
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

// An element's place in the document: its path is rendered from the chain only when a finding
// needs it ("/alert/info[2]/area[1]"; the root is "/alert", whatever its prefix).
struct Place {
  const Place* parent;    // null for the root
  std::string_view name;  // the local name
  int index;              // among the parent's element children of that local name, from 1
};

std::string path_of(const Place& place) {
  const Place* chain[8];  // the XSD nests at most 5 deep (alert/info/area/geocode/value)
  size_t n = 0;
  for (const Place* p = &place; p && n < std::size(chain); p = p->parent)
    chain[n++] = p;
  std::string out;
  while (n > 0) {
    const Place& p = *chain[--n];
    out += '/';
    out += p.name;
    if (p.parent) out += "[" + std::to_string(p.index) + "]";
  }
  return out;
}

// "cap:" of "cap:alert", "" of "alert".
std::string_view prefix_of(const char* qname) {
  return std::string_view(qname, static_cast<size_t>(local_name(qname).data() - qname));
}

// Whether the attributes from `first` on include a namespace declaration.
bool declares_namespace(pugi::xml_attribute first) {
  for (pugi::xml_attribute a = first; a; a = a.next_attribute()) {
    if (std::string_view(a.name()).rfind("xmlns", 0) == 0) return true;
  }
  return false;
}

class Checker {
 public:
  explicit Checker(std::vector<Finding>& out) : out_(out) {}

  void alert(pugi::xml_node root) {
    Place place{nullptr, "alert", 0};
    attributes(root, place);
    complex(root, xsd::kAlert, place, prefix_of(root.name()));
  }

 private:
  Finding error_at(const Place& place, const char* rule, std::string message) {
    return {Level::kError, path_of(place), rule, std::move(message) + " (CAP-v1.2.xsd)"};
  }
  void error(const Place& place, const char* rule, std::string message) {
    out_.push_back(error_at(place, rule, std::move(message)));
  }

  // Complex types in CAP declare no attributes: only namespace declarations and the xsi:
  // attributes every element may carry are allowed.
  void attributes(pugi::xml_node n, const Place& place) {
    for (pugi::xml_attribute a = n.first_attribute(); a; a = a.next_attribute()) {
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
          error(place, "schema.attribute",
                "<" + std::string(local_name(n.name())) +
                    "> is not nillable: xsi:nil is not allowed on it");
          continue;
        }
      }
      error(place, "schema.attribute",
            "attribute '" + std::string(name) + "' is not allowed on <" +
                std::string(local_name(n.name())) + ">");
    }
  }

  // `n` is in the CAP 1.2 namespace; `prefix` is that of its name.
  void complex(pugi::xml_node n, const ComplexType& type, const Place& place,
               std::string_view prefix) {
    // Text directly inside an element of complex type (other than whitespace) is not allowed;
    // reported once, before the findings about the children, as if checked first.
    const size_t first_finding = out_.size();
    bool text_reported = false;
    size_t p = 0;  // current particle
    int seen = 0;  // occurrences of particle p so far
    // Occurrences of each local name so far, for the paths: by particle, and for the names of
    // no particle (foreign or unknown elements, rare) in a map.
    int occurrences[xsd::kMaxParticles] = {};
    std::map<std::string_view, int> other_occurrences;
    for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
      pugi::xml_node_type node_type = c.type();
      if (node_type == pugi::node_pcdata || node_type == pugi::node_cdata) {
        if (!text_reported && !trim(c.value()).empty()) {
          text_reported = true;
          out_.insert(out_.begin() + static_cast<ptrdiff_t>(first_finding),
                      error_at(place, "schema.text",
                               "text is not allowed directly in <" +
                                   std::string(local_name(n.name())) + ">"));
        }
        continue;
      }
      if (node_type != pugi::node_element) continue;
      const char* qname = c.name();
      const std::string_view name = local_name(qname);
      const std::string_view child_prefix(qname, static_cast<size_t>(name.data() - qname));
      // The particle of that name: at or after p (q < count), else before it (k < p).
      size_t q = p, k = 0;
      while (q < type.count && name != type.particles[q].name)
        ++q;
      if (q == type.count) {
        while (k < p && name != type.particles[k].name)
          ++k;
      }
      int index = q < type.count ? ++occurrences[q]
                  : k < p        ? ++occurrences[k]
                                 : ++other_occurrences[name];
      Place child{&place, name, index};
      const pugi::xml_attribute first_attribute = c.first_attribute();
      // Without declarations of its own, a child with its parent's prefix is in its parent's
      // namespace; otherwise it is looked up.
      std::string_view ns =
          child_prefix == prefix && !declares_namespace(first_attribute) ? kNs12 : namespace_of(c);
      if (ns != kNs12) {
        if (type.dsig_any_at_end && ns == kDsigNs) {
          // The trailing xs:any: every CAP particle must be complete before it.
          for (; p < type.count; ++p, seen = 0) {
            if (seen < type.particles[p].min) missing(place, type.particles[p]);
          }
          continue;  // processContents="lax": its content is not checked here
        }
        error(child, "schema.namespace",
              "<" + std::string(name) + "> in namespace \"" + std::string(ns) +
                  "\" is not allowed here");
        continue;
      }
      // Advance to the particle that matches, requiring each skipped one to be complete.
      if (q == type.count) {
        bool known_earlier = k < p;
        if (p >= type.count && type.dsig_any_at_end && known_earlier) {
          error(child, "schema.order", "<" + std::string(name) + "> after the signature");
        } else if (known_earlier) {
          error(child, "schema.order",
                "<" + std::string(name) + "> is out of order: it must come before <" +
                    (p < type.count ? std::string(type.particles[p].name) : "the end") + ">");
        } else {
          error(child, "schema.unknown",
                "<" + std::string(name) + "> is not a CAP 1.2 element of <" +
                    std::string(local_name(n.name())) + ">");
        }
        continue;
      }
      if (q == p) {
        ++seen;
      } else {
        if (seen < type.particles[p].min) missing(place, type.particles[p]);
        for (size_t s = p + 1; s < q; ++s) {
          if (type.particles[s].min > 0) missing(place, type.particles[s]);
        }
        p = q;
        seen = 1;
      }
      const Particle& part = type.particles[p];
      if (part.max != kMany && seen > part.max) {
        error(child, "schema.cardinality",
              "<" + std::string(name) + "> may appear at most " + std::to_string(part.max) +
                  " time" + (part.max == 1 ? "" : "s") + " here");
      }
      if (first_attribute) attributes(c, child);
      // Recursion follows the XSD's nesting of complex types (at most 4 deep), not the input's.
      if (part.kind == Kind::kComplex) {
        complex(c, *part.type, child, child_prefix);
      } else {
        simple(c, part, child);
      }
    }
    if (p < type.count && seen < type.particles[p].min) missing(place, type.particles[p]);
    for (size_t s = p + 1; s < type.count; ++s) {
      if (type.particles[s].min > 0) missing(place, type.particles[s]);
    }
  }

  void missing(const Place& place, const Particle& part) {
    error(place, "schema.missing", "required element <" + std::string(part.name) + "> is missing");
  }

  void simple(pugi::xml_node n, const Particle& part, const Place& place) {
    // Text only: an element child is an error. The text (all text and CDATA children, usually
    // one) is read in place, and only for the types that constrain it.
    const bool constrained = part.kind != Kind::kString && part.kind != Kind::kAnyUri;
    std::string_view text;
    std::string joined;  // when there are several pieces
    int pieces = 0;
    for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
      pugi::xml_node_type node_type = c.type();
      if (node_type == pugi::node_element) {
        error(place, "schema.content",
              "<" + std::string(part.name) + "> holds text only, not the element <" +
                  std::string(local_name(c.name())) + ">");
        return;
      }
      if (!constrained || (node_type != pugi::node_pcdata && node_type != pugi::node_cdata)) {
        continue;
      }
      if (pieces++ == 0) {
        text = c.value();
        continue;
      }
      if (pieces == 2) joined = text;
      joined += c.value();
      text = joined;
    }
    if (simple_value_ok(part, text)) return;
    auto quoted = [&] { return "\"" + std::string(text) + "\""; };
    switch (part.kind) {
      case Kind::kEnum:
        error(place, "schema.enum",
              quoted() + " is not a value of <" + std::string(part.name) +
                  ">; allowed: " + join(part.values));
        return;
      case Kind::kDateTime:
        error(place, "schema.datetime",
              quoted() + " is not a date-time of the form YYYY-MM-DDThh:mm:ss+hh:mm");
        return;
      case Kind::kInteger:
        error(place, "schema.integer", quoted() + " is not an integer");
        return;
      case Kind::kDecimal:
        error(place, "schema.decimal", quoted() + " is not a decimal number");
        return;
      case Kind::kLanguage:
        error(place, "schema.language",
              quoted() + " is not a language tag (xs:language, e.g. en-US)");
        return;
      case Kind::kString:
      case Kind::kAnyUri:
      case Kind::kComplex:
        return;
    }
  }

  static std::string join(std::span<const std::string_view> values) {
    std::string out;
    for (std::string_view v : values)
      out += (out.empty() ? "" : ", ") + std::string(v);
    return out;
  }

  std::vector<Finding>& out_;
};

}  // namespace

bool simple_value_ok(const xsd::Particle& part, std::string_view text) {
  switch (part.kind) {
    case Kind::kString:
    case Kind::kAnyUri:  // xs:anyURI: libxml2 and XSD 1.0 accept nearly any string
    case Kind::kComplex:
      return true;
    case Kind::kEnum:
      for (std::string_view v : part.values) {
        if (text == v) return true;
      }
      return false;
    case Kind::kDateTime:
      return is_cap_datetime(trim(text));
    case Kind::kInteger:
      return is_integer(trim(text));
    case Kind::kDecimal:
      return is_decimal(trim(text));
    case Kind::kLanguage:
      return is_language(trim(text));
  }
  return false;
}

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
