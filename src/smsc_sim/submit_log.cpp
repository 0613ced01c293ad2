#include "smsc_sim/submit_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>

namespace diskret::smsc_sim {

std::optional<ConcatUdh> parse_udh(std::string_view sm) noexcept {
  if (sm.empty()) return std::nullopt;
  const std::size_t udhl = static_cast<std::uint8_t>(sm[0]);
  if (udhl + 1 > sm.size()) return std::nullopt;
  ConcatUdh udh;
  udh.header_length = udhl + 1;
  auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(sm[i]); };
  std::size_t i = 1;
  while (i + 1 < udh.header_length) {
    const std::uint8_t iei = byte(i);
    const std::size_t len = byte(i + 1);
    const std::size_t data = i + 2;
    if (data + len > udh.header_length) break;
    if (iei == 0x00 && len == 3) {
      udh = {udh.header_length, true, byte(data), byte(data + 1), byte(data + 2)};
    } else if (iei == 0x08 && len == 4) {
      udh = {udh.header_length, true,
             static_cast<std::uint16_t>((byte(data) << 8) | byte(data + 1)), byte(data + 2),
             byte(data + 3)};
    }
    i = data + len;
  }
  return udh;
}

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

void append_hex(std::string& out, std::string_view bytes) {
  const std::size_t at = out.size();
  out.resize(at + bytes.size() * 2);
  char* p = out.data() + at;
  for (unsigned char c : bytes) {
    *p++ = kHexDigits[c >> 4];
    *p++ = kHexDigits[c & 0x0f];
  }
}

template <class N>
void append_number(std::string& out, N value) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  (void)ec;
  out.append(buf, end);
}

/// JSON string; bytes outside printable ASCII become \u00XX (read as Latin-1), so the
/// line stays valid UTF-8 whatever an ESME puts in its C-octet strings.
void append_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20 || c >= 0x7f) {
      const char esc[] = {'\\', 'u', '0', '0', kHexDigits[c >> 4], kHexDigits[c & 0x0f]};
      out.append(esc, sizeof(esc));
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
}

void key(std::string& out, std::string_view name) {
  out.push_back(',');
  out.push_back('"');
  out.append(name);
  out.append("\":");
}

template <class N>
void number_field(std::string& out, std::string_view name, N value) {
  key(out, name);
  append_number(out, value);
}

void string_field(std::string& out, std::string_view name, std::string_view value) {
  key(out, name);
  append_string(out, value);
}

void hex_field(std::string& out, std::string_view name, std::string_view bytes) {
  key(out, name);
  out.push_back('"');
  append_hex(out, bytes);
  out.push_back('"');
}

}  // namespace

void append_submit_line(std::string& out, const SubmitLogEntry& e) {
  const smpp::SubmitSm& s = *e.submit;
  out.append("{\"ts\":");
  append_number(out, e.ts_ms);
  number_field(out, "session", e.session);
  string_field(out, "system_id", e.system_id);
  number_field(out, "seq", e.sequence_number);
  string_field(out, "source_addr", s.source_addr);
  number_field(out, "source_ton", s.source_addr_ton);
  number_field(out, "source_npi", s.source_addr_npi);
  string_field(out, "destination_addr", s.destination_addr);
  number_field(out, "dest_ton", s.dest_addr_ton);
  number_field(out, "dest_npi", s.dest_addr_npi);
  number_field(out, "data_coding", s.data_coding);
  number_field(out, "esm_class", s.esm_class);
  number_field(out, "registered_delivery", s.registered_delivery);
  hex_field(out, "sm_hex", s.short_message);
  key(out, "message_id");
  if (e.message_id.empty()) {
    out.append("null");
  } else {
    append_string(out, e.message_id);
  }
  key(out, "resp_status");
  if (e.resp_status) {
    append_number(out, *e.resp_status);
  } else {
    out.append("null");
  }
  if (s.esm_class & smpp::esm::udhi) {
    if (auto udh = parse_udh(s.short_message)) {
      key(out, "udh");
      out.append("{\"udh_hex\":\"");
      append_hex(out, std::string_view(s.short_message).substr(0, udh->header_length));
      out.push_back('"');
      if (udh->has_concat) {
        number_field(out, "ref", udh->ref);
        number_field(out, "total", udh->total);
        number_field(out, "part", udh->part);
      }
      out.push_back('}');
    }
  }
  const smpp::Tlvs& t = s.tlvs;
  if (t.sar_msg_ref_num || t.sar_total_segments || t.sar_segment_seqnum) {
    key(out, "sar");
    out.append("{\"ref\":");
    append_number(out, t.sar_msg_ref_num.value_or(0));
    number_field(out, "total", t.sar_total_segments.value_or(0));
    number_field(out, "part", t.sar_segment_seqnum.value_or(0));
    out.push_back('}');
  }
  if (t.message_payload) {
    hex_field(out, "payload_hex", *t.message_payload);
  }
  out.append("}\n");
}

Expected<SubmitLog> SubmitLog::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    return fail(Errc::io_error, "cannot open log " + path + ": " + std::strerror(errno));
  }
  return SubmitLog(fd, path);
}

SubmitLog::SubmitLog(int fd, std::string path) : fd_(fd), path_(std::move(path)) {
  buffer_.reserve(kFlushAt + 4096);
}

SubmitLog::SubmitLog(SubmitLog&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      path_(std::move(other.path_)),
      buffer_(std::move(other.buffer_)),
      lines_(other.lines_),
      write_failed_(other.write_failed_) {}

SubmitLog::~SubmitLog() {
  if (fd_ < 0) return;
  flush();
  ::close(fd_);
}

void SubmitLog::append(const SubmitLogEntry& entry) {
  append_submit_line(buffer_, entry);
  ++lines_;
  if (buffer_.size() >= kFlushAt) flush();
}

void SubmitLog::flush() {
  std::size_t done = 0;
  while (done < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (!write_failed_) {
        std::fprintf(stderr, "diskret-smsc: writing %s failed: %s\n", path_.c_str(),
                     std::strerror(errno));
        write_failed_ = true;
      }
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  buffer_.clear();
}

}  // namespace diskret::smsc_sim
