#include "capcast/cap/text_fit.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

namespace capcast::cap {
namespace {

// --- The GSM 7-bit default alphabet ----------------------------------------------------------
//
// Hand-written from the tables of 3GPP TS 23.038 §6.2.1 (default alphabet) and §6.2.1.1
// (default alphabet extension table). libosmocore has these tables, but it is GPL and this project
// is Apache-2.0: it may serve only as a test oracle, never as a dependency or a source to copy.
// (Its tables are also byte-based, not Unicode: gsm_7bit_encode_n() takes a char string.)

constexpr char32_t kNone = 0x110000;  // no character: 0x1B is the escape to the extension table

// §6.2.1, indexed by septet; the spec's table read column by column (0x00-0x0F, 0x10-0x1F, ...).
// 0x09 is drawn as "Ç" (U+00C7) in the spec; we map only U+00C7 to it, so a text with "ç" (U+00E7)
// goes UCS-2 rather than reach a handset as "Ç".
// clang-format off
constexpr std::array<char32_t, 128> kDefault = {
  // 0x00: @ £ $ ¥ è é ù ì ò Ç LF Ø ø CR Å å
  U'@',      U'\u00A3', U'$',      U'\u00A5', U'\u00E8', U'\u00E9', U'\u00F9', U'\u00EC',
  U'\u00F2', U'\u00C7', U'\n',     U'\u00D8', U'\u00F8', U'\r',     U'\u00C5', U'\u00E5',
  // 0x10: Δ _ Φ Γ Λ Ω Π Ψ Σ Θ Ξ ESC Æ æ ß É
  U'\u0394', U'_',      U'\u03A6', U'\u0393', U'\u039B', U'\u03A9', U'\u03A0', U'\u03A8',
  U'\u03A3', U'\u0398', U'\u039E', kNone,     U'\u00C6', U'\u00E6', U'\u00DF', U'\u00C9',
  // 0x20: 0x24 is the currency sign ¤, not $ (which is 0x02)
  U' ',  U'!',  U'"',  U'#',  U'\u00A4', U'%',  U'&',  U'\'',
  U'(',  U')',  U'*',  U'+',  U',',      U'-',  U'.',  U'/',
  // 0x30
  U'0',  U'1',  U'2',  U'3',  U'4',  U'5',  U'6',  U'7',
  U'8',  U'9',  U':',  U';',  U'<',  U'=',  U'>',  U'?',
  // 0x40: ¡ A-O
  U'\u00A1', U'A',  U'B',  U'C',  U'D',  U'E',  U'F',  U'G',
  U'H',      U'I',  U'J',  U'K',  U'L',  U'M',  U'N',  U'O',
  // 0x50: P-Z Ä Ö Ñ Ü §
  U'P',  U'Q',  U'R',  U'S',  U'T',  U'U',  U'V',  U'W',
  U'X',  U'Y',  U'Z',  U'\u00C4', U'\u00D6', U'\u00D1', U'\u00DC', U'\u00A7',
  // 0x60: ¿ a-o
  U'\u00BF', U'a',  U'b',  U'c',  U'd',  U'e',  U'f',  U'g',
  U'h',      U'i',  U'j',  U'k',  U'l',  U'm',  U'n',  U'o',
  // 0x70: p-z ä ö ñ ü à
  U'p',  U'q',  U'r',  U's',  U't',  U'u',  U'v',  U'w',
  U'x',  U'y',  U'z',  U'\u00E4', U'\u00F6', U'\u00F1', U'\u00FC', U'\u00E0',
};

// §6.2.1.1: the characters reached by ESC (0x1B) + septet, each costing 2 septets. The other
// codes of the extension table are reserved (0x0D CR2, 0x1B SS2) or undefined (a receiver shows
// the default-table character instead), so nothing else is mapped.
struct Extension {
  uint8_t septet;
  char32_t cp;
};
constexpr std::array<Extension, 10> kExtension = {{
  {0x0A, U'\f'},       // FORM FEED: page break (treated as LF by receivers that lack it)
  {0x14, U'^'},
  {0x28, U'{'},
  {0x29, U'}'},
  {0x2F, U'\\'},
  {0x3C, U'['},
  {0x3D, U'~'},
  {0x3E, U']'},
  {0x40, U'|'},
  {0x65, U'\u20AC'},   // EURO SIGN
}};
// clang-format on

struct Reverse {
  char32_t cp;
  Gsm7Code code;
};

// Both tables keyed by code point, sorted at compile time, for a binary search.
constexpr auto kReverse = [] {
  std::array<Reverse, 127 + kExtension.size()> r{};
  size_t n = 0;
  for (size_t s = 0; s < kDefault.size(); ++s) {
    if (kDefault[s] != kNone) r[n++] = {kDefault[s], {static_cast<uint8_t>(s), false}};
  }
  for (const Extension& e : kExtension)
    r[n++] = {e.cp, {e.septet, true}};
  std::sort(r.begin(), r.end(), [](const Reverse& a, const Reverse& b) { return a.cp < b.cp; });
  return r;
}();

// ASCII, the bulk of alert text, by direct lookup (the same entries as kReverse): code + 1, with
// bit 7 set for an escaped one; 0 where ASCII has no GSM 7-bit code ('`').
constexpr auto kAscii = [] {
  std::array<uint8_t, 128> a{};
  for (const Reverse& r : kReverse) {
    if (r.cp >= 128) continue;
    if (r.code.septet >= 0x7F) throw "an ASCII character's septet does not fit the encoding";
    a[r.cp] = static_cast<uint8_t>((r.code.septet + 1) | (r.code.escaped ? 0x80 : 0));
  }
  return a;
}();

static_assert(std::count(kDefault.begin(), kDefault.end(), kNone) == 1 && kDefault[0x1B] == kNone,
              "only 0x1B (ESC) has no character");
static_assert(kDefault[0x00] == U'@' && kDefault[0x30] == U'0' && kDefault[0x41] == U'A' &&
                  kDefault[0x61] == U'a' && kDefault[0x7F] == U'\u00E0',
              "the default table is out of step with TS 23.038 §6.2.1");
static_assert(std::adjacent_find(kReverse.begin(), kReverse.end(),
                                 [](const Reverse& a, const Reverse& b) { return a.cp == b.cp; }) ==
                  kReverse.end(),
              "a code point appears twice in the GSM 7-bit tables");

// --- UTF-8 -----------------------------------------------------------------------------------

struct Char {
  char32_t cp;
  size_t begin;  // byte offset
  size_t end;
};

Status bad_utf8(size_t at, const char* why) {
  return parse_error("invalid UTF-8 at byte " + std::to_string(at) + ": " + why);
}

// RFC 3629 §4 (the well-formed byte sequences).
Result<std::vector<Char>> decode(std::string_view s) {
  std::vector<Char> out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
      out.push_back({b0, i, i + 1});
      ++i;
      continue;
    }
    size_t len;
    char32_t cp;
    unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      len = 2;
      cp = b0 & 0x1Fu;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      len = 3;
      cp = b0 & 0x0Fu;
      if (b0 == 0xE0) lo = 0xA0;  // overlong
      if (b0 == 0xED) hi = 0x9F;  // surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      len = 4;
      cp = b0 & 0x07u;
      if (b0 == 0xF0) lo = 0x90;  // overlong
      if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else if (b0 >= 0x80 && b0 <= 0xBF) {
      return bad_utf8(i, "unexpected continuation byte");
    } else {
      return bad_utf8(i, "byte that never occurs in UTF-8");
    }
    if (i + len > s.size()) return bad_utf8(i, "truncated sequence");
    for (size_t k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      const unsigned char min = k == 1 ? lo : 0x80, max = k == 1 ? hi : 0xBF;
      if (b < min || b > max) {
        return bad_utf8(i, b >= 0x80 && b <= 0xBF
                               ? "overlong form, surrogate or value above U+10FFFF"
                               : "truncated sequence");
      }
      cp = (cp << 6) | (b & 0x3Fu);
    }
    out.push_back({cp, i, i + len});
    i += len;
  }
  return out;
}

// The units a character takes in the encoding.
size_t units_of(char32_t cp, Encoding e) {
  if (e == Encoding::kUcs2) return cp > 0xFFFF ? 2 : 1;
  const auto code = gsm7_code(cp);
  return code ? static_cast<size_t>(code->septets()) : 0;
}

std::optional<NonGsm7Char> first_non_gsm7(const std::vector<Char>& chars) {
  for (size_t i = 0; i < chars.size(); ++i) {
    if (!gsm7_code(chars[i].cp)) return NonGsm7Char{i, chars[i].begin, chars[i].cp};
  }
  return std::nullopt;
}

Encoding encoding_of(const std::vector<Char>& chars) {
  return first_non_gsm7(chars) ? Encoding::kUcs2 : Encoding::kGsm7;
}

size_t total_units(const std::vector<Char>& chars, Encoding e) {
  size_t n = 0;
  for (const Char& c : chars)
    n += units_of(c.cp, e);
  return n;
}

// Greedy packing into parts of `capacity` units; a character (an escape sequence, a surrogate
// pair) is never cut: a part that cannot take it whole ends one or two units short.
Segmentation pack(const std::vector<Char>& chars, Encoding e, size_t units, size_t capacity) {
  Segmentation seg;
  seg.encoding = e;
  seg.units = units;
  TextPart part;
  for (const Char& c : chars) {
    const size_t u = units_of(c.cp, e);
    if (part.units + u > capacity) {
      seg.parts.push_back(part);
      part = TextPart{c.begin, c.begin, 0};
    }
    part.end = c.end;
    part.units += u;
  }
  seg.parts.push_back(part);
  return seg;
}

Segmentation sms_split(const std::vector<Char>& chars, ConcatRef ref) {
  const Encoding e = encoding_of(chars);
  const size_t units = total_units(chars, e);
  const size_t single = e == Encoding::kGsm7 ? kSmsSingleSeptets : kSmsSingleUcs2;
  return pack(chars, e, units, units <= single ? single : sms_part_capacity(e, ref));
}

Segmentation cbs_split(const std::vector<Char>& chars, CbsLanguage lang) {
  const Encoding e = encoding_of(chars);
  return pack(chars, e, total_units(chars, e), cbs_page_capacity(e, lang));
}

}  // namespace

Result<std::u32string> decode_utf8(std::string_view utf8) {
  auto chars = decode(utf8);
  if (!chars.ok()) return chars.status();
  std::u32string out;
  out.reserve(chars->size());
  for (const Char& c : *chars)
    out.push_back(c.cp);
  return out;
}

std::optional<Gsm7Code> gsm7_code(char32_t cp) {
  if (cp < 128) {
    const uint8_t a = kAscii[cp];
    if (a == 0) return std::nullopt;
    return Gsm7Code{static_cast<uint8_t>((a & 0x7F) - 1), (a & 0x80) != 0};
  }
  auto it = std::lower_bound(kReverse.begin(), kReverse.end(), cp,
                             [](const Reverse& r, char32_t v) { return r.cp < v; });
  if (it == kReverse.end() || it->cp != cp) return std::nullopt;
  return it->code;
}

std::string_view encoding_name(Encoding e) {
  return e == Encoding::kGsm7 ? "GSM 7-bit" : "UCS-2";
}

Result<Encoding> encoding_for(std::string_view utf8) {
  auto chars = decode(utf8);
  if (!chars.ok()) return chars.status();
  return encoding_of(*chars);
}

// TS 23.040 §9.2.3.24: 140 octets of user data, from which the UDH (UDHL + IEI + IEDL + data) is
// taken. For 7-bit text the UDH is padded to a septet boundary (§9.2.3.16 fill bits): 6 octets =
// 48 bits -> 7 septets, 160 - 7 = 153; 7 octets = 56 bits -> 8 septets, 160 - 8 = 152. For UCS-2,
// (140 - 6) / 2 = 67 and floor((140 - 7) / 2) = 66.
size_t sms_part_capacity(Encoding e, ConcatRef ref) {
  if (e == Encoding::kGsm7) return ref == ConcatRef::k8Bit ? 153 : 152;
  return ref == ConcatRef::k8Bit ? 67 : 66;
}

Result<Segmentation> sms_segments(std::string_view utf8, ConcatRef ref) {
  auto chars = decode(utf8);
  if (!chars.ok()) return chars.status();
  Segmentation seg = sms_split(*chars, ref);
  if (seg.count() > kSmsMaxParts) {
    return invalid_argument("does not fit: " + std::to_string(seg.count()) +
                            " SMS parts, at most " + std::to_string(kSmsMaxParts) +
                            " (3GPP TS 23.040 §9.2.3.24.1)");
  }
  return seg;
}

// TS 23.041 §9.4.1.2 (GSM page: 6 header octets + 82 octets of "Content of Message") and §9.3.19
// (CBS-Message-Information-Page, 82 octets, for UMTS/LTE/NR): 93 septets or 41 UCS-2 units.
//
// Language in the text, TS 23.038 §5 (CBS Data Coding Scheme, coding group 0001):
//  - 0001 0000: GSM 7-bit; the first 3 characters are the 2-letter ISO 639 language and a CR,
//    "followed by 90 characters of text": 3 septets taken, 90 left (not 2 characters).
//  - 0001 0001: UCS-2; 2 GSM 7-bit characters (14 bits) padded to an octet boundary, i.e. 2 octets,
//    "followed by 40 characters of UCS2-encoded message": 1 UCS-2 unit taken, 40 left.
// The clause speaks of "the message", but its figures (90, 40) are those of one 82-octet page, the
// DCS is repeated in every page's header, and Android's GsmSmsCbMessage strips the indication
// from every page it decodes (unpackBody is called per page). So we count the prefix on every
// page: on a handset that strips it only once, the reader sees "en" again but loses no text;
// the other way round, a handset like Android would eat 3 characters of every later page.
// Pages are decoded one by one (Android: one unpackBody per page), which is another reason never to
// cut an escape sequence or a surrogate pair between pages.
size_t cbs_page_capacity(Encoding e, CbsLanguage lang) {
  const bool prefix = lang == CbsLanguage::kInText;
  if (e == Encoding::kGsm7) return prefix ? kCbsPageSeptets - 3 : kCbsPageSeptets;
  return prefix ? kCbsPageUcs2 - 1 : kCbsPageUcs2;
}

Result<Segmentation> cbs_pages(std::string_view utf8, CbsLanguage lang) {
  auto chars = decode(utf8);
  if (!chars.ok()) return chars.status();
  Segmentation seg = cbs_split(*chars, lang);
  if (seg.count() > kCbsMaxPages) {
    return invalid_argument("does not fit: " + std::to_string(seg.count()) + " pages, at most " +
                            std::to_string(kCbsMaxPages) + " (3GPP TS 23.041 §9.4.1.2)");
  }
  return seg;
}

// 47 CFR §10.430 (character limit: 360 characters on 4G LTE and later networks, 90 on legacy
// networks) and the IPAWS-OPEN CAP profile: CMAMtext at most 90 characters, CMAMlongtext at most
// 360, counted in characters; English text in the GSM 7-bit default alphabet. Neither counts
// septets, so an extension character ("€", "[") is one character here.
Result<WeaFit> fits_wea(std::string_view utf8, size_t limit, WeaCharset charset) {
  auto chars = decode(utf8);
  if (!chars.ok()) return chars.status();
  WeaFit f;
  f.characters = chars->size();
  f.limit = limit;
  f.first_non_gsm7 = first_non_gsm7(*chars);
  f.fits = f.characters <= limit && (charset == WeaCharset::kAny || !f.first_non_gsm7);
  return f;
}

Result<TextFit> fit(std::string_view utf8, const FitOptions& options) {
  auto chars = decode(utf8);
  if (!chars.ok()) return chars.status();
  TextFit f;
  f.first_non_gsm7 = first_non_gsm7(*chars);
  f.encoding = f.first_non_gsm7 ? Encoding::kUcs2 : Encoding::kGsm7;
  f.characters = chars->size();
  f.units = total_units(*chars, f.encoding);
  f.sms_segments = sms_split(*chars, options.sms_ref).count();
  f.cbs_pages = cbs_split(*chars, options.cbs_language).count();
  f.fits_cbs = f.cbs_pages <= kCbsMaxPages;
  f.fits_wea_short = f.characters <= kWeaShortChars;
  f.fits_wea_long = f.characters <= kWeaLongChars;
  return f;
}

}  // namespace capcast::cap
