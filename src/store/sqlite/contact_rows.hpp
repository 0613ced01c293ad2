#pragma once
/// Internal to SqliteContactStore: column lists, SQL and row readers shared by its reads
/// and writes.
#include <string_view>

#include "store/contact_store.hpp"
#include "store/sqlite/sqlite_db.hpp"

namespace diskret::store::sqlite::contact_rows {

#define DISKRET_CONTACT_COLUMNS \
  "id, tenant_id, blind, subject_id, sealed, consent_state, created_at, updated_at"
#define DISKRET_CONSENT_COLUMNS                                                          \
  "id, tenant_id, contact_id, purpose, source, wording, obtained_at, doi_requested_at, " \
  "doi_confirmed_at, withdrawn_at, recorded_at, recorded_by"
#define DISKRET_SUPPRESSION_COLUMNS "id, tenant_id, blind, subject_id, sealed, source, created_at"
#define DISKRET_USER_COLUMNS \
  "id, tenant_id, email_blind, email_sealed, password_hash, role, created_at, disabled_at"

inline constexpr std::string_view kContact =
    "SELECT " DISKRET_CONTACT_COLUMNS " FROM contacts WHERE tenant_id = ? AND id = ?";
inline constexpr std::string_view kContactByBlind =
    "SELECT " DISKRET_CONTACT_COLUMNS " FROM contacts WHERE tenant_id = ? AND blind = ?";
inline constexpr std::string_view kLatestConsent =
    "SELECT " DISKRET_CONSENT_COLUMNS
    " FROM consents WHERE tenant_id = ? AND contact_id = ? ORDER BY id DESC LIMIT 1";
inline constexpr std::string_view kSuppression =
    "SELECT " DISKRET_SUPPRESSION_COLUMNS " FROM suppressions WHERE tenant_id = ? AND blind = ?";
inline constexpr std::string_view kUser =
    "SELECT " DISKRET_USER_COLUMNS " FROM users WHERE tenant_id = ? AND id = ?";

ContactRecord contact(const SqlStatement& s);
ConsentRow consent(const SqlStatement& s);
SuppressionRecord suppression(const SqlStatement& s);
UserRecord user(const SqlStatement& s);
ListRecord list(const SqlStatement& s);  ///< id, tenant_id, name, created_at, members

inline void bind_blind(SqlStatement& s, int index, const Blind& b) {
  s.bind_blob(index, b.data(), b.size());
}

}  // namespace diskret::store::sqlite::contact_rows
