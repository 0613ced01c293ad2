#include "tenancy/sql_tenant_service.hpp"

#include <boost/json.hpp>

#include "crypto/password.hpp"

namespace diskret::tenancy {
namespace {

constexpr auto kCacheTtl = std::chrono::seconds(1);
constexpr std::size_t kCacheMax = 10'000;
constexpr int kKeyAttempts = 4;  // the shown prefix has 30 random bits: collisions are rare

SystemTime from_ms(std::int64_t ms) { return SystemTime{std::chrono::milliseconds{ms}}; }

std::vector<std::string> split(std::string_view csv) {
  std::vector<std::string> out;
  while (!csv.empty()) {
    const auto comma = csv.find(',');
    if (comma != 0) out.emplace_back(csv.substr(0, comma));
    if (comma == std::string_view::npos) break;
    csv.remove_prefix(comma + 1);
  }
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

bool valid_region(std::string_view r) {
  return r.size() == 2 && r[0] >= 'A' && r[0] <= 'Z' && r[1] >= 'A' && r[1] <= 'Z';
}

Tenant to_tenant(store::TenantRecord&& r) {
  Tenant t;
  t.id = TenantId{r.id};
  t.public_id = std::move(r.public_id);
  t.name = std::move(r.name);
  t.settings.display_name = std::move(r.display_name);
  t.settings.default_region = std::move(r.default_region);
  t.settings.allowed_countries = split(r.allowed_countries);
  t.settings.max_segments = r.max_segments;
  t.settings.sender_ids = split(r.sender_ids);
  t.settings.quiet_hours = std::move(r.quiet_hours);
  t.created_at = from_ms(r.created_at_ms);
  return t;
}

ApiKeyInfo to_info(const store::ApiKeyRecord& r) {
  ApiKeyInfo info;
  info.id = r.id;
  info.prefix = r.prefix;
  info.name = r.name;
  info.role = parse_role(r.role).value_or(Role::viewer);
  info.created_at = from_ms(r.created_at_ms);
  if (r.revoked_at_ms) info.revoked_at = from_ms(*r.revoked_at_ms);
  return info;
}

auto denied() { return fail(Errc::permission_denied, "Invalid or revoked API key."); }

std::string key_details(const ApiKeyInfo& key) {
  return boost::json::serialize(
      boost::json::object{{"name", key.name}, {"role", role_name(key.role)}});
}

}  // namespace

SqlTenantService::SqlTenantService(store::Store& store, store::KeyRing& keys, const Clock& clock)
    : store_(store), keys_(keys), clock_(clock), pepper_(keys.api_key_pepper()) {}

Expected<void> SqlTenantService::record(store::WriteTransaction& tx, std::uint64_t tenant,
                                        std::string_view action, std::string object,
                                        std::string details) {
  if (audit_ == nullptr) return {};
  store::AuditEventRecord e;
  e.tenant_id = tenant;
  e.at_ms = clock_.now_ms();
  e.actor = audit_actor_.empty() ? std::string("system:tenancy") : audit_actor_;
  e.action = std::string(action);
  e.object = std::move(object);
  e.details = std::move(details);
  auto ok = audit_->append(tx, e);
  if (!ok) return unexpected(ok.error());
  return {};
}

Expected<CreatedKey> SqlTenantService::insert_key(store::WriteTransaction& tx, std::uint64_t tenant,
                                                  const std::string& name, Role role) {
  for (int attempt = 0;; ++attempt) {
    CreatedKey created;
    created.secret = std::string(kApiKeyPrefix) + crypto::random_token(24);
    store::ApiKeyRecord r;
    r.tenant_id = tenant;
    r.prefix = created.secret.substr(0, kApiKeyShownPrefix);
    r.hash = crypto::hash_secret(pepper_, created.secret);
    r.name = name;
    r.role = role_name(role);
    r.created_at_ms = clock_.now_ms();
    auto id = tx.insert_api_key(r);
    if (!id) {
      // A prefix taken already: draw another key (the failed INSERT undid only itself).
      if (id.error().code == make_error_code(Errc::already_exists) && attempt + 1 < kKeyAttempts) {
        continue;
      }
      return unexpected(id.error());
    }
    r.id = *id;
    created.info = to_info(r);
    return created;
  }
}

Expected<std::pair<Tenant, CreatedKey>> SqlTenantService::create_tenant(const std::string& name,
                                                                        const std::string& region) {
  if (name.empty() || name.size() > 200) {
    return fail(Errc::invalid_argument, "A tenant name of 1 to 200 characters is needed.");
  }
  if (!valid_region(region)) {
    return fail(Errc::invalid_argument, "The region must be an ISO country code like DE.");
  }
  auto tx = store_.begin();
  if (!tx) return unexpected(tx.error());
  store::TenantRecord r;
  r.public_id = "tn_" + crypto::random_token(12);
  r.name = name;
  r.display_name = name;
  r.default_region = region;
  r.created_at_ms = clock_.now_ms();
  auto id = (*tx)->insert_tenant(r);
  if (!id) return unexpected(id.error());
  r.id = *id;
  if (auto ok = (*tx)->insert_tenant_key(keys_.new_tenant_key(*id, r.created_at_ms)); !ok) {
    return unexpected(ok.error());
  }
  auto key = insert_key(**tx, *id, "first key", Role::owner);
  if (!key) return unexpected(key.error());
  if (auto ok = record(**tx, *id, "tenant.created", "tenant",
                       boost::json::serialize(boost::json::object{{"region", region}}));
      !ok) {
    return unexpected(ok.error());
  }
  if (auto ok = record(**tx, *id, "apikey.created", "apikey:" + std::to_string(key->info.id),
                       key_details(key->info));
      !ok) {
    return unexpected(ok.error());
  }
  if (auto ok = (*tx)->commit(); !ok) return unexpected(ok.error());
  return std::pair{to_tenant(std::move(r)), std::move(*key)};
}

Expected<Tenant> SqlTenantService::update_settings(TenantId tenant, const TenantSettings& settings,
                                                  std::string_view actor) {
  auto tx = store_.begin();
  if (!tx) return unexpected(tx.error());
  auto current = store_.tenant(tenant.value);
  if (!current) return unexpected(current.error());
  if (!*current) return fail(Errc::not_found, "No such tenant.");
  store::TenantRecord r = std::move(**current);
  r.display_name = settings.display_name;
  r.default_region = settings.default_region;
  r.allowed_countries = join(settings.allowed_countries);
  r.max_segments = settings.max_segments;
  r.sender_ids = join(settings.sender_ids);
  r.quiet_hours = settings.quiet_hours;
  auto updated = (*tx)->update_tenant_settings(r);
  if (!updated) return unexpected(updated.error());
  if (!*updated) return fail(Errc::not_found, "No such tenant.");
  // Settings are configuration, not personal data: the entry names what they became.
  boost::json::array countries, senders;
  for (const auto& c : settings.allowed_countries) countries.emplace_back(c);
  for (const auto& s : settings.sender_ids) senders.emplace_back(s);
  if (audit_ != nullptr) {
    store::AuditEventRecord e;
    e.tenant_id = tenant.value;
    e.at_ms = clock_.now_ms();
    e.actor = std::string(actor);
    e.action = "tenant.settings_changed";
    e.object = "tenant";
    e.details = boost::json::serialize(boost::json::object{
        {"display_name", settings.display_name},
        {"default_region", settings.default_region},
        {"allowed_countries", std::move(countries)},
        {"max_segments", settings.max_segments},
        {"sender_ids", std::move(senders)},
        {"quiet_hours", settings.quiet_hours}});
    if (auto ok = audit_->append(**tx, e); !ok) return unexpected(ok.error());
  }
  if (auto ok = (*tx)->commit(); !ok) return unexpected(ok.error());
  settings_changed();
  return to_tenant(std::move(r));
}

Expected<Tenant> SqlTenantService::find_tenant(const std::string& public_id) {
  auto r = store_.tenant_by_public_id(public_id);
  if (!r) return unexpected(r.error());
  if (!*r) return fail(Errc::not_found, "No such tenant.");
  return to_tenant(std::move(**r));
}

Expected<Tenant> SqlTenantService::get_tenant(TenantId id) {
  auto r = store_.tenant(id.value);
  if (!r) return unexpected(r.error());
  if (!*r) return fail(Errc::not_found, "No such tenant.");
  return to_tenant(std::move(**r));
}

Expected<CreatedKey> SqlTenantService::create_api_key(TenantId tenant, const std::string& name,
                                                      Role role) {
  if (name.size() > 200) return fail(Errc::invalid_argument, "The key name is too long.");
  auto tx = store_.begin();
  if (!tx) return unexpected(tx.error());
  auto key = insert_key(**tx, tenant.value, name, role);
  if (!key) {
    // The foreign key names a tenant that does not exist.
    if (key.error().code == make_error_code(Errc::invalid_argument)) {
      return fail(Errc::not_found, "No such tenant.");
    }
    return unexpected(key.error());
  }
  if (auto ok = record(**tx, tenant.value, "apikey.created",
                       "apikey:" + std::to_string(key->info.id), key_details(key->info));
      !ok) {
    return unexpected(ok.error());
  }
  if (auto ok = (*tx)->commit(); !ok) return unexpected(ok.error());
  return key;
}

Expected<std::vector<ApiKeyInfo>> SqlTenantService::list_api_keys(TenantId tenant) {
  auto rows = store_.api_keys(tenant.value);
  if (!rows) return unexpected(rows.error());
  std::vector<ApiKeyInfo> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back(to_info(r));
  return out;
}

Expected<void> SqlTenantService::revoke_api_key(TenantId tenant, std::uint64_t key_id) {
  auto tx = store_.begin();
  if (!tx) return unexpected(tx.error());
  auto revoked = (*tx)->revoke_api_key(tenant.value, key_id, clock_.now_ms());
  if (!revoked) return unexpected(revoked.error());
  if (!*revoked) return fail(Errc::not_found, "No such active API key.");
  if (auto ok = record(**tx, tenant.value, "apikey.revoked", "apikey:" + std::to_string(key_id), "{}");
      !ok) {
    return unexpected(ok.error());
  }
  if (auto ok = (*tx)->commit(); !ok) return unexpected(ok.error());
  std::lock_guard lock(cache_mutex_);
  ++revocations_;
  std::erase_if(cache_, [&](const auto& entry) { return entry.second.principal.api_key_id == key_id; });
  return {};
}

Expected<Principal> SqlTenantService::authenticate(std::string_view api_key) {
  if (!api_key.starts_with(kApiKeyPrefix) || api_key.size() < kApiKeyShownPrefix ||
      api_key.size() > 128) {
    return denied();
  }
  const std::string hash = crypto::hash_secret(pepper_, api_key);
  const SystemTime now = clock_.now();
  std::uint64_t revocations = 0;
  {
    std::lock_guard lock(cache_mutex_);
    revocations = revocations_;
    if (auto it = cache_.find(hash); it != cache_.end()) {
      if (now < it->second.until) return it->second.principal;
      cache_.erase(it);
    }
  }
  auto row = store_.api_key_by_prefix(api_key.substr(0, kApiKeyShownPrefix));
  if (!row) return unexpected(row.error());
  if (!*row || !crypto::constant_time_equal(hash, (*row)->hash) || (*row)->revoked_at_ms) {
    return denied();
  }
  Principal p;
  p.tenant = TenantId{(*row)->tenant_id};
  p.tenant_public_id = (*row)->tenant_public_id;
  p.role = parse_role((*row)->role).value_or(Role::viewer);
  p.api_key_id = (*row)->id;
  std::lock_guard lock(cache_mutex_);
  // A revocation that committed while this lookup ran must not be undone by caching it.
  if (revocations != revocations_) return p;
  if (cache_.size() >= kCacheMax) cache_.clear();
  cache_[hash] = Cached{p, now + kCacheTtl};
  return p;
}

}  // namespace diskret::tenancy
