// `diskret credits grant --tenant T --amount-cents N --reason R [--json]` and
// `diskret credits balance --tenant T`: the operator credits a tenant's prepaid balance
// (demo, goodwill, bank transfer). Each grant is one ledger entry (grant -> tenant) and
// one entry of the tenant's hash-chained audit trail, in the same transaction.
#include <iostream>

#include <fmt/format.h>

#include "billing/billing_service.hpp"
#include "commands/commands.hpp"
#include "commands/tenant_service.hpp"
#include "store/sqlite/sqlite_billing_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace diskret::app {
namespace {

struct CreditsOptions : CommonOptions {
  std::string tenant;
  std::int64_t amount_cents = 0;
  std::string reason;
  bool json = false;
};

store::SqlHost& sqlite_of(store::Store& s) {
  auto* host = dynamic_cast<store::SqlHost*>(&s);
  if (host == nullptr) throw Failure("this store cannot hold credits");
  return *host;
}

int grant(const CreditsOptions& options) {
  auto admin = open_tenant_admin(options);
  const auto tenant = tenant_by_public_id(*admin.tenants, options.tenant);
  store::sqlite::SqliteBillingStore billing_store(sqlite_of(admin.store()));
  billing::BillingService service(admin.store(), billing_store, SystemClock::instance());
  const std::string actor = operator_actor();
  auto balance = must(
      service.grant(tenant.id.value, options.amount_cents, options.reason,
                    [&](store::WriteTransaction& tx) -> Expected<void> {
                      store::AuditEventRecord e;
                      e.tenant_id = tenant.id.value;
                      e.at_ms = SystemClock::instance().now_ms();
                      e.actor = actor;
                      e.action = "billing.credit_granted";
                      e.object = "balance";
                      e.details = fmt::format(R"({{"amount_cents":{}}})", options.amount_cents);
                      auto ok = admin.privacy.audit->append(tx, e);
                      if (!ok) return unexpected(ok.error());
                      return {};
                    }),
      "cannot grant the credit");
  if (options.json) {
    std::cout << "{\"tenant_id\": " << json_quote(tenant.public_id)
              << ", \"granted_cents\": " << options.amount_cents
              << ", \"balance_cents\": " << balance << "}\n";
  } else {
    std::cout << "granted " << options.amount_cents << " cents to " << tenant.public_id
              << "; balance " << balance << " cents\n";
  }
  return 0;
}

int balance(const CreditsOptions& options) {
  auto admin = open_tenant_admin(options);
  const auto tenant = tenant_by_public_id(*admin.tenants, options.tenant);
  store::sqlite::SqliteBillingStore billing_store(sqlite_of(admin.store()));
  std::cout << must(billing_store.balance(tenant.id.value), "cannot read the balance") << "\n";
  return 0;
}

}  // namespace

void add_credits(CLI::App& app, Action& action) {
  auto* credits = app.add_subcommand("credits", "Prepaid credits of tenants (euro cents)");
  credits->require_subcommand(1);

  auto grant_options = std::make_shared<CreditsOptions>();
  auto* grant_cmd = credits->add_subcommand(
      "grant", "Credit a tenant's balance (a ledger entry and an audit entry)");
  add_common_options(*grant_cmd, *grant_options);
  grant_cmd->add_option("--tenant", grant_options->tenant, "Tenant id (tn_...)")->required();
  grant_cmd->add_option("--amount-cents", grant_options->amount_cents, "Euro cents, > 0")
      ->required()
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1'000'000'000}));
  grant_cmd->add_option("--reason", grant_options->reason, "Why (kept in the ledger)")->required();
  grant_cmd->add_flag("--json", grant_options->json, "Print {tenant_id, granted_cents, balance_cents}");
  grant_cmd->callback(
      [&action, grant_options] { action = [grant_options] { return grant(*grant_options); }; });

  auto balance_options = std::make_shared<CreditsOptions>();
  auto* balance_cmd = credits->add_subcommand("balance", "Print a tenant's balance in cents");
  add_common_options(*balance_cmd, *balance_options);
  balance_cmd->add_option("--tenant", balance_options->tenant, "Tenant id (tn_...)")->required();
  balance_cmd->callback(
      [&action, balance_options] { action = [balance_options] { return balance(*balance_options); }; });
}

}  // namespace diskret::app
