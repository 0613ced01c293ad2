#pragma once
/// GET /v1/messages[/{id}] as pure functions: MessageView -> JSON, list query -> filter.
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "core/expected.hpp"
#include "http/message.hpp"
#include "http/problem.hpp"
#include "pipeline/pipeline.hpp"

namespace diskret::api {

inline constexpr std::size_t kDefaultPageSize = 50;
inline constexpr std::size_t kMaxPageSize = 500;

/// {id, to, from, status, category, segments, encoding, client_ref, created_at,
/// submitted_at, done_at, error}; unset times and error are null.
boost::json::object message_to_json(const pipeline::MessageView& m);

/// Query of GET /v1/messages: status, since, until, campaign, limit (1..500, default 50),
/// cursor. Bad values answer 400 naming the parameter. The filter's limit is one more
/// than asked so that the caller can tell whether a next page exists.
Expected<pipeline::MessageFilter, http::Problem> parse_list_query(const http::Request& request);

/// {"data": [...], "next_cursor": "..." | null} for `page` read with `filter`.
std::string render_list(std::vector<pipeline::MessageView>& page,
                        const pipeline::MessageFilter& filter);

}  // namespace diskret::api
