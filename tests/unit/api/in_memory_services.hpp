#pragma once
// Fakes of the services the API calls, named for how they behave: an in-memory pipeline
// that commits at once (or fails every commit), and an in-memory tenant directory.
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/pipeline.hpp"
#include "tenancy/tenancy.hpp"

namespace diskret::api::test {

/// Stores every batch in memory and calls `done` synchronously, like a pipeline whose
/// commit always succeeds; `fail_commits_with` makes every commit fail instead.
class InMemoryPipeline final : public pipeline::Pipeline {
 public:
  struct Stored {
    pipeline::TenantId tenant;
    pipeline::MessageView view;
    pipeline::NewMessage message;
  };

  std::optional<Errc> fail_commits_with;
  bool is_ready = true;
  std::vector<Stored> stored;
  std::size_t commits = 0;

  // Pipeline
  std::vector<pipeline::MessageId> preassign(std::size_t count) override {
    std::vector<pipeline::MessageId> ids;
    for (std::size_t i = 0; i < count; ++i) ids.emplace_back(next_id_++);
    return ids;
  }
  void accept(pipeline::AcceptRequest&& request, const std::vector<pipeline::MessageId>& ids,
              std::function<void(Expected<pipeline::AcceptResult>)> done) override {
    if (fail_commits_with) return done(fail(*fail_commits_with, "commit failed"));
    if (request.idempotency_key) {
      auto key = std::make_pair(request.tenant.value, *request.idempotency_key);
      if (auto it = keys_.find(key); it != keys_.end()) {
        if (it->second.first != request.fingerprint) return done(fail(Errc::already_exists));
        return done(pipeline::AcceptResult{{}, it->second.second});
      }
      keys_[key] = {request.fingerprint, request.response};
    }
    ++commits;
    for (std::size_t i = 0; i < request.messages.size(); ++i) {
      const auto& m = request.messages[i];
      pipeline::MessageView v;
      v.id = ids.at(i);
      v.to = m.to;
      v.from = m.from;
      v.status = m.rejected ? pipeline::MessageStatus::rejected : pipeline::MessageStatus::accepted;
      v.category = m.category;
      v.segments = m.segments;
      v.encoding = m.encoding;
      v.client_ref = m.client_ref;
      v.created_at = SystemTime{std::chrono::seconds(1'700'000'000)};
      v.error = m.rejected;
      stored.push_back({request.tenant, v, m});
    }
    done(pipeline::AcceptResult{ids, std::nullopt});
  }
  Expected<std::optional<std::pair<std::string, std::string>>> find_idempotent(
      pipeline::TenantId tenant, const std::string& key) override {
    if (fail_commits_with) return fail(*fail_commits_with);
    auto it = keys_.find({tenant.value, key});
    if (it == keys_.end()) return std::nullopt;
    return it->second;
  }
  Expected<pipeline::MessageView> get(pipeline::TenantId tenant, pipeline::MessageId id) override {
    for (const auto& s : stored) {
      if (s.view.id == id && s.tenant == tenant) return s.view;
    }
    return fail(Errc::not_found);
  }
  Expected<std::vector<pipeline::MessageView>> list(pipeline::TenantId tenant,
                                                    const pipeline::MessageFilter& filter) override {
    last_filter = filter;
    std::vector<pipeline::MessageView> out;
    for (auto it = stored.rbegin(); it != stored.rend() && out.size() < filter.limit; ++it) {
      const auto& v = it->view;
      if (it->tenant != tenant) continue;
      if (filter.status && v.status != *filter.status) continue;
      if (filter.after && !(v.id < *filter.after)) continue;
      out.push_back(v);
    }
    return out;
  }
  pipeline::Stats stats() const override {
    pipeline::Stats s;
    for (const auto& m : stored) {
      if (m.view.status == pipeline::MessageStatus::rejected) {
        ++s.rejected;
      } else {
        ++s.accepted;
        ++s.queue_depth;
      }
    }
    return s;
  }
  bool ready() const override { return is_ready; }

  std::optional<pipeline::MessageFilter> last_filter;

 private:
  std::uint64_t next_id_ = 0x0100000000000001ull;
  std::map<std::pair<std::uint64_t, std::string>, std::pair<std::string, std::string>> keys_;
};

/// Tenants and keys held in maps; authenticate() knows exactly the keys added.
class InMemoryTenants final : public tenancy::TenantService {
 public:
  void add_tenant(pipeline::TenantId id, tenancy::TenantSettings settings) {
    tenancy::Tenant t;
    t.id = id;
    t.public_id = "tn_" + std::to_string(id.value);
    t.name = "tenant";
    t.settings = std::move(settings);
    tenants_[id.value] = t;
  }
  void add_key(std::string secret, pipeline::TenantId tenant, tenancy::Role role) {
    keys_[std::move(secret)] = tenancy::Principal{tenant, "tn_" + std::to_string(tenant.value), role, 1};
  }
  void revoke(const std::string& secret) { keys_.erase(secret); }
  tenancy::TenantSettings& settings(pipeline::TenantId id) { return tenants_.at(id.value).settings; }
  int get_tenant_calls = 0;

  // TenantService
  Expected<std::pair<tenancy::Tenant, tenancy::CreatedKey>> create_tenant(const std::string&,
                                                                          const std::string&) override {
    return fail(Errc::internal, "not used by the API");
  }
  Expected<tenancy::Tenant> find_tenant(const std::string&) override { return fail(Errc::not_found); }
  Expected<tenancy::Tenant> get_tenant(pipeline::TenantId id) override {
    ++get_tenant_calls;
    auto it = tenants_.find(id.value);
    if (it == tenants_.end()) return fail(Errc::not_found);
    return it->second;
  }
  Expected<tenancy::CreatedKey> create_api_key(pipeline::TenantId, const std::string&, tenancy::Role) override {
    return fail(Errc::internal, "not used by the API");
  }
  Expected<std::vector<tenancy::ApiKeyInfo>> list_api_keys(pipeline::TenantId) override { return {}; }
  Expected<void> revoke_api_key(pipeline::TenantId, std::uint64_t) override { return {}; }
  Expected<tenancy::Tenant> update_settings(pipeline::TenantId id, const tenancy::TenantSettings& s,
                                            std::string_view) override {
    auto it = tenants_.find(id.value);
    if (it == tenants_.end()) return fail(Errc::not_found);
    it->second.settings = s;
    settings_changed();
    return it->second;
  }
  Expected<tenancy::Principal> authenticate(std::string_view api_key) override {
    auto it = keys_.find(std::string(api_key));
    if (it == keys_.end()) return fail(Errc::permission_denied);
    return it->second;
  }

 private:
  std::map<std::uint64_t, tenancy::Tenant> tenants_;
  std::map<std::string, tenancy::Principal> keys_;
};

}  // namespace diskret::api::test
