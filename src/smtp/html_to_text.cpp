#include "smtp/html_to_text.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "smtp/html_entities.hpp"

namespace diskret::smtp {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool istarts_with(std::string_view s, std::size_t at, std::string_view prefix) {
  if (s.size() - at < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (lower(s[at + i]) != prefix[i]) return false;
  }
  return true;
}

template <std::size_t N>
bool one_of(std::string_view name, const std::array<std::string_view, N>& names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Elements whose content is never shown as text.
constexpr std::array<std::string_view, 5> kRawDropped = {"script", "style", "title", "template",
                                                         "xml"};
// Block elements that end a paragraph (blank line) or a line.
constexpr std::array<std::string_view, 12> kParagraph = {"p",  "h1", "h2", "h3", "h4",    "h5",
                                                         "h6", "ul", "ol", "dl", "table", "hr"};
constexpr std::array<std::string_view, 18> kLine = {
    "div",  "tr",    "dt",      "dd",     "section",    "article", "header",   "footer", "nav",
    "main", "aside", "address", "figure", "figcaption", "form",    "fieldset", "center", "caption"};
// Class names of the reply-quote and signature blocks of common mail clients.
constexpr std::array<std::string_view, 5> kDroppedClasses = {
    "gmail_quote", "gmail_signature", "moz-signature", "moz-cite-prefix", "gmail_attr"};

struct Tag {
  std::string name;  ///< lower case
  bool closing = false;
  bool self_closing = false;
  std::vector<std::pair<std::string, std::string>> attributes;  ///< names lower case

  std::string_view attribute(std::string_view key) const {
    for (const auto& [k, v] : attributes) {
      if (k == key) return v;
    }
    return {};
  }
};

void decode_entities_into(std::string_view raw, std::string& out);

class Renderer {
 public:
  explicit Renderer(std::string_view html) : in_(html) {}

  std::string run() {
    while (pos_ < in_.size() && !stopped_) {
      std::size_t lt = in_.find('<', pos_);
      text(in_.substr(pos_, lt == std::string_view::npos ? std::string_view::npos : lt - pos_));
      if (lt == std::string_view::npos) break;
      pos_ = lt;
      markup();
    }
    return std::move(out_);
  }

 private:
  void markup() {
    if (in_.compare(pos_, 4, "<!--") == 0) {
      auto end = in_.find("-->", pos_ + 4);
      pos_ = end == std::string_view::npos ? in_.size() : end + 3;
      return;
    }
    const std::size_t after = pos_ + 1;
    const bool closing = after < in_.size() && in_[after] == '/';
    const std::size_t name_at = after + (closing ? 1 : 0);
    if (after < in_.size() && (in_[after] == '!' || in_[after] == '?')) {
      auto end = in_.find('>', after);
      pos_ = end == std::string_view::npos ? in_.size() : end + 1;
      return;
    }
    if (name_at >= in_.size() || !is_alpha(in_[name_at])) {  // a lone '<' is text
      text(in_.substr(pos_, 1));
      ++pos_;
      return;
    }
    Tag tag = parse_tag(name_at, closing);
    handle(tag);
  }

  /// Reads the tag whose name starts at `at`; leaves pos_ after its '>'.
  Tag parse_tag(std::size_t at, bool closing) {
    Tag tag;
    tag.closing = closing;
    std::size_t i = at;
    while (i < in_.size() && !is_space(in_[i]) && in_[i] != '>' && in_[i] != '/')
      tag.name += lower(in_[i++]);
    while (i < in_.size() && in_[i] != '>') {
      if (is_space(in_[i])) {
        ++i;
        continue;
      }
      if (in_[i] == '/') {
        tag.self_closing = i + 1 < in_.size() && in_[i + 1] == '>';
        ++i;
        continue;
      }
      std::string key;
      while (i < in_.size() && !is_space(in_[i]) && in_[i] != '>' && in_[i] != '=' && in_[i] != '/')
        key += lower(in_[i++]);
      if (key.empty()) key += in_[i++];  // a stray '=': skip it
      std::string value;
      while (i < in_.size() && is_space(in_[i])) ++i;
      if (i < in_.size() && in_[i] == '=') {
        ++i;
        while (i < in_.size() && is_space(in_[i])) ++i;
        std::size_t start = i, end;
        if (i < in_.size() && (in_[i] == '"' || in_[i] == '\'')) {
          end = in_.find(in_[i], i + 1);
          if (end == std::string_view::npos) end = in_.size();
          ++start;
          i = std::min(end + 1, in_.size());
        } else {
          while (i < in_.size() && !is_space(in_[i]) && in_[i] != '>') ++i;
          end = i;
        }
        decode_entities_into(in_.substr(start, end - start), value);
      }
      tag.attributes.emplace_back(std::move(key), std::move(value));
    }
    pos_ = i < in_.size() ? i + 1 : in_.size();
    return tag;
  }

  void handle(const Tag& tag) {
    const std::string& n = tag.name;
    if (!tag.closing && one_of(n, kRawDropped)) {
      if (!tag.self_closing) skip_raw(n);
      return;
    }
    if (!tag.closing && is_dropped_block(tag)) {
      if (!tag.self_closing) skip_element(n);
      return;
    }
    if (!tag.closing &&
        (tag.attribute("id") == "divRplyFwdMsg" || tag.attribute("id") == "appendonsend")) {
      stopped_ = true;  // Outlook: everything below is the message being replied to
      return;
    }
    if (n == "br") return hard_break();
    if (n == "blockquote") {
      block(2);
      quote_depth_ = std::max(0, quote_depth_ + (tag.closing ? -1 : tag.self_closing ? 0 : 1));
      return;
    }
    if (n == "pre") {
      block(2);
      pre_depth_ = std::max(0, pre_depth_ + (tag.closing ? -1 : tag.self_closing ? 0 : 1));
      return;
    }
    if (n == "li") return list_item(tag.closing);
    if (n == "ol" || n == "ul") {
      block(2);
      if (!tag.closing && !tag.self_closing) lists_.push_back(n == "ol" ? 1 : 0);
      if (tag.closing && !lists_.empty()) lists_.pop_back();
      return;
    }
    if (n == "td" || n == "th") {
      if (!tag.closing) pending_space_ = !at_line_start_;
      return;
    }
    if (n == "a") return link(tag);
    if (n == "img") {
      // Gmail sends emoji as images whose alt text is the emoji itself.
      if (auto emoji = tag.attribute("data-emoji"); !emoji.empty()) put_word(emoji);
      return;
    }
    if (one_of(n, kParagraph)) return block(2);
    if (one_of(n, kLine)) return block(1);
  }

  bool is_dropped_block(const Tag& tag) const {
    std::string_view classes = tag.attribute("class");
    for (auto dropped : kDroppedClasses) {
      auto at = classes.find(dropped);
      if (at == std::string_view::npos) continue;
      auto end = at + dropped.size();
      if ((at == 0 || is_space(classes[at - 1])) &&
          (end == classes.size() || is_space(classes[end])))
        return true;
    }
    return false;
  }

  /// After <script> etc.: skips to the matching end tag (the content is not markup).
  void skip_raw(std::string_view name) {
    for (std::size_t i = pos_; (i = in_.find("</", i)) != std::string_view::npos; i += 2) {
      if (istarts_with(in_, i + 2, name)) {
        auto end = in_.find('>', i);
        pos_ = end == std::string_view::npos ? in_.size() : end + 1;
        return;
      }
    }
    pos_ = in_.size();
  }

  /// Skips an element and everything inside it, counting nested elements of the same name.
  void skip_element(std::string_view name) {
    int depth = 1;
    while (depth > 0) {
      auto lt = in_.find('<', pos_);
      if (lt == std::string_view::npos) {
        pos_ = in_.size();
        return;
      }
      pos_ = lt;
      if (in_.compare(pos_, 4, "<!--") == 0) {
        markup();
        continue;
      }
      bool closing = pos_ + 1 < in_.size() && in_[pos_ + 1] == '/';
      std::size_t name_at = pos_ + (closing ? 2 : 1);
      if (name_at >= in_.size() || !is_alpha(in_[name_at])) {
        ++pos_;
        continue;
      }
      Tag tag = parse_tag(name_at, closing);
      if (tag.name == name && !tag.self_closing) depth += closing ? -1 : 1;
    }
  }

  void link(const Tag& tag) {
    if (!tag.closing) {
      if (!tag.self_closing) links_.push_back({std::string(tag.attribute("href")), out_.size()});
      return;
    }
    if (links_.empty()) return;
    auto [href, start] = std::move(links_.back());
    links_.pop_back();
    if (start > out_.size()) return;
    std::string_view shown = std::string_view(out_).substr(start);
    while (!shown.empty() && is_space(shown.front())) shown.remove_prefix(1);
    const bool web = href.rfind("http://", 0) == 0 || href.rfind("https://", 0) == 0;
    if (!web || shown.empty() || shown == href || href.find(shown) != std::string::npos) return;
    pending_space_ = true;
    put_word("(" + href + ")");
  }

  void list_item(bool closing) {
    block(1);
    if (closing) return;
    if (!lists_.empty() && lists_.back() > 0) {
      marker_ = std::to_string(lists_.back()++) + ". ";
    } else {
      marker_ = "- ";
    }
  }

  void text(std::string_view raw) {
    if (raw.empty()) return;
    std::string decoded;
    decode_entities_into(raw, decoded);
    std::size_t i = 0;
    while (i < decoded.size()) {
      if (pre_depth_ > 0) {
        if (decoded[i] == '\n') {
          hard_break();
        } else if (decoded[i] != '\r') {
          put(std::string_view(decoded).substr(i, 1));
        }
        ++i;
        continue;
      }
      if (is_space(decoded[i])) {
        pending_space_ = true;
        ++i;
        continue;
      }
      std::size_t end = i;
      while (end < decoded.size() && !is_space(decoded[end])) ++end;
      put_word(std::string_view(decoded).substr(i, end - i));
      i = end;
    }
  }

  void put_word(std::string_view word) {
    if (pending_space_ && !at_line_start_ && pending_breaks_ == 0) put(" ");
    pending_space_ = false;
    put(word);
  }

  /// Writes text, first emitting pending line breaks, the quote prefix and a list marker.
  void put(std::string_view s) {
    if (pending_breaks_ > 0 && !out_.empty()) {
      for (int i = 0; i < pending_breaks_; ++i) out_ += '\n';
      at_line_start_ = true;
    }
    pending_breaks_ = 0;
    if (at_line_start_) {
      for (int i = 0; i < quote_depth_; ++i) out_ += "> ";
      out_ += marker_;
      marker_.clear();
      at_line_start_ = false;
      pending_space_ = false;
    }
    out_ += s;
  }

  void block(int breaks) {
    pending_space_ = false;
    if (!out_.empty())
      pending_breaks_ = std::max(pending_breaks_, at_line_start_ ? breaks - 1 : breaks);
  }

  void hard_break() {
    pending_space_ = false;
    if (out_.empty()) return;
    pending_breaks_ = std::min(pending_breaks_ + 1, 2);
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  std::string out_;
  bool at_line_start_ = true;
  bool pending_space_ = false;
  bool stopped_ = false;
  int pending_breaks_ = 0;
  int quote_depth_ = 0;
  int pre_depth_ = 0;
  std::string marker_;
  std::vector<int> lists_;  ///< per open list: next number for <ol>, 0 for <ul>
  struct OpenLink {
    std::string href;
    std::size_t start;
  };
  std::vector<OpenLink> links_;
};

void decode_entities_into(std::string_view raw, std::string& out) {
  std::size_t i = 0;
  while (i < raw.size()) {
    std::size_t amp = raw.find('&', i);
    out.append(raw.substr(i, amp == std::string_view::npos ? std::string_view::npos : amp - i));
    if (amp == std::string_view::npos) return;
    std::size_t semi = raw.find(';', amp + 1);
    if (semi != std::string_view::npos && semi - amp <= 32) {
      std::string_view ref = raw.substr(amp + 1, semi - amp - 1);
      auto cp = !ref.empty() && ref.front() == '#' ? numeric_entity(ref) : named_entity(ref);
      if (cp) {
        append_utf8(out, *cp);
        i = semi + 1;
        continue;
      }
    }
    out += '&';
    i = amp + 1;
  }
}

}  // namespace

void append_utf8(std::string& out, char32_t cp) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string html_to_text(std::string_view html) { return Renderer(html).run(); }

}  // namespace diskret::smtp
