#include "cbs/ecbe.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "cbs/cbsp/codec.h"
#include "cbs/pages.h"

namespace capcast::dispatch::cbs::ecbe {

namespace {

const char* category_name(Category c) {
  switch (c) {
    case Category::kHighPriority:
      return "high_priority";
    case Category::kBackground:
      return "background";
    case Category::kNormal:
      return "normal";
  }
  return "normal";
}

Request del(uint16_t message_id) {
  return Request{"DELETE", std::string(kPrefix) + "/message/" + std::to_string(message_id), ""};
}

Request create(const Broadcast& b, const std::string& cbe_name) {
  nlohmann::json payload;
  if (b.etws) {
    // TS 23.041 §9.3.24 Warning-Type, as ECBE's warning_type_encoded (the type's 7-bit value).
    payload["payload_etws"] = {
        {"warning_type", {{"warning_type_encoded", static_cast<int>(b.etws->type)}}},
        {"emergency_user_alert", b.etws->user_alert},
        {"popup_on_display", b.etws->popup}};
  } else {
    nlohmann::json pages = nlohmann::json::array();
    for (const auto& p : b.pages)
      pages.push_back(to_hex(p));
    payload["payload_encoded"] = {{"dcs", b.dcs}, {"pages", std::move(pages)}};
  }
  nlohmann::json msg = {
      {"cbe_name", cbe_name},
      {"category", category_name(b.category)},
      // ECBE passes repetition_period to CBSP as it is: units of 1.883 s (TS 48.049 §8.2.8).
      {"repetition_period", cbsp::repetition_units(b.repetition_seconds)},
      {"num_of_bcast", std::min(b.broadcasts_requested, 65535u)},
      {"scope", {{"scope_plmn", nlohmann::json::object()}}},
      {"smscb_message",
       {{"message_id", b.message_id},
        {"serial_nr", {{"serial_nr_encoded", b.serial.packed()}}},
        {"payload", std::move(payload)}}},
  };
  return Request{"POST", std::string(kPrefix) + "/message", msg.dump()};
}

}  // namespace

std::vector<Request> requests(const Broadcast& b, const std::string& cbe_name) {
  switch (b.operation) {
    case Operation::kWrite:
      return {create(b, cbe_name)};
    case Operation::kReplace:
      return {del(b.message_id), create(b, cbe_name)};
    case Operation::kKill:
      return {del(b.message_id)};
  }
  return {};
}

Verdict classify(const Request& request, int status) {
  if (status >= 200 && status < 300) return Verdict::kDone;
  if (request.method == "DELETE" && status == 404) return Verdict::kDone;
  if (status == 0 || status >= 500 || status == 408 || status == 429) return Verdict::kRetry;
  return Verdict::kReject;
}

}  // namespace capcast::dispatch::cbs::ecbe
