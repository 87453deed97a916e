// A warm heap for measurements. With glibc's defaults, a large block freed by
// one run (a collector batch's span vector, an encoded buffer) goes back to
// the kernel (munmap, or trimming of the heap top), and the next run's
// allocation page-faults on fresh memory: the collector batch path then
// measures ~55 ns per span of which ~45 are page faults, a start-up cost of
// the process rather than a per-span cost of a long-running SDK or collector
// whose heap has reached its steady size. KeepFreedMemory() tells malloc to
// keep freed memory (mmap threshold 32 MiB, the most glibc allows; heap top
// trimmed only above 1 GiB), which removes those faults from the figures.
//
// The same effect without code (for the micro benchmarks):
//   GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824
//
// Process-wide and irreversible (it also turns off glibc's dynamic threshold):
// call it once, early, in a process that only measures (tracesim calibrate).
// Thread-safety: call before starting other threads.
#pragma once

namespace tracesim::calibrate {

// The environment setting equivalent to KeepFreedMemory().
inline constexpr const char* kWarmHeapTunables =
    "GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824";

// True when the allocator accepted the settings; false on a C library
// without these knobs (not glibc), where the figures may include page faults.
bool KeepFreedMemory();

}  // namespace tracesim::calibrate
