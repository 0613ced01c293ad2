#include "smpp/delivery_receipt.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include <fmt/format.h>

#include "core/error.hpp"

namespace diskret::smpp {
namespace {

struct StateName {
  ReceiptState state;
  std::string_view text;
};
// The 7-letter words of SMPP 3.4 appendix B first, then long forms some SMSCs write.
constexpr std::array<StateName, 13> kStateNames{{
    {ReceiptState::delivered, "DELIVRD"},   {ReceiptState::expired, "EXPIRED"},
    {ReceiptState::deleted, "DELETED"},     {ReceiptState::undeliverable, "UNDELIV"},
    {ReceiptState::accepted, "ACCEPTD"},    {ReceiptState::unknown, "UNKNOWN"},
    {ReceiptState::rejected, "REJECTD"},    {ReceiptState::enroute, "ENROUTE"},
    {ReceiptState::delivered, "DELIVERED"}, {ReceiptState::undeliverable, "UNDELIVERABLE"},
    {ReceiptState::accepted, "ACCEPTED"},   {ReceiptState::rejected, "REJECTED"},
    {ReceiptState::undeliverable, "FAILED"},
}};

// ASCII only, locale-free: receipt keys and ids are ASCII, and std::tolower costs a call.
char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }
bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (is_space(s.front()) || s.front() == '\0')) s.remove_prefix(1);
  while (!s.empty() && (is_space(s.back()) || s.back() == '\0')) s.remove_suffix(1);
  return s;
}

std::optional<ReceiptState> state_from_text(std::string_view v) {
  for (const auto& n : kStateNames) {
    if (v.size() == n.text.size() &&
        std::equal(v.begin(), v.end(), n.text.begin(),
                   [](char a, char b) { return lower(a) == lower(b); })) {
      return n.state;
    }
  }
  return std::nullopt;
}

ReceiptState state_from_tlv(MessageState s) noexcept {
  switch (s) {
    case MessageState::enroute: return ReceiptState::enroute;
    case MessageState::delivered: return ReceiptState::delivered;
    case MessageState::expired: return ReceiptState::expired;
    case MessageState::deleted: return ReceiptState::deleted;
    case MessageState::undeliverable: return ReceiptState::undeliverable;
    case MessageState::accepted: return ReceiptState::accepted;
    case MessageState::unknown: return ReceiptState::unknown;
    case MessageState::rejected: return ReceiptState::rejected;
  }
  return ReceiptState::unknown;
}

MessageState state_to_tlv(ReceiptState s) noexcept {
  switch (s) {
    case ReceiptState::enroute: return MessageState::enroute;
    case ReceiptState::delivered: return MessageState::delivered;
    case ReceiptState::expired: return MessageState::expired;
    case ReceiptState::deleted: return MessageState::deleted;
    case ReceiptState::undeliverable: return MessageState::undeliverable;
    case ReceiptState::accepted: return MessageState::accepted;
    case ReceiptState::unknown: return MessageState::unknown;
    case ReceiptState::rejected: return MessageState::rejected;
  }
  return MessageState::unknown;
}

enum class Key : std::uint8_t { id, sub, dlvrd, submit_date, done_date, stat, err, text };
struct KeyName {
  Key key;
  std::string_view first;   ///< lowercase
  std::string_view second;  ///< second word of "submit date" / "done date", else empty
};
constexpr std::array<KeyName, 8> kKeys{{
    {Key::submit_date, "submit", "date"}, {Key::done_date, "done", "date"},
    {Key::id, "id", ""}, {Key::sub, "sub", ""}, {Key::dlvrd, "dlvrd", ""},
    {Key::stat, "stat", ""}, {Key::err, "err", ""}, {Key::text, "text", ""},
}};

bool word_at(std::string_view s, std::size_t at, std::string_view word) noexcept {
  if (s.size() - at < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (lower(s[at + i]) != word[i]) return false;
  }
  return true;
}

/// If a known key starts at `at` (case-insensitive, any spaces or '_' between the words of
/// "submit date", spaces before ':'), returns it and sets `value_at` past the colon.
std::optional<Key> key_at(std::string_view s, std::size_t at, std::size_t& value_at) noexcept {
  for (const auto& k : kKeys) {
    if (!word_at(s, at, k.first)) continue;
    std::size_t p = at + k.first.size();
    if (!k.second.empty()) {
      const auto gap = p;
      while (p < s.size() && (s[p] == ' ' || s[p] == '_')) ++p;
      if (p == gap || !word_at(s, p, k.second)) continue;
      p += k.second.size();
    }
    while (p < s.size() && s[p] == ' ') ++p;
    if (p < s.size() && s[p] == ':') {
      value_at = p + 1;
      return k.key;
    }
  }
  return std::nullopt;
}

std::optional<unsigned> number(std::string_view v) noexcept {
  unsigned n = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc{} || end != v.data() + v.size() || v.empty()) return std::nullopt;
  return n;
}

void assign(DeliveryReceipt& r, Key key, std::string_view v, bool& has_id) {
  v = trim(v);
  switch (key) {
    case Key::id: r.id = std::string(v); has_id = !v.empty(); break;
    case Key::sub: r.submitted = number(v); break;
    case Key::dlvrd: r.delivered = number(v); break;
    case Key::submit_date: r.submit_date = std::string(v); break;
    case Key::done_date: r.done_date = std::string(v); break;
    case Key::stat: r.state = state_from_text(v).value_or(ReceiptState::unknown); break;
    case Key::err: r.error = std::string(v); break;
    case Key::text: r.text = std::string(v); break;
  }
}

/// Splits "key:value key:value ..." where a value runs to the next known key; "text:" takes
/// the rest, since the original text may contain anything.
bool parse_text(std::string_view s, DeliveryReceipt& r) {
  bool has_id = false;
  std::optional<Key> current;
  std::size_t value_start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i > 0 && !is_space(s[i - 1])) continue;
    std::size_t value_at = 0;
    const auto key = key_at(s, i, value_at);
    if (!key) continue;
    if (current) assign(r, *current, s.substr(value_start, i - value_start), has_id);
    current = key;
    value_start = value_at;
    if (*key == Key::text) break;
    i = value_at - 1;
  }
  if (current) assign(r, *current, s.substr(value_start), has_id);
  return has_id;
}

std::string error_from_tlv(std::string_view code) {
  // network_error_code = network type (1 octet) + error code (2 octets); the code is what
  // the "err:" field carries, in 3 decimal digits.
  const auto value = static_cast<unsigned>((static_cast<unsigned char>(code[1]) << 8) |
                                           static_cast<unsigned char>(code[2]));
  return fmt::format("{:03}", value);
}

}  // namespace

const char* receipt_state_text(ReceiptState s) noexcept {
  for (const auto& n : kStateNames) {
    if (n.state == s) return n.text.data();
  }
  return "UNKNOWN";
}

bool is_final(ReceiptState s) noexcept {
  return s != ReceiptState::enroute && s != ReceiptState::accepted && s != ReceiptState::unknown;
}

bool is_receipt(const DeliverSm& pdu) noexcept {
  const auto type = pdu.esm_class & esm::type_mask;
  return type == esm::delivery_receipt || type == 0x20;  // 0x20: intermediate notification
}

Expected<DeliveryReceipt> parse_receipt(const DeliverSm& pdu) {
  if (!is_receipt(pdu)) return fail(Errc::invalid_argument, "deliver_sm is not a delivery receipt");
  DeliveryReceipt r;
  const std::string_view text = !pdu.short_message.empty() || !pdu.tlvs.message_payload
                                    ? std::string_view(pdu.short_message)
                                    : std::string_view(*pdu.tlvs.message_payload);
  bool has_id = parse_text(text, r);
  if (pdu.tlvs.receipted_message_id && !trim(*pdu.tlvs.receipted_message_id).empty()) {
    r.id = std::string(trim(*pdu.tlvs.receipted_message_id));
    has_id = true;
  }
  if (pdu.tlvs.message_state) r.state = state_from_tlv(*pdu.tlvs.message_state);
  if (pdu.tlvs.network_error_code && pdu.tlvs.network_error_code->size() == 3) {
    r.error = error_from_tlv(*pdu.tlvs.network_error_code);
  }
  if (!has_id) return fail(Errc::invalid_argument, "delivery receipt carries no message id");
  return r;
}

std::string format_receipt_text(const DeliveryReceipt& r) {
  const unsigned delivered = r.delivered.value_or(r.state == ReceiptState::delivered ? 1 : 0);
  std::string text = r.text.substr(0, 20);
  return fmt::format("id:{} sub:{:03} dlvrd:{:03} submit date:{} done date:{} stat:{} err:{} text:{}",
                     r.id, r.submitted.value_or(1), delivered, r.submit_date, r.done_date,
                     receipt_state_text(r.state), r.error.empty() ? "000" : r.error, text);
}

DeliverSm make_receipt_pdu(const DeliveryReceipt& r, std::string source_addr,
                           std::string destination_addr) {
  DeliverSm pdu;
  pdu.source_addr = std::move(source_addr);
  pdu.destination_addr = std::move(destination_addr);
  pdu.esm_class = esm::delivery_receipt;
  pdu.short_message = format_receipt_text(r).substr(0, 254);
  pdu.tlvs.receipted_message_id = r.id;
  pdu.tlvs.message_state = state_to_tlv(r.state);
  if (const auto code = number(r.error); code && *code != 0 && *code <= 0xFFFF) {
    // Network type 3 = GSM (SMPP 3.4 5.3.2.31).
    pdu.tlvs.network_error_code = std::string{'\x03', static_cast<char>(*code >> 8),
                                              static_cast<char>(*code & 0xFF)};
  }
  return pdu;
}

std::string canonical_message_id(std::string_view id) {
  id = trim(id);
  std::string out;
  out.reserve(id.size());
  for (char c : id) out.push_back(lower(c));
  const auto first = out.find_first_not_of('0');
  if (first == std::string::npos) return out.empty() ? out : "0";
  return out.substr(first);
}

std::vector<std::string> receipt_id_candidates(std::string_view id) {
  const std::string c = canonical_message_id(id);  // a copy: `out` reallocates below
  std::vector<std::string> out{c};
  auto add = [&out](std::string s) {
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
  };
  std::uint64_t value = 0;
  const char* end = c.data() + c.size();
  if (!c.empty()) {
    if (auto [p, ec] = std::from_chars(c.data(), end, value, 10); ec == std::errc{} && p == end) {
      add(fmt::format("{:x}", value));
    }
    if (auto [p, ec] = std::from_chars(c.data(), end, value, 16); ec == std::errc{} && p == end) {
      add(fmt::format("{}", value));
    }
  }
  return out;
}

}  // namespace diskret::smpp
