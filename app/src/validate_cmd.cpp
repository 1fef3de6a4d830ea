// `capcast validate [--format text|json] FILE...`: one line per finding,
// "FILE: LEVEL: PATH: message [rule]"; exit 0 when no file has an error, 1 when any has, 2 on a
// usage error (including a file that cannot be read). "-" reads standard input.
#include <iostream>
#include <nlohmann/json.hpp>

#include "capcast/cap/channel_fit.h"
#include "capcast/cap/profile.h"
#include "capcast/cap/validate.h"
#include "commands.h"
#include "input.h"

namespace capcast::app {

int validate_command(const ValidateCmdOptions& options) {
  if (options.format != "text" && options.format != "json") {
    std::cerr << "capcast validate: --format must be text or json\n";
    return kExitUsage;
  }
  cap::ValidateOptions vo;
  for (const auto& name : options.profiles) {
    if (name != "auto" && !cap::find_profile(name)) {
      std::string known = "auto";
      for (const auto& p : cap::profiles())
        known += std::string(", ") + p.name;
      std::cerr << "capcast validate: unknown profile '" << name << "' (known: " << known << ")\n";
      return kExitUsage;
    }
    vo.profiles.push_back(name);
  }
  bool any_error = false, unreadable = false;
  size_t with_errors = 0;
  nlohmann::json all = nlohmann::json::array();
  for (const auto& file : options.files) {
    std::string xml;
    if (!read_input(file, xml)) {
      std::cerr << file << ": cannot read the file\n";
      unreadable = true;
      continue;
    }
    cap::Report report = cap::validate(xml, vo);
    bool errors = report.has_errors();
    any_error |= errors;
    with_errors += errors;
    if (options.format == "text") {
      for (const auto& f : report.findings) {
        std::cout << file << ": " << cap::level_name(f.level) << ": " << f.path << ": " << f.message
                  << " [" << f.rule << "]\n";
      }
      if (options.channels && report.parsed) {
        const auto& infos = report.parsed->alert.infos;
        for (size_t i = 0; i < infos.size(); ++i) {
          auto cf = cap::channel_fit(infos[i]);
          if (!cf.ok()) continue;  // invalid UTF-8 cannot come out of the parser
          const auto& f = cf->fit;
          std::cout << file << ": channels: /alert/info[" << i + 1
                    << "]: " << cap::encoding_name(f.encoding) << ", " << f.characters
                    << " characters: " << f.sms_segments << " SMS segment(s), " << f.cbs_pages
                    << " cell-broadcast page(s)" << (f.fits_cbs ? "" : " (over 15)")
                    << ", WEA 90: " << (f.fits_wea_short ? "fits" : "too long")
                    << ", WEA 360: " << (f.fits_wea_long ? "fits" : "too long") << "\n";
        }
      }
    } else {
      nlohmann::json j;
      j["file"] = file;
      j["valid"] = !errors;
      j["findings"] = nlohmann::json::array();
      for (const auto& f : report.findings) {
        j["findings"].push_back({{"level", cap::level_name(f.level)},
                                 {"path", f.path},
                                 {"rule", f.rule},
                                 {"message", f.message}});
      }
      j["channels"] = nlohmann::json::array();
      if (report.parsed) {
        for (const auto& info : report.parsed->alert.infos) {
          auto cf = cap::channel_fit(info);
          if (!cf.ok()) continue;
          const auto& f = cf->fit;
          j["channels"].push_back({{"text", cf->text},
                                   {"encoding", std::string(cap::encoding_name(f.encoding))},
                                   {"characters", f.characters},
                                   {"sms_segments", f.sms_segments},
                                   {"cbs_pages", f.cbs_pages},
                                   {"fits_cbs", f.fits_cbs},
                                   {"fits_wea_90", f.fits_wea_short},
                                   {"fits_wea_360", f.fits_wea_long}});
        }
      }
      all.push_back(std::move(j));
    }
  }
  if (options.format == "json") std::cout << all.dump(2) << "\n";
  std::cerr << options.files.size() << " file(s), " << with_errors << " with errors\n";
  if (unreadable) return kExitUsage;
  return any_error ? kExitFailed : kExitOk;
}

}  // namespace capcast::app
