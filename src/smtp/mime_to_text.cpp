#include "smtp/mime_to_text.hpp"

#include <gmime/gmime.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "smtp/command.hpp"
#include "smtp/errc.hpp"
#include "smtp/html_entities.hpp"
#include "smtp/html_to_text.hpp"
#include "smtp/text_cleanup.hpp"

namespace diskret::smtp {
namespace {

// Real mail nests a few levels (mixed > alternative > related); more is an attack.
constexpr int kMaxDepth = 16;

struct Unref {
  void operator()(gpointer object) const { g_object_unref(object); }
};
template <class T>
using GPtr = std::unique_ptr<T, Unref>;

void ensure_gmime() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

struct Candidates {
  GMimeObject* plain = nullptr;
  GMimeObject* html = nullptr;
};

/// Depth-first: the first inline text/plain and text/html parts. Attachments and attached
/// messages (message/rfc822 is not a GMimePart) are skipped without decoding them.
void find_text_parts(GMimeObject* object, Candidates& found, int depth) {
  if (depth > kMaxDepth || object == nullptr) return;
  if (GMIME_IS_MULTIPART(object)) {
    auto* multipart = GMIME_MULTIPART(object);
    const int count = g_mime_multipart_get_count(multipart);
    for (int i = 0; i < count; ++i)
      find_text_parts(g_mime_multipart_get_part(multipart, i), found, depth + 1);
    return;
  }
  if (!GMIME_IS_PART(object)) return;
  auto* part = GMIME_PART(object);
  if (g_mime_part_is_attachment(part) || g_mime_part_get_filename(part) != nullptr) return;
  GMimeContentType* type = g_mime_object_get_content_type(object);
  if (type == nullptr) return;
  if (found.plain == nullptr && g_mime_content_type_is_type(type, "text", "plain")) {
    found.plain = object;
  } else if (found.html == nullptr && g_mime_content_type_is_type(type, "text", "html")) {
    found.html = object;
  }
}

std::string parameter(GMimeObject* object, const char* name) {
  const char* value = g_mime_object_get_content_type_parameter(object, name);
  return value != nullptr ? value : "";
}

/// Transfer-decoded (base64, quoted-printable, uuencode), charset-converted, LF line ends.
std::string decoded_text(GMimeObject* object) {
  GMimeDataWrapper* content = g_mime_part_get_content(GMIME_PART(object));
  if (content == nullptr) return {};
  GPtr<GMimeStream> memory(g_mime_stream_mem_new());
  if (g_mime_data_wrapper_write_to_stream(content, memory.get()) < 0) return {};
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(memory.get()));
  std::string text =
      to_utf8(std::string_view(reinterpret_cast<const char*>(bytes->data), bytes->len),
              parameter(object, "charset"));
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\r') {
      out += text[i];
    } else if (i + 1 == text.size() || text[i + 1] != '\n') {
      out += '\n';  // a lone CR is a line end too
    }
  }
  return out;
}

std::string clean(std::string_view text) {
  return normalise_whitespace(strip_signature(strip_quoted_reply(text)));
}

std::string from_windows_1252(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 4);
  for (unsigned char byte : bytes) append_utf8(out, byte < 0xA0 ? windows_1252(byte) : byte);
  return out;
}

bool is_utf8_name(std::string_view charset) {
  return charset.empty() || iequals(charset, "utf-8") || iequals(charset, "utf8") ||
         iequals(charset, "us-ascii") || iequals(charset, "ascii");
}

}  // namespace

std::string to_utf8(std::string_view bytes, std::string_view charset) {
  if (bytes.empty()) return {};  // (GMime hands out a null data pointer for empty parts)
  ensure_gmime();
  if (!is_utf8_name(charset)) {
    const std::string name(charset);
    const char* iconv_name = g_mime_charset_iconv_name(name.c_str());
    gsize written = 0;
    GError* error = nullptr;
    gchar* converted = g_convert(bytes.data(), static_cast<gssize>(bytes.size()), "UTF-8",
                                 iconv_name, nullptr, &written, &error);
    if (converted != nullptr) {
      std::string out(converted, written);
      g_free(converted);
      if (g_utf8_validate(out.data(), static_cast<gssize>(out.size()), nullptr)) return out;
    }
    if (error != nullptr) g_error_free(error);
  }
  // Undeclared, ASCII-labelled or broken: UTF-8 if it is (NULs would defeat the check and are
  // dropped later anyway), otherwise the Windows-1252 that most such mail really is.
  std::string plain(bytes);
  std::erase(plain, '\0');
  if (g_utf8_validate(plain.data(), static_cast<gssize>(plain.size()), nullptr)) return plain;
  return from_windows_1252(plain);
}

Expected<std::string> mime_to_text(std::string_view raw_message, const TextOptions& options) {
  ensure_gmime();
  // An empty view may carry a null pointer, which GMime refuses with a critical (found by
  // fuzz/smtp/mime_fuzz under the replay driver).
  GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(
      raw_message.empty() ? "" : raw_message.data(), raw_message.size()));
  GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  GPtr<GMimeMessage> message(g_mime_parser_construct_message(parser.get(), nullptr));
  if (!message) return fail(Errc::malformed_message, "the message is not a valid RFC 5322 message");

  Candidates parts;
  find_text_parts(g_mime_message_get_mime_part(message.get()), parts, 0);
  std::string text;
  if (parts.plain != nullptr) {
    std::string plain = decoded_text(parts.plain);
    if (iequals(parameter(parts.plain, "format"), "flowed")) {
      plain = unflow(plain, iequals(parameter(parts.plain, "delsp"), "yes"));
    }
    text = clean(plain);
  }
  if (text.empty() && parts.html != nullptr) text = clean(html_to_text(decoded_text(parts.html)));

  if (options.subject_as_prefix) {
    const char* raw_subject = g_mime_message_get_subject(message.get());
    std::string subject = raw_subject != nullptr ? to_utf8(raw_subject, "") : "";
    std::replace(subject.begin(), subject.end(), '\n', ' ');
    subject = normalise_whitespace(subject);
    if (!subject.empty()) text = text.empty() ? subject : subject + ": " + text;
  }
  if (text.empty()) return fail(Errc::empty_text, "the message has no text to send");
  return text;
}

}  // namespace diskret::smtp
