#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "capcast/dispatch/cbs.h"
#include "cbs/cells.h"
#include "cbs/channels.h"
#include "cbs/message_id.h"
#include "cbs/pages.h"
#include "cbs/plan.h"
#include "cbs/profile_config.h"

namespace capcast::dispatch {

namespace {

const char* etws_name(cbs::EtwsWarningType t) {
  switch (t) {
    case cbs::EtwsWarningType::kEarthquake:
      return "earthquake";
    case cbs::EtwsWarningType::kTsunami:
      return "tsunami";
    case cbs::EtwsWarningType::kEarthquakeAndTsunami:
      return "earthquake and tsunami";
    case cbs::EtwsWarningType::kTest:
      return "test";
    case cbs::EtwsWarningType::kOther:
      return "other";
  }
  return "other";
}

std::string two_hex(int v, int digits) {
  std::ostringstream o;
  o << "0x" << std::hex;
  o.width(digits);
  o.fill('0');
  o << v;
  return o.str();
}

}  // namespace

Result<CbsEncodeReport> cbs_encode(const cap::Alert& alert, const CbsEncodeOptions& o) {
  auto found = cbs::find_profile(o.profile, o.config);
  if (!found.ok()) return found.status();
  cbs::Profile profile = std::move(*found);
  if (!o.primary_language.empty()) profile.primary_language = o.primary_language;
  if (o.message_code < 0 || o.message_code > 1023) {
    return invalid_argument("message code " + std::to_string(o.message_code) + " not in 0..1023");
  }
  cbs::PlanOptions po;
  po.profile = &profile;
  po.max_chars = o.max_chars;
  const std::map<std::string, cbs::GeoScope> scopes = {
      {"plmn", cbs::GeoScope::kPlmn},
      {"area", cbs::GeoScope::kLocationArea},
      {"cell", cbs::GeoScope::kCell},
      {"cell-immediate", cbs::GeoScope::kCellImmediate}};
  auto scope = scopes.find(o.geo_scope);
  if (scope == scopes.end()) {
    return invalid_argument("geo scope '" + o.geo_scope + "': plmn, area, cell or cell-immediate");
  }
  po.scope = scope->second;
  std::optional<cbs::CellInventory> inventory;
  std::map<cbs::CellId, std::string> names;
  if (!o.cells_file.empty()) {
    auto inv = cbs::CellInventory::load(o.cells_file);
    if (!inv.ok()) return inv.status();
    inventory = std::move(*inv);
    for (const auto& c : inventory->cells())
      names[c.id] = c.name;
    po.cells = [&inventory](const cap::Alert& a) -> Result<std::vector<cbs::CellId>> {
      return inventory->select(a).cells;
    };
  }
  auto p = cbs::plan(alert, cbs::IncidentState{static_cast<uint16_t>(o.message_code), -1, {}}, po);
  if (!p.ok()) return p.status();
  CbsEncodeReport out;
  out.notes = p->notes;
  for (const auto& b : p->broadcasts) {
    CbsEncodedMessage m;
    m.operation = b.operation == cbs::Operation::kWrite     ? "write"
                  : b.operation == cbs::Operation::kReplace ? "replace"
                                                            : "kill";
    m.message_id = b.message_id;
    m.meaning = p->rule;
    m.serial = b.serial.packed();
    m.geo_scope = static_cast<int>(b.serial.scope);
    m.message_code = b.serial.message_code;
    m.update_number = b.serial.update_number;
    m.dcs = b.dcs;
    m.language = b.language;
    m.text = b.text;
    if (b.etws) m.etws = etws_name(b.etws->type);
    for (const auto& page : b.pages)
      m.pages_hex.push_back(cbs::to_hex(page));
    m.whole_network = b.whole_network;
    for (const auto& c : b.cells) {
      auto n = names.find(c);
      m.cells.push_back((n != names.end() ? n->second + " " : "") + "(" + cbs::cell_key(c) + ")");
    }
    out.messages.push_back(std::move(m));
  }
  return out;
}

config::SectionSpec cbs_profile_section() {
  return cbs::profile_section();
}

config::SectionSpec cbs_rule_section() {
  return cbs::rule_section();
}

Status check_cbs_profiles(const config::Document& doc, std::vector<std::string>* warnings) {
  auto profiles = cbs::operator_profiles(doc);
  if (!profiles.ok()) return profiles.status();
  if (warnings != nullptr) *warnings = profiles->warnings;
  return Status();
}

std::string cbs_report_text(const CbsEncodeReport& r) {
  std::ostringstream o;
  size_t n = 0;
  for (const auto& m : r.messages) {
    o << "message " << ++n << ": " << m.operation << ", identifier " << m.message_id << " ("
      << two_hex(m.message_id, 4) << ") " << m.meaning << "\n";
    o << "  serial " << m.serial << " (" << two_hex(m.serial, 4) << "): geographical scope "
      << m.geo_scope << ", message code " << m.message_code << ", update " << m.update_number
      << "\n";
    if (!m.etws.empty()) {
      o << "  ETWS primary notification: " << m.etws << ", user alert, popup\n";
    } else {
      o << "  data coding scheme " << two_hex(m.dcs, 2) << ", language "
        << (m.language.empty() ? "-" : m.language) << ", " << m.pages_hex.size() << " page"
        << (m.pages_hex.size() == 1 ? "" : "s") << "\n";
      o << "  text: " << m.text << "\n";
      for (size_t i = 0; i < m.pages_hex.size(); ++i) {
        o << "  page " << i + 1 << ": " << m.pages_hex[i] << "\n";
      }
    }
    if (m.whole_network) {
      o << "  cells: the whole network\n";
    } else {
      o << "  cells (" << m.cells.size() << "):";
      for (const auto& c : m.cells)
        o << " " << c;
      o << "\n";
    }
  }
  for (const auto& note : r.notes)
    o << "note: " << note << "\n";
  return o.str();
}

std::string cbs_report_json(const CbsEncodeReport& r) {
  nlohmann::json out = {{"messages", nlohmann::json::array()}, {"notes", r.notes}};
  for (const auto& m : r.messages) {
    nlohmann::json j = {{"operation", m.operation},
                        {"message_id", m.message_id},
                        {"meaning", m.meaning},
                        {"serial",
                         {{"value", m.serial},
                          {"geo_scope", m.geo_scope},
                          {"message_code", m.message_code},
                          {"update_number", m.update_number}}},
                        {"dcs", m.dcs},
                        {"language", m.language},
                        {"text", m.text},
                        {"pages", m.pages_hex},
                        {"whole_network", m.whole_network},
                        {"cells", m.cells}};
    if (!m.etws.empty()) j["etws"] = m.etws;
    out["messages"].push_back(std::move(j));
  }
  return out.dump(2);
}

}  // namespace capcast::dispatch
