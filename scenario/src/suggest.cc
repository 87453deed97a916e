#include "suggest.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace tracesim::scenario::internal {

int EditDistance(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  const size_t m = b.size();
  // d[i][j]: distance between a[0, i) and b[0, j), rows kept as a flat table.
  std::vector<int> d((n + 1) * (m + 1));
  auto at = [m, &d](size_t i, size_t j) -> int& { return d[i * (m + 1) + j]; };
  for (size_t i = 0; i <= n; ++i) at(i, 0) = static_cast<int>(i);
  for (size_t j = 0; j <= m; ++j) at(0, j) = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int best = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        best = std::min(best, at(i - 2, j - 2) + 1);
      }
      at(i, j) = best;
    }
  }
  return at(n, m);
}

namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates) {
  for (const std::string& c : candidates) {
    if (EqualsIgnoreCase(word, c)) return c;
  }
  const std::string* best = nullptr;
  int best_distance = 3;
  for (const std::string& c : candidates) {
    int dist = EditDistance(word, c);
    int longest = static_cast<int>(std::max(word.size(), c.size()));
    if (dist < best_distance && dist < longest) {
      best = &c;
      best_distance = dist;
    }
  }
  return best == nullptr ? std::string() : *best;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ", ";
    out += names[i];
  }
  return out;
}

}  // namespace tracesim::scenario::internal
