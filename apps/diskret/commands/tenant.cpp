// `diskret tenant create --name N [--region DE] [--json]`.
#include <cctype>
#include <iostream>

#include "commands/commands.hpp"
#include "commands/tenant_service.hpp"
#include "phone/phone_number.hpp"
#include "tenancy/sql_tenant_service.hpp"

namespace diskret::app {
namespace {

struct CreateOptions : CommonOptions {
  std::string name;
  std::string region = "DE";
  bool json = false;
};

int create_tenant(const CreateOptions& options) {
  auto admin = open_tenant_admin(options);
  std::string region = options.region;
  for (auto& c : region) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto created = must(admin.tenants->create_tenant(options.name, region), "cannot create the tenant");
  const auto& [tenant, key] = created;
  if (options.json) {
    std::cout << "{\"tenant_id\": " << json_quote(tenant.public_id)
              << ", \"api_key\": " << json_quote(key.secret) << "}\n";
  } else {
    std::cout << "tenant_id: " << tenant.public_id << "\n"
              << "api_key:   " << key.secret << "\n"
              << "The API key is shown only once; keep it safe.\n";
  }
  return 0;
}

}  // namespace

TenantAdmin open_tenant_admin(const CommonOptions& options) {
  auto config = load_config(options);
  setup_logging(config);
  TenantAdmin admin;
  admin.privacy = open_privacy(config, SystemClock::instance());
  auto tenants = std::make_unique<tenancy::SqlTenantService>(admin.store(), admin.keys(),
                                                             SystemClock::instance());
  tenants->set_audit(admin.privacy.audit.get(), operator_actor());
  admin.tenants = std::move(tenants);
  return admin;
}

tenancy::Tenant tenant_by_public_id(tenancy::TenantService& tenants, const std::string& public_id) {
  auto tenant = tenants.find_tenant(public_id);
  if (!tenant) {
    if (tenant.error().code == Errc::not_found) throw Failure("no tenant " + public_id);
    throw Failure("cannot read tenant " + public_id + ": " + tenant.error().message());
  }
  return std::move(*tenant);
}

std::string json_quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out.push_back(c);
    }
  }
  return out + "\"";
}

void add_tenant(CLI::App& app, Action& action) {
  auto* tenant = app.add_subcommand("tenant", "Manage tenants");
  tenant->require_subcommand(1);
  auto options = std::make_shared<CreateOptions>();
  auto* create = tenant->add_subcommand("create", "Create a tenant and its first API key");
  add_common_options(*create, *options);
  create->add_option("--name", options->name, "Display name of the tenant")->required()
      ->check([](const std::string& v) {
        return v.empty() || v.size() > 200 ? std::string("must be 1..200 characters") : std::string();
      });
  create->add_option("--region", options->region,
                     "Default region (ISO 3166 code) for national phone numbers")
      ->capture_default_str()
      ->check([](const std::string& v) {
        // The phone module knows which regions have numbering metadata; it refuses any
        // other default region before looking at the number.
        auto probe = phone::PhoneNumber::parse("0", phone::Region{v});
        bool known = v.size() == 2 && (probe || probe.error().code != phone::Errc::unknown_region);
        return known ? std::string() : std::string("must be a two-letter ISO 3166 code like DE");
      });
  create->add_flag("--json", options->json, "Print {\"tenant_id\": ..., \"api_key\": ...}");
  create->callback([&action, options] { action = [options] { return create_tenant(*options); }; });
}

}  // namespace diskret::app
