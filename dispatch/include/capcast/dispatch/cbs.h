// Cell broadcast as `capcast cbs encode` shows it: what one CAP alert becomes (message
// identifiers, serial numbers, data coding, pages, target cells) under a profile, without
// sending anything. The channels (dispatch/channels/cbs/) plan the same way, with the incident's
// message code from the store instead of `message_code`.
#pragma once

#include <string>
#include <vector>

#include "capcast/cap/model.h"
#include "capcast/config/config.h"
#include "capcast/config/schema.h"
#include "capcast/core/result.h"

namespace capcast::dispatch {

struct CbsEncodeOptions {
  std::string profile = "eu-alert";  // wea (cmas), eu-alert, etws, or a [[cbs_profile]]'s name
  // The configuration whose [[cbs_profile]]s may be named (not owned); nullptr: built-ins only.
  const config::Document* config = nullptr;
  std::string primary_language;    // "" : the profile's
  std::string cells_file;          // a cell inventory (CSV); "" : the whole network
  std::string geo_scope = "plmn";  // plmn, area, cell, cell-immediate
  size_t max_chars = 0;
  int message_code = 0;  // 0..1023: the channels allocate one per incident
};

struct CbsEncodedMessage {
  std::string operation;  // write, replace, kill
  int message_id = 0;
  std::string meaning;  // the rule's label, e.g. "EU-Alert Level 2 (Extreme/Immediate/Observed)"
  int serial = 0;       // packed
  int geo_scope = 0;
  int message_code = 0;
  int update_number = 0;
  int dcs = 0;
  std::string language;
  std::string text;
  std::string etws;  // "" or the warning type (earthquake, tsunami ...): a primary notification
  std::vector<std::string> pages_hex;  // 82 octets each
  bool whole_network = true;
  std::vector<std::string> cells;  // "name (mcc-mnc-lac-ci)"
};

struct CbsEncodeReport {
  std::vector<CbsEncodedMessage> messages;
  std::vector<std::string> notes;
};

// kInvalidArgument when the alert is not to be broadcast (the reason) or an option is wrong;
// kIoError / kInvalidArgument from loading the cell inventory.
Result<CbsEncodeReport> cbs_encode(const cap::Alert& alert, const CbsEncodeOptions& options);

// [[cbs_profile]] and [[cbs_rule]]: cell broadcast profiles of the operator's own, for the
// configuration schema. build_channels() rejects a configuration whose profiles have errors.
config::SectionSpec cbs_profile_section();
config::SectionSpec cbs_rule_section();
// Checks those sections: kInvalidArgument listing every error, "file:line:column: ...".
// `warnings`, when given, gets what is allowed but probably not meant (an identifier outside the
// public warning range).
Status check_cbs_profiles(const config::Document& doc,
                          std::vector<std::string>* warnings = nullptr);

std::string cbs_report_text(const CbsEncodeReport& report);
std::string cbs_report_json(const CbsEncodeReport& report);  // one JSON object

}  // namespace capcast::dispatch
