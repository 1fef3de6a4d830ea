// capcast: CAP alerts in, to the public and to operators out. See README.md.
#include <CLI/CLI.hpp>

#include <iostream>

#include "capcast/core/version.h"
#include "capcast/store/sealer.h"
#include "commands.h"

int main(int argc, char** argv) {
  using namespace capcast::app;
  CLI::App app{
      "capcast: CAP 1.2 early-warning dissemination.\n"
      "Exit codes: 0 success, 1 input processed and found wanting, 2 usage or "
      "configuration error."};
  app.require_subcommand(1);

  RunOptions run;
  auto* run_cmd =
      app.add_subcommand("run", "Run the service: poll sources, store, dispatch, serve");
  run_cmd->add_option("-c,--config", run.config_path, "configuration file (TOML)")->required();
  run_cmd->add_flag("--once", run.once,
                    "poll every source once, deliver what is due, print a summary and exit");
  run_cmd->add_option("--log-level", run.log_level, "overrides [log] level");
  run_cmd->add_option("--log-format", run.log_format, "text or json; overrides [log] format")
      ->check(CLI::IsMember({"text", "json"}));

  ValidateCmdOptions validate;
  auto* validate_cmd = app.add_subcommand(
      "validate",
      "Validate CAP files against the CAP 1.2 schema and the rules of the standard.\n"
      "Prints FILE: LEVEL: PATH: message [rule] per finding; exit 0 when no file has an error, 1 "
      "when any has, 2 on a usage error");
  validate_cmd->add_option("files", validate.files, "CAP XML files; - reads standard input")
      ->required();
  validate_cmd
      ->add_option("--profile", validate.profiles,
                   "apply a CAP profile: ipaws, cap-cp, cap-au, meteoalarm, or auto (the "
                   "profiles each alert declares); may be repeated")
      ->allow_extra_args(false);
  validate_cmd->add_flag("--channels", validate.channels,
                         "also show how each <info>'s short text fits SMS, cell broadcast and WEA "
                         "(always in the JSON output)");
  validate_cmd->add_option("--format", validate.format, "text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));

  ConvertCmdOptions convert;
  auto* convert_cmd = app.add_subcommand(
      "convert",
      "Turn one file in a source format into CAP 1.2 files, one per alert, named by identifier.\n"
      "Exit 1 if the input could not be converted");
  convert_cmd->add_option("--from", convert.from, "the input's format (as a [[source]] type)")
      ->required();
  convert_cmd->add_option("input", convert.input, "the input file; - reads standard input")
      ->required();
  convert_cmd->add_option("--out", convert.out, "the folder to write the CAP files to")->required();
  convert_cmd->add_option("--thresholds", convert.thresholds,
                          "a file of threshold lines (sensor formats), one per line");
  convert_cmd->add_option("--set", convert.settings, "KEY=VALUE for a key of the format")
      ->allow_extra_args(false);

  SendCmdOptions send;
  auto* send_cmd = app.add_subcommand(
      "send",
      "Validate one alert and deliver it through the dispatch engine to the configured channels, "
      "or only to the --channel URLs given, showing progress.\n"
      "Exit 0 when every delivery was delivered, 1 when the alert is invalid or any delivery "
      "ended dead, 2 on a usage or configuration error");
  send_cmd->add_option("alert", send.file, "the CAP XML file; - reads standard input")->required();
  send_cmd->add_option("-c,--config", send.config_path,
                       "configuration file (TOML): [[channel]]s, [store], [dispatch]");
  send_cmd
      ->add_option("--channel", send.channels,
                   "a channel URL, e.g. file:///var/capcast/out; may be repeated; when given, "
                   "only these channels are used")
      ->allow_extra_args(false);
  send_cmd->add_option("--store", send.store_path,
                       "the store to record the alert and its deliveries in; default: a "
                       "temporary one");
  send_cmd
      ->add_option("--to", send.to,
                   "a phone number (E.164, e.g. +254700000001) to send to on the channels that "
                   "deliver to people (SMS); may be repeated")
      ->allow_extra_args(false);
  send_cmd->add_flag("-v,--verbose", send.verbose, "also print the engine's log lines");

  auto* keygen_cmd = app.add_subcommand(
      "keygen", "Print a new random key for [privacy] key (seals phone numbers in the store)");

  auto* sms_cmd = app.add_subcommand("sms", "SMS: the subscribers alerts reach by location");
  sms_cmd->require_subcommand(1);
  auto* subs_cmd = sms_cmd->add_subcommand(
      "subscribers", "Import, list or remove subscribers (numbers sealed under [privacy] key)");
  subs_cmd->require_subcommand(1);
  std::string subs_config, subs_file, subs_number;
  int subs_limit = 100;
  auto* import_cmd = subs_cmd->add_subcommand(
      "import",
      "Add or replace subscribers from a CSV file with a header row: number (required), "
      "languages (sw;en), lat, lon, geocodes (NAME=value;...), channels (name;...). Exit 1 when "
      "any row was rejected (the others are imported)");
  import_cmd->add_option("file", subs_file, "the CSV file")->required();
  auto* list_cmd = subs_cmd->add_subcommand("list", "List subscribers, numbers masked");
  list_cmd->add_option("--limit", subs_limit, "at most this many (default 100)");
  auto* remove_cmd = subs_cmd->add_subcommand("remove", "Remove a subscriber by number");
  remove_cmd->add_option("number", subs_number, "the phone number")->required();
  for (auto* c : {import_cmd, list_cmd, remove_cmd}) {
    c->add_option("-c,--config", subs_config,
                  "configuration file (TOML): [store] path and [privacy] key");
  }

  auto* cbs_cmd = app.add_subcommand("cbs", "Cell broadcast: what an alert becomes on air");
  cbs_cmd->require_subcommand(1);
  CbsEncodeCmdOptions cbs;
  auto* encode_cmd = cbs_cmd->add_subcommand(
      "encode",
      "Print each cell broadcast message the alert becomes: identifier, serial number, data "
      "coding scheme, language, pages in hex, target cells. Exit 1 if it cannot be broadcast");
  encode_cmd->add_option("alert", cbs.file, "the CAP alert (\"-\": standard input)")->required();
  encode_cmd->add_option("--profile", cbs.profile,
                         "message identifiers of: wea (or cmas), eu-alert (default), etws, or a "
                         "[[cbs_profile]] of the --config file");
  encode_cmd->add_option("-c,--config", cbs.config_path,
                         "configuration file (TOML) whose [[cbs_profile]]s and [[cbs_rule]]s "
                         "--profile may name");
  encode_cmd->add_option("--primary-language", cbs.primary_language,
                         "the language of the primary identifier (ISO 639-1)");
  encode_cmd->add_option("--cells", cbs.cells,
                         "a cell inventory (CSV: name,mcc,mnc,lac,ci,lat,lon,radius_km[,sector]"
                         "[,geocodes]); default: the whole network");
  encode_cmd->add_option("--geo-scope", cbs.geo_scope,
                         "plmn (default), area, cell, cell-immediate");
  encode_cmd->add_option("--max-chars", cbs.max_chars, "cut the text to this many characters");
  encode_cmd->add_option("--message-code", cbs.message_code,
                         "the serial number's message code, 0-1023 (channels allocate one per "
                         "incident; default 0)");
  encode_cmd->add_option("--format", cbs.format, "text (default) or json");

  auto* version_cmd = app.add_subcommand("version", "Print the version");

  auto* config_cmd = app.add_subcommand("config", "Check a configuration or show its schema");
  config_cmd->require_subcommand(1);
  std::string check_path;
  auto* check_cmd = config_cmd->add_subcommand("check", "Validate a configuration file");
  check_cmd->add_option("file", check_path, "configuration file (TOML)")->required();
  auto* schema_cmd =
      config_cmd->add_subcommand("schema", "Print every section and key with type and default");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  if (*run_cmd) return run_command(run);
  if (*validate_cmd) return validate_command(validate);
  if (*convert_cmd) return convert_command(convert);
  if (*send_cmd) return send_command(send);
  if (*encode_cmd) return cbs_encode_command(cbs);
  if (*import_cmd) return subscribers_import_command(subs_config, subs_file);
  if (*list_cmd) return subscribers_list_command(subs_config, subs_limit);
  if (*remove_cmd) return subscribers_remove_command(subs_config, subs_number);
  if (*keygen_cmd) {
    std::cout << capcast::store::new_sealer_key() << "\n";
    return kExitOk;
  }
  if (*version_cmd) {
    std::cout << "capcast " << capcast::kVersion << "\n";
    return kExitOk;
  }
  if (*check_cmd) return config_check_command(check_path);
  if (*schema_cmd) return config_schema_command();
  return kExitUsage;
}
