#pragma once
// A small JSON Schema (2020-12) validator for the subset docs/openapi.json uses, and the
// lookups that check an HTTP response against the OpenAPI document:
//   type (a name or an array of names, "integer" = a number without fraction), enum,
//   properties, required, additionalProperties (bool or schema), items, minItems,
//   maxItems, minLength, maxLength, minimum, maximum, anyOf, oneOf, $ref to "#/...".
// format, pattern, description, default and other annotations are ignored. A keyword
// outside this subset is reported as an error, so the document cannot use one silently.
#include <boost/json.hpp>
#include <cmath>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace diskret::test {

class SchemaValidator {
 public:
  /// `root` holds what "$ref": "#/..." points into (the OpenAPI document); it must
  /// outlive the validator.
  explicit SchemaValidator(const boost::json::value& root) : root_(root) {}

  /// Every way `instance` breaks `schema`, as "<json path>: <what>"; empty when valid.
  std::vector<std::string> validate(const boost::json::value& schema,
                                    const boost::json::value& instance) const {
    std::vector<std::string> errors;
    check(schema, instance, "$", errors, 0);
    return errors;
  }

  /// The value at a JSON pointer "#/components/schemas/X"; nullptr when missing.
  const boost::json::value* resolve(std::string_view ref) const {
    if (!ref.starts_with("#")) return nullptr;
    ref.remove_prefix(1);
    const boost::json::value* at = &root_;
    while (!ref.empty()) {
      if (ref.front() != '/') return nullptr;
      ref.remove_prefix(1);
      auto end = ref.find('/');
      std::string token(ref.substr(0, end));
      ref = end == std::string_view::npos ? std::string_view{} : ref.substr(end);
      for (std::size_t p; (p = token.find("~1")) != std::string::npos;) token.replace(p, 2, "/");
      for (std::size_t p; (p = token.find("~0")) != std::string::npos;) token.replace(p, 2, "~");
      const auto* o = at->if_object();
      if (o == nullptr) return nullptr;
      at = o->if_contains(token);
      if (at == nullptr) return nullptr;
    }
    return at;
  }

 private:
  static bool is_type(std::string_view type, const boost::json::value& v) {
    if (type == "null") return v.is_null();
    if (type == "boolean") return v.is_bool();
    if (type == "string") return v.is_string();
    if (type == "object") return v.is_object();
    if (type == "array") return v.is_array();
    if (type == "number") return v.is_number();
    if (type == "integer") {
      if (v.is_int64() || v.is_uint64()) return true;
      return v.is_double() && std::floor(v.get_double()) == v.get_double();
    }
    return false;
  }

  static double number_of(const boost::json::value& v) {
    return v.is_int64() ? static_cast<double>(v.get_int64())
           : v.is_uint64() ? static_cast<double>(v.get_uint64())
                           : v.get_double();
  }

  static std::size_t utf8_length(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
  }

  void check(const boost::json::value& schema, const boost::json::value& v, const std::string& path,
             std::vector<std::string>& errors, int depth) const {
    if (depth > 64) return errors.push_back(path + ": schema nests too deep (a $ref cycle?)");
    if (schema.is_bool()) {
      if (!schema.get_bool()) errors.push_back(path + ": no value is allowed here");
      return;
    }
    const auto* s = schema.if_object();
    if (s == nullptr) return errors.push_back(path + ": the schema is not an object");
    static const std::set<std::string, std::less<>> kKnown = {
        "$ref",     "type",     "enum",      "properties", "required", "additionalProperties",
        "items",    "minItems", "maxItems",  "minLength",  "maxLength", "minimum",
        "maximum",  "anyOf",    "oneOf",     "format",     "pattern",  "description",
        "default",  "examples", "title"};
    for (const auto& [key, _] : *s) {
      if (!kKnown.contains(std::string_view(key))) {
        errors.push_back(path + ": the validator does not know the keyword " + std::string(key));
      }
    }
    if (const auto* ref = s->if_contains("$ref")) {
      const auto* target = ref->is_string() ? resolve(ref->get_string()) : nullptr;
      if (target == nullptr) return errors.push_back(path + ": unresolvable $ref " + serialize(*ref));
      check(*target, v, path, errors, depth + 1);
    }
    if (const auto* type = s->if_contains("type")) {
      bool ok = false;
      if (type->is_string()) {
        ok = is_type(type->get_string(), v);
      } else if (type->is_array()) {
        for (const auto& t : type->get_array()) ok = ok || (t.is_string() && is_type(t.get_string(), v));
      }
      if (!ok) return errors.push_back(path + ": " + serialize(v) + " is not of type " + serialize(*type));
    }
    if (const auto* values = s->if_contains("enum")) {
      bool found = false;
      for (const auto& e : values->as_array()) found = found || e == v;
      if (!found) errors.push_back(path + ": " + serialize(v) + " is not one of " + serialize(*values));
    }
    if (v.is_number()) {
      if (const auto* m = s->if_contains("minimum"); m && number_of(v) < number_of(*m)) {
        errors.push_back(path + ": " + serialize(v) + " is below the minimum " + serialize(*m));
      }
      if (const auto* m = s->if_contains("maximum"); m && number_of(v) > number_of(*m)) {
        errors.push_back(path + ": " + serialize(v) + " is above the maximum " + serialize(*m));
      }
    }
    if (v.is_string()) {
      const auto n = utf8_length(v.get_string());
      if (const auto* m = s->if_contains("minLength"); m && n < m->to_number<std::size_t>()) {
        errors.push_back(path + ": shorter than " + serialize(*m) + " characters");
      }
      if (const auto* m = s->if_contains("maxLength"); m && n > m->to_number<std::size_t>()) {
        errors.push_back(path + ": longer than " + serialize(*m) + " characters");
      }
    }
    if (const auto* o = v.if_object()) check_object(*s, *o, path, errors, depth);
    if (const auto* a = v.if_array()) {
      if (const auto* m = s->if_contains("minItems"); m && a->size() < m->to_number<std::size_t>()) {
        errors.push_back(path + ": fewer than " + serialize(*m) + " items");
      }
      if (const auto* m = s->if_contains("maxItems"); m && a->size() > m->to_number<std::size_t>()) {
        errors.push_back(path + ": more than " + serialize(*m) + " items");
      }
      if (const auto* items = s->if_contains("items")) {
        for (std::size_t i = 0; i < a->size(); ++i) {
          check(*items, (*a)[i], path + "[" + std::to_string(i) + "]", errors, depth + 1);
        }
      }
    }
    for (const char* keyword : {"anyOf", "oneOf"}) {
      const auto* options = s->if_contains(keyword);
      if (options == nullptr) continue;
      std::size_t matching = 0;
      std::vector<std::string> why;
      for (const auto& option : options->as_array()) {
        std::vector<std::string> e;
        check(option, v, path, e, depth + 1);
        if (e.empty()) ++matching;
        why.insert(why.end(), e.begin(), e.end());
      }
      const bool one = std::string_view(keyword) == "oneOf";
      if (matching == 0 || (one && matching > 1)) {
        std::string text = path + ": " + (matching == 0 ? "matches none of " : "matches several of ") +
                           keyword;
        if (matching == 0) {
          text += " (";
          for (std::size_t i = 0; i < why.size(); ++i) text += (i != 0 ? "; " : "") + why[i];
          text += ")";
        }
        errors.push_back(std::move(text));
      }
    }
  }

  void check_object(const boost::json::object& s, const boost::json::object& o,
                    const std::string& path, std::vector<std::string>& errors, int depth) const {
    if (const auto* required = s.if_contains("required")) {
      for (const auto& name : required->as_array()) {
        if (!o.contains(name.as_string())) {
          errors.push_back(path + ": the required property " + std::string(name.as_string()) +
                           " is missing");
        }
      }
    }
    const auto* properties = s.if_contains("properties");
    const auto* additional = s.if_contains("additionalProperties");
    for (const auto& [key, value] : o) {
      const std::string at = path + "." + std::string(key);
      const boost::json::value* property =
          properties != nullptr ? properties->as_object().if_contains(key) : nullptr;
      if (property != nullptr) {
        check(*property, value, at, errors, depth + 1);
      } else if (additional != nullptr) {
        if (additional->is_bool() && !additional->get_bool()) {
          errors.push_back(at + ": the property is not in the schema (additionalProperties: false)");
        } else if (additional->is_object()) {
          check(*additional, value, at, errors, depth + 1);
        }
      }
    }
  }

  const boost::json::value& root_;
};

/// One operation of an OpenAPI document, found by method and path template.
class OpenApiDocument {
 public:
  explicit OpenApiDocument(boost::json::value doc) : doc_(std::move(doc)), validator_(doc_) {}
  OpenApiDocument(const OpenApiDocument&) = delete;  // the validator points into doc_
  OpenApiDocument& operator=(const OpenApiDocument&) = delete;

  const boost::json::value& json() const { return doc_; }
  const SchemaValidator& validator() const { return validator_; }

  /// Every (METHOD, path template) the document describes.
  std::set<std::pair<std::string, std::string>> operations() const {
    static const std::set<std::string, std::less<>> kMethods = {"get", "put", "post", "delete",
                                                                "patch", "head", "options"};
    std::set<std::pair<std::string, std::string>> out;
    for (const auto& [path, item] : doc_.at("paths").as_object()) {
      for (const auto& [method, _] : item.as_object()) {
        if (!kMethods.contains(std::string_view(method))) continue;
        std::string upper(method);
        for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        out.emplace(upper, std::string(path));
      }
    }
    return out;
  }

  /// The documented path template a concrete path matches ("/v1/lists/7" ->
  /// "/v1/lists/{id}") for `method`, literal segments preferred; empty when none.
  std::string route_of(const std::string& method, std::string_view path) const {
    if (auto q = path.find('?'); q != std::string_view::npos) path = path.substr(0, q);
    auto split = [](std::string_view p) {
      std::vector<std::string_view> out;
      while (!p.empty()) {
        p.remove_prefix(1);
        auto slash = p.find('/');
        out.push_back(p.substr(0, slash));
        p = slash == std::string_view::npos ? std::string_view{} : p.substr(slash);
      }
      return out;
    };
    const auto segments = split(path);
    std::string best;
    int best_literals = -1;
    for (const auto& [m, pattern] : operations()) {
      if (m != method) continue;
      const auto parts = split(pattern);
      if (parts.size() != segments.size()) continue;
      int literals = 0;
      bool match = true;
      for (std::size_t i = 0; i < parts.size() && match; ++i) {
        const bool param = parts[i].starts_with("{");
        match = param ? !segments[i].empty() : parts[i] == segments[i];
        literals += param ? 0 : 1;
      }
      if (match && literals > best_literals) {
        best = pattern;
        best_literals = literals;
      }
    }
    return best;
  }

  /// Problems of a JSON request body the server accepted, against the operation's
  /// documented application/json requestBody schema (none documented: nothing to check).
  std::vector<std::string> check_request(const std::string& method, const std::string& route,
                                         const std::string& body) const {
    std::string lower(method);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto* item = doc_.at("paths").as_object().if_contains(route);
    const auto* op = item != nullptr ? item->as_object().if_contains(lower) : nullptr;
    const auto* request = op != nullptr ? op->as_object().if_contains("requestBody") : nullptr;
    if (request == nullptr) return {};
    const auto* media = request->at("content").as_object().if_contains("application/json");
    if (media == nullptr) return {};
    boost::system::error_code ec;
    auto value = boost::json::parse(body, ec);
    if (ec) return {"the request body is not JSON"};
    return validator_.validate(media->at("schema"), value);
  }

  /// Problems of one response (status, Content-Type, body) to `method` `route`; empty when
  /// the document describes it: the status is listed, the media type too, and a JSON body
  /// validates against its schema. Responses that match no route ("unmatched": 404/405 of
  /// the router) must be problem+json.
  std::vector<std::string> check_response(const std::string& method, const std::string& route,
                                          int status, std::string content_type,
                                          const std::string& body) const {
    std::vector<std::string> errors;
    if (auto semi = content_type.find(';'); semi != std::string::npos) content_type.resize(semi);
    if (route == "unmatched") {
      if ((status != 404 && status != 405) || content_type != "application/problem+json") {
        errors.push_back("an unrouted answer must be a 404/405 problem");
      }
      return errors;
    }
    const auto* item = doc_.at("paths").as_object().if_contains(route);
    std::string lower(method);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto* op = item != nullptr ? item->as_object().if_contains(lower) : nullptr;
    if (op == nullptr) return {"the operation " + method + " " + route + " is not documented"};
    const auto* responses = op->as_object().if_contains("responses");
    const boost::json::value* response =
        responses != nullptr ? responses->as_object().if_contains(std::to_string(status)) : nullptr;
    if (response == nullptr) return {"status " + std::to_string(status) + " is not documented"};
    if (const auto* ref = response->as_object().if_contains("$ref")) {
      response = validator_.resolve(ref->as_string());
      if (response == nullptr) return {"unresolvable response $ref"};
    }
    const auto* content = response->as_object().if_contains("content");
    if (content == nullptr) {
      if (!body.empty()) errors.push_back("the documented response has no content, the answer a body");
      return errors;
    }
    const auto* media = content->as_object().if_contains(content_type);
    if (media == nullptr) {
      return {"media type " + content_type + " is not documented for status " + std::to_string(status)};
    }
    const bool is_json = content_type == "application/json" || content_type.ends_with("+json");
    if (!is_json) return errors;
    boost::system::error_code ec;
    auto value = boost::json::parse(body, ec);
    if (ec) return {"the body is not JSON: " + body.substr(0, 200)};
    if (const auto* schema = media->as_object().if_contains("schema")) {
      for (auto& e : validator_.validate(*schema, value)) errors.push_back(std::move(e));
    }
    return errors;
  }

 private:
  boost::json::value doc_;
  SchemaValidator validator_;
};

}  // namespace diskret::test
