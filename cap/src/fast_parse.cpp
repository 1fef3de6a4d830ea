// The fast path of parse() and validate() (fast_parse.h): one pass over the bytes, following
// CAP-v1.2.xsd (cap12_xsd.h) as it goes, and filling the model in place. The general path scans
// the bytes (the lexical checks of load_safe_xml), lets pugixml build a tree, then walks it
// twice (build and check_schema) through pugixml's out-of-line accessors, copying each value out
// of a node after a strlen; on the benchmark's typical corpus (bench/cap_validate_bench) those
// four passes cost 126 K of the 161 K instructions of a validate() (callgrind), where this pass
// costs 44 K (and validate() as a whole 78 K). See docs/BENCHMARKS.md.
//
// The plain form, checked here byte by byte; on anything else fast_parse declines and the
// general path decides (so that it alone words every error):
// - UTF-8: no byte-order mark; an XML declaration, if any, names UTF-8 or no encoding;
// - the root <alert> or <P:alert>, whose attributes are all namespace declarations, each named
//   once, one of them binding the root's prefix to the CAP 1.2 namespace, their values plain
//   ASCII without '<', '>' or '&';
// - every other element carries the root's prefix, no attribute and no whitespace in its tags
//   (<P:name>, </P:name>); between elements only whitespace; no comment, CDATA section,
//   processing instruction or DOCTYPE, nothing after the root but whitespace;
// - text holds no control character but tab and line feed (no carriage return, so no end-of-line
//   normalisation to mimic), only valid UTF-8 (xml_lexical.h's test), and no reference other than
//   the five predefined entities;
// - the elements follow CAP-v1.2.xsd: each complex type's sequence with its cardinalities, and
//   each simple value in its type's lexical space (simple_value_ok, shared with check_schema).
// On such a document the lexical scan and pugixml accept it (the limits allowing), nothing is
// nested deeper than 5 (alert/info/area/geocode/value, then text), every element is in the CAP
// 1.2 namespace, check_schema finds nothing, and build() puts each value in the field it is put
// in here: entities decoded, and whitespace-only text read as empty (pugixml keeps no
// whitespace-only text node: parse_ws_pcdata is off).
#include "fast_parse.h"

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "cap12_xsd.h"
#include "schema_check.h"
#include "xml_lexical.h"

namespace capcast::cap {
namespace {

using xsd::ComplexType;
using xsd::Kind;
using xsd::kMany;
using xsd::Particle;

// The particles' order, on which the switches below rely.
template <size_t N>
constexpr bool names_are(const Particle (&particles)[N], const std::string_view (&names)[N]) {
  for (size_t i = 0; i < N; ++i) {
    if (particles[i].name != names[i]) return false;
  }
  return true;
}
static_assert(names_are(xsd::kAlertParticles, {"identifier", "sender", "sent", "status", "msgType",
                                               "source", "scope", "restriction", "addresses",
                                               "code", "note", "references", "incidents", "info"}));
static_assert(names_are(xsd::kInfoParticles,
                        {"language",    "category",  "event",      "responseType", "urgency",
                         "severity",    "certainty", "audience",   "eventCode",    "effective",
                         "onset",       "expires",   "senderName", "headline",     "description",
                         "instruction", "web",       "contact",    "parameter",    "resource",
                         "area"}));
static_assert(names_are(xsd::kResourceParticles,
                        {"resourceDesc", "mimeType", "size", "uri", "derefUri", "digest"}));
static_assert(names_are(xsd::kAreaParticles,
                        {"areaDesc", "polygon", "circle", "geocode", "altitude", "ceiling"}));
static_assert(names_are(xsd::kPairParticles, {"valueName", "value"}));

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Whether a[0, n) == b[0, n). Inline for the short names of CAP (4 to 12 bytes, most of them):
// two overlapping loads from each side instead of a call to memcmp, which took 3 K instructions
// per typical alert for the tag names alone; with end_tag, the one pass went from 43.9 K to
// 41.4 K instructions per typical alert (callgrind).
bool same_bytes(const char* a, const char* b, size_t n) {
  if (n >= 8 && n <= 16) {
    uint64_t a0, a1, b0, b1;
    std::memcpy(&a0, a, 8);
    std::memcpy(&b0, b, 8);
    std::memcpy(&a1, a + n - 8, 8);
    std::memcpy(&b1, b + n - 8, 8);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
  }
  if (n >= 4 && n < 8) {
    uint32_t a0, a1, b0, b1;
    std::memcpy(&a0, a, 4);
    std::memcpy(&b0, b, 4);
    std::memcpy(&a1, a + n - 4, 4);
    std::memcpy(&b1, b + n - 4, 4);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
  }
  return std::memcmp(a, b, n) == 0;
}

// Text bytes by what they need: most are plain and end no run.
enum : unsigned char { kPlain, kLt, kAmp, kHigh, kRefused };
constexpr auto kTextClass = [] {
  std::array<unsigned char, 256> t{};
  for (size_t c = 0; c < 0x20; ++c)
    t[c] = kRefused;
  t['\t'] = t['\n'] = kPlain;
  t['<'] = kLt;
  t['&'] = kAmp;
  for (size_t c = 0x80; c < 0x100; ++c)
    t[c] = kHigh;
  return t;
}();

// The first byte at or after `i` that is not plain text, or s.size(). With SSE2 (every x86-64),
// 16 bytes per step: one signed comparison finds the bytes below 0x20 and above 0x7F, two more
// '<' and '&'; tab and line feed stop it too, and the caller steps over them. Text is most of a
// document: with the table loop below alone, simple_text cost 31 K instructions per typical
// alert, with this scan 13 K (callgrind).
size_t skip_plain(std::string_view s, size_t i) {
#if defined(__SSE2__)
  const __m128i lt = _mm_set1_epi8('<'), amp = _mm_set1_epi8('&'), low = _mm_set1_epi8(0x20);
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(w, lt), _mm_cmpeq_epi8(w, amp)),
                                     _mm_cmplt_epi8(w, low));
    if (const auto bits = static_cast<unsigned>(_mm_movemask_epi8(hit))) {
      return i + static_cast<size_t>(std::countr_zero(bits));
    }
  }
#endif
  while (i < s.size() && kTextClass[static_cast<unsigned char>(s[i])] == kPlain)
    ++i;
  return i;
}

// The first '>' at or after i in s, or npos. Start tags here are short ("<cap:event>"), so with
// SSE2 one 16-byte comparison nearly always finds it, without a call to memchr per tag (a
// sixteenth of cap::validate's time on cap_validate_bench's typical corpus, perf).
size_t find_gt(std::string_view s, size_t i) {
#if defined(__SSE2__)
  if (i + 16 <= s.size()) {
    const __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    if (const auto bits =
            static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(w, _mm_set1_epi8('>'))))) {
      return i + static_cast<size_t>(std::countr_zero(bits));
    }
  }
#endif
  return s.find('>', i);
}

// Whether an XML declaration (up to its "?>") leaves the document in UTF-8 for load_safe_xml:
// no encoding named (pugixml then reads UTF-8, as the bytes carry no byte-order mark), or one
// named as load_safe_xml finds it (the first quoted value after "encoding") that is UTF-8 or
// its subset US-ASCII.
bool declares_utf8(std::string_view decl) {
  const size_t pos = decl.find("encoding");
  if (pos == std::string_view::npos) return true;
  const size_t open = decl.find_first_of("\"'", pos);
  if (open == std::string_view::npos) return false;
  const size_t close = decl.find(decl[open], open + 1);
  if (close == std::string_view::npos) return false;
  std::string name(decl.substr(open + 1, close - open - 1));
  for (char& c : name)
    c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return name == "utf-8" || name == "utf8" || name == "us-ascii";
}

// The predefined entities (XML 1.0 §4.6), as written and as meant.
constexpr std::pair<std::string_view, char> kEntities[] = {
    {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};

// A namespace prefix: letters, digits, '_', '-', '.', not starting with a digit, '-' or '.'.
bool is_prefix_name(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    bool more = (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!(alpha || (i > 0 && more))) return false;
  }
  return true;
}

class Reader {
 public:
  explicit Reader(std::string_view xml) : xml_(xml) {}

  bool document(Alert& a) {
    // An XML declaration: "<?xml" and whitespace ("<?xml-stylesheet" is a processing
    // instruction, which pugixml keeps as a node); pugixml skips it to its "?>".
    if (xml_.starts_with("<?xml") && xml_.size() > 5 && is_space(xml_[5])) {
      const size_t end = xml_.find("?>");
      if (end == std::string_view::npos || !declares_utf8(xml_.substr(0, end))) return false;
      at_ = end + 2;
    }
    skip_space();
    if (!eat("<")) return false;
    size_t end = at_;
    while (end < xml_.size() && !is_space(xml_[end]) && xml_[end] != '>')
      ++end;
    const std::string_view qname = xml_.substr(at_, end - at_);
    at_ = end;
    if (!qname.ends_with("alert")) return false;
    prefix_ = qname.substr(0, qname.size() - 5);  // "" or "P:"
    if (!prefix_.empty() &&
        !(prefix_.back() == ':' && is_prefix_name(prefix_.substr(0, prefix_.size() - 1)))) {
      return false;
    }
    if (!root_attributes() || !alert(a, qname)) return false;
    skip_space();
    return at_ == xml_.size();
  }

 private:
  // Namespace declarations only, each name once; the root's prefix bound to CAP 1.2.
  bool root_attributes() {
    std::string_view names[8];
    size_t count = 0;
    bool bound = false;
    while (true) {
      const size_t before = at_;
      skip_space();
      if (eat(">")) return bound;
      if (at_ == before) return false;  // no whitespace before the attribute
      size_t name_end = at_;
      while (name_end < xml_.size() && !is_space(xml_[name_end]) && xml_[name_end] != '=')
        ++name_end;
      const std::string_view name = xml_.substr(at_, name_end - at_);
      const bool own = prefix_.empty()
                           ? name == "xmlns"
                           : name.size() == 5 + prefix_.size() && name.starts_with("xmlns:") &&
                                 name.substr(6) == prefix_.substr(0, prefix_.size() - 1);
      if (!own && name != "xmlns" &&
          !(name.starts_with("xmlns:") && is_prefix_name(name.substr(6))))
        return false;
      for (size_t k = 0; k < count; ++k) {
        if (names[k] == name) return false;
      }
      if (count == std::size(names)) return false;
      names[count++] = name;
      at_ = name_end;
      skip_space();
      if (!eat("=")) return false;
      skip_space();
      if (at_ == xml_.size() || (xml_[at_] != '"' && xml_[at_] != '\'')) return false;
      const char quote = xml_[at_++];
      const size_t close = xml_.find(quote, at_);
      if (close == std::string_view::npos) return false;
      const std::string_view value = xml_.substr(at_, close - at_);
      for (char c : value) {
        if (c < 0x20 || c > 0x7E || c == '<' || c == '>' || c == '&') return false;
      }
      at_ = close + 1;
      if (own) {
        if (value != kNs12) return false;
        bound = true;
      }
    }
  }

  bool alert(Alert& a, std::string_view qname) {
    auto text = [&](size_t q, std::string_view t) {
      switch (q) {
        case 0:
          a.identifier = t;
          break;
        case 1:
          a.sender = t;
          break;
        case 2:
          a.sent = t;
          break;
        case 3:
          a.status = t;
          break;
        case 4:
          a.msg_type = t;
          break;
        case 5:
          a.source.emplace(t);
          break;
        case 6:
          a.scope = t;
          break;
        case 7:
          a.restriction.emplace(t);
          break;
        case 8:
          a.addresses.emplace(t);
          break;
        case 9:
          a.codes.emplace_back(t);
          break;
        case 10:
          a.note.emplace(t);
          break;
        case 11:
          a.references.emplace(t);
          break;
        case 12:
          a.incidents.emplace(t);
          break;
      }
    };
    auto nested = [&](size_t, std::string_view child) { return info(next(a.infos, 2), child); };
    return children(xsd::kAlert, qname, text, nested);
  }

  bool info(Info& i, std::string_view qname) {
    auto text = [&](size_t q, std::string_view t) {
      switch (q) {
        case 0:
          i.language.emplace(t);
          break;
        case 1:
          i.categories.emplace_back(t);
          break;
        case 2:
          i.event = t;
          break;
        case 3:
          i.response_types.emplace_back(t);
          break;
        case 4:
          i.urgency = t;
          break;
        case 5:
          i.severity = t;
          break;
        case 6:
          i.certainty = t;
          break;
        case 7:
          i.audience.emplace(t);
          break;
        case 9:
          i.effective.emplace(t);
          break;
        case 10:
          i.onset.emplace(t);
          break;
        case 11:
          i.expires.emplace(t);
          break;
        case 12:
          i.sender_name.emplace(t);
          break;
        case 13:
          i.headline.emplace(t);
          break;
        case 14:
          i.description.emplace(t);
          break;
        case 15:
          i.instruction.emplace(t);
          break;
        case 16:
          i.web.emplace(t);
          break;
        case 17:
          i.contact.emplace(t);
          break;
      }
    };
    auto nested = [&](size_t q, std::string_view child) {
      switch (q) {
        case 8:
          return pair(next(i.event_codes, 4), child);
        case 18:
          return pair(next(i.parameters, 4), child);
        case 19:
          return resource(i.resources.emplace_back(), child);
        default:
          return area(next(i.areas, 2), child);
      }
    };
    return children(xsd::kInfo, qname, text, nested);
  }

  bool resource(Resource& r, std::string_view qname) {
    auto text = [&](size_t q, std::string_view t) {
      switch (q) {
        case 0:
          r.resource_desc = t;
          break;
        case 1:
          r.mime_type = t;
          break;
        case 2:
          r.size.emplace(t);
          break;
        case 3:
          r.uri.emplace(t);
          break;
        case 4:
          r.deref_uri.emplace(t);
          break;
        case 5:
          r.digest.emplace(t);
          break;
      }
    };
    return children(xsd::kResource, qname, text, [](size_t, std::string_view) { return false; });
  }

  bool area(Area& a, std::string_view qname) {
    auto text = [&](size_t q, std::string_view t) {
      switch (q) {
        case 0:
          a.area_desc = t;
          break;
        case 1:
          a.polygons.emplace_back(t);
          break;
        case 2:
          a.circles.emplace_back(t);
          break;
        case 4:
          a.altitude.emplace(t);
          break;
        case 5:
          a.ceiling.emplace(t);
          break;
      }
    };
    auto nested = [&](size_t, std::string_view child) { return pair(next(a.geocodes, 4), child); };
    return children(xsd::kArea, qname, text, nested);
  }

  // A new element at the end of `v`, with room for `first` made at the first: geocodes and
  // parameters come several to an area or an info (5 and 2 on average in the typical corpus),
  // and growing one at a time reallocated and moved them up to 3 times; infos and areas, 1 to 3
  // (40 % and 25 % of the typical corpus's alerts and infos have more than one).
  template <typename T>
  static T& next(std::vector<T>& v, size_t first) {
    if (v.empty()) v.reserve(first);
    return v.emplace_back();
  }

  bool pair(ValuePair& p, std::string_view qname) {
    auto text = [&](size_t q, std::string_view t) { (q == 0 ? p.value_name : p.value) = t; };
    return children(xsd::kPair, qname, text, [](size_t, std::string_view) { return false; });
  }

  // The children of an element of complex type `type`, through its end tag </qname>, checked as
  // check_schema checks them (a greedy pass over the particles, as the XSD is a sequence of
  // distinct names). A simple child's value goes to text(q, value), q its particle; a complex
  // child (its start tag read) to nested(q, its qualified name).
  template <typename Text, typename Nested>
  bool children(const ComplexType& type, std::string_view qname, Text&& text, Nested&& nested) {
    size_t p = 0;  // current particle
    int seen = 0;  // occurrences of particle p so far
    while (true) {
      skip_space();
      if (xml_.size() - at_ < 2 || xml_[at_] != '<') return false;
      if (xml_[at_ + 1] == '/') {
        if (!end_tag(qname)) return false;
        break;
      }
      const size_t start = ++at_;
      if (!eat(prefix_)) return false;
      const size_t gt = find_gt(xml_, at_);
      if (gt == std::string_view::npos) return false;
      // Anything but a plain start tag (attributes, "/>", "<!--", "<?") names no particle.
      const std::string_view name = xml_.substr(at_, gt - at_);
      at_ = gt + 1;
      size_t q = p;
      while (q < type.count &&
             !(name.size() == type.particles[q].name.size() &&
               same_bytes(name.data(), type.particles[q].name.data(), name.size())))
        ++q;
      if (q == type.count) return false;  // unknown, or out of order
      if (q == p) {
        ++seen;
      } else {
        if (seen < type.particles[p].min) return false;
        for (size_t s = p + 1; s < q; ++s) {
          if (type.particles[s].min > 0) return false;
        }
        p = q;
        seen = 1;
      }
      const Particle& part = type.particles[p];
      if (part.max != kMany && seen > part.max) return false;
      const std::string_view child = xml_.substr(start, gt - start);
      if (part.kind == Kind::kComplex) {
        if (!nested(q, child)) return false;
      } else {
        std::string_view value;
        if (!simple_text(child, &value) || !simple_value_ok(part, value)) return false;
        text(q, value);
      }
    }
    if (p < type.count && seen < type.particles[p].min) return false;
    for (size_t s = p + 1; s < type.count; ++s) {
      if (type.particles[s].min > 0) return false;
    }
    return true;
  }

  // The text of a simple element through its end tag </qname>, as pugixml gives it: entities
  // decoded; empty when whitespace only. Valid until the next call.
  bool simple_text(std::string_view qname, std::string_view* value) {
    const size_t n = xml_.size();
    size_t i = at_;
    bool entities = false;
    while (true) {
      i = skip_plain(xml_, i);
      if (i == n) return false;
      const unsigned char c = kTextClass[static_cast<unsigned char>(xml_[i])];
      if (c == kLt) break;
      size_t len = c == kPlain ? 1 : 0;  // tab or line feed
      if (c == kAmp) {
        for (const auto& [entity, meant] : kEntities) {
          if (xml_.substr(i).starts_with(entity)) len = entity.size();
        }
        entities = true;
      } else if (c == kHigh) {
        len = lexical::utf8_sequence(xml_, i);
      }
      if (len == 0) return false;
      i += len;
    }
    std::string_view raw = xml_.substr(at_, i - at_);
    at_ = i;
    if (!end_tag(qname)) return false;
    if (!entities) {
      bool blank = true;
      for (size_t k = 0; blank && k < raw.size(); ++k)
        blank = is_space(raw[k]);
      *value = blank ? std::string_view() : raw;
      return true;
    }
    decoded_.clear();
    for (size_t k = 0; k < raw.size(); ++k) {
      if (raw[k] != '&') {
        decoded_ += raw[k];
        continue;
      }
      for (const auto& [entity, meant] : kEntities) {
        if (raw.substr(k).starts_with(entity)) {
          decoded_ += meant;
          k += entity.size() - 1;
          break;
        }
      }
    }
    *value = decoded_;
    return true;
  }

  // Mostly the indentation between tags, a line feed and a few spaces: with SSE2 16 bytes are
  // classified at once (with the reservation in next(), 4 K fewer instructions per typical
  // alert than a byte loop).
  void skip_space() {
#if defined(__SSE2__)
    if (at_ + 16 <= xml_.size()) {
      const __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(xml_.data() + at_));
      const __m128i space = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(w, _mm_set1_epi8(' ')),
                                                      _mm_cmpeq_epi8(w, _mm_set1_epi8('\n'))),
                                         _mm_or_si128(_mm_cmpeq_epi8(w, _mm_set1_epi8('\t')),
                                                      _mm_cmpeq_epi8(w, _mm_set1_epi8('\r'))));
      const auto other = ~static_cast<unsigned>(_mm_movemask_epi8(space));  // bit 16 is set
      at_ += static_cast<size_t>(std::countr_zero(other));
      if (other & 0xFFFF) return;
    }
#endif
    while (at_ < xml_.size() && is_space(xml_[at_]))
      ++at_;
  }
  // "</" qname ">" at at_, read.
  bool end_tag(std::string_view qname) {
    const size_t n = qname.size();
    if (xml_.size() - at_ < n + 3 || xml_[at_] != '<' || xml_[at_ + 1] != '/' ||
        xml_[at_ + 2 + n] != '>' || !same_bytes(xml_.data() + at_ + 2, qname.data(), n)) {
      return false;
    }
    at_ += n + 3;
    return true;
  }
  bool eat(std::string_view s) {
    if (xml_.substr(at_).starts_with(s)) {
      at_ += s.size();
      return true;
    }
    return false;
  }

  std::string_view xml_;
  size_t at_ = 0;
  std::string_view prefix_;  // the root's, with its colon ("cap:"), or ""
  std::string decoded_;      // simple_text's, when there are entities
};

}  // namespace

bool fast_parse(std::string_view xml, const ParseOptions& options, Parsed* out) {
  // The limits as load_safe_xml applies them: the size first; a depth limit below 5 could cut
  // a valid CAP document.
  if (xml.size() > options.max_bytes || options.max_depth < 5) return false;
  // A control character is not well-formed XML: the general path says where.
  if (lexical::first_control(xml) != std::string_view::npos) return false;
  out->version = Version::kCap12;
  return Reader(xml).document(out->alert);
}

}  // namespace capcast::cap
