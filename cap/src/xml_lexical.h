// Internal to cap/: the lexical checks of XML 1.0 that pugixml does not make, run by
// load_safe_xml (safe_xml.cpp) over the raw bytes before pugixml parses them.
#pragma once

#include <algorithm>
#include <bit>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "capcast/cap/safe_xml.h"
#include "capcast/core/status.h"

namespace capcast::cap::lexical {

// Where the first C0 control character other than TAB, LF and CR is, or npos. XML 1.0 §2.2
// (production Char) admits no other character below U+0020, anywhere in a document: in text,
// attribute values, comments and CDATA alike. 16 bytes per step with SSE2.
inline size_t first_control(std::string_view xml) {
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i max_control = _mm_set1_epi8(0x1F);
  const __m128i tab = _mm_set1_epi8('\t'), lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
  for (; i + 16 <= xml.size(); i += 16) {
    __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(xml.data() + i));
    __m128i low = _mm_cmpeq_epi8(_mm_min_epu8(w, max_control), w);  // bytes <= 0x1F
    __m128i allowed = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(w, tab), _mm_cmpeq_epi8(w, lf)),
                                   _mm_cmpeq_epi8(w, cr));
    int mask = _mm_movemask_epi8(_mm_andnot_si128(allowed, low));
    if (mask) return i + static_cast<size_t>(std::countr_zero(static_cast<unsigned>(mask)));
  }
#endif
  for (; i < xml.size(); ++i) {
    auto c = static_cast<unsigned char>(xml[i]);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return i;
  }
  return std::string_view::npos;
}

// The bytes of one 64-byte block that can matter to check_lexical, as bit masks (bit k: the
// byte at block + k): '<', '>', '&', the two quotes, and the bytes >= 0x80.
struct Block {
  uint64_t lt, gt, amp, quote, high;
};

// Classifies the 64 bytes at p. With SSE2 (every x86-64) 16 bytes per comparison, else one byte
// at a time.
inline Block classify(const char* p) {
  Block b{};
#if defined(__SSE2__)
  const __m128i lt = _mm_set1_epi8('<'), gt = _mm_set1_epi8('>'), amp = _mm_set1_epi8('&');
  const __m128i dq = _mm_set1_epi8('"'), sq = _mm_set1_epi8('\'');
  for (int k = 0; k < 4; ++k) {
    __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    auto bits = [&](__m128i m) {  // movemask: each byte's top bit
      return static_cast<uint64_t>(static_cast<uint16_t>(_mm_movemask_epi8(m))) << (16 * k);
    };
    b.lt |= bits(_mm_cmpeq_epi8(w, lt));
    b.gt |= bits(_mm_cmpeq_epi8(w, gt));
    b.amp |= bits(_mm_cmpeq_epi8(w, amp));
    b.quote |= bits(_mm_or_si128(_mm_cmpeq_epi8(w, dq), _mm_cmpeq_epi8(w, sq)));
    b.high |= bits(w);
  }
#else
  for (int k = 0; k < 64; ++k) {
    const uint64_t bit = uint64_t{1} << k;
    const char c = p[k];
    b.lt |= c == '<' ? bit : 0;
    b.gt |= c == '>' ? bit : 0;
    b.amp |= c == '&' ? bit : 0;
    b.quote |= c == '"' || c == '\'' ? bit : 0;
    b.high |= static_cast<unsigned char>(c) >= 0x80 ? bit : 0;
  }
#endif
  return b;
}

// The length of the UTF-8 sequence that starts at xml[at] (a byte >= 0x80), or 0 when it is not
// valid UTF-8 (RFC 3629 §4: no overlongs, no surrogates, nothing above U+10FFFF).
inline size_t utf8_sequence(std::string_view xml, size_t at) {
  const unsigned char c0 = static_cast<unsigned char>(xml[at]);
  const size_t len = c0 >= 0xF0 ? 4 : c0 >= 0xE0 ? 3 : c0 >= 0xC2 ? 2 : 0;
  if (len == 0 || c0 > 0xF4 || at + len > xml.size()) return 0;
  const unsigned char c1 = static_cast<unsigned char>(xml[at + 1]);
  if ((c0 == 0xE0 && c1 < 0xA0) || (c0 == 0xED && c1 > 0x9F) || (c0 == 0xF0 && c1 < 0x90) ||
      (c0 == 0xF4 && c1 > 0x8F)) {
    return 0;
  }
  for (size_t k = 1; k < len; ++k) {
    if ((static_cast<unsigned char>(xml[at + k]) & 0xC0) != 0x80) return 0;
  }
  return len;
}

// What XML 1.0 requires of a well-formed document that pugixml (a non-validating, forgiving
// parser) lets through: every entity reference is one of the five predefined ones or a
// character reference (§4.1, §4.6: no DTD, so no other entity is declared), no '<' inside an
// attribute value (§3.1, production AttValue), and UTF-8 text is valid UTF-8 (§2.2, §4.3.3).
// Character data, tags and attribute values are checked, comments, CDATA sections and PIs
// skipped. On success, *deepest is the deepest nesting of elements that have an end tag (start
// tags minus end tags, at most): load_safe_xml uses it to skip its depth walk when no node can
// be too deep.
//
// Markup is sparse, so the bytes are taken 64 at a time (classify()), and only the positions of
// the bytes that can matter are visited, in order, by a small state machine.
inline Status check_lexical(std::string_view xml, bool check_utf8, int* deepest) {
  auto fail = [&](size_t at, const std::string& what) {
    return Status(Code::kParseError,
                  xml_position(xml, static_cast<ptrdiff_t>(at)) + ": not well-formed XML: " + what);
  };
  if (size_t at = first_control(xml); at != std::string_view::npos) {
    char code[8];
    std::snprintf(code, sizeof code, "%04X", static_cast<unsigned char>(xml[at]));
    return fail(at, std::string("control character U+") + code +
                        " (XML 1.0 §2.2 allows none below U+0020 but TAB, LF and CR)");
  }
  auto skip_past = [&](size_t from, std::string_view terminator) {
    size_t at = xml.find(terminator, from);
    return at == std::string_view::npos ? xml.size() : at + terminator.size();
  };
  auto check_ref = [&](size_t at) -> Status {
    size_t semi = xml.find(';', at);
    if (semi == std::string_view::npos || semi - at > 12) {
      return fail(at, "'&' that starts no entity reference (write &amp;)");
    }
    std::string_view ref = xml.substr(at + 1, semi - at - 1);
    if (ref == "amp" || ref == "lt" || ref == "gt" || ref == "quot" || ref == "apos") return {};
    if (ref.size() >= 2 && ref[0] == '#') {
      bool hex = ref[1] == 'x';
      std::string_view digits = ref.substr(hex ? 2 : 1);
      bool ok = !digits.empty() && digits.size() <= 8;
      uint32_t cp = 0;
      for (char d : digits) {
        bool digit = hex ? std::isxdigit(static_cast<unsigned char>(d)) != 0 : d >= '0' && d <= '9';
        ok = ok && digit;
        if (!ok) break;
        uint32_t v = d <= '9' ? static_cast<uint32_t>(d - '0')
                              : static_cast<uint32_t>((d | 0x20) - 'a' + 10);
        cp = std::min<uint32_t>(cp * (hex ? 16 : 10) + v, 0x110000);  // saturates: not a Char
      }
      // WFC Legal Character (§4.1): a reference must name a Char (§2.2): #x9 | #xA | #xD |
      // [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]; no surrogates, no other controls.
      bool legal = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
                   (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
      if (ok && legal) return {};
      if (ok) {
        return fail(at, "character reference &" + std::string(ref) +
                            "; names no legal XML character (XML 1.0 §2.2, §4.1)");
      }
    }
    return fail(at, "undeclared entity &" + std::string(ref) +
                        "; (without a DTD only &amp; &lt; &gt; &quot; &apos; and character "
                        "references exist)");
  };
  // Where the scan is: in character data, inside a tag, or inside a quoted attribute value.
  enum class In { kText, kTag, kValue } in = In::kText;
  bool end_tag = false;  // the tag is an end tag ("</")
  char quote = 0;        // the attribute value's quote
  int depth = 0;
  *deepest = 0;
  const size_t n = xml.size();
  size_t base = 0;
  while (base < n) {
    Block b;
    if (base + 64 <= n) {
      b = classify(xml.data() + base);
    } else {  // the last bytes, padded with NULs (which matter to none of the masks)
      char tail[64] = {};
      std::memcpy(tail, xml.data() + base, n - base);
      b = classify(tail);
    }
    uint64_t events = b.lt | b.gt | b.amp | b.quote | (check_utf8 ? b.high : 0);
    size_t next = base + 64;  // where the next block starts: moved on by a skip past it
    while (events) {
      const size_t at = base + static_cast<size_t>(std::countr_zero(events));
      events &= events - 1;
      const char c = xml[at];
      size_t resume = 0;  // when > at: the scan goes on there (after a comment, a UTF-8 sequence)
      switch (in) {
        case In::kText:
          if (c == '<') {
            const char c1 = at + 1 < n ? xml[at + 1] : 0;
            std::string_view rest = xml.substr(at);
            if (c1 == '!' && rest.rfind("<!--", 0) == 0) {
              resume = skip_past(at + 4, "-->");
            } else if (c1 == '!' && rest.rfind("<![CDATA[", 0) == 0) {
              resume = skip_past(at + 9, "]]>");
            } else if (c1 == '?') {
              resume = skip_past(at + 2, "?>");
            } else {
              in = In::kTag;
              end_tag = c1 == '/';
            }
          } else if (c == '&') {
            if (auto st = check_ref(at); !st.ok()) return st;
          } else if (static_cast<unsigned char>(c) >= 0x80) {
            const size_t len = utf8_sequence(xml, at);
            if (len == 0) return fail(at, "invalid UTF-8");
            resume = at + len;
          }
          break;
        case In::kTag:
          if (c == '>') {
            // An end tag closes an element; a start tag opens one unless it ends in "/>".
            depth += end_tag ? -1 : xml[at - 1] != '/';
            *deepest = std::max(*deepest, depth);
            in = In::kText;
          } else if (c == '"' || c == '\'') {
            in = In::kValue;
            quote = c;
          }
          break;
        case In::kValue:
          if (c == quote) {
            in = In::kTag;
          } else if (c == '<') {
            return fail(at, "'<' inside an attribute value (write &lt;)");
          } else if (c == '&') {
            if (auto st = check_ref(at); !st.ok()) return st;
          }
          break;
      }
      if (resume > at) {
        if (resume >= base + 64) {
          next = resume;
          break;
        }
        events &= ~uint64_t{0} << (resume - base);  // drop what was skipped
      }
    }
    base = next;
  }
  return {};
}

}  // namespace capcast::cap::lexical
