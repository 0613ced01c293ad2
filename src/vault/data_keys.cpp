#include "vault/data_keys.hpp"

#include <fmt/format.h>

#include "crypto/digest.hpp"
#include "crypto/secret_box.hpp"
#include "vault/errc.hpp"

namespace diskret::vault {
namespace {

std::string wrap_ad(std::string_view data_key_id) {
  return fmt::format("diskret-vault|data_key|{}", data_key_id);
}

}  // namespace

std::string master_key_id(const crypto::SecretKey& master) {
  return crypto::hmac_sha256_hex(master, "diskret-vault master key id").substr(0, 16);
}

const crypto::SecretKey* DataKeys::find(std::string_view id) const {
  auto it = keys_.find(id);
  return it == keys_.end() ? nullptr : &it->second;
}

Expected<void> DataKeys::insert_wrap(std::string_view data_key_id, const crypto::SecretKey& master,
                                     const crypto::SecretKey& key) {
  auto stmt = db_.prepare(
      "INSERT OR REPLACE INTO key_wraps (data_key_id, master_key_id, wrapped) VALUES (?, ?, ?)");
  if (!stmt) return unexpected(stmt.error());
  stmt->bind_text(1, data_key_id).bind_text(2, master_key_id(master));
  stmt->bind_blob(3, crypto::wrap_key(master, key, wrap_ad(data_key_id)));
  return stmt->run();
}

Expected<std::string> DataKeys::create(const crypto::SecretKey& master) {
  auto key = crypto::SecretKey::generate();
  std::string id = "dk_" + crypto::random_token(12);
  auto insert = db_.prepare("INSERT INTO data_keys (id, created_at, active) VALUES (?, ?, 1)");
  if (!insert) return unexpected(insert.error());
  insert->bind_text(1, id).bind(2, clock_.now_ms());
  if (auto ok = insert->run(); !ok) return unexpected(ok.error());
  if (auto ok = insert_wrap(id, master, key); !ok) return unexpected(ok.error());
  keys_.insert_or_assign(id, key);
  return id;
}

Expected<void> DataKeys::load(const crypto::SecretKey& master) {
  const std::string mid = master_key_id(master);
  keys_.clear();
  active_id_.clear();
  auto tx = Transaction::begin(db_);
  if (!tx) return unexpected(tx.error());
  auto stmt = db_.prepare(
      "SELECT d.id, d.active, w.wrapped FROM data_keys d "
      "LEFT JOIN key_wraps w ON w.data_key_id = d.id AND w.master_key_id = ? ORDER BY d.created_at");
  if (!stmt) return unexpected(stmt.error());
  stmt->bind_text(1, mid);
  for (;;) {
    auto row = stmt->step();
    if (!row) return unexpected(row.error());
    if (!*row) break;
    std::string id = stmt->text(0);
    if (stmt->is_null(2)) {
      return fail(Errc::key_unavailable,
                  fmt::format("data key {} is not wrapped under master key {}: wrong or "
                              "replaced [keys] master_key_file?", id, mid));
    }
    auto key = crypto::unwrap_key(master, stmt->blob(2), wrap_ad(id));
    if (!key) {
      return fail(Errc::key_unavailable,
                  fmt::format("data key {} does not open with master key {}", id, mid));
    }
    if (stmt->int64(1) != 0) active_id_ = id;
    keys_.insert_or_assign(std::move(id), *key);
  }
  if (keys_.empty()) {
    auto id = create(master);
    if (!id) return unexpected(id.error());
    active_id_ = *id;
  }
  if (active_id_.empty()) return fail(Errc::key_unavailable, "no active data key");
  // Every key opened with this master key, so wrappings under any other are leftovers of
  // a rotation that stopped after the key file was replaced.
  if (auto ok = drop_wraps_except(master); !ok) return ok;
  return tx->commit();
}

Expected<std::string> DataKeys::add_active(const crypto::SecretKey& current_master,
                                           const crypto::SecretKey& next_master) {
  if (auto ok = db_.exec("UPDATE data_keys SET active = 0"); !ok) return unexpected(ok.error());
  auto id = create(current_master);
  if (!id) return id;
  if (auto ok = insert_wrap(*id, next_master, keys_.at(*id)); !ok) return unexpected(ok.error());
  active_id_ = *id;
  return id;
}

Expected<void> DataKeys::drop_inactive() {
  auto stmt = db_.prepare("DELETE FROM data_keys WHERE id <> ?");
  if (!stmt) return unexpected(stmt.error());
  stmt->bind_text(1, active_id_);
  if (auto ok = stmt->run(); !ok) return ok;
  std::erase_if(keys_, [&](const auto& kv) { return kv.first != active_id_; });
  return {};
}

Expected<void> DataKeys::drop_wraps_except(const crypto::SecretKey& master) {
  auto stmt = db_.prepare("DELETE FROM key_wraps WHERE master_key_id <> ?");
  if (!stmt) return unexpected(stmt.error());
  stmt->bind_text(1, master_key_id(master));
  return stmt->run();
}

}  // namespace diskret::vault
