#include "phone/prefix_pattern.hpp"

#include <cctype>

namespace diskret::phone::detail {
namespace {

// FIRST set and nullability of a sub-expression; the classic construction used to
// analyse grammars, applied to a regular expression.
struct First {
  std::uint16_t digits = 0;
  bool nullable = false;
};

constexpr std::uint16_t digit_bit(char c) { return static_cast<std::uint16_t>(1u << (c - '0')); }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }

class Analyzer {
 public:
  explicit Analyzer(std::string_view p) : p_(p) {}

  std::uint16_t run() {
    First f = alternation();
    if (failed_ || pos_ != p_.size()) return kAllDigits;
    return f.digits;
  }

 private:
  bool at_end() const { return pos_ >= p_.size(); }
  char peek() const { return p_[pos_]; }

  First give_up() {
    failed_ = true;
    pos_ = p_.size();
    return {kAllDigits, true};
  }

  First alternation() {
    First result = sequence();
    while (!failed_ && !at_end() && peek() == '|') {
      ++pos_;
      First next = sequence();
      result.digits |= next.digits;
      result.nullable = result.nullable || next.nullable;
    }
    return result;
  }

  First sequence() {
    First result{0, true};
    while (!failed_ && !at_end() && peek() != '|' && peek() != ')') {
      First item = quantified(atom());
      if (result.nullable) result.digits |= item.digits;
      result.nullable = result.nullable && item.nullable;
    }
    return result;
  }

  First quantified(First a) {
    if (at_end()) return a;
    char q = peek();
    if (q == '?' || q == '*') {
      ++pos_;
      a.nullable = true;
    } else if (q == '+') {
      ++pos_;
    } else if (q == '{') {
      std::size_t close = p_.find('}', pos_);
      if (close == std::string_view::npos) return give_up();
      std::string_view body = p_.substr(pos_ + 1, close - pos_ - 1);
      if (body.empty() || !is_digit(body[0])) return give_up();
      if (body[0] == '0' && (body.size() == 1 || !is_digit(body[1]))) a.nullable = true;
      pos_ = close + 1;
    } else {
      return a;
    }
    if (!at_end() && (peek() == '?' || peek() == '+')) ++pos_;  // lazy / possessive
    return a;
  }

  First atom() {
    char c = p_[pos_++];
    switch (c) {
      case '(': {
        if (!at_end() && peek() == '?') {
          if (pos_ + 1 < p_.size() && p_[pos_ + 1] == ':') {
            pos_ += 2;
          } else {
            return give_up();  // look-arounds, named groups, flags: not in our subset
          }
        }
        First inner = alternation();
        if (at_end() || peek() != ')') return give_up();
        ++pos_;
        return inner;
      }
      case '[': return char_class();
      case '\\': return escape();
      case '.': return {kAllDigits, false};
      case '^':
      case '$': return {0, true};  // anchors consume nothing
      case ')':
      case '|':
      case '?':
      case '*':
      case '+':
      case '{': return give_up();
      default:
        // Any other literal can never match a digit: it starts no match on digit input.
        return {is_digit(c) ? digit_bit(c) : std::uint16_t{0}, false};
    }
  }

  First escape() {
    if (at_end()) return give_up();
    char e = p_[pos_++];
    if (e == 'd') return {kAllDigits, false};
    if (std::isalnum(static_cast<unsigned char>(e))) return give_up();  // \w, \s, \1, \p ...
    return {0, false};  // an escaped punctuation character
  }

  First char_class() {
    if (!at_end() && peek() == '^') return give_up();
    std::uint16_t digits = 0;
    bool first = true;
    while (!at_end() && (peek() != ']' || first)) {
      first = false;
      char lo = p_[pos_++];
      if (lo == '\\') {
        if (at_end()) return give_up();
        char e = p_[pos_++];
        if (e == 'd') digits = kAllDigits;
        else if (std::isalnum(static_cast<unsigned char>(e))) return give_up();
        continue;
      }
      char hi = lo;
      if (pos_ + 1 < p_.size() && peek() == '-' && p_[pos_ + 1] != ']') {
        hi = p_[pos_ + 1];
        pos_ += 2;
        if (hi == '\\' || hi < lo) return give_up();
      }
      for (char d = '0'; d <= '9'; ++d) {
        if (d >= lo && d <= hi) digits |= digit_bit(d);
      }
    }
    if (at_end()) return give_up();
    ++pos_;  // ']'
    return {digits, false};
  }

  std::string_view p_;
  std::size_t pos_ = 0;
  bool failed_ = false;
};

}  // namespace

std::uint16_t possible_first_digits(std::string_view pattern) { return Analyzer(pattern).run(); }

}  // namespace diskret::phone::detail
