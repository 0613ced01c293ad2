#pragma once
/// The message as the pipeline and the API see it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/strong_id.hpp"

namespace diskret::pipeline {

struct TenantId : StrongId<TenantId, std::uint64_t> { using StrongId::StrongId; };
/// Time-ordered (milliseconds since epoch << 16 | sequence), unique per process and,
/// with the node id mixed into the sequence, across nodes.
struct MessageId : StrongId<MessageId, std::uint64_t> { using StrongId::StrongId; };

/// Public form of ids in the API: 16 lowercase hex digits.
std::string format_message_id(MessageId id);
std::optional<MessageId> parse_message_id(std::string_view text);

enum class Category : std::uint8_t { transactional, marketing };
enum class MessageStatus : std::uint8_t { accepted, submitted, delivered, failed, expired, rejected };

const char* category_name(Category c) noexcept;                 ///< "transactional"
std::optional<Category> parse_category(std::string_view text);
const char* status_name(MessageStatus s) noexcept;              ///< "accepted" ...
std::optional<MessageStatus> parse_status(std::string_view text);
inline bool is_final(MessageStatus s) noexcept {
  return s != MessageStatus::accepted && s != MessageStatus::submitted;
}

/// Why a message was rejected or failed: a stable machine code and a human sentence.
struct MessageError {
  std::string code;    ///< "invalid_number", "suppressed", "carrier_rejected", "expired" ...
  std::string detail;  ///< no personal data
};

/// One recipient of an accepted request, validated by the API layer.
struct NewMessage {
  std::string to;                 ///< E.164 ("+49..."); for rejected input: the raw text
  std::string from;               ///< sender id as shown in the API
  std::string text;               ///< UTF-8
  Category category = Category::transactional;
  std::string client_ref;
  std::uint16_t segments = 0;
  std::string encoding;           ///< "gsm7" | "ucs2"
  std::optional<SystemTime> send_at;
  std::optional<SystemTime> expires_at;
  std::optional<MessageError> rejected;  ///< set: stored as `rejected`, never sent
};

/// A message read back (GET /v1/messages/{id}, lists, exports).
struct MessageView {
  MessageId id;
  std::string to;     ///< decrypted E.164 (empty after erasure / retention)
  std::string from;
  MessageStatus status = MessageStatus::accepted;
  Category category = Category::transactional;
  std::uint16_t segments = 0;
  std::string encoding;
  std::string client_ref;
  SystemTime created_at;
  std::optional<SystemTime> submitted_at;
  std::optional<SystemTime> done_at;
  std::optional<MessageError> error;
};

}  // namespace diskret::pipeline
