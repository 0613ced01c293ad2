#include "contacts/permissions.hpp"

namespace diskret::contacts {

const char* permission_name(Permission p) noexcept {
  switch (p) {
    case Permission::read:
      return "read";
    case Permission::send_messages:
      return "send_messages";
    case Permission::write_contacts:
      return "write_contacts";
    case Permission::add_suppression:
      return "add_suppression";
    case Permission::remove_suppression:
      return "remove_suppression";
    case Permission::export_data:
      return "export_data";
    case Permission::erase_data:
      return "erase_data";
    case Permission::manage_webhooks:
      return "manage_webhooks";
    case Permission::manage_billing:
      return "manage_billing";
    case Permission::read_audit:
      return "read_audit";
    case Permission::manage_users:
      return "manage_users";
    case Permission::manage_keys:
      return "manage_keys";
  }
  return "unknown";
}

const char* role_label(Role r) noexcept {
  switch (r) {
    case Role::owner:
      return "owner";
    case Role::admin:
      return "admin";
    case Role::sender:
      return "sender";
    case Role::viewer:
      return "viewer";
  }
  return "viewer";
}

bool allows(Role role, Permission permission) noexcept {
  switch (role) {
    case Role::owner:
    case Role::admin:
      return true;
    case Role::sender:
      switch (permission) {
        case Permission::read:
        case Permission::send_messages:
        case Permission::write_contacts:
        case Permission::add_suppression:
        case Permission::export_data:
          return true;
        default:
          return false;
      }
    case Role::viewer:
      return permission == Permission::read;
  }
  return false;  // an unknown role value gets nothing
}

bool may_manage_role(Role actor, Role role) noexcept {
  switch (actor) {
    case Role::owner:
      return true;
    case Role::admin:
      return role != Role::owner;
    default:
      return false;
  }
}

}  // namespace diskret::contacts
