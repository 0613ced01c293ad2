#pragma once
/// PumpingSettings: a tenant's own pumping allowances in GET and PATCH /v1/tenant
/// (issue 11). `pumping_prefix_per_hour` (1..prefix_max) and `pumping_unusual_per_hour`
/// (0..unusual_max) override the platform's defaults for that tenant only; null returns to
/// the default. The operator sets the bounds ([security] pumping_*_per_hour_max), so an
/// account cannot switch the guard off. GET also shows the limits in force
/// (`pumping_limits`, read-only). Every change is audited (tenant.pumping_limits_changed).
#include <cstdint>

#include "api/tenant_settings_extension.hpp"
#include "fraud/held_messages.hpp"
#include "fraud/held_messages_api.hpp"

namespace diskret::fraud {

struct PumpingBounds {
  std::uint32_t prefix_default = 0;   ///< [security] pumping_prefix_per_hour (0 = no limit)
  std::uint32_t unusual_default = 5;  ///< [security] pumping_unusual_per_hour
  std::uint32_t prefix_max = 100'000;
  std::uint32_t unusual_max = 100;
};

class PumpingSettings final : public api::TenantSettingsExtension {
 public:
  PumpingSettings(HeldMessages& held, PumpingBounds bounds, ReviewAudit audit = {})
      : held_(held), bounds_(bounds), audit_(std::move(audit)) {}

  // api::TenantSettingsExtension
  bool owns(std::string_view key) const override;
  Expected<void> show(std::uint64_t tenant, boost::json::object& shown) override;
  void validate(const boost::json::object& body, std::vector<http::FieldError>& errors) const override;
  Expected<void> save(std::uint64_t tenant, const boost::json::object& body,
                      const std::string& actor) override;

 private:
  HeldMessages& held_;
  PumpingBounds bounds_;
  ReviewAudit audit_;
};

}  // namespace diskret::fraud
