// The cell broadcast channel kinds, as the registry creates them from a [[channel]] section:
//   cbsp://host:48049     CBSP (TS 48.049) to one or more BSCs, capcast acting as the CBC
//   ecbe://host:12345     osmo-cbc's ECBE REST API (ecbes:// for TLS)
// Their shared keys (profile, geo_scope, ...) are cbs_keys(); registry.cpp lists them.
#pragma once

#include <memory>
#include <vector>

#include "capcast/config/config.h"
#include "capcast/config/schema.h"
#include "capcast/core/result.h"
#include "capcast/dispatch/channel.h"
#include "cbs/cbs_channel.h"

namespace capcast::dispatch::cbs {

// "mcc-mnc-lac-ci", the MNC with its 2 or 3 digits: how the store names a cell.
std::string cell_key(const CellId& cell);

// The keys every cell broadcast channel has.
std::vector<config::Key> cbs_keys();
// The keys of an ecbe:// channel: cbs_keys() and its own.
std::vector<config::Key> ecbe_keys();

// The keys of a cbsp:// channel: cbs_keys() and its own (peers, cells, timers).
std::vector<config::Key> cbsp_keys();

// The planning options of a section (profile, scope, text length, repetition ...); the profile
// a built-in one or one of `doc`'s [[cbs_profile]]s (profile_config.h).
Result<CbsOptions> cbs_options(const config::Section& section, const config::Document& doc);

Result<std::unique_ptr<Channel>> create_cbsp(const config::Section& section,
                                             const config::Document& doc);
Result<std::unique_ptr<Channel>> create_ecbe(const config::Section& section,
                                             const config::Document& doc);

}  // namespace capcast::dispatch::cbs
