#pragma once
/// Internal to the crypto module: libsodium's random source, served from user space.
///
/// libsodium's default source asks the kernel (getrandom) on every call; the writer needs
/// two to four random values per message (nonces, new person keys), a system call each.
/// This source is a fast-key-erasure generator (D. J. Bernstein, 2017): per thread, ChaCha20
/// under a 256-bit key seeded by getrandom fills a buffer whose first 32 bytes replace the
/// key, so neither the key nor a byte already handed out can be recovered from memory
/// afterwards. Served bytes are wiped from the buffer. A thread reseeds from the kernel
/// after every 1 MiB it hands out and, through pthread_atfork, in a forked child, so parent
/// and child never share a stream.

#include <cstddef>
#include <cstdint>

namespace diskret::crypto::detail {

/// Makes libsodium's randombytes_* use this source. Must run before sodium_init().
void install_fast_random() noexcept;

/// The name libsodium reports for this source (randombytes_implementation_name()).
inline constexpr const char* kFastRandomName = "diskret-fast-key-erasure";

/// Fills `out` from the calling thread's generator (what randombytes_buf() calls).
void fast_random_fill(void* out, std::size_t size) noexcept;

/// How many times the calling thread has seeded its generator from the kernel (tests).
std::uint64_t fast_random_seedings() noexcept;

}  // namespace diskret::crypto::detail
