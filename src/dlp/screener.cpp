#include "dlp/screener.hpp"

#include <algorithm>

namespace diskret::dlp {
namespace {

bool is_alnum(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// Sorted by offset; a finding inside an earlier one (a custom pattern matching part of a
// card number) is dropped so that masking and counting see each span once.
void normalise(std::vector<Finding>& findings) {
  std::stable_sort(findings.begin(), findings.end(),
                   [](const Finding& a, const Finding& b) { return a.offset < b.offset; });
  std::vector<Finding> kept;
  std::size_t covered = 0;
  for (auto& f : findings) {
    if (!kept.empty() && f.offset < covered) {
      covered = std::max(covered, f.offset + f.length);
      kept.back().length = std::max(kept.back().length, covered - kept.back().offset);
      continue;
    }
    covered = f.offset + f.length;
    kept.push_back(std::move(f));
  }
  findings = std::move(kept);
}

}  // namespace

const char* policy_name(Policy p) noexcept {
  switch (p) {
    case Policy::reject: return "reject";
    case Policy::mask: return "mask";
    case Policy::allow: return "allow";
  }
  return "reject";
}

Expected<Policy> parse_policy(std::string_view name) {
  if (name == "reject") return Policy::reject;
  if (name == "mask") return Policy::mask;
  if (name == "allow") return Policy::allow;
  return fail(Errc::invalid_argument, "must be \"reject\", \"mask\" or \"allow\"");
}

const char* action_name(Action a) noexcept {
  switch (a) {
    case Action::pass: return "pass";
    case Action::rejected: return "rejected";
    case Action::masked: return "masked";
    case Action::allowed: return "allowed";
  }
  return "pass";
}

std::string Verdict::kinds() const {
  std::vector<std::string> names;
  for (const auto& f : findings) {
    std::string name = f.kind == Kind::custom ? "custom:" + f.pattern : kind_name(f.kind);
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string mask(std::string_view text, const std::vector<Finding>& findings) {
  std::string out(text);
  for (const auto& f : findings) {
    if (f.offset >= out.size()) continue;
    const std::size_t end = std::min(out.size(), f.offset + f.length);
    std::size_t keep = 4;
    for (std::size_t i = end; i > f.offset; --i) {
      char& c = out[i - 1];
      if (!is_alnum(c)) {
        // Non-ASCII bytes of a custom match are masked too (whole code points become '*'s).
        if (static_cast<unsigned char>(c) >= 0x80) c = '*';
        continue;
      }
      if (keep > 0) {
        --keep;
        continue;
      }
      c = '*';
    }
  }
  return out;
}

Expected<Screener> Screener::compile(const Rules& rules) {
  auto patterns = PatternSet::compile(rules.patterns);
  if (!patterns) return unexpected(patterns.error());
  Screener s;
  s.policy_ = rules.policy;
  s.patterns_ = std::move(*patterns);
  return s;
}

std::vector<Finding> Screener::find(std::string_view text) const {
  auto findings = find_builtin(text);
  if (!patterns_.empty()) patterns_.find(text, findings);
  normalise(findings);
  return findings;
}

Verdict Screener::screen(std::string_view text) const {
  Verdict v;
  v.findings = find(text);
  if (v.findings.empty()) return v;
  switch (policy_) {
    case Policy::reject:
      v.action = Action::rejected;
      break;
    case Policy::mask:
      v.action = Action::masked;
      v.text = mask(text, v.findings);
      break;
    case Policy::allow:
      v.action = Action::allowed;
      break;
  }
  return v;
}

}  // namespace diskret::dlp
