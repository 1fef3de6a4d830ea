// Intake: the one door through which a CAP document enters the store, whether a poller fetched
// it or a peer pushed it: parse, check its key, store it with its deliveries in one transaction,
// wake the engine. Thread-safe (the store is; the engine's notify is).
#pragma once

#include <string>

#include "capcast/dispatch/engine.h"
#include "capcast/ingest/poller.h"
#include "capcast/store/store.h"

namespace capcast::app {

class Intake {
 public:
  Intake(store::Store* store, dispatch::Engine* engine)
      : store_(store), engine_(engine), route_(engine->route()) {}

  // `where` names the document's origin for logs (a URL, masked, or "push from 127.0.0.1").
  // On kRefused, *why (when given) says what is wrong with the document.
  ingest::Taken take(const std::string& source, const std::string& where, const std::string& xml,
                     std::string* why = nullptr, int64_t* alert_id = nullptr);

 private:
  store::Store* store_;
  dispatch::Engine* engine_;
  std::vector<std::string> route_;
};

}  // namespace capcast::app
