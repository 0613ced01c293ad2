#include "audit/errc.hpp"

#include <string>

namespace diskret::audit {
namespace {

class AuditCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "audit"; }
  std::string message(int ev) const override {
    switch (static_cast<Errc>(ev)) {
      case Errc::ok: return "success";
      case Errc::invalid_entry: return "invalid audit entry";
      case Errc::broken_chain: return "the audit trail does not verify";
    }
    return "unknown audit error";
  }
};

}  // namespace

const std::error_category& audit_category() noexcept {
  static const AuditCategory category;
  return category;
}

}  // namespace diskret::audit
