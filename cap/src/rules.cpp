// Layer 2 of validation: the rules of CAP 1.2 that the schema cannot express. Each rule cites
// the section of OASIS CAP 1.2 (2010) it comes from; levels follow the spec's words: MUST is an
// error, SHOULD a warning, advice a recommendation.
#include <array>
#include <cctype>
#include <string_view>
#include <utility>

#include "capcast/cap/datetime.h"
#include "capcast/cap/validate.h"
#include "rules_area.h"

namespace capcast::cap {
namespace {

class Rules {
 public:
  explicit Rules(std::vector<Finding>& out) : out_(out) {}

  void add(Level level, std::string path, const char* rule, std::string message) {
    out_.push_back({level, std::move(path), rule, std::move(message)});
  }

  // §3.2.1 identifier and sender: "MUST NOT include spaces, commas or restricted characters
  // (< and &)".
  // `path` is a literal: a std::string of it would cost an allocation per alert (past 15 bytes).
  void no_restricted(const std::string& value, const char* path, const char* rule) {
    static constexpr auto kRestricted = [] {  // one lookup a byte instead of six comparisons
      std::array<bool, 256> t{};
      for (unsigned char c : {' ', ',', '<', '&', '\t', '\n'})
        t[c] = true;
      return t;
    }();
    for (char c : value) {
      if (kRestricted[static_cast<unsigned char>(c)]) {
        std::string what =
            c == ' ' || c == '\t' || c == '\n' ? "whitespace" : std::string("'") + c + "'";
        add(Level::kError, path, rule,
            "\"" + value + "\" contains " + what +
                "; it MUST NOT contain spaces, commas, '<' or '&' (CAP 1.2 §3.2.1)");
        return;
      }
    }
    if (value.empty()) {
      add(Level::kError, path, rule, "must not be empty (CAP 1.2 §3.2.1)");
    }
  }

  // `path` + `element` names the value in a finding (built only for one).
  std::optional<DateTime> datetime(const std::optional<std::string>& value, const std::string& path,
                                   std::string_view element = {}) {
    if (!value) return std::nullopt;
    std::string why;
    auto d = parse_datetime(*value, &why);
    if (!d) {
      add(Level::kError, path + std::string(element), "datetime.format",
          "\"" + *value + "\" " + why);
    }
    return d;
  }

  void alert(const Alert& a) {
    no_restricted(a.identifier, "/alert/identifier", "identifier.chars");
    no_restricted(a.sender, "/alert/sender", "sender.chars");
    auto sent = datetime(a.sent, "/alert/sent");
    scope(a);
    references(a, sent);
    if (a.msg_type == "Error" && (!a.note || a.note->empty())) {
      add(Level::kWarning, "/alert/note", "note.error",
          "a message of type Error should say what the error was in <note> (CAP 1.2 §3.2.1)");
    }
    if (a.infos.empty() && (a.msg_type == "Alert" || a.msg_type == "Update")) {
      add(Level::kWarning, "/alert", "info.missing",
          "an " + a.msg_type + " without <info> tells recipients nothing to act on");
    }
    quoted_list(a.addresses, "/alert/addresses", "addresses.format");
    quoted_list(a.incidents, "/alert/incidents", "incidents.format");
    for (size_t i = 0; i < a.infos.size(); ++i) {
      info(a.infos[i], "/alert/info[" + std::to_string(i + 1) + "]", sent);
    }
  }

 private:
  // §3.2.1 scope, restriction, addresses.
  void scope(const Alert& a) {
    bool has_restriction = a.restriction && !a.restriction->empty();
    bool has_addresses = a.addresses && !a.addresses->empty();
    if (a.scope == "Restricted" && !has_restriction) {
      add(Level::kError, "/alert/restriction", "restriction.required",
          "scope is Restricted: <restriction> must say the rule that limits distribution "
          "(CAP 1.2 §3.2.1)");
    }
    if (a.scope != "Restricted" && has_restriction) {
      add(Level::kWarning, "/alert/restriction", "restriction.scope",
          "<restriction> is used only with scope Restricted; scope is " + a.scope +
              " (CAP 1.2 §3.2.1)");
    }
    if (a.scope == "Private" && !has_addresses) {
      add(Level::kError, "/alert/addresses", "addresses.required",
          "scope is Private: <addresses> is required (CAP 1.2 §3.2.1)");
    }
    if (a.scope == "Public" && has_addresses) {
      add(Level::kWarning, "/alert/addresses", "addresses.scope",
          "<addresses> is for Private and Restricted scope; scope is Public (CAP 1.2 §3.2.1)");
    }
  }

  // §3.2.1 references: "sender,identifier,sent" triples separated by whitespace.
  void references(const Alert& a, const std::optional<DateTime>& sent) {
    const char* path = "/alert/references";
    bool needs = a.msg_type == "Update" || a.msg_type == "Cancel" || a.msg_type == "Ack" ||
                 a.msg_type == "Error";
    if (!a.references || a.references->find_first_not_of(" \t\r\n") == std::string::npos) {
      if (needs) {
        add(Level::kWarning, path, "references.missing",
            "a message of type " + a.msg_type +
                " should name the message(s) it refers to in <references> (CAP 1.2 §3.2.1)");
      }
      return;
    }
    if (a.msg_type == "Alert") {
      add(Level::kWarning, path, "references.alert",
          "an Alert refers to earlier messages: use msgType Update (CAP 1.2 §3.2.1)");
    }
    size_t i = 0, n = 0;
    std::string_view refs = *a.references;
    while (i < refs.size()) {
      while (i < refs.size() && std::isspace(static_cast<unsigned char>(refs[i])))
        ++i;
      if (i >= refs.size()) break;
      size_t end = i;
      while (end < refs.size() && !std::isspace(static_cast<unsigned char>(refs[end])))
        ++end;
      std::string_view triple = refs.substr(i, end - i);
      i = end;
      ++n;
      auto where = [&] {
        return "reference " + std::to_string(n) + " \"" + std::string(triple) + "\"";
      };
      auto c1 = triple.find(','), c2 = triple.rfind(',');
      if (c1 == std::string_view::npos || c1 == c2) {
        add(Level::kError, path, "references.format",
            where() + " is not sender,identifier,sent (CAP 1.2 §3.2.1)");
        continue;
      }
      std::string_view r_sender = triple.substr(0, c1);
      std::string_view r_id = triple.substr(c1 + 1, c2 - c1 - 1);
      std::string_view r_sent = triple.substr(c2 + 1);
      if (r_id.find(',') != std::string_view::npos || r_sender.empty() || r_id.empty()) {
        add(Level::kError, path, "references.format",
            where() + " is not sender,identifier,sent (CAP 1.2 §3.2.1)");
        continue;
      }
      std::string why;
      auto rs = parse_datetime(r_sent, &why);
      if (!rs) {
        add(Level::kError, path, "references.format", where() + ": its sent " + why);
        continue;
      }
      if (r_sender == a.sender && r_id == a.identifier) {
        add(Level::kError, path, "references.self",
            where() + " refers to this message itself (CAP 1.2 §3.2.1)");
      } else if (sent && rs->unix_ms > sent->unix_ms) {
        add(Level::kError, path, "references.future",
            where() + " was sent after this message; a message can only refer to earlier ones");
      }
    }
  }

  // §3.2.1 addresses and incidents: space-delimited, multi-word entries in double quotes.
  void quoted_list(const std::optional<std::string>& v, const char* path, const char* rule) {
    if (!v) return;
    size_t quotes = 0;
    for (char c : *v)
      quotes += c == '"';
    if (quotes % 2 != 0) {
      add(Level::kError, path, rule,
          "unbalanced double quote: multi-word entries are enclosed in double quotes "
          "(CAP 1.2 §3.2.1)");
    }
  }

  // `path` is "/alert/info[N]"; the paths below it are built only for a finding.
  void info(const Info& i, const std::string& path, const std::optional<DateTime>& sent) {
    auto effective = datetime(i.effective, path, "/effective");
    auto onset = datetime(i.onset, path, "/onset");
    auto expires = datetime(i.expires, path, "/expires");
    if (expires && effective && effective->unix_ms > expires->unix_ms) {
      add(Level::kError, path + "/effective", "effective.after_expires",
          "effective (" + *i.effective + ") is after expires (" + *i.expires + ")");
    }
    if (expires && onset && onset->unix_ms > expires->unix_ms) {
      add(Level::kWarning, path + "/onset", "onset.after_expires",
          "onset (" + *i.onset + ") is after expires (" + *i.expires + ")");
    }
    if (expires && sent && expires->unix_ms <= sent->unix_ms) {
      add(Level::kWarning, path + "/expires", "expires.before_sent",
          "expires (" + *i.expires + ") is not after sent: the message is void on arrival");
    }
    if (i.web && i.web->empty()) {
      add(Level::kWarning, path + "/web", "web.empty",
          "<web> is empty: give a full absolute URI or leave the element out (CAP 1.2 §3.2.2)");
    } else if (i.web) {
      auto colon = i.web->find(':');
      bool absolute = colon != std::string::npos && colon > 0 &&
                      std::isalpha(static_cast<unsigned char>((*i.web)[0]));
      for (size_t k = 0; absolute && k < colon; ++k) {
        char c = (*i.web)[k];
        absolute = std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
      }
      if (!absolute) {
        add(Level::kError, path + "/web", "web.absolute",
            "\"" + *i.web + "\" is not a full absolute URI (CAP 1.2 §3.2.2)");
      }
    }
    const std::pair<const char*, const std::optional<std::string>*> texts[] = {
        {"headline", &i.headline},
        {"description", &i.description},
        {"instruction", &i.instruction}};
    for (const auto& [which, text] : texts) {
      const auto& t = *text;
      if (t && looks_like_html(*t)) {
        add(Level::kWarning, path + "/" + which, "text.html",
            std::string("<") + which +
                "> contains HTML markup; CAP text is plain text and is shown as written");
      }
    }
    if (i.headline && utf8_length(*i.headline) > 160) {
      add(Level::kRecommendation, path + "/headline", "headline.length",
          "the headline has " + std::to_string(utf8_length(*i.headline)) +
              " characters; 160 is the suggested limit (CAP 1.2 §3.2.2)");
    }
    pairs(
        i.event_codes, [&] { return path + "/eventCode"; }, "eventCode");
    pairs(
        i.parameters, [&] { return path + "/parameter"; }, "parameter");
    for (size_t r = 0; r < i.resources.size(); ++r) {
      resource(i.resources[r], [&] { return path + "/resource[" + std::to_string(r + 1) + "]"; });
    }
    for (size_t k = 0; k < i.areas.size(); ++k) {
      pairs(
          i.areas[k].geocodes,
          [&] { return path + "/area[" + std::to_string(k + 1) + "]/geocode"; }, "geocode");
      check_area(i.areas[k], path, k + 1, polygons_, out_);
    }
  }

  // `path()` gives the path of the elements, e.g. "/alert/info[1]/parameter".
  template <typename PathFn>
  void pairs(const std::vector<ValuePair>& ps, const PathFn& path, const char* what) {
    for (size_t k = 0; k < ps.size(); ++k) {
      if (ps[k].value_name.empty()) {
        add(Level::kWarning, path() + "[" + std::to_string(k + 1) + "]/valueName",
            "valuename.empty",
            std::string("<") + what + "> has an empty valueName: receivers cannot tell what it is");
      }
    }
  }

  // §3.2.3 resource; `path()` gives its path.
  template <typename PathFn>
  void resource(const Resource& r, const PathFn& path) {
    // RFC 2046 §5.1: type "/" subtype, both tokens (parameters after ';' not checked).
    auto token = [](std::string_view t) {
      if (t.empty()) return false;
      for (char c : t) {
        if (c <= ' ' || c >= 127 ||
            std::string_view("()<>@,;:\\\"/[]?=").find(c) != std::string_view::npos) {
          return false;
        }
      }
      return true;
    };
    std::string mt = r.mime_type.substr(0, r.mime_type.find(';'));
    while (!mt.empty() && mt.back() == ' ')
      mt.pop_back();
    // The slash of the type itself: one after the ';' (e.g. "text; a/b") belongs to a parameter.
    auto slash = mt.find('/');
    if (slash == std::string::npos || !token(std::string_view(mt).substr(0, slash)) ||
        !token(std::string_view(mt).substr(slash + 1))) {
      add(Level::kError, path() + "/mimeType", "mimetype.format",
          "\"" + r.mime_type + "\" is not a MIME type of the form type/subtype (RFC 2046)");
    }
    if (r.deref_uri && !is_base64(*r.deref_uri)) {
      add(Level::kError, path() + "/derefUri", "derefuri.base64",
          "<derefUri> must hold the content in base64 (CAP 1.2 §3.2.3)");
    }
    if (r.uri && r.uri->find(':') == std::string::npos && !r.deref_uri) {
      add(Level::kError, path() + "/uri", "uri.relative",
          "\"" + *r.uri +
              "\" is a relative URI without a <derefUri>; use a full absolute URI "
              "(CAP 1.2 §3.2.3)");
    }
    if (r.digest) {
      bool hex40 = r.digest->size() == 40;
      for (char c : *r.digest)
        hex40 = hex40 && std::isxdigit(static_cast<unsigned char>(c));
      if (!hex40) {
        add(Level::kWarning, path() + "/digest", "digest.sha1",
            "<digest> should be the SHA-1 hash of the resource in 40 hex digits "
            "(CAP 1.2 §3.2.3, FIPS 180-2)");
      }
    }
  }

  // RFC 4648 §4 base64, whitespace ignored (it is folded into lines), '=' padding only at the
  // end. <derefUri> can be megabytes, so each byte costs one table look-up.
  static bool is_base64(const std::string& s) {
    enum : unsigned char { kOther, kSpace, kDigit, kPad };
    static constexpr auto kClass = [] {
      std::array<unsigned char, 256> t{};
      for (char c : std::string_view(" \t\r\n"))
        t[static_cast<unsigned char>(c)] = kSpace;
      for (char c :
           std::string_view("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"))
        t[static_cast<unsigned char>(c)] = kDigit;
      t['='] = kPad;
      return t;
    }();
    size_t n = 0, pad = 0;
    const unsigned char* p = reinterpret_cast<const unsigned char*>(s.data());
    const unsigned char* const end = p + s.size();
    while (p != end) {
      const unsigned char* run = p;  // digits, most of the text: a tight loop
      while (p != end && kClass[*p] == kDigit)
        ++p;
      if (p != run && pad) return false;
      n += static_cast<size_t>(p - run);
      if (p == end) break;
      switch (kClass[*p++]) {
        case kSpace:
          continue;
        case kPad:
          ++pad;
          ++n;
          continue;
        default:
          return false;
      }
    }
    return n % 4 == 0 && pad <= 2;
  }

  static bool looks_like_html(const std::string& s) {
    // From one '<' to the next with find (memchr): texts rarely hold one, and a byte loop over
    // every headline, description and instruction cost more than the rest of Rules::info.
    for (size_t k = s.find('<'); k != std::string::npos && k + 1 < s.size();
         k = s.find('<', k + 1)) {
      char c = s[k + 1];
      if (std::isalpha(static_cast<unsigned char>(c)) || c == '/' || c == '!') {
        auto close = s.find('>', k);
        if (close != std::string::npos && close - k < 200) return true;
      }
    }
    return false;
  }

  static size_t utf8_length(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s)
      n += (c & 0xC0) != 0x80;
    return n;
  }

  std::vector<Finding>& out_;
  PolygonMemo polygons_;
};

}  // namespace

std::vector<Finding> check_rules(const Alert& alert) {
  std::vector<Finding> out;
  Rules(out).alert(alert);
  return out;
}

}  // namespace capcast::cap
