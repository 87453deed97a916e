// What a cost profile records about the machine and build it was measured on
// (the profile's `machine:` block).
//
// Thread-safety: DescribeMachine reads /proc and the wall clock; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace tracesim::calibrate {

struct MachineInfo {
  std::string cpu_model;       // /proc/cpuinfo, e.g. "Intel(R) Xeon(R) CPU @ 2.60GHz"; "unknown" if absent
  int cores = 0;               // online logical CPUs
  std::string compiler;        // e.g. "GCC 12.2.0", "Clang 16.0.6"
  std::string compiler_flags;  // CMAKE_CXX_FLAGS + the build type's flags, e.g. "-O2 -g -DNDEBUG"
  std::string build_type;      // CMAKE_BUILD_TYPE, e.g. "RelWithDebInfo"
  std::string date;            // when described, UTC, ISO 8601: "2024-05-01T12:34:56Z"
  std::string load_average;    // /proc/loadavg 1/5/15-minute averages, e.g. "2.35 1.88 3.09"; "" if absent
};

// Describes this machine and the build of tracesim that runs now.
MachineInfo DescribeMachine();

// The CPU model named by a /proc/cpuinfo text: the first "model name" (x86),
// else "Hardware" or "cpu model" (some ARM and MIPS kernels), else
// "CPU implementer/part" of an ARM core ("ARM implementer 0x41 part 0xd0c");
// "unknown" when none is present.
std::string CpuModelFromCpuinfo(std::string_view cpuinfo);

// "GCC 12.2.0" / "Clang 16.0.6 ..." from the compiler's predefined macros.
std::string CompilerDescription();

}  // namespace tracesim::calibrate
