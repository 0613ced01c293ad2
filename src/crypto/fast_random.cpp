#include "crypto/fast_random.hpp"

#include <pthread.h>
#include <sodium.h>
#include <sys/random.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace diskret::crypto::detail {
namespace {

constexpr std::size_t kKeySize = crypto_stream_chacha20_ietf_KEYBYTES;
constexpr std::size_t kBufferSize = 512;                  // handed out between two key changes
constexpr std::uint64_t kReseedAfterBytes = 1024 * 1024;  // then the kernel seeds a new key

// Bumped in a forked child: every thread's generator compares it before use.
std::atomic<std::uint64_t> fork_epoch{0};

void os_random(unsigned char* out, std::size_t size) noexcept {
  while (size > 0) {
    const ssize_t n = getrandom(out, size, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::fputs("diskret: getrandom failed: no entropy source\n", stderr);
      std::abort();
    }
    out += n;
    size -= static_cast<std::size_t>(n);
  }
}

void after_fork_in_child() { fork_epoch.fetch_add(1, std::memory_order_relaxed); }

// Before the first key is seeded, so that no generator can be copied into a child unseen.
void watch_forks() noexcept {
  static const bool watching = [] {
    if (pthread_atfork(nullptr, nullptr, after_fork_in_child) != 0) {
      std::fputs("diskret: pthread_atfork failed\n", stderr);
      std::abort();
    }
    return true;
  }();
  (void)watching;
}

class Generator {
 public:
  Generator() = default;
  Generator(const Generator&) = delete;
  Generator& operator=(const Generator&) = delete;
  ~Generator() {
    sodium_memzero(key_.data(), key_.size());
    sodium_memzero(buffer_.data(), buffer_.size());
  }

  void fill(unsigned char* out, std::size_t size) noexcept {
    while (size > 0) {
      if (left_ == 0 || !seeded_ || epoch_ != fork_epoch.load(std::memory_order_relaxed)) {
        refill();
      }
      // Served from the end of what is left; what was served is wiped at once.
      const std::size_t n = std::min(size, left_);
      unsigned char* from = buffer_.data() + (left_ - n);
      std::memcpy(out, from, n);
      sodium_memzero(from, n);
      left_ -= n;
      out += n;
      size -= n;
    }
  }

  void stir() noexcept { seeded_ = false; }
  std::uint64_t seedings() const noexcept { return seedings_; }

 private:
  void refill() noexcept {
    const std::uint64_t epoch = fork_epoch.load(std::memory_order_relaxed);
    if (!seeded_ || epoch_ != epoch || served_since_seed_ >= kReseedAfterBytes) {
      watch_forks();
      os_random(key_.data(), key_.size());
      seeded_ = true;
      epoch_ = epoch;
      served_since_seed_ = 0;
      ++seedings_;
    }
    // One ChaCha20 stream per key, used once: its first 32 bytes become the next key.
    std::array<unsigned char, kKeySize + kBufferSize> block;
    static constexpr std::array<unsigned char, crypto_stream_chacha20_ietf_NONCEBYTES> kNonce{};
    crypto_stream_chacha20_ietf(block.data(), block.size(), kNonce.data(), key_.data());
    std::memcpy(key_.data(), block.data(), kKeySize);
    std::memcpy(buffer_.data(), block.data() + kKeySize, kBufferSize);
    sodium_memzero(block.data(), block.size());
    left_ = kBufferSize;
    served_since_seed_ += kBufferSize;
  }

  std::array<unsigned char, kKeySize> key_{};
  std::array<unsigned char, kBufferSize> buffer_{};
  std::size_t left_ = 0;
  bool seeded_ = false;
  std::uint64_t epoch_ = 0;
  std::uint64_t served_since_seed_ = 0;
  std::uint64_t seedings_ = 0;
};

Generator& this_thread_generator() noexcept {
  thread_local Generator generator;
  return generator;
}

const char* implementation_name() { return kFastRandomName; }

std::uint32_t random_u32() {
  std::uint32_t v = 0;
  fast_random_fill(&v, sizeof v);
  return v;
}

void stir() { this_thread_generator().stir(); }

void buf(void* const out, const std::size_t size) { fast_random_fill(out, size); }

int close() { return 0; }

randombytes_implementation implementation{
    .implementation_name = implementation_name,
    .random = random_u32,
    .stir = stir,
    .uniform = nullptr,  // libsodium's own rejection sampling over random()
    .buf = buf,
    .close = close,
};

}  // namespace

void install_fast_random() noexcept { randombytes_set_implementation(&implementation); }

void fast_random_fill(void* out, std::size_t size) noexcept {
  this_thread_generator().fill(static_cast<unsigned char*>(out), size);
}

std::uint64_t fast_random_seedings() noexcept { return this_thread_generator().seedings(); }

}  // namespace diskret::crypto::detail
