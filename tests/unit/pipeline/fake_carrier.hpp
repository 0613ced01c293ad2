#pragma once
// A Carrier for tests, named by behaviour: accepts_all (answers at once with carrier ids,
// one per part), rejects_destination (ESME_RINVDSTADR), never_answers (holds messages
// until release()).
#include <atomic>
#include <future>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "pipeline/carrier.hpp"

namespace diskret::pipeline::testing {

class FakeCarrier final : public Carrier {
 public:
  enum class Behaviour { accepts_all, rejects_destination, never_answers };

  static FakeCarrier accepts_all() { return FakeCarrier(Behaviour::accepts_all); }
  static FakeCarrier rejects_destination() { return FakeCarrier(Behaviour::rejects_destination); }
  static FakeCarrier never_answers() { return FakeCarrier(Behaviour::never_answers); }

  explicit FakeCarrier(Behaviour b) : behaviour_(b) {}

  void connect(carrier::Handlers handlers) { handlers_ = std::move(handlers); }
  /// Texts longer than this many bytes go out in two parts.
  void set_part_size(std::size_t bytes) { part_size_ = bytes; }
  void set_bound(bool bound) { bound_ = bound; }
  /// Carrier ids count on from `first` (two fakes of one test as two binds of one SMSC).
  void set_first_carrier_id(std::uint64_t first) { next_id_ = first; }
  /// The last set_node_count() of the pipeline (0: never called).
  std::size_t node_count() const { return node_count_; }
  void set_node_count(std::size_t nodes) override { node_count_ = nodes; }

  // Carrier
  void submit(std::vector<carrier::OutboundMessage>&& messages) override {
    std::vector<carrier::SubmitOutcome> outcomes;
    {
      std::lock_guard lock(mutex_);
      for (auto& m : messages) {
        ++submits_[m.message_id];
        if (behaviour_ == Behaviour::never_answers) {
          held_.push_back(m.message_id);
        } else {
          outcomes.push_back(answer(m));
        }
        sent_.push_back(std::move(m));
      }
    }
    for (auto& o : outcomes) handlers_.on_outcome(std::move(o));
  }
  bool any_bound() const override { return bound_; }

  /// Answers every held message with accepted, and answers at once from now on.
  void release() {
    std::vector<carrier::SubmitOutcome> outcomes;
    {
      std::lock_guard lock(mutex_);
      behaviour_ = Behaviour::accepts_all;
      for (auto id : held_) {
        for (const auto& m : sent_) {
          if (m.message_id == id) {
            outcomes.push_back(answer(m));
            break;
          }
        }
      }
      held_.clear();
    }
    for (auto& o : outcomes) handlers_.on_outcome(std::move(o));
  }

  /// Sends a receipt for `carrier_id` written as given; true once the pipeline acked it
  /// as durable.
  bool receipt(const std::string& carrier_id, smpp::ReceiptState state, std::string carrier = "fake") {
    std::promise<bool> acked;
    auto result = acked.get_future();
    carrier::Receipt r;
    r.carrier = std::move(carrier);
    r.receipt.id = carrier_id;
    r.receipt.state = state;
    r.receipt.error = state == smpp::ReceiptState::delivered ? "000" : "001";
    handlers_.on_receipt(std::move(r), [&acked](bool durable) { acked.set_value(durable); });
    return result.get();
  }

  std::size_t submits(std::uint64_t id) const {
    std::lock_guard lock(mutex_);
    auto it = submits_.find(id);
    return it == submits_.end() ? 0 : it->second;
  }
  std::size_t total_submits() const {
    std::lock_guard lock(mutex_);
    return sent_.size();
  }
  std::vector<carrier::OutboundMessage> sent() const {
    std::lock_guard lock(mutex_);
    return sent_;
  }
  /// Later submits are answered as carrier `name`, with carrier ids counting from `next_id`
  /// (two carriers may hand out the same ids).
  void answer_as(std::string name, std::uint64_t next_id) {
    std::lock_guard lock(mutex_);
    name_ = std::move(name);
    next_id_ = next_id;
  }

  /// The carrier ids (as sent in submit_sm_resp) of a message's parts.
  std::vector<std::string> carrier_ids(std::uint64_t id) const {
    std::lock_guard lock(mutex_);
    auto it = ids_.find(id);
    return it == ids_.end() ? std::vector<std::string>{} : it->second;
  }

 private:
  carrier::SubmitOutcome answer(const carrier::OutboundMessage& m) {
    carrier::SubmitOutcome o;
    o.message_id = m.message_id;
    o.carrier = name_;
    if (behaviour_ == Behaviour::rejects_destination) {
      o.result = carrier::SubmitResult::rejected;
      o.status = smpp::Status::invalid_dest_addr;
      return o;
    }
    o.result = carrier::SubmitResult::accepted;
    const std::size_t parts = m.text.size() > part_size_ ? 2 : 1;
    for (std::size_t p = 0; p < parts; ++p) {
      // Upper-case hex with leading zeros, as some SMSCs answer submit_sm_resp.
      o.carrier_ids.push_back(fmt::format("{:08X}", next_id_++));
    }
    ids_[m.message_id] = o.carrier_ids;
    return o;
  }

  Behaviour behaviour_;
  carrier::Handlers handlers_;
  std::size_t part_size_ = 160;
  std::atomic<bool> bound_{true};
  std::atomic<std::size_t> node_count_{0};
  mutable std::mutex mutex_;
  std::string name_ = "fake";
  std::uint64_t next_id_ = 0xA1F300;
  std::map<std::uint64_t, std::size_t> submits_;
  std::map<std::uint64_t, std::vector<std::string>> ids_;
  std::vector<carrier::OutboundMessage> sent_;
  std::vector<std::uint64_t> held_;
};

}  // namespace diskret::pipeline::testing
