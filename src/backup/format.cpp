#include "backup/format.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "backup/errc.hpp"
#include "core/hex.hpp"

namespace diskret::backup {
namespace {

namespace json = boost::json;

void put_be(std::string& out, std::uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

std::uint64_t get_be(std::string_view in, std::size_t offset, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(in[offset + i]);
  return v;
}

unexpected<Error> bad_header(std::string_view why) {
  return fail(Errc::invalid_header, fmt::format("backup header is invalid: {}", why));
}

// Reads a member that must be there with the given kind.
const json::value* member(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it == o.end() ? nullptr : &it->value();
}

bool get_string(const json::object& o, std::string_view key, std::string& out) {
  auto* v = member(o, key);
  if (v == nullptr || !v->is_string()) return false;
  out = std::string(v->as_string());
  return true;
}

bool get_int(const json::object& o, std::string_view key, std::int64_t& out) {
  auto* v = member(o, key);
  if (v == nullptr) return false;
  if (v->is_int64()) {
    out = v->as_int64();
    return true;
  }
  if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    out = static_cast<std::int64_t>(v->as_uint64());
    return true;
  }
  return false;
}

}  // namespace

std::uint64_t BackupHeader::total_size() const {
  std::uint64_t total = 0;
  for (const auto& i : items) total += i.size;
  return total;
}

bool valid_item_name(std::string_view name) {
  if (name.empty() || name.size() > 100 || name == "." || name == "..") return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string file_key_ad(const BackupHeader& h) {
  return fmt::format("diskret-backup|{}|{}", h.backup_key_id, h.created_at_ms);
}

std::string encode_preamble(const BackupHeader& h) {
  json::array items;
  for (const auto& i : h.items) {
    items.push_back(json::object{{"name", i.name},
                                 {"kind", i.kind},
                                 {"size", i.size},
                                 {"schema_version", i.schema_version}});
  }
  json::object o{{"created_at_ms", h.created_at_ms},
                 {"master_key_id", h.master_key_id},
                 {"backup_key_id", h.backup_key_id},
                 {"wrapped_file_key", to_hex(h.wrapped_file_key)},
                 {"producer", h.producer},
                 {"chunk_size", kChunkSize},
                 {"items", std::move(items)}};
  const std::string body = json::serialize(o);
  std::string out(kMagic);
  put_be(out, kFormatVersion, 2);
  put_be(out, body.size(), 4);
  out += body;
  return out;
}

Expected<Preamble> decode_preamble_start(std::string_view first) {
  if (first.size() < kPreambleSize || first.substr(0, kMagic.size()) != kMagic) {
    return fail(Errc::not_a_backup, "not a diskret backup file (wrong magic bytes)");
  }
  const auto version = get_be(first, 8, 2);
  if (version != kFormatVersion) {
    return fail(Errc::unsupported_version,
                fmt::format("backup format version {} is not supported (this diskret reads "
                            "version {})",
                            version, kFormatVersion));
  }
  const auto size = get_be(first, 10, 4);
  if (size == 0 || size > kMaxHeaderSize) return bad_header("header length out of range");
  return Preamble{static_cast<std::uint32_t>(size)};
}

Expected<BackupHeader> decode_header(std::string_view text) {
  boost::system::error_code ec;
  auto value = json::parse(text, ec);
  if (ec || !value.is_object()) return bad_header("not a JSON object");
  const auto& o = value.as_object();
  BackupHeader h;
  std::string wrapped_hex;
  std::int64_t chunk = 0;
  if (!get_int(o, "created_at_ms", h.created_at_ms) || !get_string(o, "master_key_id", h.master_key_id) ||
      !get_string(o, "backup_key_id", h.backup_key_id) ||
      !get_string(o, "wrapped_file_key", wrapped_hex) || !get_string(o, "producer", h.producer) ||
      !get_int(o, "chunk_size", chunk)) {
    return bad_header("a required field is missing");
  }
  if (chunk != static_cast<std::int64_t>(kChunkSize)) return bad_header("unexpected chunk size");
  auto wrapped = from_hex(wrapped_hex);
  if (!wrapped || wrapped->empty()) return bad_header("wrapped_file_key is not hex");
  h.wrapped_file_key.assign(wrapped->begin(), wrapped->end());
  auto* items = member(o, "items");
  if (items == nullptr || !items->is_array() || items->as_array().empty()) {
    return bad_header("no items");
  }
  if (items->as_array().size() > kMaxItems) return bad_header("too many items");
  for (const auto& v : items->as_array()) {
    if (!v.is_object()) return bad_header("an item is not an object");
    BackupItem item;
    std::int64_t size = 0;
    if (!get_string(v.as_object(), "name", item.name) || !get_string(v.as_object(), "kind", item.kind) ||
        !get_int(v.as_object(), "size", size) ||
        !get_int(v.as_object(), "schema_version", item.schema_version) || size < 0) {
      return bad_header("an item lacks name, kind, size or schema_version");
    }
    if (!valid_item_name(item.name)) return bad_header("an item name is not a plain file name");
    for (const auto& other : h.items) {
      if (other.name == item.name) return bad_header("two items share a name");
    }
    item.size = static_cast<std::uint64_t>(size);
    h.items.push_back(std::move(item));
  }
  return h;
}

}  // namespace diskret::backup
