#include "contacts/contact_service.hpp"

#include <algorithm>

#include "contacts/errc.hpp"
#include "contacts/person_writer.hpp"
#include "contacts/text_checks.hpp"

namespace diskret::contacts {
namespace {

using std::chrono::milliseconds;

std::optional<std::int64_t> ms(const std::optional<SystemTime>& t) {
  if (!t) return std::nullopt;
  return std::chrono::duration_cast<milliseconds>(t->time_since_epoch()).count();
}
std::optional<SystemTime> time_of(const std::optional<std::int64_t>& ms) {
  if (!ms) return std::nullopt;
  return SystemTime{milliseconds{*ms}};
}
SystemTime time_of(std::int64_t ms) { return SystemTime{milliseconds{ms}}; }

Error list_not_found(std::uint64_t id) {
  return Error{make_error_code(diskret::Errc::not_found), "no list with id " + std::to_string(id)};
}

}  // namespace

store::ConsentRow to_row(const Consent& c, std::uint64_t tenant, std::uint64_t contact_id,
                         std::int64_t now_ms, std::string_view actor) {
  store::ConsentRow r;
  r.tenant_id = tenant;
  r.contact_id = contact_id;
  r.purpose = c.purpose;
  r.source = consent_source_name(c.source);
  r.wording = c.wording;
  r.obtained_at_ms = ms(c.obtained_at);
  r.requested_at_ms = ms(c.double_opt_in_requested_at);
  r.confirmed_at_ms = ms(c.double_opt_in_confirmed_at);
  r.withdrawn_at_ms = ms(c.withdrawn_at);
  r.recorded_at_ms = now_ms;
  r.recorded_by = std::string(actor);
  return r;
}

Consent from_row(const store::ConsentRow& r) {
  Consent c;
  c.purpose = r.purpose;
  c.source = parse_consent_source(r.source).value_or(ConsentSource::api);
  c.wording = r.wording;
  c.obtained_at = time_of(r.obtained_at_ms);
  c.double_opt_in_requested_at = time_of(r.requested_at_ms);
  c.double_opt_in_confirmed_at = time_of(r.confirmed_at_ms);
  c.withdrawn_at = time_of(r.withdrawn_at_ms);
  return c;
}

ContactService::ContactService(store::Store& store, store::ContactStore& contacts,
                               store::KeyRing& keys, const Clock& clock)
    : store_(store), contacts_(contacts), keys_(keys), clock_(clock) {}

// ---- lists ----

Expected<ListView> ContactService::create_list(std::uint64_t tenant, std::string_view name) {
  const std::string_view trimmed = trim(name);
  if (auto why = check_list_name(trimmed)) {
    return fail(Errc::invalid_field, "name: " + *why);
  }
  auto scope = WriteScope::begin(store_, contacts_, keys_);
  if (!scope) return unexpected(scope.error());
  store::ListRecord r;
  r.tenant_id = tenant;
  r.name = std::string(trimmed);
  r.created_at_ms = clock_.now_ms();
  auto id = scope->writes().insert_list(r);
  if (!id) {
    if (id.error().code == diskret::Errc::already_exists) {
      return fail(diskret::Errc::already_exists, "a list with this name exists");
    }
    return unexpected(id.error());
  }
  if (auto ok = scope->commit(); !ok) return unexpected(ok.error());
  return ListView{*id, r.name, 0, time_of(r.created_at_ms)};
}

Expected<std::vector<ListView>> ContactService::to_views(
    const std::vector<store::ListRecord>& lists) {
  std::vector<ListView> out;
  out.reserve(lists.size());
  for (const auto& l : lists) out.push_back({l.id, l.name, l.members, time_of(l.created_at_ms)});
  return out;
}

Expected<std::vector<ListView>> ContactService::lists(std::uint64_t tenant) {
  auto lists = contacts_.lists(tenant);
  if (!lists) return unexpected(lists.error());
  return to_views(*lists);
}

Expected<std::optional<ListView>> ContactService::list(std::uint64_t tenant, std::uint64_t id) {
  auto l = contacts_.list(tenant, id);
  if (!l) return unexpected(l.error());
  if (!*l) return std::optional<ListView>{};
  return std::optional<ListView>{
      ListView{(*l)->id, (*l)->name, (*l)->members, time_of((*l)->created_at_ms)}};
}

Expected<bool> ContactService::delete_list(std::uint64_t tenant, std::uint64_t id) {
  auto scope = WriteScope::begin(store_, contacts_, keys_);
  if (!scope) return unexpected(scope.error());
  auto deleted = scope->writes().delete_list(tenant, id);
  if (!deleted || !*deleted) return deleted;
  if (auto ok = scope->commit(); !ok) return unexpected(ok.error());
  return true;
}

// ---- contacts ----

Expected<ContactView> ContactService::view(std::uint64_t tenant, const store::ContactRecord& r) {
  auto key = keys_.subject_key(tenant, r.subject_id);
  if (!key) return unexpected(key.error());
  auto plain = open_contact(*key, tenant, r.subject_id, r.sealed);
  if (!plain) return unexpected(plain.error());
  auto lists = contacts_.memberships(tenant, r.id);
  if (!lists) return unexpected(lists.error());
  auto consent = contacts_.latest_consent(tenant, r.id);
  if (!consent) return unexpected(consent.error());
  ContactView v;
  v.id = r.id;
  v.phone = std::move(plain->phone);
  v.first_name = std::move(plain->first_name);
  v.last_name = std::move(plain->last_name);
  v.fields = std::move(plain->fields);
  v.lists = std::move(*lists);
  if (*consent) v.consent = from_row(**consent);
  v.created_at = time_of(r.created_at_ms);
  v.updated_at = time_of(r.updated_at_ms);
  return v;
}

Expected<ContactView> ContactService::create(std::uint64_t tenant, const ContactInput& input,
                                             std::string_view actor) {
  auto tenant_keys = keys_.tenant(tenant);
  if (!tenant_keys) return unexpected(tenant_keys.error());
  auto scope = WriteScope::begin(store_, contacts_, keys_);
  if (!scope) return unexpected(scope.error());
  PersonWriter people(*scope, keys_, tenant, **tenant_keys, clock_.now_ms());
  for (auto list_id : input.lists) {
    auto exists = scope->writes().list_exists(tenant, list_id);
    if (!exists) return unexpected(exists.error());
    if (!*exists) return unexpected(list_not_found(list_id));
  }
  auto existing = scope->writes().find_contact(tenant, people.blind(input.phone));
  if (!existing) return unexpected(existing.error());
  if (*existing) {
    return fail(diskret::Errc::already_exists,
                "a contact with this number exists: id " + std::to_string((*existing)->id));
  }
  const ContactPlain plain{input.phone, input.first_name, input.last_name, input.fields};
  auto person = people.insert(plain, marketing_consent(input.consent));
  if (!person) return unexpected(person.error());
  const std::uint64_t id = person->record.id;
  for (auto list_id : input.lists) {
    if (auto ok = scope->writes().add_member(list_id, id); !ok) return unexpected(ok.error());
  }
  if (input.consent) {
    if (auto ok = people.append_consent(id, *input.consent, actor); !ok) {
      return unexpected(ok.error());
    }
  }
  if (auto ok = scope->commit(); !ok) return unexpected(ok.error());
  auto created = get(tenant, id);
  if (!created) return unexpected(created.error());
  if (!*created) return fail(diskret::Errc::internal, "a created contact vanished");
  return std::move(**created);
}

Expected<std::optional<ContactView>> ContactService::get(std::uint64_t tenant, std::uint64_t id) {
  auto r = contacts_.contact(tenant, id);
  if (!r) return unexpected(r.error());
  if (!*r) return std::optional<ContactView>{};
  auto v = view(tenant, **r);
  if (!v) return unexpected(v.error());
  return std::optional<ContactView>{std::move(*v)};
}

Expected<std::optional<ContactView>> ContactService::find_by_phone(std::uint64_t tenant,
                                                                   std::string_view e164) {
  auto tenant_keys = keys_.tenant(tenant);
  if (!tenant_keys) return unexpected(tenant_keys.error());
  auto r = contacts_.contact_by_blind(tenant, store::KeyRing::blind(**tenant_keys, e164));
  if (!r) return unexpected(r.error());
  if (!*r) return std::optional<ContactView>{};
  auto v = view(tenant, **r);
  if (!v) return unexpected(v.error());
  return std::optional<ContactView>{std::move(*v)};
}

Expected<ContactPage> ContactService::page(std::uint64_t tenant,
                                           std::optional<std::uint64_t> list_id,
                                           std::uint64_t after_id, std::size_t limit) {
  limit = std::clamp<std::size_t>(limit, 1, kMaxPageSize);
  store::ContactQuery q{tenant, list_id, after_id, limit + 1};
  auto rows = contacts_.contacts(q);
  if (!rows) return unexpected(rows.error());
  ContactPage page;
  for (std::size_t i = 0; i < rows->size() && i < limit; ++i) {
    auto v = view(tenant, (*rows)[i]);
    if (!v) return unexpected(v.error());
    page.contacts.push_back(std::move(*v));
  }
  if (rows->size() > limit) page.next_after = page.contacts.back().id;
  return page;
}

Expected<std::optional<ContactView>> ContactService::update(std::uint64_t tenant, std::uint64_t id,
                                                            const ContactPatch& patch,
                                                            std::string_view actor) {
  auto tenant_keys = keys_.tenant(tenant);
  if (!tenant_keys) return unexpected(tenant_keys.error());
  auto scope = WriteScope::begin(store_, contacts_, keys_);
  if (!scope) return unexpected(scope.error());
  PersonWriter people(*scope, keys_, tenant, **tenant_keys, clock_.now_ms());
  auto person = people.get(id);
  if (!person) return unexpected(person.error());
  if (!*person) return std::optional<ContactView>{};
  Person& p = **person;
  if (patch.first_name) p.plain.first_name = *patch.first_name;
  if (patch.last_name) p.plain.last_name = *patch.last_name;
  if (patch.fields) p.plain.fields = *patch.fields;
  auto state = static_cast<ConsentState>(p.record.consent_state);
  if (patch.consent) {
    auto s = people.append_consent(id, *patch.consent, actor);
    if (!s) return unexpected(s.error());
    state = *s;
  }
  if (patch.withdraw_consent) {
    auto latest = people.latest_consent(id);
    if (!latest) return unexpected(latest.error());
    if (*latest && !(*latest)->withdrawn_at) {
      Consent withdrawn = **latest;
      withdrawn.withdrawn_at = *patch.withdraw_consent;
      auto s = people.append_consent(id, withdrawn, actor);
      if (!s) return unexpected(s.error());
      state = *s;
    }
  }
  if (auto ok = people.update(p, state); !ok) return unexpected(ok.error());
  if (patch.lists) {
    for (auto list_id : *patch.lists) {
      auto exists = scope->writes().list_exists(tenant, list_id);
      if (!exists) return unexpected(exists.error());
      if (!*exists) return unexpected(list_not_found(list_id));
    }
    if (auto ok = scope->writes().clear_memberships(id); !ok) return unexpected(ok.error());
    for (auto list_id : *patch.lists) {
      if (auto ok = scope->writes().add_member(list_id, id); !ok) return unexpected(ok.error());
    }
  }
  if (auto ok = scope->commit(); !ok) return unexpected(ok.error());
  return get(tenant, id);
}

Expected<bool> ContactService::remove(std::uint64_t tenant, std::uint64_t id) {
  auto scope = WriteScope::begin(store_, contacts_, keys_);
  if (!scope) return unexpected(scope.error());
  auto deleted = scope->writes().delete_contact(tenant, id);
  if (!deleted || !*deleted) return deleted;
  if (auto ok = scope->commit(); !ok) return unexpected(ok.error());
  return true;
}

Expected<std::vector<Consent>> ContactService::consent_history(std::uint64_t tenant,
                                                               std::uint64_t id) {
  auto rows = contacts_.consents(tenant, id);
  if (!rows) return unexpected(rows.error());
  std::vector<Consent> out;
  for (const auto& r : *rows) out.push_back(from_row(r));
  return out;
}

// ---- double opt-in ----

Expected<ContactView> ContactService::start_double_opt_in(std::uint64_t tenant,
                                                          std::string_view e164,
                                                          std::string_view request_wording,
                                                          std::string_view actor) {
  auto tenant_keys = keys_.tenant(tenant);
  if (!tenant_keys) return unexpected(tenant_keys.error());
  auto scope = WriteScope::begin(store_, contacts_, keys_);
  if (!scope) return unexpected(scope.error());
  PersonWriter people(*scope, keys_, tenant, **tenant_keys, clock_.now_ms());
  auto suppressed = scope->writes().find_suppression(tenant, people.blind(e164));
  if (!suppressed) return unexpected(suppressed.error());
  if (*suppressed) return fail(Errc::suppressed, "the number opted out; no request is sent");
  auto person = people.find(e164);
  if (!person) return unexpected(person.error());
  std::uint64_t id = 0;
  if (*person) {
    id = (*person)->record.id;
    if ((*person)->record.consent_state == static_cast<std::uint8_t>(ConsentState::granted)) {
      return fail(diskret::Errc::already_exists, "marketing consent is granted already");
    }
  } else {
    auto created = people.insert(ContactPlain{std::string(e164), {}, {}, {}}, ConsentState::none);
    if (!created) return unexpected(created.error());
    id = created->record.id;
    person = std::optional<Person>{std::move(*created)};
  }
  const Consent pending = contacts::start_double_opt_in(std::string(request_wording), clock_.now());
  auto state = people.append_consent(id, pending, actor);
  if (!state) return unexpected(state.error());
  if (auto ok = people.update(**person, *state); !ok) return unexpected(ok.error());
  if (auto ok = scope->commit(); !ok) return unexpected(ok.error());
  auto v = get(tenant, id);
  if (!v) return unexpected(v.error());
  if (!*v) return fail(diskret::Errc::internal, "a contact vanished");
  return std::move(**v);
}

Expected<Confirmation> ContactService::confirm_double_opt_in(std::uint64_t tenant,
                                                             std::string_view e164,
                                                             const DoubleOptInSettings& settings) {
  auto tenant_keys = keys_.tenant(tenant);
  if (!tenant_keys) return unexpected(tenant_keys.error());
  auto scope = WriteScope::begin(store_, contacts_, keys_);
  if (!scope) return unexpected(scope.error());
  PersonWriter people(*scope, keys_, tenant, **tenant_keys, clock_.now_ms());
  auto person = people.find(e164);
  if (!person) return unexpected(person.error());
  if (!*person) return Confirmation::unknown_number;
  auto latest = people.latest_consent((*person)->record.id);
  if (!latest) return unexpected(latest.error());
  if (!*latest) return Confirmation::not_pending;
  auto confirmed = contacts::confirm_double_opt_in(**latest, clock_.now(), settings);
  if (!confirmed) {
    return confirmed.error().code == Errc::confirmation_expired ? Confirmation::expired
                                                                : Confirmation::not_pending;
  }
  auto state = people.append_consent((*person)->record.id, *confirmed, "sms");
  if (!state) return unexpected(state.error());
  if (auto ok = people.update(**person, *state); !ok) return unexpected(ok.error());
  if (auto ok = scope->commit(); !ok) return unexpected(ok.error());
  return Confirmation::confirmed;
}

}  // namespace diskret::contacts
