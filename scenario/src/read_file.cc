#include "read_file.h"

#include <cerrno>
#include <cstdio>

namespace tracesim::scenario::internal {

bool ReadWholeFile(const std::string& path, std::string* text, ReadFailure* failure) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    *failure = {"open", errno};
    return false;
  }
  text->clear();
  char buf[65536];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text->append(buf, n);
  const bool failed = std::ferror(f) != 0;
  const int err = errno;
  std::fclose(f);
  if (failed) {
    *failure = {"read", err};
    return false;
  }
  return true;
}

}  // namespace tracesim::scenario::internal
