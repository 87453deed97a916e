#include "tracesim/pipeline/interner.h"

namespace tracesim::pipeline {

uint32_t Interner::Intern(std::string_view name) {
  auto it = ids_.find(std::string(name));
  if (it != ids_.end()) return it->second;
  const auto id = static_cast<uint32_t>(names_.size());
  names_.emplace_back(name);
  ids_.emplace(names_.back(), id);
  return id;
}

int64_t Interner::Find(std::string_view name) const {
  auto it = ids_.find(std::string(name));
  return it == ids_.end() ? -1 : static_cast<int64_t>(it->second);
}

}  // namespace tracesim::pipeline
