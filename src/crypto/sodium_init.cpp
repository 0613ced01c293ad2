#include "crypto/sodium_init.hpp"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

#include "crypto/fast_random.hpp"

namespace diskret::crypto::detail {

void ensure_sodium() noexcept {
  // A function-local static gives us a thread-safe "once"; sodium_init() itself is also
  // idempotent, but calling it on every operation would cost a lock inside libsodium.
  static const bool ready = [] {
    install_fast_random();  // before sodium_init(), which stirs the source it finds
    if (sodium_init() < 0) {
      std::fputs("diskret: libsodium failed to initialise (no entropy source?)\n", stderr);
      std::abort();
    }
    return true;
  }();
  (void)ready;
}

}  // namespace diskret::crypto::detail
