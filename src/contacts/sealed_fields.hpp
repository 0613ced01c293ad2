#pragma once
/// The encrypted parts of contact, suppression and user rows. A contact's phone, names and
/// custom fields are one sealed blob under the person's subject key; a suppression's
/// number and reason too (so erasing the person leaves only the blind index); a user's
/// email is sealed under the tenant key. The associated data binds each blob to its tenant,
/// table and record.
#include <cstdint>
#include <string>
#include <string_view>

#include "contacts/contact.hpp"
#include "core/expected.hpp"
#include "crypto/blind_index.hpp"
#include "crypto/secret.hpp"

namespace diskret::contacts {

struct ContactPlain {
  std::string phone;  ///< E.164
  std::string first_name;
  std::string last_name;
  CustomFields fields;
  friend bool operator==(const ContactPlain&, const ContactPlain&) = default;
};

std::string seal_contact(const crypto::SecretKey& subject_key, std::uint64_t tenant,
                         std::uint64_t subject_id, const ContactPlain& contact);
/// Errc::corrupt when the blob does not open or is malformed.
Expected<ContactPlain> open_contact(const crypto::SecretKey& subject_key, std::uint64_t tenant,
                                    std::uint64_t subject_id, std::string_view sealed);

struct SuppressionPlain {
  std::string phone;
  std::string reason;
};
std::string seal_suppression(const crypto::SecretKey& subject_key, std::uint64_t tenant,
                             std::uint64_t subject_id, const SuppressionPlain& s);
Expected<SuppressionPlain> open_suppression(const crypto::SecretKey& subject_key,
                                            std::uint64_t tenant, std::uint64_t subject_id,
                                            std::string_view sealed);

std::string seal_email(const crypto::SecretKey& tenant_key, std::uint64_t tenant,
                       const crypto::BlindIndex& email_blind, std::string_view email);
Expected<std::string> open_email(const crypto::SecretKey& tenant_key, std::uint64_t tenant,
                                 const crypto::BlindIndex& email_blind, std::string_view sealed);

/// Lower-cased, trimmed form of an email address: what its blind index is computed from.
std::string canonical_email(std::string_view email);

}  // namespace diskret::contacts
