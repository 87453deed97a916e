#include "tracesim/calibrate/machine_info.h"

#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#ifndef TRACESIM_BUILD_TYPE
#define TRACESIM_BUILD_TYPE ""
#endif
#ifndef TRACESIM_CXX_FLAGS
#define TRACESIM_CXX_FLAGS ""
#endif

namespace tracesim::calibrate {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// The value of the first "<key> : value" line of a /proc/cpuinfo text, or "".
std::string Field(std::string_view text, std::string_view key) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    if (Trim(line.substr(0, colon)) == key) return std::string(Trim(line.substr(colon + 1)));
  }
  return "";
}

std::string ReadWholeFile(const char* path) {
  std::ifstream in(path);
  if (!in) return "";
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string UtcNow() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

std::string CpuModelFromCpuinfo(std::string_view cpuinfo) {
  for (std::string_view key : {"model name", "Hardware", "cpu model"}) {
    std::string v = Field(cpuinfo, key);
    if (!v.empty()) return v;
  }
  const std::string implementer = Field(cpuinfo, "CPU implementer");
  const std::string part = Field(cpuinfo, "CPU part");
  if (!implementer.empty() && !part.empty()) return "ARM implementer " + implementer + " part " + part;
  return "unknown";
}

std::string CompilerDescription() {
#if defined(__clang__)
  return "Clang " __clang_version__;
#elif defined(__GNUC__)
  return "GCC " __VERSION__;
#else
  return "unknown";
#endif
}

MachineInfo DescribeMachine() {
  MachineInfo m;
  m.cpu_model = CpuModelFromCpuinfo(ReadWholeFile("/proc/cpuinfo"));
  const long cores = sysconf(_SC_NPROCESSORS_ONLN);
  m.cores = cores > 0 ? static_cast<int>(cores) : 0;
  m.compiler = std::string(Trim(CompilerDescription()));
  m.compiler_flags = TRACESIM_CXX_FLAGS;
  m.build_type = TRACESIM_BUILD_TYPE;
  m.date = UtcNow();
  std::istringstream load(ReadWholeFile("/proc/loadavg"));
  std::string a, b, c;
  if (load >> a >> b >> c) m.load_average = a + " " + b + " " + c;
  return m;
}

}  // namespace tracesim::calibrate
