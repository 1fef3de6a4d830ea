// Channel checks of CAP validation: how a text (a headline, description, instruction, or the
// IPAWS CMAMtext / CMAMlongtext parameters) fits the channels that will carry it: the alphabet it
// needs (GSM 7-bit or UCS-2), how many SMS parts and cell broadcast pages it takes, and whether it
// is within the WEA character limits. `capcast validate` and dispatch both call fit().
//
// Thread-safe: pure functions of their arguments; the character tables are constant data.
//
// Units: GSM 7-bit text is measured in septets, a character of the extension table counting 2
// (ESC + code, 3GPP TS 23.038 §6.2.1.1); UCS-2 text in UTF-16 code units (see Encoding).
// Every function takes UTF-8 and fails with kParseError ("invalid UTF-8 at byte N: ...") on
// malformed input; none throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capcast/core/result.h"

namespace capcast::cap {

// Decodes UTF-8 (RFC 3629) into code points. Rejects truncated and overlong sequences, stray
// continuation bytes, UTF-16 surrogates (U+D800..U+DFFF) and values above U+10FFFF.
Result<std::u32string> decode_utf8(std::string_view utf8);

// A character's code in the GSM 7-bit default alphabet (3GPP TS 23.038 §6.2.1).
struct Gsm7Code {
  uint8_t septet = 0;    // in the default table, or in the extension table when `escaped`
  bool escaped = false;  // sent as ESC (0x1B) + septet (§6.2.1.1): costs 2 septets
  int septets() const { return escaped ? 2 : 1; }
  bool operator==(const Gsm7Code&) const = default;
};

// The code of `cp`, or nullopt when the default alphabet and its extension table lack it.
std::optional<Gsm7Code> gsm7_code(char32_t cp);

enum class Encoding {
  kGsm7,  // 3GPP TS 23.038 §6.2.1 default alphabet (+ §6.2.1.1 extension table)
  // 16-bit characters (TS 23.038 §6.2.3: UCS2, ISO/IEC 10646). UCS-2 proper has no code for a
  // character outside the BMP (emoji, some CJK); we count it as the 2 code units of its UTF-16
  // surrogate pair, which is what SMSCs and handsets carry under the UCS-2 DCS in practice, and
  // never split a pair between SMS parts or CBS pages.
  kUcs2,
};
std::string_view encoding_name(Encoding e);  // "GSM 7-bit", "UCS-2"

// kGsm7 if every character is in the default alphabet or its extension table, else kUcs2.
Result<Encoding> encoding_for(std::string_view utf8);

// One SMS part or CBS page: a slice of the UTF-8 input, never cutting an escape sequence
// (ESC + char) or a surrogate pair.
struct TextPart {
  size_t begin = 0;  // byte offset in the UTF-8 input
  size_t end = 0;    // one past the last byte
  size_t units = 0;  // septets or UTF-16 code units this part uses
  bool operator==(const TextPart&) const = default;
};

struct Segmentation {
  Encoding encoding = Encoding::kGsm7;
  size_t units = 0;             // of the whole text
  std::vector<TextPart> parts;  // at least one; an empty text is one empty part
  size_t count() const { return parts.size(); }
};

// The text of `part` (a view into `utf8`, which must be the text that was segmented).
inline std::string_view part_text(std::string_view utf8, const TextPart& part) {
  return utf8.substr(part.begin, part.end - part.begin);
}

// --- SMS (3GPP TS 23.040) -------------------------------------------------------------------

// The concatenation information element in each part's user data header.
enum class ConcatRef {
  k8Bit,   // IEI 0x00, §9.2.3.24.1: UDH of 6 octets -> 153 septets / 67 UCS-2 units a part
  k16Bit,  // IEI 0x08, §9.2.3.24.8: UDH of 7 octets -> 152 septets / 66 UCS-2 units a part
};

inline constexpr size_t kSmsSingleSeptets = 160;  // 140 octets of TP-UD (§9.2.3.24)
inline constexpr size_t kSmsSingleUcs2 = 70;
inline constexpr size_t kSmsMaxParts = 255;  // the one-octet "maximum number" field

// Septets / UCS-2 units a part of a concatenated message carries.
size_t sms_part_capacity(Encoding e, ConcatRef ref);

// Splits the text into SMS parts: one part if it fits a single message (160 septets / 70 units),
// else parts of sms_part_capacity(). A part ends early rather than cut an escape sequence or a
// surrogate pair. More than 255 parts is kInvalidArgument "does not fit: N SMS parts, at most 255".
Result<Segmentation> sms_segments(std::string_view utf8, ConcatRef ref = ConcatRef::k8Bit);

// --- Cell broadcast (3GPP TS 23.041) --------------------------------------------------------

// Where the language of a CBS message is indicated (TS 23.038 §5, CBS Data Coding Scheme).
enum class CbsLanguage {
  // In the DCS itself (coding group 0000, e.g. 0x01 English GSM 7-bit), or not at all (0x0F,
  // 0x48): the whole 82 octets of each page carry text.
  kInDcs,
  // In the first characters of the text (DCS 0x10: GSM 7-bit, "2 language characters + CR",
  // 3 septets; DCS 0x11: UCS-2, 2 GSM 7-bit characters padded to 2 octets). Counted on EVERY
  // page: 90 septets / 40 UCS-2 units of text a page (see text_fit.cpp for why).
  kInText,
};

inline constexpr size_t kCbsPageOctets = 82;   // TS 23.041 §9.4.1.2 / §9.3.19
inline constexpr size_t kCbsPageSeptets = 93;  // floor(82 * 8 / 7)
inline constexpr size_t kCbsPageUcs2 = 41;     // 82 / 2
inline constexpr size_t kCbsMaxPages = 15;     // TS 23.041 §9.4.1.2 page parameter (4 bits)

// Septets / UCS-2 units of text a CBS page carries.
size_t cbs_page_capacity(Encoding e, CbsLanguage lang);

// Splits the text into CBS pages (1 to 15). More than 15 is kInvalidArgument
// "does not fit: N pages, at most 15".
Result<Segmentation> cbs_pages(std::string_view utf8, CbsLanguage lang = CbsLanguage::kInDcs);

// --- WEA (US Wireless Emergency Alerts) -----------------------------------------------------

// 47 CFR §10.430: 90 characters on legacy networks (the IPAWS CMAMtext parameter), 360 on
// 4G LTE and later (CMAMlongtext). The IPAWS profile counts characters, not septets or octets.
inline constexpr size_t kWeaShortChars = 90;
inline constexpr size_t kWeaLongChars = 360;

enum class WeaCharset {
  kGsm7,  // English CMAMtext / CMAMlongtext: GSM 7-bit default alphabet only (IPAWS profile)
  kAny,   // other languages (e.g. Spanish), which may need UCS-2
};

// A character outside the GSM 7-bit alphabet and its extension table.
struct NonGsm7Char {
  size_t index = 0;        // in characters (code points), from 0
  size_t byte_offset = 0;  // in the UTF-8 input
  char32_t code_point = 0;
  bool operator==(const NonGsm7Char&) const = default;
};

struct WeaFit {
  bool fits = false;  // characters <= limit, and GSM 7-bit only when that was required
  size_t characters = 0;
  size_t limit = 0;
  // The first character outside GSM 7-bit, whether or not GSM 7-bit was required.
  std::optional<NonGsm7Char> first_non_gsm7;
};

// Whether the text fits a WEA message of `limit` characters (kWeaShortChars, kWeaLongChars).
// Characters are Unicode code points: "€" is 1 character (2 septets), an emoji 1 character.
Result<WeaFit> fits_wea(std::string_view utf8, size_t limit,
                        WeaCharset charset = WeaCharset::kGsm7);

// --- Summary --------------------------------------------------------------------------------

struct FitOptions {
  ConcatRef sms_ref = ConcatRef::k8Bit;
  CbsLanguage cbs_language = CbsLanguage::kInDcs;
};

struct TextFit {
  Encoding encoding = Encoding::kGsm7;
  size_t characters = 0;    // Unicode code points
  size_t units = 0;         // septets (kGsm7) or UTF-16 code units (kUcs2)
  size_t sms_segments = 0;  // may exceed kSmsMaxParts: the caller reports it
  size_t cbs_pages = 0;     // may exceed kCbsMaxPages: see fits_cbs
  bool fits_cbs = false;    // cbs_pages <= kCbsMaxPages
  // characters <= 90 / 360. The alphabet rule depends on the language (GSM 7-bit only for
  // English, IPAWS): combine with first_non_gsm7, or call fits_wea(..., WeaCharset::kGsm7).
  bool fits_wea_short = false;
  bool fits_wea_long = false;
  std::optional<NonGsm7Char> first_non_gsm7;
};

// Everything above in one pass: what `capcast validate` and dispatch call for each text.
// Fails only on invalid UTF-8; a text too long for a channel is reported in the fields.
Result<TextFit> fit(std::string_view utf8, const FitOptions& options = {});

}  // namespace capcast::cap
