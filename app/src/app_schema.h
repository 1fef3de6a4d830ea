// The whole configuration schema: the app's own sections ([log], [store], [http], [feed]) and
// those its modules declare ([ingest], [[source]], [dispatch], [[channel]]). Thread-safe.
#pragma once

#include "capcast/config/schema.h"

namespace capcast::app {

const config::Schema& schema();

}  // namespace capcast::app
