// `diskret user add --tenant T --email E --role owner|admin|sender|viewer [--password-stdin]`:
// creates a portal user. Without --password-stdin a random initial password is generated
// and printed once; only its Argon2id hash is stored.
#include <iostream>
#include <string>

#include "commands/commands.hpp"
#include "commands/tenant_service.hpp"
#include "contacts/errc.hpp"
#include "contacts/sealed_fields.hpp"
#include "contacts/user_service.hpp"
#include "store/sqlite/sqlite_contact_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace diskret::app {
namespace {

struct UserOptions : CommonOptions {
  std::string tenant;
  std::string email;
  std::string role;
  bool password_stdin = false;
  bool json = false;
};

std::string read_password() {
  std::string password;
  std::getline(std::cin, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

int add_user(const UserOptions& options) {
  const auto role = tenancy::parse_role(options.role);  // checked by CLI11 already
  if (auto why = contacts::check_email(contacts::canonical_email(options.email))) {
    throw Failure("--email: " + *why);
  }
  std::optional<std::string> password;
  if (options.password_stdin) {
    password = read_password();
    if (auto why = contacts::check_password(*password)) throw Failure("password: " + *why);
  }
  auto admin = open_tenant_admin(options);
  auto tenant = tenant_by_public_id(*admin.tenants, options.tenant);
  auto* host = dynamic_cast<store::SqlHost*>(&admin.store());
  if (host == nullptr) throw Failure("this store cannot hold users");
  store::sqlite::SqliteContactStore contact_store(*host);
  contacts::UserService users(admin.store(), contact_store, admin.keys(), SystemClock::instance());
  users.set_audit(admin.privacy.audit.get());
  // The operator acts with owner rights: any role may be given.
  auto created = users.create(tenant.id.value, options.email, *role,
                              password ? std::optional<std::string_view>(*password) : std::nullopt,
                              tenancy::Role::owner, operator_actor());
  if (!created) {
    if (created.error().code == Errc::already_exists) {
      throw Failure("tenant " + options.tenant + " has a user with this email already");
    }
    throw Failure("cannot add the user: " + created.error().message());
  }
  if (options.json) {
    std::cout << "{\"id\": " << created->user.id
              << ", \"email\": " << json_quote(created->user.email) << ", \"role\": \""
              << tenancy::role_name(created->user.role) << "\"";
    if (!created->initial_password.empty()) {
      std::cout << ", \"password\": " << json_quote(created->initial_password);
    }
    std::cout << "}\n";
    return 0;
  }
  std::cout << "id:       " << created->user.id << "\nemail:    " << created->user.email
            << "\nrole:     " << tenancy::role_name(created->user.role) << "\n";
  if (!created->initial_password.empty()) {
    std::cout << "password: " << created->initial_password
              << "\nThe initial password is shown only once; pass it on safely.\n";
  }
  return 0;
}

}  // namespace

void add_user(CLI::App& app, Action& action) {
  auto* user = app.add_subcommand("user", "Manage a tenant's portal users");
  user->require_subcommand(1);
  auto options = std::make_shared<UserOptions>();
  auto* add = user->add_subcommand("add", "Add a user (prints a generated initial password once)");
  add_common_options(*add, *options);
  add->add_option("--tenant", options->tenant, "Tenant id (tn_...)")->required();
  add->add_option("--email", options->email, "The user's email address")->required();
  add->add_option("--role", options->role, "owner, admin, sender or viewer")
      ->required()
      ->check(CLI::IsMember({"owner", "admin", "sender", "viewer"}));
  add->add_flag("--password-stdin", options->password_stdin,
                "Read the password from the first line of stdin instead of generating one");
  add->add_flag("--json", options->json, "Print {\"id\", \"email\", \"role\"[, \"password\"]}");
  add->callback([&action, options] { action = [options] { return add_user(*options); }; });
}

}  // namespace diskret::app
