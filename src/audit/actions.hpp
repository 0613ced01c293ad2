#pragma once
/// The names of audited actions, in one place so that the trail, its filters and the
/// alerts agree. Dotted lowercase: "<area>.<what happened>".
#include <string_view>

namespace diskret::audit::action {

// Authentication and access.
inline constexpr std::string_view kLogin = "auth.login";
inline constexpr std::string_view kLoginFailed = "auth.login_failed";
inline constexpr std::string_view kPersonalDataRead = "data.read";  ///< API key or user read personal data
inline constexpr std::string_view kOperatorRead = "access.operator_read";  ///< support staff under a grant
inline constexpr std::string_view kGrantCreated = "access.grant_created";
inline constexpr std::string_view kGrantRevoked = "access.grant_revoked";
inline constexpr std::string_view kBreakGlass = "access.break_glass";

// Keys, roles, configuration.
inline constexpr std::string_view kApiKeyCreated = "apikey.created";
inline constexpr std::string_view kApiKeyRevoked = "apikey.revoked";
inline constexpr std::string_view kRoleChanged = "user.role_changed";
inline constexpr std::string_view kUserAdded = "user.added";
inline constexpr std::string_view kUserRemoved = "user.removed";
inline constexpr std::string_view kConfigChanged = "config.changed";
inline constexpr std::string_view kMasterKeyRotated = "keys.master_rotated";

// Data subjects.
inline constexpr std::string_view kExport = "privacy.exported";
inline constexpr std::string_view kErasure = "privacy.erased";
inline constexpr std::string_view kSuppressionAdded = "suppression.added";
inline constexpr std::string_view kSuppressionRemoved = "suppression.removed";
inline constexpr std::string_view kRetentionRun = "retention.scrubbed";
inline constexpr std::string_view kRetentionChanged = "retention.changed";

// Platform.
inline constexpr std::string_view kTenantCreated = "tenant.created";
inline constexpr std::string_view kTenantOffboarded = "tenant.offboarded";
inline constexpr std::string_view kBackupCreated = "backup.created";
inline constexpr std::string_view kBackupRestored = "backup.restored";
inline constexpr std::string_view kAuditVerifyFailed = "audit.verify_failed";

}  // namespace diskret::audit::action
