#pragma once
// A Store whose sync() can be held: what a slow disk looks like to the pipeline. Every
// other call goes to the wrapped store.
#include <condition_variable>
#include <mutex>

#include "store/store.hpp"

namespace diskret::pipeline::testing {

class HeldSyncStore final : public store::Store {
 public:
  explicit HeldSyncStore(store::Store& inner) : inner_(inner) {}

  /// From now on sync() waits until release().
  void hold() {
    std::lock_guard lock(mutex_);
    held_ = true;
  }
  void release() {
    {
      std::lock_guard lock(mutex_);
      held_ = false;
    }
    cv_.notify_all();
  }
  /// Waits until a sync() is waiting on hold(). False after 10 s.
  bool wait_for_held_sync() {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return waiting_ > 0; });
  }

  Expected<void> sync(const store::Unsynced& commit) override {
    {
      std::unique_lock lock(mutex_);
      ++waiting_;
      cv_.notify_all();
      cv_.wait(lock, [&] { return !held_; });
      --waiting_;
    }
    return inner_.sync(commit);
  }

  Expected<void> migrate() override { return inner_.migrate(); }
  Expected<std::unique_ptr<store::WriteTransaction>> begin() override { return inner_.begin(); }
  Expected<std::optional<store::TenantKeyRecord>> tenant_key(std::uint64_t tenant) override {
    return inner_.tenant_key(tenant);
  }
  Expected<std::optional<store::SubjectRecord>> subject(std::uint64_t id) override {
    return inner_.subject(id);
  }
  Expected<std::vector<store::SubjectRecord>> subjects(
      const std::vector<std::uint64_t>& ids) override {
    return inner_.subjects(ids);
  }
  Expected<std::uint64_t> max_subject_id() override { return inner_.max_subject_id(); }
  Expected<std::optional<std::uint64_t>> next_subject_id() override {
    return inner_.next_subject_id();
  }
  Expected<std::optional<store::TenantRecord>> tenant(std::uint64_t id) override {
    return inner_.tenant(id);
  }
  Expected<std::optional<store::TenantRecord>> tenant_by_public_id(std::string_view id) override {
    return inner_.tenant_by_public_id(id);
  }
  Expected<std::vector<store::ApiKeyRecord>> api_keys(std::uint64_t tenant) override {
    return inner_.api_keys(tenant);
  }
  Expected<std::optional<store::ApiKeyRecord>> api_key_by_prefix(std::string_view prefix) override {
    return inner_.api_key_by_prefix(prefix);
  }
  Expected<std::optional<store::MessageRecord>> message(std::uint64_t tenant,
                                                        std::uint64_t id) override {
    return inner_.message(tenant, id);
  }
  Expected<std::vector<store::MessageRecord>> messages(const store::MessageQuery& query) override {
    return inner_.messages(query);
  }
  Expected<std::optional<store::IdempotencyRecord>> idempotency(std::uint64_t tenant,
                                                                const std::string& key) override {
    return inner_.idempotency(tenant, key);
  }
  Expected<std::vector<store::MessageRecord>> pending_messages(std::uint64_t after_id,
                                                               std::size_t limit) override {
    return inner_.pending_messages(after_id, limit);
  }
  Expected<std::vector<store::MessageRecord>> due_messages(std::int64_t now_ms,
                                                           std::size_t limit) override {
    return inner_.due_messages(now_ms, limit);
  }
  Expected<std::optional<std::int64_t>> next_send_at(std::int64_t after_ms) override {
    return inner_.next_send_at(after_ms);
  }
  Expected<std::uint64_t> count_accepted() override { return inner_.count_accepted(); }
  Expected<std::uint64_t> max_message_id() override { return inner_.max_message_id(); }
  store::MessageClaims* claims() override { return inner_.claims(); }

 private:
  store::Store& inner_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool held_ = false;
  int waiting_ = 0;
};

}  // namespace diskret::pipeline::testing
