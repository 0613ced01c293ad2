#include "vault/card_request.hpp"

#include <array>
#include <charconv>
#include <new>

#include <boost/json.hpp>

#include "crypto/digest.hpp"

namespace diskret::vault {
namespace {

namespace json = boost::json;

// Generous for a body of at most a few KiB; overflow fails the parse (bad_alloc), it does
// not fall back to the heap.
constexpr std::size_t kArenaSize = 64 * 1024;

std::optional<std::int64_t> read_int(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= 1'000'000) return static_cast<std::int64_t>(v.get_uint64());
  if (v.is_string()) {
    // The form may send "09": accept up to four digits as a number.
    std::string_view s = v.get_string();
    if (s.empty() || s.size() > 4) return std::nullopt;
    std::int64_t out = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
    return out;
  }
  return std::nullopt;
}

void read_fields(const json::object& o, CardInput& in, CardFieldErrors& errors) {
  static constexpr std::string_view kKnown[] = {"number", "exp_month", "exp_year", "cvc", "holder"};
  for (const auto& [key, value] : o) {
    bool known = false;
    for (auto k : kKnown) known = known || key == k;
    if (!known) errors.push_back({std::string(key), "is not a field of a card"});
  }
  auto text = [&](std::string_view key, std::string_view& out) {
    const auto* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) return;
    if (!v->is_string()) return errors.push_back({std::string(key), "must be a string"});
    out = v->get_string();
  };
  auto number = [&](std::string_view key, std::optional<std::int64_t>& out) {
    const auto* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) return;
    out = read_int(*v);
    if (!out) errors.push_back({std::string(key), "must be a number"});
  };
  text("number", in.number);
  number("exp_month", in.exp_month);
  number("exp_year", in.exp_year);
  text("cvc", in.cvc);
  text("holder", in.holder);
}

}  // namespace

Expected<void, CardBodyError> with_card_input(
    std::string_view body, const std::function<void(const CardInput&, const CardFieldErrors&)>& use) {
  alignas(std::max_align_t) std::array<unsigned char, kArenaSize> arena;
  std::optional<CardBodyError> problem;
  {
    json::static_resource resource(arena.data(), arena.size());
    json::value value;
    boost::system::error_code ec;
    try {
      value = json::parse(body, ec, &resource);
    } catch (const std::bad_alloc&) {
      ec = json::error::exception;
    }
    if (ec) {
      problem = CardBodyError{"The body is not valid JSON."};
    } else if (!value.is_object()) {
      problem = CardBodyError{"The body must be a JSON object."};
    } else {
      CardInput input;
      CardFieldErrors type_errors;
      read_fields(value.get_object(), input, type_errors);
      use(input, type_errors);
    }
  }
  crypto::secure_wipe(arena.data(), arena.size());
  if (problem) return unexpected(std::move(*problem));
  return {};
}

}  // namespace diskret::vault
