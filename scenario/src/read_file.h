// Reading a whole input file (scenario, rate file, cost profile), for the
// loaders that word their own errors.
#pragma once

#include <string>

namespace tracesim::scenario::internal {

// What failed: opening or reading the file, and errno.
struct ReadFailure {
  const char* step = "";  // "open" or "read"
  int error = 0;
};

// Reads the file at `path` into *text. False on failure, with *failure set.
bool ReadWholeFile(const std::string& path, std::string* text, ReadFailure* failure);

}  // namespace tracesim::scenario::internal
