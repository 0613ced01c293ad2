// `diskret number assign --tenant T --number N [--json]` and `diskret number list --tenant T`:
// the operator gives tenants their inbound long numbers and short codes.
#include <iostream>

#include "commands/commands.hpp"
#include "commands/tenant_service.hpp"
#include "inbound/errc.hpp"
#include "inbound/inbound_service.hpp"
#include "store/sqlite/sqlite_audit_trail.hpp"
#include "store/sqlite/sqlite_inbound_store.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/sqlite/sqlite_webhook_store.hpp"

namespace diskret::app {
namespace {

struct NumberOptions : CommonOptions {
  std::string tenant;
  std::string number;
  bool json = false;
};

/// The inbound service on the admin's store (SQLite).
struct NumberAdmin {
  explicit NumberAdmin(const CommonOptions& options)
      : admin(open_tenant_admin(options)),
        sqlite(sqlite_of(*admin.privacy.storage.store)),
        inbound(sqlite),
        webhooks(sqlite),
        audit(sqlite),
        settings(*admin.privacy.storage.store, inbound),
        queue(webhooks, SystemClock::instance()),
        service({*admin.privacy.storage.store, inbound, webhooks, audit, *admin.privacy.storage.keys, settings,
                 queue, SystemClock::instance()},
                inbound::PrivateHosts::refuse) {}

  static store::SqlHost& sqlite_of(store::Store& s) {
    auto* host = dynamic_cast<store::SqlHost*>(&s);
    if (host == nullptr) throw Failure("this store cannot hold inbound numbers");
    return *host;
  }

  TenantAdmin admin;
  store::SqlHost& sqlite;
  store::sqlite::SqliteInboundStore inbound;
  store::sqlite::SqliteWebhookStore webhooks;
  store::sqlite::SqliteAuditTrail audit;
  inbound::TenantSettingsCache settings;
  inbound::WebhookQueue queue;
  inbound::InboundService service;
};

int assign(const NumberOptions& options) {
  NumberAdmin a(options);
  const auto tenant = tenant_by_public_id(*a.admin.tenants, options.tenant);
  auto assigned = a.service.assign_number(tenant.id.value, options.number, "operator:cli");
  if (!assigned) {
    const Error& e = assigned.error();
    if (e.code == make_error_code(Errc::already_exists)) {
      throw Failure("the number is assigned to another tenant already");
    }
    if (e.code == make_error_code(inbound::Errc::invalid_number)) {
      throw Failure("invalid number: " + e.message());
    }
    throw Failure("cannot assign the number: " + e.message());
  }
  const char* kind = inbound::number_kind_name(assigned->kind);
  if (options.json) {
    std::cout << "{\"tenant_id\": " << json_quote(tenant.public_id)
              << ", \"number\": " << json_quote(assigned->number) << ", \"kind\": \"" << kind
              << "\"}\n";
  } else {
    std::cout << "assigned " << assigned->number << " (" << kind << ") to " << tenant.public_id
              << "\n";
  }
  return 0;
}

int list(const NumberOptions& options) {
  NumberAdmin a(options);
  const auto tenant = tenant_by_public_id(*a.admin.tenants, options.tenant);
  auto numbers = must(a.service.numbers(tenant.id.value), "cannot read the numbers");
  for (const auto& n : numbers) {
    std::cout << n.number << "\t" << inbound::number_kind_name(n.kind) << "\n";
  }
  return 0;
}

}  // namespace

void add_number(CLI::App& app, Action& action) {
  auto* number = app.add_subcommand("number", "Manage inbound numbers (long numbers, short codes)");
  number->require_subcommand(1);

  auto assign_options = std::make_shared<NumberOptions>();
  auto* assign_cmd = number->add_subcommand(
      "assign", "Assign a long number or short code to a tenant (MOs to it belong to the tenant)");
  add_common_options(*assign_cmd, *assign_options);
  assign_cmd->add_option("--tenant", assign_options->tenant, "Tenant id (tn_...)")->required();
  assign_cmd
      ->add_option("--number", assign_options->number,
                   "E.164 (+4915...), national (0151...) or a short code (3-8 digits)")
      ->required();
  assign_cmd->add_flag("--json", assign_options->json,
                       "Print {\"tenant_id\": ..., \"number\": ..., \"kind\": ...}");
  assign_cmd->callback(
      [&action, assign_options] { action = [assign_options] { return assign(*assign_options); }; });

  auto list_options = std::make_shared<NumberOptions>();
  auto* list_cmd = number->add_subcommand("list", "List a tenant's inbound numbers");
  add_common_options(*list_cmd, *list_options);
  list_cmd->add_option("--tenant", list_options->tenant, "Tenant id (tn_...)")->required();
  list_cmd->callback(
      [&action, list_options] { action = [list_options] { return list(*list_options); }; });
}

}  // namespace diskret::app
