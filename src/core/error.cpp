#include "core/error.hpp"

namespace diskret {
namespace {

class CoreCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "diskret"; }
  std::string message(int ev) const override {
    switch (static_cast<Errc>(ev)) {
      case Errc::ok: return "success";
      case Errc::invalid_argument: return "invalid argument";
      case Errc::not_found: return "not found";
      case Errc::already_exists: return "already exists";
      case Errc::permission_denied: return "permission denied";
      case Errc::unavailable: return "temporarily unavailable";
      case Errc::io_error: return "input/output error";
      case Errc::corrupt: return "data failed an integrity check";
      case Errc::limit_exceeded: return "limit exceeded";
      case Errc::internal: return "internal error";
    }
    return "unknown error";
  }
};

}  // namespace

const std::error_category& core_category() noexcept {
  static const CoreCategory category;
  return category;
}

}  // namespace diskret
