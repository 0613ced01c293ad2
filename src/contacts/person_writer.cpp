#include "contacts/person_writer.hpp"

#include "contacts/contact_service.hpp"

namespace diskret::contacts {

Expected<Person> PersonWriter::open(store::ContactRecord record) {
  auto key = keys_.subject_key(tenant_, record.subject_id);
  if (!key) return unexpected(key.error());
  auto plain = open_contact(*key, tenant_, record.subject_id, record.sealed);
  if (!plain) return unexpected(plain.error());
  return Person{std::move(record), std::move(*plain)};
}

Expected<std::optional<Person>> PersonWriter::find(std::string_view e164) {
  auto found = scope_.writes().find_contact(tenant_, blind(e164));
  if (!found) return unexpected(found.error());
  if (!*found) return std::optional<Person>{};
  auto person = open(std::move(**found));
  if (!person) return unexpected(person.error());
  return std::optional<Person>{std::move(*person)};
}

Expected<std::optional<Person>> PersonWriter::get(std::uint64_t id) {
  auto found = scope_.writes().contact(tenant_, id);
  if (!found) return unexpected(found.error());
  if (!*found) return std::optional<Person>{};
  auto person = open(std::move(**found));
  if (!person) return unexpected(person.error());
  return std::optional<Person>{std::move(*person)};
}

Expected<Person> PersonWriter::insert(const ContactPlain& plain, ConsentState state) {
  auto subject = keys_.subject_for_write(scope_.tx(), tenant_, tenant_keys_, plain.phone, now_ms_);
  if (!subject) return unexpected(subject.error());
  store::ContactRecord r;
  r.tenant_id = tenant_;
  r.blind = blind(plain.phone);
  r.subject_id = subject->subject_id;
  r.sealed = seal_contact(subject->key, tenant_, subject->subject_id, plain);
  r.consent_state = static_cast<std::uint8_t>(state);
  r.created_at_ms = r.updated_at_ms = now_ms_;
  auto id = scope_.writes().insert_contact(r);
  if (!id) return unexpected(id.error());
  r.id = *id;
  return Person{std::move(r), plain};
}

Expected<void> PersonWriter::update(const Person& person, ConsentState state) {
  auto subject =
      keys_.subject_for_write(scope_.tx(), tenant_, tenant_keys_, person.plain.phone, now_ms_);
  if (!subject) return unexpected(subject.error());
  store::ContactRecord r = person.record;
  r.subject_id = subject->subject_id;
  r.sealed = seal_contact(subject->key, tenant_, subject->subject_id, person.plain);
  r.consent_state = static_cast<std::uint8_t>(state);
  r.updated_at_ms = now_ms_;
  auto ok = scope_.writes().update_contact(r);
  if (!ok) return unexpected(ok.error());
  return {};
}

Expected<ConsentState> PersonWriter::append_consent(std::uint64_t contact_id,
                                                    const Consent& consent,
                                                    std::string_view actor) {
  auto id = scope_.writes().insert_consent(to_row(consent, tenant_, contact_id, now_ms_, actor));
  if (!id) return unexpected(id.error());
  return marketing_consent(consent);
}

Expected<std::optional<Consent>> PersonWriter::latest_consent(std::uint64_t contact_id) {
  auto row = scope_.writes().latest_consent(tenant_, contact_id);
  if (!row) return unexpected(row.error());
  if (!*row) return std::optional<Consent>{};
  return std::optional<Consent>{from_row(**row)};
}

}  // namespace diskret::contacts
