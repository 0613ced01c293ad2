#pragma once
/// StrongId: an integer or string id that does not mix with ids of other kinds.
#include <compare>
#include <cstdint>
#include <functional>

namespace diskret {

/// `struct MessageId : StrongId<MessageId, std::uint64_t> {};`
template <class Tag, class T>
struct StrongId {
  T value{};
  constexpr StrongId() = default;
  constexpr explicit StrongId(T v) : value(std::move(v)) {}
  friend constexpr auto operator<=>(const StrongId&, const StrongId&) = default;
};

}  // namespace diskret

template <class Tag, class T>
struct std::hash<diskret::StrongId<Tag, T>> {
  std::size_t operator()(const diskret::StrongId<Tag, T>& id) const noexcept {
    return std::hash<T>{}(id.value);
  }
};
