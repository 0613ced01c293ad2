// ContactService::import: the valid rows of a decoded CSV, written in batches.
#include <unordered_map>

#include "contacts/contact_service.hpp"
#include "contacts/person_writer.hpp"

namespace diskret::contacts {
namespace {

// A row merged into an existing contact: what the file says wins, what it leaves empty
// stays as it was.
void merge(ContactPlain& into, const ContactDraft& row) {
  if (!row.first_name.empty()) into.first_name = row.first_name;
  if (!row.last_name.empty()) into.last_name = row.last_name;
  for (const auto& [key, value] : row.fields) {
    auto it = std::lower_bound(into.fields.begin(), into.fields.end(), key,
                               [](const auto& f, const std::string& k) { return f.first < k; });
    if (it != into.fields.end() && it->first == key) {
      it->second = value;
    } else {
      into.fields.emplace(it, key, value);
    }
  }
}

class ListResolver {
 public:
  ListResolver(std::uint64_t tenant, std::int64_t now_ms) : tenant_(tenant), now_ms_(now_ms) {}

  Expected<std::uint64_t> id(store::ContactWrites& writes, const std::string& name,
                             std::size_t& created) {
    if (auto it = ids_.find(name); it != ids_.end()) return it->second;
    auto found = writes.find_list(tenant_, name);
    if (!found) return unexpected(found.error());
    std::uint64_t id = 0;
    if (*found) {
      id = (*found)->id;
    } else {
      auto inserted = writes.insert_list(store::ListRecord{0, tenant_, name, now_ms_, 0});
      if (!inserted) return unexpected(inserted.error());
      id = *inserted;
      ++created;
    }
    ids_.emplace(name, id);
    return id;
  }
  // A batch that fails to commit takes its new lists with it.
  void forget() { ids_.clear(); }

 private:
  std::uint64_t tenant_;
  std::int64_t now_ms_;
  std::unordered_map<std::string, std::uint64_t> ids_;
};

}  // namespace

Expected<ImportSummary> ContactService::import(std::uint64_t tenant, const ImportReport& report,
                                               std::optional<std::uint64_t> list_id,
                                               std::string_view actor) {
  auto tenant_keys = keys_.tenant(tenant);
  if (!tenant_keys) return unexpected(tenant_keys.error());
  if (list_id) {
    auto l = contacts_.list(tenant, *list_id);
    if (!l) return unexpected(l.error());
    if (!*l) {
      return fail(diskret::Errc::not_found, "no list with id " + std::to_string(*list_id));
    }
  }
  ImportSummary summary;
  ListResolver lists(tenant, clock_.now_ms());
  for (std::size_t start = 0; start < report.rows.size(); start += kImportBatchRows) {
    const std::size_t end = std::min(report.rows.size(), start + kImportBatchRows);
    auto scope = WriteScope::begin(store_, contacts_, keys_);
    if (!scope) return unexpected(scope.error());
    PersonWriter people(*scope, keys_, tenant, **tenant_keys, clock_.now_ms());
    ImportSummary batch;
    for (std::size_t i = start; i < end; ++i) {
      const ContactDraft& row = report.rows[i].contact;
      auto person = people.find(row.phone);
      if (!person) return unexpected(person.error());
      std::uint64_t id = 0;
      if (*person) {
        Person& p = **person;
        id = p.record.id;
        merge(p.plain, row);
        auto state = static_cast<ConsentState>(p.record.consent_state);
        if (row.consent) {
          auto s = people.append_consent(id, *row.consent, actor);
          if (!s) return unexpected(s.error());
          state = *s;
        }
        if (auto ok = people.update(p, state); !ok) return unexpected(ok.error());
        ++batch.updated;
      } else {
        const ContactPlain plain{row.phone, row.first_name, row.last_name, row.fields};
        auto inserted = people.insert(plain, marketing_consent(row.consent));
        if (!inserted) return unexpected(inserted.error());
        id = inserted->record.id;
        if (row.consent) {
          if (auto ok = people.append_consent(id, *row.consent, actor); !ok) {
            return unexpected(ok.error());
          }
        }
        ++batch.created;
      }
      for (const auto& name : row.list_names) {
        auto lid = lists.id(scope->writes(), name, batch.lists_created);
        if (!lid) return unexpected(lid.error());
        if (auto ok = scope->writes().add_member(*lid, id); !ok) return unexpected(ok.error());
      }
      if (list_id) {
        if (auto ok = scope->writes().add_member(*list_id, id); !ok) return unexpected(ok.error());
      }
    }
    if (auto ok = scope->commit(); !ok) {
      lists.forget();
      return unexpected(ok.error());
    }
    summary.created += batch.created;
    summary.updated += batch.updated;
    summary.lists_created += batch.lists_created;
    ++summary.transactions;
  }
  return summary;
}

}  // namespace diskret::contacts
