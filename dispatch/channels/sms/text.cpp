#include "sms/text.h"

#include <algorithm>
#include <tuple>
#include <utility>
#include <vector>

#include "capcast/cap/enums.h"

namespace capcast::dispatch::sms {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view primary_subtag(std::string_view tag) {
  return tag.substr(0, tag.find('-'));
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Runs of whitespace become one space, none at either end: CAP texts are often wrapped XML
// (samples/cap/oasis-spec-a4-amber-en-es-multilang.xml), and every character costs.
std::string squeeze(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (is_space(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

// RFC 3986 §2.1 / §2.3: everything but the unreserved characters percent-encoded.
std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out.push_back(ch);
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 0xF]};
    }
  }
  return out;
}

std::string link_of(const cap::Alert& alert, const cap::Info& info, const TextOptions& o) {
  if (info.web) {
    std::string web = squeeze(*info.web);
    if (!web.empty()) return web;
  }
  std::string link = o.url_template;
  static constexpr std::string_view kField = "{identifier}";
  const std::string id = percent_encode(alert.identifier);
  for (size_t at = link.find(kField); at != std::string::npos; at = link.find(kField, at)) {
    link.replace(at, kField.size(), id);
    at += id.size();
  }
  return link;
}

const std::string* parameter(const cap::Info& info, std::string_view name) {
  for (const cap::ValuePair& p : info.parameters) {
    if (p.value_name == name) return &p.value;
  }
  return nullptr;
}

Result<std::string> prefix_of(const cap::Alert& alert, const TextOptions& o) {
  if (o.exercise_prefix.empty() || o.test_prefix.empty()) {
    return invalid_argument(
        "the Exercise and Test prefixes may not be empty: a test must never "
        "read as a real warning");
  }
  std::string prefix;
  // Case-insensitive on purpose: an alert that says "test" in any case is treated as a test.
  const std::string status = lower(alert.status);
  if (status == "exercise") prefix += o.exercise_prefix;
  if (status == "test") prefix += o.test_prefix;
  const auto type = cap::parse_msg_type(alert.msg_type);
  if (type == cap::MsgType::kAck || type == cap::MsgType::kError) {
    return invalid_argument("msgType " + alert.msg_type + " is not for the public: no SMS text");
  }
  if (type == cap::MsgType::kUpdate) prefix += o.update_prefix;
  if (type == cap::MsgType::kCancel) prefix += o.cancel_prefix;
  return prefix;
}

// Builds prefix + body (+ ellipsis) (+ "\n" + link) and measures it.
class Fitter {
 public:
  Fitter(std::string prefix, std::string link, const TextOptions& o)
      : prefix_(std::move(prefix)), link_(std::move(link)), o_(o) {}

  std::string compose(std::string_view body, bool cut) const {
    std::string s = prefix_;
    s += body;
    if (cut) s += o_.ellipsis;
    if (!link_.empty()) s += (s.empty() ? "" : "\n") + link_;
    return s;
  }

  Result<bool> fits(const std::string& text) const {
    auto f = cap::fit(text, {o_.concat, cap::CbsLanguage::kInDcs});
    if (!f.ok()) return f.status();
    return f->sms_segments <= o_.max_segments;
  }

  // The longest cut of `body` at one of `cuts` (sorted byte offsets) whose text fits, or nullopt.
  // Fitting is monotonic in the cut: a shorter prefix of the body never needs more units, and
  // never turns GSM 7-bit into UCS-2.
  Result<std::optional<std::string>> longest(std::string_view body,
                                             const std::vector<size_t>& cuts) const {
    std::optional<std::string> best;
    size_t lo = 0, hi = cuts.size();  // candidates [lo, hi) not yet decided
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      std::string text = compose(trim_cut(body.substr(0, cuts[mid])), true);
      auto ok = fits(text);
      if (!ok.ok()) return ok.status();
      if (*ok) {
        best = std::move(text);
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return best;
  }

 private:
  // No dangling separator before the ellipsis: "Stay indoors, ..." reads as "Stay indoors...".
  static std::string_view trim_cut(std::string_view s) {
    while (!s.empty() && (is_space(s.back()) || s.back() == ',' || s.back() == ';' ||
                          s.back() == ':' || s.back() == '-')) {
      s.remove_suffix(1);
    }
    return s;
  }

  std::string prefix_;
  std::string link_;
  const TextOptions& o_;
};

// The text of `body`, cut at a word boundary if it must be; a single word too long for the budget
// is cut between characters.
Result<std::pair<std::string, bool>> fit_body(const Fitter& fitter, std::string_view body) {
  std::string whole = fitter.compose(body, false);
  auto ok = fitter.fits(whole);
  if (!ok.ok()) return ok.status();
  if (*ok) return std::pair{std::move(whole), false};

  std::vector<size_t> words;
  for (size_t i = 1; i < body.size(); ++i) {
    if (is_space(body[i]) && !is_space(body[i - 1])) words.push_back(i);
  }
  auto cut = fitter.longest(body, words);
  if (!cut.ok()) return cut.status();
  if (!*cut) {
    std::vector<size_t> chars;  // every UTF-8 character boundary, the empty body included
    for (size_t i = 0; i < body.size(); ++i) {
      if ((static_cast<unsigned char>(body[i]) & 0xC0) != 0x80) chars.push_back(i);
    }
    cut = fitter.longest(body, chars);
    if (!cut.ok()) return cut.status();
  }
  if (!*cut) {
    return invalid_argument("the prefix and link alone do not fit in the SMS budget");
  }
  return std::pair{std::move(**cut), true};
}

}  // namespace

std::optional<size_t> select_info(const cap::Alert& alert, std::string_view language,
                                  std::string_view default_language) {
  if (alert.infos.empty()) return std::nullopt;
  std::vector<std::string> tags;
  for (const cap::Info& info : alert.infos) {
    // CAP 1.2 §3.2.2: <language> absent means "en-US".
    tags.push_back(lower(info.language && !info.language->empty() ? *info.language : "en-US"));
  }
  auto find = [&tags](auto&& match) -> std::optional<size_t> {
    for (size_t i = 0; i < tags.size(); ++i) {
      if (match(std::string_view(tags[i]))) return i;
    }
    return std::nullopt;
  };
  for (std::string_view wanted : {language, default_language}) {
    if (wanted.empty()) continue;
    const std::string w = lower(wanted);
    if (auto i = find([&](std::string_view t) { return t == w; })) return i;
    if (auto i = find([&](std::string_view t) { return t.starts_with(w + "-"); })) return i;
    if (auto i = find([&](std::string_view t) { return primary_subtag(t) == primary_subtag(w); }))
      return i;
  }
  return 0;
}

Result<SmsText> sms_text(const cap::Alert& alert, const TextOptions& options) {
  auto prefix = prefix_of(alert, options);
  if (!prefix.ok()) return prefix.status();
  const auto index = select_info(alert, options.language, options.default_language);
  if (!index) {
    return not_found("alert " + alert.identifier + " has no <info>: no SMS text");
  }
  const cap::Info& info = alert.infos[*index];

  SmsText out;
  out.info_index = *index;
  std::string body;
  bool fitted = false;
  if (options.use_cmam) {
    // IPAWS: the WEA texts, written to be read on a phone. Long first, when it fits whole.
    const Fitter plain(*prefix, "", options);
    for (auto [name, source] : {std::pair{"CMAMlongtext", TextSource::kCmamLongText},
                                std::pair{"CMAMtext", TextSource::kCmamText}}) {
      const std::string* value = parameter(info, name);
      if (!value || squeeze(*value).empty()) continue;
      body = squeeze(*value);
      out.source = source;
      std::string text = plain.compose(body, false);
      auto ok = plain.fits(text);
      if (!ok.ok()) return ok.status();
      if (*ok) {
        out.text = std::move(text);
        fitted = true;
        break;
      }
    }
    if (!fitted && out.source != TextSource::kHeadline) {  // a CMAM text, too long: cut it
      auto cut = fit_body(plain, body);
      if (!cut.ok()) return cut.status();
      std::tie(out.text, out.truncated) = std::move(*cut);
      fitted = true;
    }
  }
  if (!fitted) {
    std::string head = squeeze(info.headline ? *info.headline : "");
    if (head.empty()) head = squeeze(info.event);  // <event> is required, <headline> is not
    const std::string instruction = squeeze(info.instruction ? *info.instruction : "");
    body = head;
    if (!instruction.empty()) body += (body.empty() ? "" : "\n") + instruction;
    auto cut = fit_body(Fitter(*prefix, link_of(alert, info, options), options), body);
    if (!cut.ok()) return cut.status();
    std::tie(out.text, out.truncated) = std::move(*cut);
  }

  auto f = cap::fit(out.text, {options.concat, cap::CbsLanguage::kInDcs});
  if (!f.ok()) return f.status();
  out.encoding = f->encoding;
  out.segments = f->sms_segments;
  return out;
}

}  // namespace capcast::dispatch::sms
