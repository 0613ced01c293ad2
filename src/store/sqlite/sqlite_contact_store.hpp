#pragma once
/// SqliteContactStore: the ContactStore in the SqliteStore's main database (tables of
/// migration 0010_contacts). Writes run on the open transaction's connection, reads on the
/// store's reader pool.
#include "store/contact_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace diskret::store::sqlite {

class SqliteContactStore final : public ContactStore {
 public:
  explicit SqliteContactStore(SqlHost& store) : store_(store) {}

  // ContactStore
  std::unique_ptr<ContactWrites> writes(WriteTransaction& tx) override;
  Expected<std::optional<ContactRecord>> contact(std::uint64_t tenant, std::uint64_t id) override;
  Expected<std::optional<ContactRecord>> contact_by_blind(std::uint64_t tenant,
                                                          const Blind& blind) override;
  Expected<std::vector<ContactRecord>> contacts(const ContactQuery& query) override;
  Expected<std::vector<std::uint64_t>> memberships(std::uint64_t tenant,
                                                   std::uint64_t contact_id) override;
  Expected<std::vector<ConsentRow>> consents(std::uint64_t tenant,
                                             std::uint64_t contact_id) override;
  Expected<std::optional<ConsentRow>> latest_consent(std::uint64_t tenant,
                                                     std::uint64_t contact_id) override;
  Expected<std::vector<ListRecord>> lists(std::uint64_t tenant) override;
  Expected<std::optional<ListRecord>> list(std::uint64_t tenant, std::uint64_t id) override;
  Expected<std::optional<SuppressionRecord>> suppression(std::uint64_t tenant,
                                                         const Blind& blind) override;
  Expected<std::vector<SuppressionRecord>> suppressions(std::uint64_t tenant,
                                                        std::uint64_t before_id,
                                                        std::size_t limit) override;
  Expected<std::vector<RecipientState>> recipient_states(std::uint64_t tenant,
                                                         std::span<const Blind> blinds) override;
  Expected<std::vector<UserRecord>> users(std::uint64_t tenant) override;
  Expected<std::optional<UserRecord>> user(std::uint64_t tenant, std::uint64_t id) override;
  Expected<std::optional<UserRecord>> user_by_email(std::uint64_t tenant,
                                                    const Blind& email_blind) override;

 private:
  SqlHost& store_;
};

}  // namespace diskret::store::sqlite
