#include "pipeline/message.hpp"

#include <array>
#include <charconv>

namespace diskret::pipeline {
namespace {

constexpr std::array<const char*, 2> kCategories = {"transactional", "marketing"};
constexpr std::array<const char*, 6> kStatuses = {"accepted", "submitted", "delivered",
                                                  "failed",   "expired",   "rejected"};

template <class Enum, std::size_t N>
std::optional<Enum> parse_name(const std::array<const char*, N>& names, std::string_view text) {
  for (std::size_t i = 0; i < N; ++i) {
    if (text == names[i]) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

}  // namespace

std::string format_message_id(MessageId id) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  std::uint64_t v = id.value;
  for (int i = 15; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kDigits[v & 0xf];
    v >>= 4;
  }
  return out;
}

std::optional<MessageId> parse_message_id(std::string_view text) {
  if (text.size() != 16) return std::nullopt;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  }
  std::uint64_t v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v, 16);
  return MessageId{v};
}

const char* category_name(Category c) noexcept {
  const auto i = static_cast<std::size_t>(c);
  return i < kCategories.size() ? kCategories[i] : "unknown";
}

std::optional<Category> parse_category(std::string_view text) {
  return parse_name<Category>(kCategories, text);
}

const char* status_name(MessageStatus s) noexcept {
  const auto i = static_cast<std::size_t>(s);
  return i < kStatuses.size() ? kStatuses[i] : "unknown";
}

std::optional<MessageStatus> parse_status(std::string_view text) {
  return parse_name<MessageStatus>(kStatuses, text);
}

}  // namespace diskret::pipeline
