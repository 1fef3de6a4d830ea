// The gdacs-rss format: relay or map each item, and the episode lifecycle of mapped items.
//   item with <gdacs:cap>, prefer_linked_cap -> the link ("#episode=N" appended, so that the
//                                                poller fetches it again for a new episode)
//   new event                                -> Alert, sent = pubDate
//   episodeid above the last one issued      -> Update referencing the last message
//   same episode                             -> the last message again (same identifier, sent
//                                               and references; the store drops the repeat)
// The sent of an episode is remembered: GDACS moves some items' pubDate without a new episode.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "capcast/cap/datetime.h"
#include "capcast/cap/safe_xml.h"
#include "capcast/cap/serialize.h"
#include "capcast/core/redact.h"
#include "capcast/ingest/fetcher.h"
#include "capgen/capgen.h"
#include "capgen/event_memory.h"
#include "gdacs_rss.h"
#include "item.h"

namespace capcast::ingest::gdacs_rss {
namespace {

using nlohmann::json;

struct Remembered {
  int64_t episode = 0;     // the episode the last message was made from
  int64_t sent_ms = 0;     // its <sent>
  std::string references;  // its <references>
  std::string key;         // it, as "sender,identifier,sent"
  int64_t seen_ms = 0;
};
using Memory = std::map<std::string, Remembered>;  // by event ("EQ1200043")

Memory load_memory(std::string_view text, std::vector<std::string>& problems) {
  Memory m;
  capgen::load_events(text, problems, [&](const std::string& id, const json& e) {
    Remembered r;
    if (!capgen::get_i64(e, "episode", &r.episode) || !capgen::get_i64(e, "sent", &r.sent_ms) ||
        !capgen::get_str(e, "references", &r.references) || !capgen::get_str(e, "key", &r.key) ||
        !capgen::get_i64(e, "seen", &r.seen_ms))
      return false;
    m.emplace(id, std::move(r));
    return true;
  });
  return m;
}

std::string save_memory(const Memory& m) {
  json events = json::object();
  for (const auto& [k, r] : m) {
    events[k] = {{"episode", r.episode},
                 {"sent", r.sent_ms},
                 {"references", r.references},
                 {"key", r.key},
                 {"seen", r.seen_ms}};
  }
  return capgen::save_events(std::move(events));
}

// The CAP link of an item, absolute, without a fragment, or "" when it cannot be fetched safely:
// http(s) only, or file: when the feed itself is a file.
std::string cap_link(const Input& in, const Item& it) {
  std::string url = resolve_reference(in.url, it.cap_url);
  url = url.substr(0, url.find('#'));
  bool web = url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
  bool file = url.rfind("file:", 0) == 0 && in.url.rfind("file:", 0) == 0;
  if (!web && !file) return "";
  // A fragment is not sent to the server (RFC 3986 §3.5) but makes the link new for each
  // episode: the poller fetches a link only once.
  if (it.episode_id) url += "#episode=" + std::to_string(*it.episode_id);
  return url;
}

}  // namespace

Extracted extract(const Input& in) {
  Extracted out;
  const std::string where = mask_url_password(in.url);
  auto settings = read_settings(capgen::options_of(in, kName), out.problems);
  if (!settings) return out;
  pugi::xml_document doc;
  if (auto st = cap::load_safe_xml(doc, in.body, {}); !st.ok()) {
    out.problems.push_back(where + ": " + st.message());
    return out;
  }
  pugi::xml_node root = doc.document_element();
  pugi::xml_node channel = root.child("channel");
  if (cap::local_name(root.name()) != "rss" || !channel) {
    out.problems.push_back(where + ": not an RSS 2.0 document (<rss><channel>); nothing taken");
    return out;
  }
  int64_t now_ms = in.now_ms;
  Memory memory = load_memory(in.memory, out.problems);
  bool sender_checked = false, sender_ok = false, mapped = false;
  std::set<std::string> links, done;
  size_t index = 0;
  for (auto node : channel.children()) {
    if (node.type() != pugi::node_element || cap::local_name(node.name()) != "item") continue;
    std::vector<std::string> item_problems;  // reported only when the item is mapped
    Item it = read_item(node, ++index, item_problems);
    if (settings->prefer_linked_cap && !it.cap_url.empty()) {
      std::string link = cap_link(in, it);
      if (link.empty()) {
        out.problems.push_back(it.where + ": gdacs:cap \"" + it.cap_url +
                               "\" is not an http(s) URL; the item is mapped instead");
      } else {
        if (links.insert(link).second) out.links.push_back(link);
        continue;
      }
    }
    out.problems.insert(out.problems.end(), item_problems.begin(), item_problems.end());
    if (it.event_type.empty() || !capgen::is_plain_id(it.event_type) || it.event_id.empty() ||
        !it.episode_id) {
      out.problems.push_back(it.where +
                             ": no gdacs:eventtype, gdacs:eventid and gdacs:episodeid; not mapped");
      continue;
    }
    if (!sender_checked) {
      sender_checked = true;
      sender_ok = sender_usable(*settings, out.problems);
    }
    if (!sender_ok) continue;
    mapped = true;
    std::string event = it.event_type + it.event_id;
    if (!done.insert(event).second) {
      out.problems.push_back(it.where + ": event " + event + " listed twice; the second ignored");
      continue;
    }
    auto issue = [&](Remembered& r, const char* msg_type, int64_t sent, std::string refs) {
      cap::Alert a = build_alert(it, msg_type, sent, refs, *settings, out.problems);
      out.documents.push_back(cap::serialize(a));
      r = {*it.episode_id, sent, std::move(refs), cap::key_of(a).to_string(), now_ms};
    };
    auto found = memory.find(event);
    if (found != memory.end() && *it.episode_id <= found->second.episode) {
      Remembered& r = found->second;
      r.seen_ms = std::max(r.seen_ms, now_ms);
      if (*it.episode_id == r.episode) {
        auto a = build_alert(it, r.references.empty() ? "Alert" : "Update", r.sent_ms, r.references,
                             *settings, out.problems);
        out.documents.push_back(cap::serialize(a));
      }
      continue;  // an older episode than the one issued: nothing
    }
    if (!it.pub_ms) {
      out.problems.push_back(it.where + ": no usable pubDate for the message's sent; not mapped");
      continue;
    }
    if (found == memory.end()) {
      issue(memory[event], "Alert", *it.pub_ms, "");
    } else {
      Remembered& r = found->second;
      issue(r, "Update", std::max(*it.pub_ms, r.sent_ms), r.key);
    }
  }
  if (mapped || !memory.empty()) {
    if (now_ms > 0) {
      capgen::forget_old(memory, now_ms, settings->forget_after_ms,
                         static_cast<size_t>(settings->max_events));
    }
    out.memory = save_memory(memory);
  }
  return out;
}

}  // namespace capcast::ingest::gdacs_rss
