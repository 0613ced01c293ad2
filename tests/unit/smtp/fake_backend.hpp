#pragma once
// FakeBackend: an in-memory smtp::Backend for the session, server and swaks tests. Tenants
// with API keys, senders registered by address, numbers refused with a reason, and a
// switchable outage; submissions are recorded (thread-safe: the server calls from its
// I/O thread while the test reads).
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "smtp/backend.hpp"

namespace diskret::smtp::test {

class FakeBackend : public Backend {
 public:
  FakeBackend() {
    add_tenant("tn_alpha", "key-alpha");
    refuse_number("+999123", diskret::Errc::invalid_argument, "invalid country code");
  }

  void add_tenant(const std::string& id, const std::string& key, bool subject_as_prefix = false) {
    std::lock_guard lock(mutex_);
    keys_[id] = key;
    settings_[id] = subject_as_prefix;
  }
  void register_sender(const std::string& address, const std::string& tenant) {
    std::lock_guard lock(mutex_);
    senders_[address] = tenant;
  }
  void refuse_number(const std::string& number, diskret::Errc code, const std::string& reason) {
    std::lock_guard lock(mutex_);
    refused_[number] = Error{make_error_code(code), reason};
  }
  /// Every call answers Errc::unavailable until switched back.
  void set_unavailable(bool down) {
    std::lock_guard lock(mutex_);
    unavailable_ = down;
  }
  /// submit() answers with this error instead of storing (until cleared).
  void fail_submits(std::optional<Error> error) {
    std::lock_guard lock(mutex_);
    submit_error_ = std::move(error);
  }

  /// submit() keeps the submission and its Done until release_held() (from any thread).
  void hold_submits(bool hold) {
    std::lock_guard lock(mutex_);
    hold_ = hold;
  }
  std::size_t held() const {
    std::lock_guard lock(mutex_);
    return held_.size();
  }
  /// Blocks until `count` submissions are held (or 10 s passed).
  std::size_t wait_held(std::size_t count) const {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(10), [&] { return held_.size() >= count; });
    return held_.size();
  }
  /// Answers the oldest held submission: stored (then Done with success) or failed.
  void release_held(Expected<void> result = {}) {
    std::pair<Submission, Done> entry;
    {
      std::lock_guard lock(mutex_);
      if (held_.empty()) return;
      entry = std::move(held_.front());
      held_.erase(held_.begin());
      if (result) submitted_.push_back(std::move(entry.first));
    }
    changed_.notify_all();
    entry.second(std::move(result));
  }

  std::vector<Submission> submissions() const {
    std::lock_guard lock(mutex_);
    return submitted_;
  }
  /// Blocks until `count` submissions were stored (or 10 s passed); the stored ones.
  std::vector<Submission> wait_for(std::size_t count) const {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(10), [&] { return submitted_.size() >= count; });
    return submitted_;
  }
  std::string last_client_ip() const {
    std::lock_guard lock(mutex_);
    return last_client_ip_;
  }
  std::size_t authentications() const {
    std::lock_guard lock(mutex_);
    return authentications_;
  }

  // Backend
  Expected<TenantRef> authenticate(std::string_view user, std::string_view password) override {
    std::lock_guard lock(mutex_);
    ++authentications_;
    if (unavailable_) return fail(diskret::Errc::unavailable, "tenant store down");
    auto it = keys_.find(std::string(user));
    if (it == keys_.end() || it->second != password) return fail(diskret::Errc::permission_denied);
    return TenantRef{it->first, settings_[it->first]};
  }
  Expected<TenantRef> tenant_for_sender(std::string_view address,
                                        std::string_view client_ip) override {
    std::lock_guard lock(mutex_);
    last_client_ip_ = std::string(client_ip);
    if (unavailable_) return fail(diskret::Errc::unavailable, "tenant store down");
    auto it = senders_.find(std::string(address));
    if (it == senders_.end()) return fail(diskret::Errc::not_found);
    return TenantRef{it->second, settings_[it->second]};
  }
  Expected<void> check_recipient(const TenantRef&, std::string_view number) override {
    std::lock_guard lock(mutex_);
    if (unavailable_) return fail(diskret::Errc::unavailable, "number check down");
    auto it = refused_.find(std::string(number));
    if (it != refused_.end()) return unexpected(it->second);
    return {};
  }
  void submit(Submission&& submission, Done done) override {
    Expected<void> result;
    {
      std::lock_guard lock(mutex_);
      if (hold_) {
        held_.emplace_back(std::move(submission), std::move(done));
        changed_.notify_all();
        return;
      }
      if (unavailable_) {
        result = fail(diskret::Errc::unavailable, "database down");
      } else if (submit_error_) {
        result = unexpected(*submit_error_);
      } else {
        submitted_.push_back(std::move(submission));
      }
    }
    changed_.notify_all();
    done(std::move(result));
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::map<std::string, std::string> keys_;
  std::map<std::string, bool> settings_;
  std::map<std::string, std::string> senders_;
  std::map<std::string, Error> refused_;
  bool unavailable_ = false;
  std::optional<Error> submit_error_;
  bool hold_ = false;
  std::vector<std::pair<Submission, Done>> held_;
  std::vector<Submission> submitted_;
  std::size_t authentications_ = 0;
  std::string last_client_ip_;
};

}  // namespace diskret::smtp::test
