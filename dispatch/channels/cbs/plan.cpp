#include "cbs/plan.h"

#include <algorithm>
#include <set>

#include "capcast/cap/text_fit.h"
#include "cbs/pages.h"

namespace capcast::dispatch::cbs {

namespace {

std::optional<std::string> parameter(const cap::Info& info, std::string_view name) {
  for (const auto& p : info.parameters) {
    if (p.value_name == name && !p.value.empty()) return p.value;
  }
  return std::nullopt;
}

// CAP 1.2 §3.2.2: an <info> without <language> is "en-US".
std::string language_of(const cap::Info& info) {
  return info.language.value_or("en-US");
}

std::string primary_subtag(const std::string& tag) {
  std::string p = tag.substr(0, tag.find('-'));
  std::transform(p.begin(), p.end(), p.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return p;
}

// Cuts to at most n code points, at the last space or line break before the cut when there is one
// in the second half, and ends with "..." (ASCII: an ellipsis character would force UCS-2). The
// text is valid UTF-8 (checked before): code points start at the bytes that are not 10xxxxxx.
std::string cut(const std::string& text, size_t n) {
  std::vector<size_t> starts;  // byte offset of each code point
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  if (starts.size() <= n) return text;
  const size_t keep = n > 3 ? n - 3 : 0;
  size_t end = starts[keep];
  for (size_t i = keep; i > keep / 2; --i) {
    const char c = text[starts[i]];
    if (c == ' ' || c == '\n') {
      end = starts[i];
      break;
    }
  }
  std::string out = text.substr(0, end);
  while (!out.empty() && (out.back() == ' ' || out.back() == '\n' || out.back() == '.')) {
    out.pop_back();
  }
  return out + "...";
}

// Whitespace runs (the indentation of a pretty-printed CAP document) become one space; the
// ends are trimmed. Pages are too precious for layout.
std::string trimmed(const std::string& s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// Pages for the text, cut further (binary search on the length, at a word) while it needs more
// than 15 pages: as much text as fits.
Result<Pages> fitted_pages(const cap::Info& info, size_t max_chars, std::vector<std::string>& notes,
                           size_t index) {
  const std::string text = broadcast_text(info, max_chars);
  const std::string language = language_of(info);
  auto pages = encode_pages(text, language);
  if (pages.ok() || pages.status().code() != Code::kInvalidArgument) return pages;
  auto chars = cap::decode_utf8(text);
  if (!chars.ok()) return chars.status();
  size_t lo = 20, hi = chars->size();  // lo fits (checked below), hi does not
  auto best = encode_pages(cut(text, lo), language);
  if (!best.ok()) return pages.status();
  while (hi - lo > 1) {
    const size_t mid = lo + (hi - lo) / 2;
    auto p = encode_pages(cut(text, mid), language);
    if (p.ok()) {
      lo = mid;
      best = std::move(p);
    } else {
      hi = mid;
    }
  }
  notes.push_back("info " + std::to_string(index + 1) + ": text cut to " +
                  std::to_string(cap::decode_utf8(best->text)->size()) +
                  " characters to fit 15 pages");
  return best;
}

OnAir on_air_of(const Broadcast& b) {
  return OnAir{b.message_id, b.serial, b.whole_network, b.cells};
}

}  // namespace

std::string broadcast_text(const cap::Info& info, size_t max_chars) {
  std::string text;
  if (auto t = parameter(info, "CMAMlongtext")) {
    text = trimmed(*t);
  } else if (auto s = parameter(info, "CMAMtext")) {
    text = trimmed(*s);
  } else {
    const std::string headline = trimmed(info.headline.value_or(""));
    const std::string body =
        trimmed(info.instruction ? *info.instruction : info.description.value_or(""));
    text = headline.empty() ? body : body.empty() ? headline : headline + "\n" + body;
    if (text.empty()) text = trimmed(info.event);
  }
  return max_chars == 0 ? text : cut(text, max_chars);
}

Result<Plan> plan(const cap::Alert& alert, const IncidentState& state, const PlanOptions& options,
                  bool expired) {
  if (options.profile == nullptr) return invalid_argument("no cell broadcast profile");
  Plan out;
  out.next = state;

  auto kill_all = [&](const std::vector<OnAir>& which) {
    for (const auto& o : which) {
      Broadcast k;
      k.operation = Operation::kKill;
      k.message_id = o.message_id;
      k.serial = o.serial;
      k.old_serial = o.serial;
      k.whole_network = o.whole_network;
      k.cells = o.cells;
      out.broadcasts.push_back(std::move(k));
    }
  };

  if (expired || alert.msg_type == "Cancel") {
    kill_all(state.on_air);
    out.next.on_air.clear();
    if (state.on_air.empty()) {
      out.notes.push_back(expired ? "expired: nothing of its incident is on air"
                                  : "Cancel: nothing of its incident is on air");
    }
    return out;
  }
  if (alert.msg_type == "Ack" || alert.msg_type == "Error") {
    return invalid_argument("msgType " + alert.msg_type + " is not broadcast (CAP 1.2 §3.2.1)");
  }
  if (alert.infos.empty()) return invalid_argument("the alert has no <info> to broadcast");

  // The primary <info>: the first in the profile's language, else the first.
  size_t primary = 0;
  if (!options.profile->primary_language.empty()) {
    for (size_t i = 0; i < alert.infos.size(); ++i) {
      if (primary_subtag(language_of(alert.infos[i])) == options.profile->primary_language) {
        primary = i;
        break;
      }
    }
  }
  const Rule* rule = match(*options.profile, alert, alert.infos[primary]);
  const cap::Info& pinfo = alert.infos[primary];
  if (rule == nullptr) {
    return invalid_argument("no rule of cell broadcast profile '" + options.profile->name +
                            "' matches status " + alert.status + ", " + pinfo.severity + "/" +
                            pinfo.urgency + "/" + pinfo.certainty + ", event '" + pinfo.event +
                            "'");
  }
  if (!rule->broadcast) {
    return invalid_argument("not broadcast under profile '" + options.profile->name +
                            "': " + rule->label);
  }
  out.rule = rule->label;

  bool whole_network = true;
  std::vector<CellId> cells;
  if (options.cells) {
    auto selected = options.cells(alert);
    if (!selected.ok()) return selected.status();
    if (selected->empty()) {
      return invalid_argument("the alert's areas reach no cell of the inventory");
    }
    whole_network = false;
    cells = std::move(*selected);
  }

  const uint8_t update =
      state.update_number < 0 ? 0 : static_cast<uint8_t>((state.update_number + 1) % 16);
  uint16_t code = static_cast<uint16_t>(state.message_code & 0x3FF);
  if (rule->etws) {
    // TS 23.041 §9.4.1.2.1: for ETWS the two most significant bits of the message code are the
    // emergency user alert and popup flags; the incident's code keeps the 8 bits below.
    code = static_cast<uint16_t>((code & 0xFF) | 0x200 | 0x100);
  }
  const Serial serial{options.scope, code, update};

  std::vector<Broadcast> writes;
  std::set<std::string> languages;
  std::set<uint16_t> ids;
  std::vector<size_t> order{primary};
  for (size_t i = 0; i < alert.infos.size(); ++i) {
    if (i != primary) order.push_back(i);
  }
  for (size_t i : order) {
    const cap::Info& info = alert.infos[i];
    const std::string lang = primary_subtag(language_of(info));
    if (!languages.insert(lang).second) {
      out.notes.push_back("info " + std::to_string(i + 1) + " (" + language_of(info) +
                          "): a language already broadcast, skipped");
      continue;
    }
    const bool additional = i != primary;
    if (additional && !rule->additional_id) {
      out.notes.push_back("info " + std::to_string(i + 1) + " (" + language_of(info) +
                          "): " + rule->label + " has no additional-language identifier, skipped");
      continue;
    }
    const uint16_t id = additional ? *rule->additional_id : rule->message_id;
    if (!ids.insert(id).second) continue;
    const size_t max_chars =
        options.max_chars != 0 ? options.max_chars : options.profile->max_chars;
    auto pages = fitted_pages(info, max_chars, out.notes, i);
    if (!pages.ok()) {
      return Status(pages.status().code(),
                    "info " + std::to_string(i + 1) + ": " + pages.status().message());
    }
    Broadcast b;
    b.message_id = id;
    b.serial = serial;
    b.dcs = pages->coding.dcs;
    b.language = pages->coding.language.empty() ? lang : pages->coding.language;
    b.text = pages->text;
    b.pages = std::move(pages->pages);
    b.page_used = std::move(pages->page_used);
    b.whole_network = whole_network;
    b.cells = cells;
    b.category = options.category;
    b.repetition_seconds = options.repetition_seconds;
    b.broadcasts_requested = options.broadcasts_requested;
    if (rule->etws && !additional) {
      // The primary notification first (no text: the handset's own tone and banner), then the
      // secondary notification with the text, under the same identifier and serial.
      Broadcast primary_notification = b;
      primary_notification.etws = Etws{*rule->etws, true, true};
      primary_notification.pages.clear();
      primary_notification.page_used.clear();
      writes.push_back(std::move(primary_notification));
    }
    writes.push_back(std::move(b));
  }

  // What is on air: an identifier used again is replaced, the others are killed.
  std::vector<OnAir> stale;
  for (const auto& o : state.on_air) {
    if (!ids.count(o.message_id)) stale.push_back(o);
  }
  kill_all(stale);
  out.next.on_air.clear();
  for (auto& w : writes) {
    auto it = std::find_if(state.on_air.begin(), state.on_air.end(),
                           [&](const OnAir& o) { return o.message_id == w.message_id; });
    if (it != state.on_air.end()) {
      w.operation = Operation::kReplace;
      w.old_serial = it->serial;
    }
    if (!w.etws) out.next.on_air.push_back(on_air_of(w));
    out.broadcasts.push_back(std::move(w));
  }
  out.next.update_number = update;
  return out;
}

}  // namespace capcast::dispatch::cbs
