#include "phone/number_patterns.hpp"

#include <algorithm>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <utility>

#include <phonenumbers/phonemetadata.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include "phone/prefix_pattern.hpp"

// The library's compiled-in metadata (generated metadata.cc). Exported by
// libphonenumber.so.8 but declared in a header Debian does not ship.
namespace i18n::phonenumbers {
int metadata_size();
const void* metadata_get();
}  // namespace i18n::phonenumbers

namespace diskret::phone::detail {
namespace {

namespace pn = i18n::phonenumbers;

// --- The pattern: parsed to a tree, built into an NFA, determinised ------------------

struct Node {
  enum class Kind : std::uint8_t { digits, concat, alternation, repeat };
  Kind kind = Kind::concat;
  std::uint16_t digits = 0;  // Kind::digits: bit d set = digit d
  int min = 0, max = 0;      // Kind::repeat; max -1 = unbounded
  std::vector<Node> children;
};

// Recursive descent over the subset documented in the header; any other syntax fails the
// whole pattern (nullopt), never guesses.
class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  std::optional<Node> parse() {
    auto n = alternation(0);
    if (!n || pos_ != s_.size()) return std::nullopt;
    return n;
  }

 private:
  static constexpr int kMaxDepth = 64;
  static constexpr int kMaxRepeat = 64;

  bool at(char c) const { return pos_ < s_.size() && s_[pos_] == c; }

  std::optional<Node> alternation(int depth) {
    if (depth > kMaxDepth) return std::nullopt;
    Node alt{.kind = Node::Kind::alternation};
    for (;;) {
      auto branch = concatenation(depth);
      if (!branch) return std::nullopt;
      alt.children.push_back(std::move(*branch));
      if (!at('|')) break;
      ++pos_;
    }
    if (alt.children.size() == 1) return std::move(alt.children.front());
    return alt;
  }

  std::optional<Node> concatenation(int depth) {
    Node cat{.kind = Node::Kind::concat};
    while (pos_ < s_.size() && !at('|') && !at(')')) {
      auto a = atom(depth);
      if (!a) return std::nullopt;
      auto q = quantified(std::move(*a));
      if (!q) return std::nullopt;
      cat.children.push_back(std::move(*q));
    }
    return cat;
  }

  std::optional<Node> atom(int depth) {
    const char c = s_[pos_++];
    if (c >= '0' && c <= '9') return digits(static_cast<std::uint16_t>(1u << (c - '0')));
    if (c == '\\') {
      if (!at('d')) return std::nullopt;
      ++pos_;
      return digits(kAllDigits);
    }
    if (c == '[') return character_class();
    if (c == '(') {
      if (s_.substr(pos_, 2) == "?:") {
        pos_ += 2;
      } else if (at('?')) {
        return std::nullopt;  // lookaround, named groups, flags
      }
      auto inner = alternation(depth + 1);
      if (!inner || !at(')')) return std::nullopt;
      ++pos_;
      return inner;
    }
    return std::nullopt;
  }

  std::optional<Node> character_class() {
    bool negated = false;
    if (at('^')) {
      negated = true;
      ++pos_;
    }
    std::uint16_t mask = 0;
    bool any = false;
    while (pos_ < s_.size() && !at(']')) {
      any = true;
      const char c = s_[pos_++];
      if (c == '\\') {
        if (!at('d')) return std::nullopt;
        ++pos_;
        mask = kAllDigits;
        continue;
      }
      if (c < '0' || c > '9') return std::nullopt;
      char last = c;
      if (at('-') && pos_ + 1 < s_.size() && s_[pos_ + 1] != ']') {
        last = s_[pos_ + 1];
        if (last < c || last > '9') return std::nullopt;
        pos_ += 2;
      }
      for (char d = c; d <= last; ++d) mask = static_cast<std::uint16_t>(mask | (1u << (d - '0')));
    }
    if (!any || !at(']')) return std::nullopt;
    ++pos_;
    if (negated) mask = static_cast<std::uint16_t>(~mask & kAllDigits);
    return digits(mask);
  }

  std::optional<Node> quantified(Node n) {
    int min = 0, max = 0;
    if (at('?')) {
      min = 0, max = 1;
    } else if (at('*')) {
      min = 0, max = -1;
    } else if (at('+')) {
      min = 1, max = -1;
    } else if (at('{')) {
      ++pos_;
      auto number = [this]() -> std::optional<int> {
        int v = 0;
        bool any = false;
        while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
          v = v * 10 + (s_[pos_++] - '0');
          if (v > kMaxRepeat) return std::nullopt;
          any = true;
        }
        return any ? std::optional<int>(v) : std::nullopt;
      };
      auto lo = number();
      if (!lo) return std::nullopt;
      min = max = *lo;
      if (at(',')) {
        ++pos_;
        if (at('}')) {
          max = -1;
        } else {
          auto hi = number();
          if (!hi || *hi < min) return std::nullopt;
          max = *hi;
        }
      }
      if (!at('}')) return std::nullopt;
    } else {
      return n;
    }
    ++pos_;
    if (at('?')) ++pos_;  // lazy: the same strings match
    if (at('+') || at('?') || at('*') || at('{')) return std::nullopt;  // possessive, stacked
    Node r{.kind = Node::Kind::repeat, .min = min, .max = max};
    r.children.push_back(std::move(n));
    return r;
  }

  static Node digits(std::uint16_t mask) { return Node{.kind = Node::Kind::digits, .digits = mask}; }

  std::string_view s_;
  std::size_t pos_ = 0;
};

// Thompson construction: a state either reads one digit of `digits` and goes to `out`, or
// has epsilon moves only.
class Nfa {
 public:
  static constexpr std::size_t kMaxStates = 200'000;

  struct State {
    std::uint16_t digits = 0;
    std::int32_t out = -1;
    std::vector<std::int32_t> epsilon;
  };
  struct Fragment {
    std::int32_t start, end;
  };

  std::optional<Fragment> build(const Node& n) {
    if (states_.size() > kMaxStates) return std::nullopt;
    switch (n.kind) {
      case Node::Kind::digits: {
        const std::int32_t a = add(), b = add();
        states_[a].digits = n.digits;
        states_[a].out = b;
        return Fragment{a, b};
      }
      case Node::Kind::concat: {
        const std::int32_t start = add();
        std::int32_t end = start;
        for (const Node& child : n.children) {
          auto f = build(child);
          if (!f) return std::nullopt;
          link(end, f->start);
          end = f->end;
        }
        return Fragment{start, end};
      }
      case Node::Kind::alternation: {
        const std::int32_t start = add(), end = add();
        for (const Node& child : n.children) {
          auto f = build(child);
          if (!f) return std::nullopt;
          link(start, f->start);
          link(f->end, end);
        }
        return Fragment{start, end};
      }
      case Node::Kind::repeat: {
        const Node& child = n.children.front();
        const std::int32_t start = add();
        std::int32_t end = start;
        for (int i = 0; i < n.min; ++i) {
          auto f = build(child);
          if (!f) return std::nullopt;
          link(end, f->start);
          end = f->end;
        }
        if (n.max < 0) {
          auto f = build(child);
          if (!f) return std::nullopt;
          const std::int32_t loop = add();
          link(end, loop);
          link(loop, f->start);
          link(f->end, loop);
          return Fragment{start, loop};
        }
        for (int i = n.min; i < n.max; ++i) {
          auto f = build(child);
          if (!f) return std::nullopt;
          const std::int32_t next = add();
          link(end, f->start);
          link(end, next);
          link(f->end, next);
          end = next;
        }
        return Fragment{start, end};
      }
    }
    return std::nullopt;
  }

  const State& operator[](std::int32_t i) const { return states_[static_cast<std::size_t>(i)]; }

  /// `set` (sorted, unique) grown by every state reachable through epsilon moves.
  void close(std::vector<std::int32_t>& set) const {
    std::vector<std::int32_t> stack(set);
    std::vector<bool> seen(states_.size(), false);
    for (auto s : set) seen[static_cast<std::size_t>(s)] = true;
    while (!stack.empty()) {
      const std::int32_t s = stack.back();
      stack.pop_back();
      for (std::int32_t t : (*this)[s].epsilon) {
        if (seen[static_cast<std::size_t>(t)]) continue;
        seen[static_cast<std::size_t>(t)] = true;
        set.push_back(t);
        stack.push_back(t);
      }
    }
    std::sort(set.begin(), set.end());
  }

 private:
  std::int32_t add() {
    states_.emplace_back();
    return static_cast<std::int32_t>(states_.size() - 1);
  }
  void link(std::int32_t from, std::int32_t to) {
    states_[static_cast<std::size_t>(from)].epsilon.push_back(to);
  }

  std::vector<State> states_;
};

}  // namespace

std::optional<DigitPattern> DigitPattern::compile(std::string_view regex, std::size_t max_states) {
  auto tree = Parser(regex).parse();
  if (!tree) return std::nullopt;
  Nfa nfa;
  auto whole = nfa.build(*tree);
  if (!whole) return std::nullopt;

  // Subset construction: DFA state i is the NFA state set sets[i].
  DigitPattern p;
  std::map<std::vector<std::int32_t>, std::int32_t> index;
  std::vector<std::vector<std::int32_t>> sets;
  auto intern = [&](std::vector<std::int32_t> set) -> std::int32_t {
    auto [it, fresh] = index.try_emplace(set, static_cast<std::int32_t>(sets.size()));
    if (fresh) {
      p.accept_.push_back(std::binary_search(set.begin(), set.end(), whole->end) ? 1 : 0);
      p.next_.emplace_back();
      sets.push_back(std::move(set));
    }
    return it->second;
  };
  std::vector<std::int32_t> start{whole->start};
  nfa.close(start);
  intern(std::move(start));
  for (std::size_t i = 0; i < sets.size(); ++i) {
    if (sets.size() > max_states) return std::nullopt;
    for (int d = 0; d < 10; ++d) {
      std::vector<std::int32_t> moved;
      for (std::int32_t s : sets[i]) {
        if ((nfa[s].digits & (1u << d)) != 0) moved.push_back(nfa[s].out);
      }
      std::int32_t target = -1;
      if (!moved.empty()) {
        std::sort(moved.begin(), moved.end());
        moved.erase(std::unique(moved.begin(), moved.end()), moved.end());
        nfa.close(moved);
        target = intern(std::move(moved));
      }
      p.next_[i][static_cast<std::size_t>(d)] = target;
    }
  }
  return p;
}

bool DigitPattern::matches(std::string_view digits) const {
  std::int32_t s = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    s = next_[static_cast<std::size_t>(s)][static_cast<std::size_t>(c - '0')];
    if (s < 0) return false;
  }
  return accept_[static_cast<std::size_t>(s)] != 0;
}

bool DigitPattern::matches_prefix(std::string_view digits) const {
  std::int32_t s = 0;
  if (accept_[0] != 0) return true;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    s = next_[static_cast<std::size_t>(s)][static_cast<std::size_t>(c - '0')];
    if (s < 0) return false;
    if (accept_[static_cast<std::size_t>(s)] != 0) return true;
  }
  return false;
}

const pn::PhoneMetadataCollection& metadata_collection() {
  static const pn::PhoneMetadataCollection collection = [] {
    pn::PhoneMetadataCollection c;
    if (!c.ParseFromArray(pn::metadata_get(), pn::metadata_size())) c.Clear();
    return c;
  }();
  return collection;
}

namespace {

// One PhoneNumberDesc: the library's IsNumberMatchingDesc.
struct Desc {
  std::optional<DigitPattern> pattern;  // none: the desc has no pattern, matches nothing
  std::vector<int> lengths;             // empty: any length (the general desc decided)

  bool matches(std::string_view nsn) const {
    if (!lengths.empty() &&
        std::find(lengths.begin(), lengths.end(), static_cast<int>(nsn.size())) == lengths.end()) {
      return false;
    }
    return pattern && pattern->matches(nsn);
  }
};

// One region's metadata, compiled. `complete` is false when a pattern did not compile.
struct RegionPatterns {
  bool complete = true;
  Desc general;
  std::vector<Desc> types;  // every type whose match makes the number valid
  bool has_leading_digits = false;
  std::optional<DigitPattern> leading_digits;

  // The library's GetNumberTypeHelper(nsn) != UNKNOWN.
  bool known_type(std::string_view nsn) const {
    if (!general.matches(nsn)) return false;
    return std::any_of(types.begin(), types.end(), [&](const Desc& d) { return d.matches(nsn); });
  }
};

RegionPatterns compile_region(const pn::PhoneMetadata& m) {
  RegionPatterns r;
  auto desc = [&r](const pn::PhoneNumberDesc& d) {
    Desc out;
    out.lengths.assign(d.possible_length().begin(), d.possible_length().end());
    if (!d.national_number_pattern().empty()) {
      out.pattern = DigitPattern::compile(d.national_number_pattern());
      if (!out.pattern) r.complete = false;
    }
    return out;
  };
  r.general = desc(m.general_desc());
  for (const pn::PhoneNumberDesc* d :
       {&m.premium_rate(), &m.toll_free(), &m.shared_cost(), &m.voip(), &m.personal_number(),
        &m.pager(), &m.uan(), &m.voicemail(), &m.fixed_line()}) {
    r.types.push_back(desc(*d));
  }
  // With the same pattern for both, the library asks the fixed-line one only.
  if (!m.same_mobile_and_fixed_line_pattern()) r.types.push_back(desc(m.mobile()));
  if (m.has_leading_digits()) {
    r.has_leading_digits = true;
    r.leading_digits = DigitPattern::compile(m.leading_digits());
    if (!r.leading_digits) r.complete = false;
  }
  return r;
}

// Regions per calling code as the library lists them, each compiled on first use.
class Table {
 public:
  static Table& get() {
    static Table table;
    return table;
  }

  struct Region {
    std::string code;
    const pn::PhoneMetadata* metadata = nullptr;  // null: the library has none
    std::once_flag once;
    RegionPatterns patterns;
  };

  /// The regions of calling code `cc`, main region first (empty: unknown code).
  const std::vector<std::unique_ptr<Region>>& regions(int cc) const {
    static const std::vector<std::unique_ptr<Region>> none;
    return cc > 0 && cc <= kMaxCallingCode ? by_code_[static_cast<std::size_t>(cc)] : none;
  }

  static const RegionPatterns& patterns(Region& r) {
    std::call_once(r.once, [&r] { r.patterns = compile_region(*r.metadata); });
    return r.patterns;
  }

 private:
  static constexpr int kMaxCallingCode = 999;

  Table() : by_code_(kMaxCallingCode + 1) {
    std::map<std::pair<std::string, int>, const pn::PhoneMetadata*> metadata;
    for (const auto& m : metadata_collection().metadata()) metadata[{m.id(), m.country_code()}] = &m;
    const pn::PhoneNumberUtil& util = *pn::PhoneNumberUtil::GetInstance();
    for (int cc = 1; cc <= kMaxCallingCode; ++cc) {
      std::list<std::string> codes;
      util.GetRegionCodesForCountryCallingCode(cc, &codes);
      for (const auto& code : codes) {
        auto r = std::make_unique<Region>();
        r->code = code;
        auto it = metadata.find({code, cc});
        if (it != metadata.end()) r->metadata = it->second;
        by_code_[static_cast<std::size_t>(cc)].push_back(std::move(r));
      }
    }
  }

  std::vector<std::vector<std::unique_ptr<Region>>> by_code_;
};

}  // namespace

std::optional<NumberVerdict> classify(int country_code, std::string_view nsn) {
  const auto& regions = Table::get().regions(country_code);
  if (regions.empty()) return NumberVerdict{"ZZ", false};
  // GetRegionCodeForNumber: the only region, or the first whose leading digits match the
  // number (when it has them) or whose patterns know the number's type (when not).
  Table::Region* chosen = nullptr;
  if (regions.size() == 1) {
    chosen = regions.front().get();
  } else {
    for (const auto& r : regions) {
      if (!r->metadata) continue;
      const RegionPatterns& p = Table::patterns(*r);
      if (!p.complete) return std::nullopt;
      if (p.has_leading_digits ? p.leading_digits->matches_prefix(nsn) : p.known_type(nsn)) {
        chosen = r.get();
        break;
      }
    }
    if (!chosen) return NumberVerdict{"ZZ", false};
  }
  // IsValidNumberForRegion(number, region): the region's metadata knows the type.
  if (!chosen->metadata) return NumberVerdict{chosen->code, false};
  const RegionPatterns& p = Table::patterns(*chosen);
  if (!p.complete) return std::nullopt;
  return NumberVerdict{chosen->code, p.known_type(nsn)};
}

}  // namespace diskret::phone::detail
