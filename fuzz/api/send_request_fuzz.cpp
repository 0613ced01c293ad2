// Fuzz target for the POST /v1/messages body parser and what follows it (planning the
// recipients, rendering the 202 answer). Properties checked (a violation traps):
//   * never crashes or reads out of bounds, whatever the bytes;
//   * an accepted request has 1..max_recipients recipients and a non-empty text;
//   * a refusal is a 400/422 problem whose body is valid JSON;
//   * the 202 answer rendered from the plan is valid JSON with one entry per recipient.
#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/send_request.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace diskret;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  tenancy::TenantSettings settings;
  settings.allowed_countries = {"DE", "AT"};
  if (size % 3 == 0) settings.sender_ids = {"Shop", "Diskret"};
  const api::SendLimits limits{50};
  const SystemTime now{std::chrono::seconds{1'800'000'000}};
  auto request = api::parse_send_request(body, settings, limits, now);
  if (!request) {
    const auto& p = request.error();
    if (p.status != 400 && p.status != 422) __builtin_trap();
    boost::system::error_code ec;
    auto parsed = boost::json::parse(p.body(), ec);
    if (ec || !parsed.is_object()) __builtin_trap();
    return 0;
  }
  if (request->to.empty() || request->to.size() > limits.max_recipients) __builtin_trap();
  if (request->text.empty()) __builtin_trap();
  auto messages = api::plan_messages(*request, settings);
  if (messages.size() != request->to.size()) __builtin_trap();
  std::vector<pipeline::MessageId> ids;
  for (std::size_t i = 0; i < messages.size(); ++i) ids.push_back(pipeline::MessageId{i + 1});
  boost::system::error_code ec;
  auto answer = boost::json::parse(api::render_send_response(messages, ids), ec);
  if (ec || !answer.is_object()) __builtin_trap();
  const auto* list = answer.as_object().if_contains("messages");
  if (!list || !list->is_array() || list->as_array().size() != messages.size()) __builtin_trap();
  return 0;
}
