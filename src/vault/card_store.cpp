#include "vault/card_store.hpp"

#include <fmt/format.h>

#include "crypto/secret_box.hpp"
#include "vault/errc.hpp"
#include "vault/sensitive.hpp"

namespace diskret::vault {
namespace {

std::string field_ad(std::string_view token, std::string_view field) {
  return fmt::format("diskret-vault|card|{}|{}", token, field);
}

constexpr std::string_view kColumns =
    "token, owner, brand, first6, last4, exp_month, exp_year, created_at, deleted_at";

CardRecord read_record(const Statement& s) {
  CardRecord r;
  r.token = s.text(0);
  r.owner = s.text(1);
  r.brand = parse_brand(s.text(2)).value_or(Brand::visa);
  r.first6 = s.text(3);
  r.last4 = s.text(4);
  r.exp_month = static_cast<int>(s.int64(5));
  r.exp_year = static_cast<int>(s.int64(6));
  r.created_at_ms = s.int64(7);
  r.deleted = !s.is_null(8);
  return r;
}

}  // namespace

std::string new_card_token() { return "tok_" + crypto::random_token(18); }

Expected<CardRecord> CardStore::insert(const ValidCard& card, std::string_view owner) {
  CardRecord r;
  r.token = new_card_token();
  r.owner = owner;
  r.brand = card.brand;
  r.first6 = card.first6();
  r.last4 = card.last4();
  r.exp_month = card.exp_month;
  r.exp_year = card.exp_year;
  r.created_at_ms = clock_.now_ms();
  const auto& key = keys_.active();
  auto stmt = db_.prepare(
      "INSERT INTO cards (token, owner, brand, first6, last4, exp_month, exp_year, holder_ct, "
      "pan_ct, key_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!stmt) return unexpected(stmt.error());
  stmt->bind_text(1, r.token).bind_text(2, r.owner).bind_text(3, brand_name(r.brand));
  stmt->bind_text(4, r.first6).bind_text(5, r.last4).bind(6, r.exp_month).bind(7, r.exp_year);
  stmt->bind_blob(8, crypto::seal(key, card.holder, field_ad(r.token, "holder")));
  stmt->bind_blob(9, crypto::seal(key, card.pan.view(), field_ad(r.token, "pan")));
  stmt->bind_text(10, keys_.active_id()).bind(11, r.created_at_ms);
  if (auto ok = stmt->run(); !ok) return unexpected(ok.error());
  return r;
}

Expected<std::optional<CardRecord>> CardStore::find(std::string_view token) const {
  auto stmt = db_.prepare(fmt::format("SELECT {} FROM cards WHERE token = ?", kColumns));
  if (!stmt) return unexpected(stmt.error());
  stmt->bind_text(1, token);
  auto row = stmt->step();
  if (!row) return unexpected(row.error());
  if (!*row) return std::optional<CardRecord>();
  return std::optional<CardRecord>(read_record(*stmt));
}

Expected<std::vector<CardRecord>> CardStore::list(std::string_view owner) const {
  auto stmt = db_.prepare(fmt::format(
      "SELECT {} FROM cards WHERE owner = ? AND deleted_at IS NULL ORDER BY created_at, rowid",
      kColumns));
  if (!stmt) return unexpected(stmt.error());
  stmt->bind_text(1, owner);
  std::vector<CardRecord> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return unexpected(row.error());
    if (!*row) break;
    out.push_back(read_record(*stmt));
  }
  return out;
}

Expected<SensitiveDigits> CardStore::open_pan(std::string_view token) const {
  auto stmt = db_.prepare("SELECT pan_ct, key_id FROM cards WHERE token = ? AND deleted_at IS NULL");
  if (!stmt) return unexpected(stmt.error());
  stmt->bind_text(1, token);
  auto row = stmt->step();
  if (!row) return unexpected(row.error());
  if (!*row || stmt->is_null(0)) return fail(Errc::not_found, "no such card");
  const auto* key = keys_.find(stmt->text(1));
  if (key == nullptr) return fail(Errc::key_unavailable, "the card's data key is not loaded");
  auto plain = crypto::open(*key, stmt->blob(0), field_ad(token, "pan"));
  if (!plain) return fail(Errc::storage, "a card number does not decrypt: " + plain.error().message());
  SensitiveDigits pan;
  for (char c : *plain) pan.push_back(c);
  wipe(*plain);
  return pan;
}

Expected<bool> CardStore::erase(std::string_view owner, std::string_view token) {
  auto stmt = db_.prepare(
      "UPDATE cards SET pan_ct = NULL, holder_ct = NULL, key_id = NULL, deleted_at = ? "
      "WHERE token = ? AND owner = ? AND deleted_at IS NULL");
  if (!stmt) return unexpected(stmt.error());
  stmt->bind(1, clock_.now_ms()).bind_text(2, token).bind_text(3, owner);
  if (auto ok = stmt->run(); !ok) return unexpected(ok.error());
  return db_.changes() == 1;
}

Expected<std::size_t> CardStore::reseal_all() {
  struct Sealed {
    std::string token, key_id, pan_ct, holder_ct;
  };
  std::vector<Sealed> rows;
  {
    auto stmt = db_.prepare(
        "SELECT token, key_id, pan_ct, holder_ct FROM cards WHERE pan_ct IS NOT NULL");
    if (!stmt) return unexpected(stmt.error());
    for (;;) {
      auto row = stmt->step();
      if (!row) return unexpected(row.error());
      if (!*row) break;
      rows.push_back({stmt->text(0), stmt->text(1), stmt->blob(2), stmt->blob(3)});
    }
  }
  const auto& next = keys_.active();
  auto update = db_.prepare("UPDATE cards SET pan_ct = ?, holder_ct = ?, key_id = ? WHERE token = ?");
  if (!update) return unexpected(update.error());
  for (const auto& r : rows) {
    const auto* old = keys_.find(r.key_id);
    if (old == nullptr) return fail(Errc::key_unavailable, "a card's data key is not loaded");
    auto pan = crypto::open(*old, r.pan_ct, field_ad(r.token, "pan"));
    auto holder = crypto::open(*old, r.holder_ct, field_ad(r.token, "holder"));
    if (!pan || !holder) return fail(Errc::storage, "a card does not decrypt during rotation");
    update->bind_blob(1, crypto::seal(next, *pan, field_ad(r.token, "pan")));
    update->bind_blob(2, crypto::seal(next, *holder, field_ad(r.token, "holder")));
    update->bind_text(3, keys_.active_id()).bind_text(4, r.token);
    wipe(*pan);
    wipe(*holder);
    if (auto ok = update->run(); !ok) return unexpected(ok.error());
    update->reset();
  }
  return rows.size();
}

}  // namespace diskret::vault
