#pragma once
/// Which role may do what, as pure functions every API handler asks. Roles (SPEC, issue 4):
/// viewer reads and can neither send nor export; sender also sends and manages contacts but
/// cannot manage keys or users; only owner and admin manage users and keys.
#include <cstdint>
#include <string_view>

#include "tenancy/tenancy.hpp"

namespace diskret::contacts {

using tenancy::Role;

enum class Permission : std::uint8_t {
  read,                ///< GET tenant data: messages, inbound, numbers, contacts, lists,
                       ///< suppressions, campaigns, balance, ledger
  send_messages,       ///< POST /v1/messages, start/resume campaigns
  write_contacts,      ///< contacts, lists, CSV import, double opt-in, campaigns
  add_suppression,     ///< put a number on the opt-out list
  remove_suppression,  ///< take a number off it again: re-allows messages, so admin only
  export_data,         ///< data-subject exports and contact exports
  erase_data,          ///< data-subject erasure
  manage_webhooks,
  manage_billing,  ///< top-ups and cards
  read_audit,
  manage_users,  ///< list, create, change and delete users
  manage_keys,   ///< API keys and SMPP credentials: create, list, revoke
};
inline constexpr int kPermissionCount = 12;

const char* permission_name(Permission p) noexcept;  ///< "send_messages" ...
const char* role_label(Role r) noexcept;             ///< "owner" ...

/// The matrix: owner and admin may do everything; sender may read, send, write contacts,
/// add suppressions and export; viewer may only read.
bool allows(Role role, Permission permission) noexcept;

/// Whether `actor` may create a user or key with role `role`, or change or delete one that
/// has it: nobody grants more than they hold, and admins cannot touch owners. Senders and
/// viewers manage nobody.
bool may_manage_role(Role actor, Role role) noexcept;

}  // namespace diskret::contacts
