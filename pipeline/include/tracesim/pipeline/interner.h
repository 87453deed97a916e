// Interns service and operation names so the hot path carries small ids.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tracesim::pipeline {

// Not thread-safe. Ids are dense, starting at 0, in order of first Intern().
class Interner {
 public:
  uint32_t Intern(std::string_view name);
  // Returns the id of `name` or -1 if it was never interned.
  int64_t Find(std::string_view name) const;
  // REQUIRES: id < size()
  const std::string& Name(uint32_t id) const { return names_[id]; }
  size_t size() const { return names_.size(); }

 private:
  std::vector<std::string> names_;
  std::unordered_map<std::string, uint32_t> ids_;
};

}  // namespace tracesim::pipeline
