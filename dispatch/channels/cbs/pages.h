// The pages of a cell broadcast message: a UTF-8 text and its language turned into the CBS Data
// Coding Scheme (3GPP TS 23.038 §5) and 82-octet pages (TS 23.041 §9.4.1.2.2, §9.3.19), at most 15.
// Pure functions, thread-safe, errors as values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "capcast/cap/text_fit.h"
#include "capcast/core/result.h"
#include "cbs/broadcast.h"

namespace capcast::dispatch::cbs {

// How a language travels with the text (TS 23.038 §5, CBS Data Coding Scheme).
struct Coding {
  uint8_t dcs = 0x0F;
  cap::Encoding encoding = cap::Encoding::kGsm7;
  // kInText: every page starts with the language: "xx<CR>" in GSM 7-bit (DCS 0x10), or two GSM
  // 7-bit characters packed into 2 octets before UCS-2 (DCS 0x11).
  cap::CbsLanguage where = cap::CbsLanguage::kInDcs;
  std::string language;  // the ISO 639-1 code indicated, empty when none
};

// The DCS for a text in `encoding` and the language of an <info> (RFC 3066 / 5646: "en-US", "fr";
// only the primary subtag counts). GSM 7-bit: coding group 0000 (0x00-0x0E) or 0010 (0x20-0x24)
// when the language has a code there, else 0x10 with the language in the text, or 0x0F when no
// language is known. UCS-2: 0x11 with the language in the text, or 0x48 (general data coding,
// UCS-2, no message class) when none is known.
Coding coding_for(std::string_view language, cap::Encoding encoding);

struct Pages {
  Coding coding;
  std::vector<Bytes> pages;        // each kPageOctets
  std::vector<uint8_t> page_used;  // octets of each page before the padding
  std::string text;                // what the pages say (the input)
};

// Encodes the text: GSM 7-bit when every character has a code there, else UCS-2 (UTF-16BE;
// a character outside the BMP as its surrogate pair, never split between pages); GSM 7-bit pages
// are padded with CR (TS 23.041 §9.4.1.2.2), UCS-2 pages with CR as UCS-2 (U+000D). Fails with
// kParseError on invalid UTF-8 and kInvalidArgument "does not fit: N pages, at most 15".
Result<Pages> encode_pages(std::string_view utf8, std::string_view language);

// The reverse, for `capcast cbs encode`'s check and the tests: the text of pages made by
// encode_pages, language indication and padding removed.
Result<std::string> decode_pages(const std::vector<Bytes>& pages, uint8_t dcs);

// Lower-case hex of a page, as the REST APIs and `capcast cbs encode` show pages.
std::string to_hex(const Bytes& bytes);

}  // namespace capcast::dispatch::cbs
