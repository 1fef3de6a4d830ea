#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "capcast/cap/parse.h"
#include "capcast/cap/text_fit.h"
#include "support/helpers.h"

using namespace capcast;
using namespace capcast::cap;

namespace {

std::string rep(std::string_view s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i)
    out += s;
  return out;
}

// Characters used below, spelled as UTF-8 bytes.
const std::string kEuro = "\xE2\x82\xAC";      // € U+20AC, GSM extension 0x65
const std::string kZhe = "\xD0\xB6";           // ж U+0436, not GSM: UCS-2, 1 unit
const std::string kGrin = "\xF0\x9F\x98\x80";  // 😀 U+1F600, outside the BMP: 2 UTF-16 units
const std::string kOgonek = "\xC4\x85";        // ą U+0105, not GSM

// The unit counts of the parts of a segmentation.
std::vector<size_t> units_of(const Segmentation& s) {
  std::vector<size_t> u;
  for (const auto& p : s.parts)
    u.push_back(p.units);
  return u;
}

// The parts, glued back together, are the text: nothing lost, nothing repeated.
void check_rejoins(std::string_view text, const Segmentation& s) {
  std::string joined;
  size_t at = 0;
  for (const auto& p : s.parts) {
    CHECK(p.begin == at);
    joined += part_text(text, p);
    at = p.end;
  }
  CHECK(joined == text);
}

}  // namespace

TEST_CASE("every character of TS 23.038 §6.2.1 and §6.2.1.1 has its septet") {
  struct Row {
    char32_t cp;
    std::optional<Gsm7Code> code;
  };
  const Row rows[] = {
      {U'@', Gsm7Code{0x00, false}},
      {U'\u00A3', Gsm7Code{0x01, false}},  // £
      {U'$', Gsm7Code{0x02, false}},
      {U'\u00C7', Gsm7Code{0x09, false}},  // Ç
      {U'\n', Gsm7Code{0x0A, false}},
      {U'\r', Gsm7Code{0x0D, false}},
      {U'\u0394', Gsm7Code{0x10, false}},  // Δ
      {U'_', Gsm7Code{0x11, false}},
      {U'\u039E', Gsm7Code{0x1A, false}},  // Ξ
      {U'\u00C9', Gsm7Code{0x1F, false}},  // É
      {U'\u00A4', Gsm7Code{0x24, false}},  // ¤
      {U'\u00A1', Gsm7Code{0x40, false}},  // ¡
      {U'A', Gsm7Code{0x41, false}},
      {U'\u00A7', Gsm7Code{0x5F, false}},  // §
      {U'\u00BF', Gsm7Code{0x60, false}},  // ¿
      {U'z', Gsm7Code{0x7A, false}},
      {U'\u00E0', Gsm7Code{0x7F, false}},  // à
      {U'\f', Gsm7Code{0x0A, true}},
      {U'^', Gsm7Code{0x14, true}},
      {U'{', Gsm7Code{0x28, true}},
      {U'}', Gsm7Code{0x29, true}},
      {U'\\', Gsm7Code{0x2F, true}},
      {U'[', Gsm7Code{0x3C, true}},
      {U'~', Gsm7Code{0x3D, true}},
      {U']', Gsm7Code{0x3E, true}},
      {U'|', Gsm7Code{0x40, true}},
      {U'\u20AC', Gsm7Code{0x65, true}},  // €
      {U'\u00E7', std::nullopt},          // ç: 0x09 is drawn as Ç, so ç is not mapped to it
      {U'\x1B', std::nullopt},            // ESC is not a character of the text
      {U'\t', std::nullopt},
      {U'`', std::nullopt},
      {U'\u0105', std::nullopt},  // ą
      {U'\u0391', std::nullopt},  // Greek capital alpha: only the letters unlike Latin ones
      {U'\U0001F600', std::nullopt},
  };
  for (const auto& r : rows) {
    CAPTURE(static_cast<uint32_t>(r.cp));
    CHECK(gsm7_code(r.cp) == r.code);
  }
}

TEST_CASE("the default alphabet has 127 characters of 1 septet and 10 of 2") {
  int one = 0, two = 0;
  for (char32_t cp = 0; cp < 0x10000; ++cp) {
    if (auto c = gsm7_code(cp)) (c->escaped ? two : one)++;
  }
  CHECK(one == 127);
  CHECK(two == 10);
}

TEST_CASE("the encoding and the length in septets or UCS-2 units") {
  struct Row {
    std::string text;
    Encoding encoding;
    size_t units;
    size_t characters;
  };
  const Row rows[] = {
      {"", Encoding::kGsm7, 0, 0},
      {"Flood warning", Encoding::kGsm7, 13, 13},
      {kEuro, Encoding::kGsm7, 2, 1},
      {"[", Encoding::kGsm7, 2, 1},
      {"\f^{}\\[~]|" + kEuro, Encoding::kGsm7, 20, 10},
      {"Se\xC3\xB1or \xC3\x85"
       "ngstr\xC3\xB6m \xCE\x94",
       Encoding::kGsm7, 16, 16},  // ñ Å ö Δ
      {"Flood warning " + kOgonek, Encoding::kUcs2, 15, 15},
      {"Evacuate \xE2\x9C\x93", Encoding::kUcs2, 10, 10},  // ✓
      {"\xC3\xA7", Encoding::kUcs2, 1, 1},                 // ç
      {"a\tb", Encoding::kUcs2, 3, 3},
      {"ภาษาไทย", Encoding::kUcs2, 7, 7},  // Thai
      {"ދިވެހި", Encoding::kUcs2, 6, 6},      // Dhivehi (Thaana)
      {kGrin, Encoding::kUcs2, 2, 1},
      // One non-GSM character turns the whole text to UCS-2, where € is 1 unit, not 2.
      {kEuro + " 100 " + kZhe, Encoding::kUcs2, 7, 7},
  };
  for (const auto& r : rows) {
    CAPTURE(r.text);
    auto e = encoding_for(r.text);
    REQUIRE(e.ok());
    CHECK(*e == r.encoding);
    auto f = fit(r.text);
    REQUIRE(f.ok());
    CHECK(f->encoding == r.encoding);
    CHECK(f->units == r.units);
    CHECK(f->characters == r.characters);
    CHECK(f->first_non_gsm7.has_value() == (r.encoding == Encoding::kUcs2));
  }
}

TEST_CASE("SMS segments at the boundaries of TS 23.040 §9.2.3.24.1 and §9.2.3.24.8") {
  struct Row {
    const char* what;
    std::string text;
    ConcatRef ref;
    std::vector<size_t> parts;  // units per part
  };
  const auto k8 = ConcatRef::k8Bit;
  const auto k16 = ConcatRef::k16Bit;
  const Row rows[] = {
      {"empty", "", k8, {0}},
      {"160 septets: single", rep("a", 160), k8, {160}},
      {"161 septets: two", rep("a", 161), k8, {153, 8}},
      {"153*2", rep("a", 306), k8, {153, 153}},
      {"153*2+1", rep("a", 307), k8, {153, 153, 1}},
      {"16-bit ref, 161", rep("a", 161), k16, {152, 9}},
      {"16-bit ref, 152*2", rep("a", 304), k16, {152, 152}},
      {"16-bit ref, 152*2+1", rep("a", 305), k16, {152, 152, 1}},
      {"70 UCS-2: single", rep(kZhe, 70), k8, {70}},
      {"71 UCS-2: two", rep(kZhe, 71), k8, {67, 4}},
      {"67*2", rep(kZhe, 134), k8, {67, 67}},
      {"67*2+1", rep(kZhe, 135), k8, {67, 67, 1}},
      {"16-bit ref, 71 UCS-2", rep(kZhe, 71), k16, {66, 5}},
      {"16-bit ref, 66*2+1", rep(kZhe, 133), k16, {66, 66, 1}},
      {"€ makes 160", rep("a", 158) + kEuro, k8, {160}},
      {"€ makes 161", rep("a", 159) + kEuro, k8, {153, 8}},
      // ESC would be septet 153 and € septet 154: the pair moves to the next part.
      {"€ at 153 is not split", rep("a", 152) + kEuro + rep("b", 10), k8, {152, 12}},
      {"€ ends at 153", rep("a", 151) + kEuro + rep("b", 10), k8, {153, 10}},
      {"[ at 152 (16-bit ref)", rep("a", 151) + "[" + rep("b", 10), k16, {151, 12}},
      // The surrogate pair would be units 67 and 68: it moves to the next part.
      {"pair at 67 is not split", rep(kZhe, 66) + kGrin + rep(kZhe, 5), k8, {66, 7}},
      {"pair ends at 67", rep(kZhe, 65) + kGrin + rep(kZhe, 5), k8, {67, 5}},
      {"pair makes 70", rep(kZhe, 68) + kGrin, k8, {70}},
      {"pair makes 71", rep(kZhe, 69) + kGrin, k8, {67, 4}},
      {"one ą makes 160 letters three UCS-2 parts", rep("a", 159) + kOgonek, k8, {67, 67, 26}},
  };
  for (const auto& r : rows) {
    CAPTURE(r.what);
    auto s = sms_segments(r.text, r.ref);
    REQUIRE(s.ok());
    CHECK(units_of(*s) == r.parts);
    CHECK(s->count() == r.parts.size());
    check_rejoins(r.text, *s);
    if (r.ref == k8) {
      auto f = fit(r.text);
      REQUIRE(f.ok());
      CHECK(f->sms_segments == r.parts.size());
    }
  }
}

TEST_CASE("the escape sequence at a part boundary stays whole byte for byte") {
  const std::string text = rep("a", 152) + kEuro + rep("b", 10);  // 164 septets
  auto s = sms_segments(text);
  REQUIRE(s.ok());
  REQUIRE(s->count() == 2);
  CHECK(part_text(text, s->parts[0]) == rep("a", 152));
  CHECK(part_text(text, s->parts[1]) == kEuro + rep("b", 10));
}

TEST_CASE("more than 255 SMS parts is an error") {
  CHECK(sms_segments(rep("a", 153 * 255)).ok());
  auto s = sms_segments(rep("a", 153 * 255 + 1));
  REQUIRE_FALSE(s.ok());
  CHECK(s.status().code() == Code::kInvalidArgument);
  CHECK(s.status().message().find("256 SMS parts, at most 255") != std::string::npos);
  auto f = fit(rep("a", 153 * 255 + 1));
  REQUIRE(f.ok());
  CHECK(f->sms_segments == 256);
}

TEST_CASE("CBS pages of TS 23.041 §9.4.1.2: 93 septets or 41 UCS-2 units and 1 to 15 pages") {
  struct Row {
    const char* what;
    std::string text;
    CbsLanguage lang;
    std::vector<size_t> pages;  // units per page
  };
  const auto kDcs = CbsLanguage::kInDcs;
  const auto kText = CbsLanguage::kInText;
  const Row rows[] = {
      {"empty", "", kDcs, {0}},
      {"93 septets", rep("a", 93), kDcs, {93}},
      {"94 septets", rep("a", 94), kDcs, {93, 1}},
      {"41 UCS-2", rep(kZhe, 41), kDcs, {41}},
      {"42 UCS-2", rep(kZhe, 42), kDcs, {41, 1}},
      {"€ at 93 is not split", rep("a", 92) + kEuro, kDcs, {92, 2}},
      {"pair at 41 is not split", rep(kZhe, 40) + kGrin, kDcs, {40, 2}},
      // TS 23.038 §5, DCS 0x10 / 0x11: language in the text, on every page.
      {"lang: 90 septets", rep("a", 90), kText, {90}},
      {"lang: 91 septets", rep("a", 91), kText, {90, 1}},
      {"lang: 181 septets", rep("a", 181), kText, {90, 90, 1}},
      {"lang: 40 UCS-2", rep(kZhe, 40), kText, {40}},
      {"lang: 41 UCS-2", rep(kZhe, 41), kText, {40, 1}},
  };
  for (const auto& r : rows) {
    CAPTURE(r.what);
    auto p = cbs_pages(r.text, r.lang);
    REQUIRE(p.ok());
    CHECK(units_of(*p) == r.pages);
    check_rejoins(r.text, *p);
    auto f = fit(r.text, FitOptions{ConcatRef::k8Bit, r.lang});
    REQUIRE(f.ok());
    CHECK(f->cbs_pages == r.pages.size());
    CHECK(f->fits_cbs);
  }
}

TEST_CASE("15 CBS pages fit and 16 do not") {
  struct Row {
    std::string fits;
    std::string too_long;
    CbsLanguage lang;
  };
  const Row rows[] = {
      {rep("a", 93 * 15), rep("a", 93 * 15 + 1), CbsLanguage::kInDcs},
      {rep(kZhe, 41 * 15), rep(kZhe, 41 * 15 + 1), CbsLanguage::kInDcs},
      {rep("a", 90 * 15), rep("a", 90 * 15 + 1), CbsLanguage::kInText},
      {rep(kZhe, 40 * 15), rep(kZhe, 40 * 15 + 1), CbsLanguage::kInText},
  };
  for (const auto& r : rows) {
    CAPTURE(r.fits.size());
    auto ok = cbs_pages(r.fits, r.lang);
    REQUIRE(ok.ok());
    CHECK(ok->count() == 15);
    auto bad = cbs_pages(r.too_long, r.lang);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.status().code() == Code::kInvalidArgument);
    CHECK(bad.status().message().rfind("does not fit: 16 pages, at most 15", 0) == 0);
    auto f = fit(r.too_long, FitOptions{ConcatRef::k8Bit, r.lang});
    REQUIRE(f.ok());
    CHECK(f->cbs_pages == 16);
    CHECK_FALSE(f->fits_cbs);
  }
}

TEST_CASE("WEA limits of 90 and 360 characters (47 CFR §10.430 and the IPAWS profile)") {
  struct Row {
    const char* what;
    std::string text;
    size_t limit;
    WeaCharset charset;
    bool fits;
    size_t characters;
    std::optional<NonGsm7Char> offender;
  };
  const auto kGsm7 = WeaCharset::kGsm7;
  const auto kAny = WeaCharset::kAny;
  const Row rows[] = {
      {"90", rep("a", 90), kWeaShortChars, kGsm7, true, 90, {}},
      {"91", rep("a", 91), kWeaShortChars, kGsm7, false, 91, {}},
      {"360", rep("a", 360), kWeaLongChars, kGsm7, true, 360, {}},
      {"361", rep("a", 361), kWeaLongChars, kGsm7, false, 361, {}},
      // Characters, not septets: € is 1 character although it costs 2 septets.
      {"€ + 89", kEuro + rep("a", 89), kWeaShortChars, kGsm7, true, 90, {}},
      {"ą required GSM", "Fire " + kOgonek, kWeaShortChars, kGsm7, false, 6,
       NonGsm7Char{5, 5, U'\u0105'}},
      {"ą any", "Fire " + kOgonek, kWeaShortChars, kAny, true, 6, NonGsm7Char{5, 5, U'\u0105'}},
      // é is GSM but 2 bytes in UTF-8: the index counts characters, the offset bytes.
      {"index vs byte offset", "\xC3\xA9 " + kOgonek, kWeaShortChars, kGsm7, false, 3,
       NonGsm7Char{2, 3, U'\u0105'}},
      {"emoji is one character", rep("a", 89) + kGrin, kWeaShortChars, kAny, true, 90,
       NonGsm7Char{89, 89, U'\U0001F600'}},
      {"Spanish, any",
       "Evac\xC3\xBA"
       "e",
       kWeaShortChars, kAny, true, 6, NonGsm7Char{4, 4, U'\u00FA'}},  // ú is not GSM
  };
  for (const auto& r : rows) {
    CAPTURE(r.what);
    auto w = fits_wea(r.text, r.limit, r.charset);
    REQUIRE(w.ok());
    CHECK(w->fits == r.fits);
    CHECK(w->characters == r.characters);
    CHECK(w->limit == r.limit);
    CHECK(w->first_non_gsm7 == r.offender);
  }
  auto f90 = fit(rep("a", 90));
  auto f91 = fit(rep("a", 91));
  auto f361 = fit(rep("a", 361));
  REQUIRE((f90.ok() && f91.ok() && f361.ok()));
  CHECK((f90->fits_wea_short && f90->fits_wea_long));
  CHECK((!f91->fits_wea_short && f91->fits_wea_long));
  CHECK((!f361->fits_wea_short && !f361->fits_wea_long));
}

TEST_CASE("invalid UTF-8 is an error value from every function") {
  struct Row {
    const char* what;
    std::string bytes;
    size_t at;
  };
  const Row rows[] = {
      {"lone continuation", "ab\x80", 2},
      {"truncated 2-byte", "ab\xC3", 2},
      {"truncated 3-byte", "a\xE2\x82", 1},
      {"truncated by ASCII", "\xE2\x82z", 0},
      {"overlong /", "\xC0\xAF", 0},
      {"overlong 3-byte", "\xE0\x80\xAF", 0},
      {"overlong 4-byte", "\xF0\x80\x80\xAF", 0},
      {"surrogate", "x\xED\xA0\x80", 1},
      {"above U+10FFFF", "\xF4\x90\x80\x80", 0},
      {"0xFF", "\xFF", 0},
      {"0xF5", "\xF5\x80\x80\x80", 0},
  };
  for (const auto& r : rows) {
    CAPTURE(r.what);
    const std::string where = "invalid UTF-8 at byte " + std::to_string(r.at) + ":";
    auto d = decode_utf8(r.bytes);
    REQUIRE_FALSE(d.ok());
    CHECK(d.status().code() == Code::kParseError);
    CHECK(d.status().message().rfind(where, 0) == 0);
    CHECK_FALSE(encoding_for(r.bytes).ok());
    CHECK_FALSE(sms_segments(r.bytes).ok());
    CHECK_FALSE(cbs_pages(r.bytes).ok());
    CHECK_FALSE(fits_wea(r.bytes, kWeaShortChars).ok());
    auto f = fit(r.bytes);
    REQUIRE_FALSE(f.ok());
    CHECK(f.status().code() == Code::kParseError);
  }
  // The largest and smallest of each length are valid.
  auto ok =
      decode_utf8("\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF\xF0\x90\x80\x80\xF4\x8F\xBF\xBF");
  REQUIRE(ok.ok());
  CHECK(*ok == std::u32string{0x7F, 0x80, 0x7FF, 0x800, 0xFFFF, 0x10000, 0x10FFFF});
}

TEST_CASE("the texts of the bundled real-world samples") {
  int texts = 0, ucs2 = 0, cmam_short = 0, cmam_long = 0;
  for (const auto& e : std::filesystem::directory_iterator(test::samples_dir())) {
    const std::string name = e.path().filename().string();
    INFO(name);
    auto p = parse(test::read_file(e.path()));
    REQUIRE(p.ok());
    const bool ipaws = name.rfind("us-ipaws-", 0) == 0;
    for (const Info& info : p->alert.infos) {
      for (const auto* t : {&info.headline, &info.description, &info.instruction}) {
        if (!*t) continue;
        INFO(**t);
        auto f = fit(**t);
        REQUIRE(f.ok());
        ++texts;
        if (f->encoding == Encoding::kUcs2) ++ucs2;
        CHECK(f->units >= f->characters);
        CHECK(f->sms_segments >= 1);
        CHECK(f->cbs_pages >= 1);
        auto s = sms_segments(**t);
        REQUIRE(s.ok());
        check_rejoins(**t, *s);
      }
      for (const ValuePair& param : info.parameters) {
        const bool is_short = param.value_name == "CMAMtext";
        const bool is_long = param.value_name == "CMAMlongtext";
        if (!is_short && !is_long) continue;
        INFO(param.value);
        auto f = fit(param.value);
        REQUIRE(f.ok());
        if (!ipaws) continue;
        // Real IPAWS messages, in English: GSM 7-bit and within the limits.
        auto w =
            fits_wea(param.value, is_short ? kWeaShortChars : kWeaLongChars, WeaCharset::kGsm7);
        REQUIRE(w.ok());
        CHECK(w->fits);
        CHECK(f->encoding == Encoding::kGsm7);
        if (is_short) {
          ++cmam_short;
          CHECK(f->fits_wea_short);
          CHECK((f->characters == 87 || f->characters == 88));  // MD and MI samples
        } else {
          ++cmam_long;
          CHECK(f->fits_wea_long);
          CHECK(f->characters == 306);
          CHECK(f->sms_segments == 2);  // 306 septets: 153 + 153
          CHECK(f->cbs_pages == 4);     // 306 septets: 93 * 3 + 27
        }
      }
    }
  }
  CHECK(texts > 30);
  CHECK(ucs2 >= 2);  // the Dhivehi headline and description (mv-meteo-sambro-...)
  CHECK(cmam_short == 2);
  CHECK(cmam_long == 1);
}
