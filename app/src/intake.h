// Intake: the one door through which a CAP document enters the store, whether a poller fetched
// it or a peer pushed it: parse, check its key, store it with its deliveries in one transaction,
// wake the engine. Thread-safe (the store is; the engine's notify is).
#pragma once

#include <atomic>
#include <string>

#include "capcast/dispatch/engine.h"
#include "capcast/dispatch/routing.h"
#include "capcast/ingest/poller.h"
#include "capcast/store/store.h"

namespace capcast::app {

class Intake {
 public:
  // `router` (when given, it must outlive the Intake) chooses each alert's channels; without
  // one every alert goes to every channel of the engine.
  Intake(store::Store* store, dispatch::Engine* engine, const dispatch::Router* router = nullptr)
      : store_(store),
        engine_(engine),
        router_(router),
        route_(engine->route()),
        people_(engine->route_people()) {}

  // `where` names the document's origin for logs (a URL, masked, or "push from 127.0.0.1").
  // On kRefused, *why (when given) says what is wrong with the document.
  ingest::Taken take(const std::string& source, const std::string& where, const std::string& xml,
                     std::string* why = nullptr, int64_t* alert_id = nullptr);
  // New alerts since start that matched no route (so went nowhere), for the status page.
  int64_t unrouted() const { return unrouted_.load(); }

 private:
  store::Store* store_;
  dispatch::Engine* engine_;
  const dispatch::Router* router_;
  std::vector<std::string> route_;   // without a router
  std::vector<std::string> people_;  // channels that deliver to people (subscribers)
  std::atomic<int64_t> unrouted_{0};
};

}  // namespace capcast::app
