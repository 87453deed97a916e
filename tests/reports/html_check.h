// Checks of generated HTML shared by the reports tests.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tracesim::reports::testing {

inline size_t Count(std::string_view text, std::string_view needle) {
  size_t n = 0;
  for (size_t pos = text.find(needle); pos != std::string_view::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

// Checks that the elements of `xml` nest properly: every start tag is closed in
// order, self-closing tags stand alone, attribute values are quoted. Returns
// an empty string when well formed, else a description.
inline std::string NestingError(std::string_view xml) {
  std::vector<std::string> open;
  size_t pos = 0;
  while ((pos = xml.find('<', pos)) != std::string_view::npos) {
    const size_t end = xml.find('>', pos);
    if (end == std::string_view::npos) return "unterminated tag at " + std::to_string(pos);
    std::string_view tag = xml.substr(pos + 1, end - pos - 1);
    if (Count(tag, "\"") % 2 != 0) return "unbalanced quotes in <" + std::string(tag) + ">";
    if (tag.substr(0, 1) == "/") {
      const std::string name(tag.substr(1));
      if (open.empty() || open.back() != name) {
        return "</" + name + "> closes <" + (open.empty() ? std::string("nothing") : open.back()) + ">";
      }
      open.pop_back();
    } else if (tag.back() != '/') {
      open.emplace_back(tag.substr(0, tag.find_first_of(" \n")));
    }
    pos = end + 1;
  }
  return open.empty() ? "" : "<" + open.back() + "> not closed";
}

}  // namespace tracesim::reports::testing
