#include "api/contacts_send_policy.hpp"

#include <fmt/format.h>

#include "contacts/opt_out.hpp"

namespace diskret::api {

http::Problem store_problem(const Error& error, std::string_view what) {
  if (error.code == Errc::unavailable) {
    return unavailable_problem(std::string(what) + " cannot be stored or read right now.",
                               std::chrono::seconds{1});
  }
  return http::Problem{500,
                       "internal",
                       "Internal error",
                       std::string(what) + " failed; the request changed nothing.",
                       {},
                       {}};
}

Expected<void, http::Problem> ContactsSendPolicy::prepare(const Caller& caller,
                                                          SendRequest& request) {
  if (request.category != pipeline::Category::marketing) return {};
  auto number = reply_number_ ? reply_number_(caller.principal.tenant.value)
                              : Expected<std::optional<std::string>>{std::nullopt};
  if (!number) return unexpected(store_problem(number.error(), "The opt-out text"));
  const std::string opt_out = *number ? contacts::default_opt_out_text(**number) : std::string{};
  auto text = contacts::ensure_opt_out(request.text, opt_out);
  if (!text) {
    return unexpected(http::Problem{
        422,
        "validation-failed",
        "Invalid request",
        "Marketing messages must tell the recipient how to opt out.",
        {{"text",
          "has no opt-out instruction and the account has no inbound number to name in one; "
          "add an instruction (e.g. \"STOP an <number>\") or ask for a number",
          {}}},
        {}});
  }
  if (text->info.segments > caller.settings.max_segments) {
    return unexpected(http::Problem{
        422,
        "validation-failed",
        "Invalid request",
        "The text is too long.",
        {{"text",
          fmt::format("needs {} segments with the opt-out instruction \"{}\"; the limit is {}",
                      text->info.segments, opt_out, caller.settings.max_segments),
          {}}},
        {}});
  }
  request.text = std::move(text->text);
  request.text_info = text->info;
  return {};
}

Expected<void, http::Problem> ContactsSendPolicy::screen(
    const Caller& caller, std::vector<pipeline::NewMessage>& messages) {
  std::vector<std::string> numbers;
  std::vector<std::size_t> positions;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    if (messages[i].rejected) continue;
    numbers.push_back(messages[i].to);
    positions.push_back(i);
  }
  if (numbers.empty()) return {};
  const bool marketing =
      !messages.empty() && messages.front().category == pipeline::Category::marketing;
  auto blocks = gate_.check(caller.principal.tenant.value, marketing, numbers);
  if (!blocks) return unexpected(store_problem(blocks.error(), "The suppression check"));
  for (std::size_t k = 0; k < positions.size(); ++k) {
    const auto block = (*blocks)[k];
    if (block == contacts::Block::none) continue;
    messages[positions[k]].rejected =
        pipeline::MessageError{contacts::block_code(block), contacts::block_detail(block)};
  }
  return {};
}

}  // namespace diskret::api
