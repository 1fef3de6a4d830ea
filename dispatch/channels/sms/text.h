// The SMS text of a CAP alert in one language, as the SMS channels send it: the <info> for that
// language, the IPAWS WEA text when the alert has one, else headline + instruction + a link,
// fitted to a number of SMS parts, with a prefix that says when the message is an update, a
// cancellation, an exercise or a test. encode.h turns the text into bytes.
// Pure functions of their arguments; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "capcast/cap/model.h"
#include "capcast/cap/text_fit.h"
#include "capcast/core/result.h"

namespace capcast::dispatch::sms {

struct TextOptions {
  // The language wanted (RFC 5646 tag, e.g. "es" or "en-GB"), and the one to fall back on when
  // no <info> has it; either may be empty. See select_info() for the matching.
  std::string language;
  std::string default_language;
  // The text must fit this many SMS parts, counted as sms_segments(text, concat) counts them.
  size_t max_segments = 3;
  cap::ConcatRef concat = cap::ConcatRef::k8Bit;
  // Use the IPAWS parameters CMAMlongtext / CMAMtext (the WEA texts) when the <info> has them.
  bool use_cmam = true;
  // The link when the <info> has no <web>: "{identifier}" is replaced by the alert's identifier,
  // percent-encoded (RFC 3986 §2.1). Empty: no link.
  std::string url_template;
  // Prefixes, status first ("TEST: UPDATE: ..."). Those of Exercise and Test may not be empty:
  // a test must never read as a real warning.
  std::string update_prefix = "UPDATE: ";
  std::string cancel_prefix = "CANCELLED: ";
  std::string exercise_prefix = "EXERCISE: ";
  std::string test_prefix = "TEST: ";
  // Marks a cut text. ASCII by default: "…" (U+2026) is not GSM 7-bit and would make the whole
  // message UCS-2, halving what fits.
  std::string ellipsis = "...";
};

enum class TextSource {
  kCmamLongText,  // the CMAMlongtext parameter (WEA, 360 characters)
  kCmamText,      // the CMAMtext parameter (WEA, 90 characters)
  kHeadline,      // headline + instruction (+ link)
};

struct SmsText {
  std::string text;
  size_t info_index = 0;  // of the <info> used, in alert.infos
  TextSource source = TextSource::kHeadline;
  bool truncated = false;  // cut at a word boundary, with the ellipsis
  cap::Encoding encoding = cap::Encoding::kGsm7;
  size_t segments = 0;
};

// The <info> for `language`, in this order (tags compared case-insensitively, RFC 5646 §2.1.1;
// an <info> without <language> is "en-US", CAP 1.2 §3.2.2): the same tag; a tag that `language`
// is a prefix of ("en" -> "en-US", RFC 4647 §3.3.1 basic filtering); the same primary subtag
// ("en-GB" -> "en-US"); then `default_language` the same way; then the first <info>.
// nullopt when the alert has no <info>.
std::optional<size_t> select_info(const cap::Alert& alert, std::string_view language,
                                  std::string_view default_language = {});

// The text for the alert. The body is, in this order of preference: CMAMlongtext when it fits
// max_segments, CMAMtext when it fits, else headline, instruction and link on lines of their own.
// Whitespace runs become one space. A body too long is cut at a word boundary (or, for a single
// long word, a character boundary) and marked with the ellipsis; the prefix and the link are
// never cut. Errors: kNotFound when the alert has no <info>; kInvalidArgument for msgType Ack or
// Error (not for the public), an empty Exercise/Test prefix, or a prefix + link that alone exceed
// the budget; kParseError for invalid UTF-8.
Result<SmsText> sms_text(const cap::Alert& alert, const TextOptions& options = {});

}  // namespace capcast::dispatch::sms
