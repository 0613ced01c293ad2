// The JSON Schema subset validator of tests/support/json_schema.hpp: it must reject wrong
// shapes, or the OpenAPI check proves nothing.
#include "support/json_schema.hpp"

#include <gtest/gtest.h>

namespace diskret::test {
namespace {

namespace json = boost::json;

// A miniature OpenAPI document: component schemas and one operation.
const json::value kDoc = json::parse(R"({
  "paths": {
    "/v1/things/{id}": {
      "get": {"responses": {
        "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
        "204": {"description": "none"},
        "404": {"$ref": "#/components/responses/NotFound"}}}}},
  "components": {
    "responses": {"NotFound": {"description": "nf", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}},
    "schemas": {
      "Problem": {"type": "object", "properties": {"type": {"type": "string"}, "status": {"type": "integer"}},
                  "required": ["type", "status"]},
      "Status": {"type": "string", "enum": ["accepted", "delivered"]},
      "Thing": {"type": "object", "additionalProperties": false, "required": ["id", "status", "tags"],
                "properties": {
                  "id": {"type": "integer", "minimum": 1},
                  "status": {"$ref": "#/components/schemas/Status"},
                  "done_at": {"type": ["string", "null"], "format": "date-time"},
                  "tags": {"type": "array", "items": {"type": "string", "maxLength": 3}, "maxItems": 2},
                  "to": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}]},
                  "one": {"oneOf": [{"type": "integer"}, {"type": "number"}]},
                  "fields": {"type": "object", "additionalProperties": {"type": "string"}}}}}}})");

std::vector<std::string> check(const char* schema_ref, const char* instance) {
  SchemaValidator v(kDoc);
  return v.validate(json::value{{"$ref", schema_ref}}, json::parse(instance));
}

TEST(JsonSchema, AcceptsTheRightShape) {
  EXPECT_TRUE(check("#/components/schemas/Thing",
                    R"({"id": 7, "status": "accepted", "done_at": null, "tags": ["a", "bcd"],
                        "to": ["+49"], "one": 1.5, "fields": {"x": "y"}})")
                  .empty());
  EXPECT_TRUE(check("#/components/schemas/Thing",
                    R"({"id": 7.0, "status": "delivered", "done_at": "2026-01-01T00:00:00Z", "tags": [], "to": "x"})")
                  .empty());
}

TEST(JsonSchema, RejectsWrongShapes) {
  const char* thing = "#/components/schemas/Thing";
  EXPECT_FALSE(check(thing, R"([])").empty()) << "an array is no object";
  EXPECT_FALSE(check(thing, R"({"status": "accepted", "tags": []})").empty()) << "id missing";
  EXPECT_FALSE(check(thing, R"({"id": "7", "status": "accepted", "tags": []})").empty()) << "string id";
  EXPECT_FALSE(check(thing, R"({"id": 7.5, "status": "accepted", "tags": []})").empty()) << "fraction";
  EXPECT_FALSE(check(thing, R"({"id": 0, "status": "accepted", "tags": []})").empty()) << "minimum";
  EXPECT_FALSE(check(thing, R"({"id": 7, "status": "sent", "tags": []})").empty()) << "enum via $ref";
  EXPECT_FALSE(check(thing, R"({"id": 7, "status": "accepted", "tags": [], "extra": 1})").empty())
      << "additionalProperties: false";
  EXPECT_FALSE(check(thing, R"({"id": 7, "status": "accepted", "tags": [1]})").empty()) << "items";
  EXPECT_FALSE(check(thing, R"({"id": 7, "status": "accepted", "tags": ["abcd"]})").empty()) << "maxLength";
  EXPECT_FALSE(check(thing, R"({"id": 7, "status": "accepted", "tags": ["a", "b", "c"]})").empty())
      << "maxItems";
  EXPECT_FALSE(check(thing, R"({"id": 7, "status": "accepted", "tags": [], "done_at": 5})").empty())
      << "type array without number";
  EXPECT_FALSE(check(thing, R"({"id": 7, "status": "accepted", "tags": [], "to": []})").empty())
      << "anyOf: neither a string nor a non-empty array";
  EXPECT_FALSE(check(thing, R"({"id": 7, "status": "accepted", "tags": [], "one": 2})").empty())
      << "oneOf: an integer is also a number";
  EXPECT_FALSE(check(thing, R"({"id": 7, "status": "accepted", "tags": [], "fields": {"x": 1}})").empty())
      << "additionalProperties schema";
}

TEST(JsonSchema, NamesWhereItFailed) {
  auto errors = check("#/components/schemas/Thing", R"({"id": 7, "status": "accepted", "tags": ["a", 2]})");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("$.tags[1]"), std::string::npos) << errors[0];
}

TEST(JsonSchema, ReportsUnknownKeywordsAndBrokenRefs) {
  SchemaValidator v(kDoc);
  EXPECT_FALSE(v.validate(json::parse(R"({"type": "string", "contains": {}})"), json::value("x")).empty());
  EXPECT_FALSE(v.validate(json::parse(R"({"$ref": "#/components/schemas/Nope"})"), json::value(1)).empty());
  EXPECT_FALSE(v.validate(json::value(false), json::value(1)).empty());
  EXPECT_TRUE(v.validate(json::value(true), json::value(1)).empty());
}

TEST(OpenApiDocument, ChecksStatusMediaTypeAndBody) {
  OpenApiDocument doc(kDoc);
  const std::string route = "/v1/things/{id}";
  EXPECT_TRUE(doc.check_response("GET", route, 200, "application/json",
                                 R"({"id": 1, "status": "accepted", "tags": []})")
                  .empty());
  EXPECT_TRUE(doc.check_response("GET", route, 204, "application/json", "").empty());
  EXPECT_TRUE(doc.check_response("GET", route, 404, "application/problem+json",
                                 R"({"type": "x", "status": 404})")
                  .empty());
  EXPECT_FALSE(doc.check_response("GET", route, 200, "application/json", R"({"id": 1})").empty());
  EXPECT_FALSE(doc.check_response("GET", route, 409, "application/problem+json",
                                  R"({"type": "x", "status": 409})")
                   .empty())
      << "an undocumented status";
  EXPECT_FALSE(doc.check_response("GET", route, 404, "application/json", "{}").empty())
      << "an undocumented media type";
  EXPECT_FALSE(doc.check_response("GET", route, 200, "application/json", "{not json").empty());
  EXPECT_FALSE(doc.check_response("GET", route, 204, "application/json", "{}").empty())
      << "a body where none is documented";
  EXPECT_FALSE(doc.check_response("POST", route, 200, "application/json", "{}").empty())
      << "an undocumented operation";
  EXPECT_TRUE(doc.check_response("GET", "unmatched", 404, "application/problem+json", "{}").empty());
  EXPECT_FALSE(doc.check_response("GET", "unmatched", 200, "application/json", "{}").empty());
  EXPECT_EQ(doc.operations().size(), 1u);
}

TEST(OpenApiDocument, FindsTheTemplateOfAPathAndChecksRequestBodies) {
  json::value raw = kDoc;
  raw.at("paths").as_object()["/v1/things/special"] = json::parse(R"({"get": {"responses": {}},
      "put": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}},
              "responses": {}}})");
  OpenApiDocument doc(std::move(raw));
  EXPECT_EQ(doc.route_of("GET", "/v1/things/7?x=1"), "/v1/things/{id}");
  EXPECT_EQ(doc.route_of("GET", "/v1/things/special"), "/v1/things/special") << "literals first";
  EXPECT_EQ(doc.route_of("PUT", "/v1/things/7"), "");
  EXPECT_EQ(doc.route_of("GET", "/v1/things/7/more"), "");
  EXPECT_TRUE(doc.check_request("PUT", "/v1/things/special", R"("accepted")").empty());
  EXPECT_FALSE(doc.check_request("PUT", "/v1/things/special", R"("sent")").empty());
  EXPECT_TRUE(doc.check_request("GET", "/v1/things/{id}", R"({"anything": 1})").empty())
      << "no requestBody documented: nothing to check";
}

}  // namespace
}  // namespace diskret::test
