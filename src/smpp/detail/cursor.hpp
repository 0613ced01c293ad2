#pragma once
/// Bounds-checked big-endian cursors over PDU bytes (internal to the smpp codec).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace diskret::smpp::detail {

/// Reads from a fixed span; every read checks the remaining length first and leaves the
/// cursor untouched on failure, so a reader can never step outside its span.
class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> bytes) noexcept : bytes_(bytes) {}

  std::size_t remaining() const noexcept { return bytes_.size() - pos_; }
  bool empty() const noexcept { return pos_ == bytes_.size(); }
  std::span<const std::uint8_t> rest() const noexcept { return bytes_.subspan(pos_); }

  bool read_u8(std::uint8_t& v) noexcept {
    if (remaining() < 1) return false;
    v = bytes_[pos_++];
    return true;
  }
  bool read_u16(std::uint16_t& v) noexcept {
    if (remaining() < 2) return false;
    v = static_cast<std::uint16_t>((bytes_[pos_] << 8) | bytes_[pos_ + 1]);
    pos_ += 2;
    return true;
  }
  bool read_u32(std::uint32_t& v) noexcept {
    if (remaining() < 4) return false;
    v = (std::uint32_t{bytes_[pos_]} << 24) | (std::uint32_t{bytes_[pos_ + 1]} << 16) |
        (std::uint32_t{bytes_[pos_ + 2]} << 8) | std::uint32_t{bytes_[pos_ + 3]};
    pos_ += 4;
    return true;
  }
  bool skip(std::size_t n) noexcept {
    if (remaining() < n) return false;
    pos_ += n;
    return true;
  }
  bool read_bytes(std::size_t n, std::string& out) {
    if (remaining() < n) return false;
    out.assign(reinterpret_cast<const char*>(bytes_.data() + pos_), n);
    pos_ += n;
    return true;
  }

  enum class CString { ok, unterminated };
  /// A C-octet string of at most `max` octets including its NUL. Unterminated when no NUL
  /// occurs within max octets or before the end of the span.
  CString read_c_string(std::size_t max, std::string& out) {
    const std::size_t window = remaining() < max ? remaining() : max;
    const auto* begin = bytes_.data() + pos_;
    const void* nul = std::memchr(begin, 0, window);
    if (nul == nullptr) return CString::unterminated;
    const auto len = static_cast<std::size_t>(static_cast<const std::uint8_t*>(nul) - begin);
    out.assign(reinterpret_cast<const char*>(begin), len);
    pos_ += len + 1;
    return CString::ok;
  }
  /// Takes everything left (used for the lenient "missing final NUL" case).
  void read_rest(std::string& out) {
    out.assign(reinterpret_cast<const char*>(bytes_.data() + pos_), remaining());
    pos_ = bytes_.size();
  }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
};

/// Appends to a caller-owned buffer so that several PDUs can share one write.
class Writer {
 public:
  explicit Writer(std::vector<std::uint8_t>& out) noexcept : out_(out) {}

  std::size_t size() const noexcept { return out_.size(); }
  void put_u8(std::uint8_t v) { out_.push_back(v); }
  void put_u16(std::uint16_t v) {
    const std::uint8_t b[2] = {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
    out_.insert(out_.end(), b, b + 2);
  }
  void put_u32(std::uint32_t v) {
    const std::uint8_t b[4] = {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
                               static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
    out_.insert(out_.end(), b, b + 4);
  }
  void put_bytes(std::string_view s) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());
    out_.insert(out_.end(), p, p + s.size());
  }
  /// Writes `s` up to its first NUL and at most max-1 octets, then the NUL: the output is
  /// always a string the peer (and our decoder) can read back.
  void put_c_string(std::string_view s, std::size_t max) {
    if (const auto nul = s.find('\0'); nul != std::string_view::npos) s = s.substr(0, nul);
    if (max > 0 && s.size() > max - 1) s = s.substr(0, max - 1);
    put_bytes(s);
    put_u8(0);
  }
  void patch_u32(std::size_t at, std::uint32_t v) noexcept {
    out_[at] = static_cast<std::uint8_t>(v >> 24);
    out_[at + 1] = static_cast<std::uint8_t>(v >> 16);
    out_[at + 2] = static_cast<std::uint8_t>(v >> 8);
    out_[at + 3] = static_cast<std::uint8_t>(v);
  }

 private:
  std::vector<std::uint8_t>& out_;
};

}  // namespace diskret::smpp::detail
