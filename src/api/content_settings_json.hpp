#pragma once
/// The content settings of issue 12 in GET/PATCH /v1/tenant: smart_encoding (bool),
/// dlp_policy ("reject" | "mask" | "allow"), dlp_patterns ([{name, regex}]), short_links
/// (bool), and bounce_emails (bool, issue 6). Pure JSON <-> content::ContentSettings.
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "content/content_settings.hpp"
#include "http/problem.hpp"

namespace diskret::api {

bool is_content_key(std::string_view key) noexcept;

/// Applies the content keys present in `body`; every problem is named (a pattern that does
/// not compile names itself).
void apply_content_settings(const boost::json::object& body, content::ContentSettings& s,
                            std::vector<http::FieldError>& errors);

void add_content_json(boost::json::object& out, const content::ContentSettings& s);

}  // namespace diskret::api
