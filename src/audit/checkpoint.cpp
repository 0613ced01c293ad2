#include "audit/checkpoint.hpp"

#include "core/hex.hpp"

namespace diskret::audit {

std::string checkpoint_message(const Checkpoint& c) {
  std::string s = "diskret-audit-checkpoint/1;";
  s += std::to_string(c.tenant);
  s += ';';
  s += std::to_string(c.seq);
  s += ';';
  s += to_hex(c.hash);
  s += ';';
  s += std::to_string(c.at_ms);
  s += ';';
  s += c.key_id;
  return s;
}

Checkpoint make_checkpoint(const ChainHead& head, std::int64_t at_ms, const crypto::SigningKey& key) {
  Checkpoint c;
  c.tenant = head.tenant;
  c.seq = head.seq;
  c.hash = head.hash;
  c.at_ms = at_ms;
  c.key_id = key.public_key().id();
  c.signature = key.sign(checkpoint_message(c));
  return c;
}

bool signature_valid(const Checkpoint& c, const crypto::SigningPublicKey& key) {
  return c.key_id == key.id() && crypto::verify_signature(key, checkpoint_message(c), c.signature);
}

}  // namespace diskret::audit
