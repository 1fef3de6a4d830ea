#include "cbs/pages.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "sms/encode.h"

namespace capcast::dispatch::cbs {

namespace {

// TS 23.038 §5, coding group 0000: GSM 7-bit, the language in the DCS's low 4 bits (0x0F:
// unspecified); coding group 0010: GSM 7-bit, 0x20 Czech to 0x24 Icelandic.
constexpr std::array<std::pair<std::string_view, uint8_t>, 20> kLanguageDcs = {{
    {"de", 0x00}, {"en", 0x01}, {"it", 0x02}, {"fr", 0x03}, {"es", 0x04},
    {"nl", 0x05}, {"sv", 0x06}, {"da", 0x07}, {"pt", 0x08}, {"fi", 0x09},
    {"no", 0x0A}, {"el", 0x0B}, {"tr", 0x0C}, {"hu", 0x0D}, {"pl", 0x0E},
    {"cs", 0x20}, {"he", 0x21}, {"ar", 0x22}, {"ru", 0x23}, {"is", 0x24},
}};

constexpr uint8_t kDcsGsm7Unspecified = 0x0F;
constexpr uint8_t kDcsGsm7LanguageInText = 0x10;
constexpr uint8_t kDcsUcs2LanguageInText = 0x11;
constexpr uint8_t kDcsUcs2General = 0x48;  // 0100 1000: general, uncompressed, no class, UCS-2
constexpr uint8_t kCr = 0x0D;

// The ISO 639-1 primary subtag, lower case; empty unless two ASCII letters.
std::string primary_subtag(std::string_view tag) {
  std::string_view primary = tag.substr(0, tag.find('-'));
  if (primary.size() != 2) return {};
  std::string out;
  for (char c : primary) {
    if (!std::isalpha(static_cast<unsigned char>(c))) return {};
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// The GSM 7-bit codes of ASCII, looked up once (cap::gsm7_code is a binary search): most alert
// text is ASCII, and this is the per-character cost of every page. 0xFF: no code ('`').
struct AsciiCodes {
  std::array<uint8_t, 128> septet{};
  std::array<bool, 128> escaped{};
  AsciiCodes() {
    for (char32_t c = 0; c < 128; ++c) {
      auto code = cap::gsm7_code(c);
      septet[c] = code ? code->septet : 0xFF;
      escaped[c] = code && code->escaped;
    }
  }
};

// UTF-8 (one page's slice, valid and GSM 7-bit as cap::cbs_pages found it) appended as GSM
// 7-bit septets, ESC + code for the extension table.
Status append_septets(std::string_view utf8, Bytes& out) {
  static const AsciiCodes ascii;
  for (size_t i = 0; i < utf8.size();) {
    const auto b = static_cast<unsigned char>(utf8[i]);
    if (b < 0x80 && ascii.septet[b] != 0xFF) {
      if (ascii.escaped[b]) out.push_back(0x1B);
      out.push_back(ascii.septet[b]);
      ++i;
      continue;
    }
    const size_t len = b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    auto chars = cap::decode_utf8(utf8.substr(i, len));
    if (!chars.ok()) return chars.status();
    auto code = chars->empty() ? std::nullopt : cap::gsm7_code((*chars)[0]);
    if (!code) return invalid_argument("no GSM 7-bit code at byte " + std::to_string(i));
    if (code->escaped) out.push_back(0x1B);
    out.push_back(code->septet);
    i += len;
  }
  return Status();
}

void put_utf16be(Bytes& out, char32_t c) {
  auto unit = [&out](uint32_t u) {
    out.push_back(static_cast<uint8_t>(u >> 8));
    out.push_back(static_cast<uint8_t>(u & 0xFF));
  };
  if (c >= 0x10000) {
    const uint32_t v = static_cast<uint32_t>(c) - 0x10000;
    unit(0xD800 | (v >> 10));
    unit(0xDC00 | (v & 0x3FF));
  } else {
    unit(static_cast<uint32_t>(c));
  }
}

// The two letters of a language as GSM 7-bit septets (lower-case ASCII letters have the same
// codes in the default alphabet).
Bytes language_septets(const std::string& lang) {
  return Bytes(lang.begin(), lang.end());
}

}  // namespace

Coding coding_for(std::string_view language, cap::Encoding encoding) {
  Coding c;
  c.encoding = encoding;
  const std::string lang = primary_subtag(language);
  if (encoding == cap::Encoding::kGsm7) {
    if (lang.empty()) {
      c.dcs = kDcsGsm7Unspecified;
      return c;
    }
    c.language = lang;
    for (const auto& [code, dcs] : kLanguageDcs) {
      if (code == lang) {
        c.dcs = dcs;
        return c;
      }
    }
    c.dcs = kDcsGsm7LanguageInText;
    c.where = cap::CbsLanguage::kInText;
    return c;
  }
  if (lang.empty()) {
    c.dcs = kDcsUcs2General;
    return c;
  }
  c.language = lang;
  c.dcs = kDcsUcs2LanguageInText;
  c.where = cap::CbsLanguage::kInText;
  return c;
}

Result<Pages> encode_pages(std::string_view utf8, std::string_view language) {
  auto encoding = cap::encoding_for(utf8);
  if (!encoding.ok()) return encoding.status();
  Pages out;
  out.coding = coding_for(language, *encoding);
  out.text = std::string(utf8);
  auto seg = cap::cbs_pages(utf8, out.coding.where);
  if (!seg.ok()) return seg.status();
  const bool prefix = out.coding.where == cap::CbsLanguage::kInText;
  out.pages.reserve(seg->parts.size());
  Bytes septets;
  septets.reserve(cap::kCbsPageSeptets);
  for (const auto& part : seg->parts) {
    Bytes page;
    if (out.coding.encoding == cap::Encoding::kGsm7) {
      // DCS 0x10: "xx<CR>" then the text (TS 23.038 §5), on every page (text_fit.cpp says why).
      septets.clear();
      if (prefix) {
        septets = language_septets(out.coding.language);
        septets.push_back(kCr);
      }
      if (Status st = append_septets(cap::part_text(utf8, part), septets); !st.ok()) return st;
      auto packed = sms::cbs_page7(septets);
      if (!packed.ok()) return packed.status();
      page = std::move(*packed);
      out.page_used.push_back(static_cast<uint8_t>((septets.size() * 7 + 7) / 8));
    } else {
      auto chars = cap::decode_utf8(cap::part_text(utf8, part));
      if (!chars.ok()) return chars.status();
      // DCS 0x11: two GSM 7-bit characters padded to 2 octets, then UCS-2 (TS 23.038 §5).
      if (prefix) page = sms::pack7(language_septets(out.coding.language));
      for (char32_t c : *chars)
        put_utf16be(page, c);
      out.page_used.push_back(static_cast<uint8_t>(page.size()));
      while (page.size() + 2 <= kPageOctets) {  // padded with <CR> (U+000D)
        page.push_back(0x00);
        page.push_back(kCr);
      }
      if (page.size() > kPageOctets) {
        return invalid_argument("UCS-2 page of " + std::to_string(page.size()) + " octets");
      }
    }
    out.pages.push_back(std::move(page));
  }
  return out;
}

std::string to_hex(const Bytes& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0xF];
  }
  return out;
}

Result<std::string> decode_pages(const std::vector<Bytes>& pages, uint8_t dcs) {
  std::string out;
  // UCS-2: 0x11, or general data coding (01xx) with character set bits 3-2 = 10 (TS 23.038 §5).
  // A text that really ends in CR loses it: the padding cannot be told from it.
  const bool ucs2 = dcs == kDcsUcs2LanguageInText || ((dcs & 0xC0) == 0x40 && (dcs & 0x0C) == 0x08);
  for (const auto& page : pages) {
    if (page.size() != kPageOctets) {
      return invalid_argument("a page of " + std::to_string(page.size()) + " octets, not 82");
    }
    if (!ucs2) {
      auto septets = sms::unpack7(page, cap::kCbsPageSeptets);
      if (!septets.ok()) return septets.status();
      size_t begin = dcs == kDcsGsm7LanguageInText ? 3 : 0;
      size_t end = septets->size();
      while (end > begin && (*septets)[end - 1] == kCr)
        --end;  // the padding
      auto text = sms::gsm7_to_utf8(std::span(*septets).subspan(begin, end - begin));
      if (!text.ok()) return text.status();
      out += *text;
    } else {
      size_t begin = dcs == kDcsUcs2LanguageInText ? 2 : 0;
      size_t end = page.size();
      while (end >= begin + 2 && page[end - 2] == 0x00 && page[end - 1] == kCr)
        end -= 2;
      auto text = sms::ucs2_to_utf8(std::span(page).subspan(begin, end - begin));
      if (!text.ok()) return text.status();
      out += *text;
    }
  }
  return out;
}

}  // namespace capcast::dispatch::cbs
