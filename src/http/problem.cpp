#include "http/problem.hpp"

#include <boost/json.hpp>

namespace diskret::http {

std::string Problem::body() const {
  boost::json::object o;
  o["type"] = std::string(kProblemTypeBase) + slug;
  o["title"] = title;
  o["status"] = status;
  o["detail"] = detail;
  if (!errors.empty()) {
    boost::json::array list;
    list.reserve(errors.size());
    for (const auto& e : errors) {
      boost::json::object item;
      if (!e.field.empty()) item["field"] = e.field;
      if (e.index) item["index"] = *e.index;
      item["reason"] = e.reason;
      list.emplace_back(std::move(item));
    }
    o["errors"] = std::move(list);
  }
  return boost::json::serialize(o);
}

Response Problem::to_response() const {
  Response r;
  r.status = status;
  r.content_type = std::string(kProblemContentType);
  r.headers = headers;
  r.body = body();
  return r;
}

Response problem(int status, std::string_view slug, std::string_view title, std::string detail,
                 std::vector<FieldError> errors) {
  Problem p{status, std::string(slug), std::string(title), std::move(detail), std::move(errors), {}};
  return p.to_response();
}

}  // namespace diskret::http
