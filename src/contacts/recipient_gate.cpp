#include "contacts/recipient_gate.hpp"

#include "contacts/consent.hpp"

namespace diskret::contacts {

const char* block_code(Block b) noexcept {
  switch (b) {
    case Block::none:
      return "";
    case Block::suppressed:
      return "suppressed";
    case Block::no_consent:
      return "no_consent";
  }
  return "";
}

const char* block_detail(Block b) noexcept {
  switch (b) {
    case Block::none:
      return "";
    case Block::suppressed:
      return "The number is on the suppression list (opted out).";
    case Block::no_consent:
      return "Marketing needs the recipient's consent; this number has none granted.";
  }
  return "";
}

Expected<std::vector<Block>> RecipientGate::check(std::uint64_t tenant, bool marketing,
                                                  std::span<const std::string> e164) {
  auto keys = keys_.tenant(tenant);
  if (!keys) return unexpected(keys.error());
  std::vector<store::Blind> blinds;
  std::vector<std::size_t> positions;
  blinds.reserve(e164.size());
  for (std::size_t i = 0; i < e164.size(); ++i) {
    if (e164[i].empty() || e164[i][0] != '+') continue;
    blinds.push_back(store::KeyRing::blind(**keys, e164[i]));
    positions.push_back(i);
  }
  auto states = contacts_.recipient_states(tenant, blinds);
  if (!states) return unexpected(states.error());
  std::vector<Block> out(e164.size(), Block::none);
  for (std::size_t k = 0; k < positions.size(); ++k) {
    const auto& s = (*states)[k];
    if (s.suppressed) {
      out[positions[k]] = Block::suppressed;
    } else if (marketing && s.consent_state != static_cast<std::uint8_t>(ConsentState::granted)) {
      out[positions[k]] = Block::no_consent;
    }
  }
  return out;
}

}  // namespace diskret::contacts
