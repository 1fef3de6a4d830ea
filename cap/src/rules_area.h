// Internal to cap/: the <area> rules of validation layer 2 (CAP 1.2 §3.2.4).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "capcast/cap/validate.h"

namespace capcast::cap {

// The polygon rules' findings by <polygon> text, within one alert: multilingual alerts repeat
// their areas in every <info>, and each distinct text is parsed and checked once. At most
// kMaxTexts texts are kept (the search is linear), so a document with thousands of polygons
// costs no more than one with a few.
class PolygonMemo {
 public:
  struct Outcome {
    Level level = Level::kError;
    const char* rule = nullptr;  // null: no finding
    std::string message;
  };
  // What checking `text` finds; `text` must outlive the memo.
  const Outcome& check(const std::string& text);

 private:
  static constexpr size_t kMaxTexts = 16;
  std::vector<std::pair<const std::string*, Outcome>> seen_;
};

// The `index`th <area> of the <info> at `info_path` ("/alert/info[1]").
void check_area(const Area& area, const std::string& info_path, size_t index, PolygonMemo& memo,
                std::vector<Finding>& out);

}  // namespace capcast::cap
