#include "crypto/errc.hpp"

#include <string>

namespace diskret::crypto {
namespace {

class CryptoCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "crypto"; }
  std::string message(int ev) const override {
    switch (static_cast<Errc>(ev)) {
      case Errc::ok: return "success";
      case Errc::authentication_failed:
        return "decryption failed: wrong key, wrong associated data or modified ciphertext";
      case Errc::malformed: return "ciphertext or key has the wrong length";
      case Errc::key_file_permissions: return "key file is accessible by group or others";
      case Errc::key_file_invalid: return "key file does not hold 64 hexadecimal characters";
      case Errc::password_mismatch: return "password does not match";
    }
    return "unknown crypto error";
  }
};

}  // namespace

const std::error_category& crypto_category() noexcept {
  static const CryptoCategory category;
  return category;
}

}  // namespace diskret::crypto
