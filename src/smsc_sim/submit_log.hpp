#pragma once
/// The JSONL log of submits: one line per accepted or refused submit_sm, formatted
/// without allocations into a large buffer that the simulator flushes every 100 ms and
/// at exit. Field names follow the npm peer simulator (see shared/peers/README.md).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/expected.hpp"
#include "smpp/pdu.hpp"

namespace diskret::smsc_sim {

/// A concatenation UDH (IEI 0x00 or 0x08) found at the start of a short_message.
struct ConcatUdh {
  std::size_t header_length = 0;  ///< UDHL + 1: octets to skip to reach the text
  bool has_concat = false;
  std::uint16_t ref = 0;
  std::uint8_t total = 0;
  std::uint8_t part = 0;
};
/// nullopt when `sm` is empty or its UDHL points past its end.
std::optional<ConcatUdh> parse_udh(std::string_view sm) noexcept;

struct SubmitLogEntry {
  std::int64_t ts_ms = 0;
  std::uint64_t session = 0;
  std::string_view system_id;
  std::uint32_t sequence_number = 0;
  const smpp::SubmitSm* submit = nullptr;
  std::string_view message_id;                ///< empty: logged as null
  std::optional<std::uint32_t> resp_status;   ///< nullopt: dropped, no response
};

/// Appends one JSON object and a newline.
void append_submit_line(std::string& out, const SubmitLogEntry& entry);

class SubmitLog {
 public:
  /// Opens (appends to) the file; fails with a sentence naming the path.
  static Expected<SubmitLog> open(const std::string& path);
  SubmitLog(SubmitLog&& other) noexcept;
  SubmitLog& operator=(SubmitLog&&) = delete;
  SubmitLog(const SubmitLog&) = delete;
  ~SubmitLog();

  void append(const SubmitLogEntry& entry);
  /// Writes the buffer to the file; a write error is reported once on stderr.
  void flush();
  std::uint64_t lines() const noexcept { return lines_; }

 private:
  explicit SubmitLog(int fd, std::string path);

  static constexpr std::size_t kFlushAt = 4u << 20;
  int fd_ = -1;
  std::string path_;
  std::string buffer_;
  std::uint64_t lines_ = 0;
  bool write_failed_ = false;
};

}  // namespace diskret::smsc_sim
