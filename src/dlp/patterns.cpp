#define PCRE2_CODE_UNIT_WIDTH 8
#include "dlp/patterns.hpp"

#include <pcre2.h>

#include <algorithm>

namespace diskret::dlp {
namespace {

// Backtracking budget per pattern and text: plenty for sane patterns, a stop for
// catastrophic ones like (a+)+$ on a long text.
constexpr std::uint32_t kMatchLimit = 100'000;
constexpr std::uint32_t kDepthLimit = 1'000;

struct CodeDeleter {
  void operator()(pcre2_code* c) const noexcept { pcre2_code_free(c); }
};
struct ContextDeleter {
  void operator()(pcre2_match_context* c) const noexcept { pcre2_match_context_free(c); }
};
struct DataDeleter {
  void operator()(pcre2_match_data* d) const noexcept { pcre2_match_data_free(d); }
};

bool valid_name(std::string_view name) {
  return !name.empty() && name.size() <= 32 &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
         });
}

}  // namespace

class PatternSet::Impl {
 public:
  struct Compiled {
    std::string name;
    std::unique_ptr<pcre2_code, CodeDeleter> code;
  };
  std::vector<Compiled> patterns;
  std::unique_ptr<pcre2_match_context, ContextDeleter> context{pcre2_match_context_create(nullptr)};
};

PatternSet::PatternSet() : impl_(std::make_unique<Impl>()) {
  pcre2_set_match_limit(impl_->context.get(), kMatchLimit);
  pcre2_set_depth_limit(impl_->context.get(), kDepthLimit);
}
PatternSet::~PatternSet() = default;
PatternSet::PatternSet(PatternSet&&) noexcept = default;
PatternSet& PatternSet::operator=(PatternSet&&) noexcept = default;

Expected<PatternSet> PatternSet::compile(const std::vector<PatternSpec>& specs) {
  if (specs.size() > kMaxPatterns) {
    return fail(Errc::invalid_argument,
                "at most " + std::to_string(kMaxPatterns) + " patterns per account");
  }
  PatternSet set;
  for (const auto& spec : specs) {
    if (!valid_name(spec.name)) {
      return fail(Errc::invalid_argument,
                  "pattern names are 1..32 characters a-z, 0-9 and _ (\"" +
                      spec.name.substr(0, 32) + "\" is not)");
    }
    for (const auto& other : set.impl_->patterns) {
      if (other.name == spec.name) {
        return fail(Errc::invalid_argument, "pattern \"" + spec.name + "\" is defined twice");
      }
    }
    if (spec.regex.empty() || spec.regex.size() > kMaxPatternLength) {
      return fail(Errc::invalid_argument, "pattern \"" + spec.name + "\" must be 1.." +
                                              std::to_string(kMaxPatternLength) + " bytes");
    }
    if (std::any_of(spec.regex.begin(), spec.regex.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
      return fail(Errc::invalid_argument, "pattern \"" + spec.name +
                                              "\" contains a control character; write \\t, \\n");
    }
    int code = 0;
    PCRE2_SIZE at = 0;
    std::unique_ptr<pcre2_code, CodeDeleter> compiled(
        pcre2_compile(reinterpret_cast<PCRE2_SPTR>(spec.regex.data()), spec.regex.size(),
                      PCRE2_UTF, &code, &at, nullptr));
    if (!compiled) {
      PCRE2_UCHAR message[120];
      pcre2_get_error_message(code, message, sizeof message);
      return fail(Errc::invalid_argument, "pattern \"" + spec.name + "\" does not compile at " +
                                              std::to_string(at) + ": " +
                                              reinterpret_cast<const char*>(message));
    }
    std::unique_ptr<pcre2_match_data, DataDeleter> data(
        pcre2_match_data_create_from_pattern(compiled.get(), nullptr));
    const int empty = pcre2_match(compiled.get(), reinterpret_cast<PCRE2_SPTR>(""), 0, 0, 0,
                                  data.get(), set.impl_->context.get());
    if (empty >= 0) {
      return fail(Errc::invalid_argument,
                  "pattern \"" + spec.name + "\" matches the empty text; it would match everything");
    }
    set.impl_->patterns.push_back({spec.name, std::move(compiled)});
  }
  return set;
}

bool PatternSet::empty() const noexcept { return impl_->patterns.empty(); }

void PatternSet::find(std::string_view text, std::vector<Finding>& out) const {
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  for (const auto& p : impl_->patterns) {
    std::unique_ptr<pcre2_match_data, DataDeleter> data(
        pcre2_match_data_create_from_pattern(p.code.get(), nullptr));
    PCRE2_SIZE start = 0;
    while (start <= text.size()) {
      const int rc = pcre2_match(p.code.get(), subject, text.size(), start, 0, data.get(),
                                 impl_->context.get());
      if (rc == PCRE2_ERROR_NOMATCH) break;
      if (rc < 0) {
        // Limit hit or bad UTF-8: the pattern could not be ruled out, so treat the whole
        // text as matching rather than let sensitive content through.
        out.push_back({Kind::custom, 0, text.size(), p.name});
        break;
      }
      const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(data.get());
      if (ov[1] <= ov[0]) {  // an empty match inside the text: step over it
        start = ov[0] + 1;
        while (start < text.size() && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) {
          ++start;  // next code point, not into the middle of one
        }
        continue;
      }
      out.push_back({Kind::custom, ov[0], ov[1] - ov[0], p.name});
      start = ov[1];
    }
  }
}

}  // namespace diskret::dlp
