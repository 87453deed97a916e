// "Did you mean ...?" suggestions for misspelt keys and names (internal).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tracesim::scenario::internal {

// Optimal-string-alignment edit distance (insertions, deletions,
// substitutions and adjacent transpositions each cost 1).
int EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word`: an ASCII case-insensitive match first,
// else the closest candidate within edit distance 2 that is also closer than
// the longer word's length (so "x" does not suggest "at"); ties go to the
// earlier candidate. Empty if none is close.
std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);

// "a, b, c" — the candidates joined for an error message.
std::string JoinNames(const std::vector<std::string>& names);

}  // namespace tracesim::scenario::internal
