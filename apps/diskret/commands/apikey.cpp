// `diskret apikey create|list|revoke --tenant T`.
#include <iostream>

#include <fmt/format.h>

#include "api/rfc3339.hpp"
#include "commands/commands.hpp"
#include "commands/tenant_service.hpp"

namespace diskret::app {
namespace {

struct KeyOptions : CommonOptions {
  std::string tenant;
  std::string name = "default";
  std::string role = "owner";
  std::uint64_t id = 0;
  bool json = false;
};

int create_key(const KeyOptions& options) {
  auto admin = open_tenant_admin(options);
  auto tenant = tenant_by_public_id(*admin.tenants, options.tenant);
  auto role = tenancy::parse_role(options.role);
  auto key = must(admin.tenants->create_api_key(tenant.id, options.name, *role), "cannot create the key");
  if (options.json) {
    std::cout << "{\"id\": " << key.info.id << ", \"api_key\": " << json_quote(key.secret) << "}\n";
  } else {
    std::cout << "id:      " << key.info.id << "\napi_key: " << key.secret
              << "\nThe API key is shown only once; keep it safe.\n";
  }
  return 0;
}

int list_keys(const KeyOptions& options) {
  auto admin = open_tenant_admin(options);
  auto tenant = tenant_by_public_id(*admin.tenants, options.tenant);
  auto keys = must(admin.tenants->list_api_keys(tenant.id), "cannot list the keys");
  if (options.json) {
    std::string out = "[";
    for (const auto& k : keys) {
      out += fmt::format("{}{{\"id\": {}, \"prefix\": {}, \"name\": {}, \"role\": \"{}\", "
                         "\"created_at\": \"{}\", \"revoked_at\": {}}}",
                         out.size() > 1 ? ", " : "", k.id, json_quote(k.prefix), json_quote(k.name),
                         tenancy::role_name(k.role), api::format_rfc3339(k.created_at),
                         k.revoked_at ? "\"" + api::format_rfc3339(*k.revoked_at) + "\"" : "null");
    }
    std::cout << out << "]\n";
    return 0;
  }
  std::cout << fmt::format("{:<6} {:<20} {:<8} {:<24} {:<24} {}\n", "ID", "PREFIX", "ROLE",
                           "CREATED", "REVOKED", "NAME");
  for (const auto& k : keys) {
    std::cout << fmt::format("{:<6} {:<20} {:<8} {:<24} {:<24} {}\n", k.id, k.prefix,
                             tenancy::role_name(k.role), api::format_rfc3339(k.created_at),
                             k.revoked_at ? api::format_rfc3339(*k.revoked_at) : "-", k.name);
  }
  return 0;
}

int revoke_key(const KeyOptions& options) {
  auto admin = open_tenant_admin(options);
  auto tenant = tenant_by_public_id(*admin.tenants, options.tenant);
  auto revoked = admin.tenants->revoke_api_key(tenant.id, options.id);
  if (!revoked) {
    if (revoked.error().code == Errc::not_found) {
      throw Failure(fmt::format("tenant {} has no API key {}", options.tenant, options.id));
    }
    throw Failure("cannot revoke the key: " + revoked.error().message());
  }
  std::cout << "API key " << options.id << " revoked\n";
  return 0;
}

CLI::App* leaf(CLI::App& parent, const char* name, const char* help,
               const std::shared_ptr<KeyOptions>& options) {
  auto* cmd = parent.add_subcommand(name, help);
  add_common_options(*cmd, *options);
  cmd->add_option("--tenant", options->tenant, "Tenant id (tn_...)")->required();
  return cmd;
}

}  // namespace

void add_apikey(CLI::App& app, Action& action) {
  auto* apikey = app.add_subcommand("apikey", "Manage a tenant's API keys");
  apikey->require_subcommand(1);

  auto create_options = std::make_shared<KeyOptions>();
  auto* create = leaf(*apikey, "create", "Create an API key (printed once)", create_options);
  create->add_option("--name", create_options->name, "Label of the key")->capture_default_str();
  create->add_option("--role", create_options->role, "owner, admin, sender or viewer")
      ->capture_default_str()
      ->check(CLI::IsMember({"owner", "admin", "sender", "viewer"}));
  create->add_flag("--json", create_options->json, "Print {\"id\": ..., \"api_key\": ...}");
  create->callback([&action, create_options] {
    action = [create_options] { return create_key(*create_options); };
  });

  auto list_options = std::make_shared<KeyOptions>();
  auto* list = leaf(*apikey, "list", "List API keys (never the secrets)", list_options);
  list->add_flag("--json", list_options->json, "Print a JSON array");
  list->callback([&action, list_options] {
    action = [list_options] { return list_keys(*list_options); };
  });

  auto revoke_options = std::make_shared<KeyOptions>();
  auto* revoke = leaf(*apikey, "revoke", "Revoke an API key at once", revoke_options);
  revoke->add_option("--id", revoke_options->id, "Key id (from apikey list)")->required();
  revoke->callback([&action, revoke_options] {
    action = [revoke_options] { return revoke_key(*revoke_options); };
  });
}

}  // namespace diskret::app
