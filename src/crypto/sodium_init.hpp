#pragma once
/// Internal to the crypto module: makes sure libsodium is initialised before first use.

namespace diskret::crypto::detail {

/// Calls sodium_init() exactly once (thread-safe); aborts if libsodium cannot start.
void ensure_sodium() noexcept;

}  // namespace diskret::crypto::detail
