#include "tracesim/calibrate/warm_heap.h"

#include <cstdlib>  // defines __GLIBC__ on glibc (via <features.h>)

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace tracesim::calibrate {

bool KeepFreedMemory() {
#if defined(__GLIBC__)
  const bool mmap_ok = mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024) == 1;
  const bool trim_ok = mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024) == 1;
  return mmap_ok && trim_ok;
#else
  return false;
#endif
}

}  // namespace tracesim::calibrate
