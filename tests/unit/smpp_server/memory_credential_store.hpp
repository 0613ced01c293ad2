#pragma once
// SmppCredentialStore in a map, for tests without a database.
#include <map>
#include <string>

#include "store/smpp_credential_store.hpp"

namespace diskret::smpp_server::test {

class MemoryCredentialStore final : public store::SmppCredentialStore {
 public:
  Expected<std::uint64_t> insert(const store::SmppCredentialRecord& r) override {
    if (rows_.count(r.system_id)) return fail(Errc::already_exists, "taken");
    auto copy = r;
    copy.id = ++next_;
    rows_[r.system_id] = copy;
    return copy.id;
  }
  Expected<std::vector<store::SmppCredentialRecord>> list(std::uint64_t tenant) override {
    std::vector<store::SmppCredentialRecord> out;
    for (auto& [k, r] : rows_) {
      if (r.tenant_id == tenant) out.push_back(r);
    }
    return out;
  }
  Expected<std::optional<store::SmppCredentialRecord>> find(std::string_view id) override {
    auto it = rows_.find(std::string(id));
    if (it == rows_.end()) return std::optional<store::SmppCredentialRecord>{};
    return std::optional{it->second};
  }
  Expected<bool> revoke(std::uint64_t tenant, std::string_view id, std::int64_t now) override {
    auto it = rows_.find(std::string(id));
    if (it == rows_.end() || it->second.tenant_id != tenant || it->second.revoked_at) return false;
    it->second.revoked_at = now;
    return true;
  }
  std::map<std::string, store::SmppCredentialRecord> rows_;
  std::uint64_t next_ = 0;
};

}  // namespace diskret::smpp_server::test
