#pragma once
/// Concatenated submits (UDH or SAR): the parts are held until the last one arrived, then
/// the whole text is accepted once and every part is answered with the same message id.
/// Pure; the caller passes the time and answers what expire() returns.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "smpp_server/submit.hpp"

namespace diskret::smpp_server {

/// A submit_sm waiting for its response: which connection, which sequence number.
struct HeldPart {
  std::uint64_t connection = 0;
  std::uint32_t sequence = 0;
  friend bool operator==(const HeldPart&, const HeldPart&) = default;
};

struct CompleteMessage {
  SubmitPart first;             ///< addressing and options of part 1
  std::string text;             ///< all parts joined in order
  std::vector<HeldPart> parts;  ///< every submit to answer (duplicates included)
};

class PartCollector {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  explicit PartCollector(std::size_t max_pending = 10'000) : max_pending_(max_pending) {}

  /// Adds one part (part.concat set). Returns the message once complete. nullopt with
  /// `refused` set when too many messages are pending (answer ESME_RMSGQFUL).
  std::optional<CompleteMessage> add(const std::string& system_id, SubmitPart&& part, HeldPart held,
                                     TimePoint now, bool* refused = nullptr);
  /// Removes messages whose first part is older than max_age; returns their held parts.
  std::vector<HeldPart> expire(TimePoint now, std::chrono::seconds max_age);
  /// Removes every part held for a closed connection (the others of its messages stay).
  void forget_connection(std::uint64_t connection);
  std::size_t pending() const noexcept { return pending_.size(); }

 private:
  using Key = std::tuple<std::string, std::string, std::string, std::uint16_t>;
  struct Pending {
    std::map<std::uint8_t, SubmitPart> parts;
    std::vector<HeldPart> held;
    std::uint8_t total = 0;
    TimePoint first_seen;
  };
  std::size_t max_pending_;
  std::map<Key, Pending> pending_;
};

}  // namespace diskret::smpp_server
