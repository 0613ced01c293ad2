#pragma once
/// TenantSettingsExtension: tenant settings another module keeps in its own table (the
/// pumping limits of fraud), shown by GET /v1/tenant and changed by PATCH /v1/tenant beside
/// the tenant's own, with the same rules: every key validated before anything is saved,
/// unknown keys refused, every change audited by the module.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/expected.hpp"
#include "http/problem.hpp"

namespace diskret::api {

class TenantSettingsExtension {
 public:
  virtual ~TenantSettingsExtension() = default;
  /// Whether `key` of a PATCH body is one of this extension's.
  virtual bool owns(std::string_view key) const = 0;
  /// Adds the tenant's values to `shown`; an error when they cannot be read now.
  virtual Expected<void> show(std::uint64_t tenant, boost::json::object& shown) = 0;
  /// Checks the keys this extension owns in `body`; appends what is wrong.
  virtual void validate(const boost::json::object& body, std::vector<http::FieldError>& errors) const = 0;
  /// Saves the (validated) keys it owns in `body`, audited as done by `actor`.
  virtual Expected<void> save(std::uint64_t tenant, const boost::json::object& body,
                              const std::string& actor) = 0;
};

}  // namespace diskret::api
