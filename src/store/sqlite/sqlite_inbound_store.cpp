// SqliteInboundStore: writes on the connection of the Store's open transaction (so subject
// keys and the rows sealed under them commit together), reads on pooled connections.
#include "store/sqlite/sqlite_inbound_store.hpp"

#include <limits>

#include "store/sqlite/inbound_sql.hpp"

namespace diskret::store::sqlite {
namespace {

using namespace inbound_sql;

#define DISKRET_INBOUND_COLUMNS \
  "id, tenant_id, subject_id, number, payload, keyword, carrier, received_at, handled"
#define DISKRET_REPLY_COLUMNS "id, tenant_id, subject_id, kind, inbound_id, at, accepted"

constexpr std::string_view kNumber =
    "SELECT number, kind, tenant_id, created_at FROM inbound_numbers WHERE number = ?";
constexpr std::string_view kNumbers =
    "SELECT number, kind, tenant_id, created_at FROM inbound_numbers WHERE tenant_id = ? "
    "ORDER BY number";
constexpr std::string_view kInsertNumber =
    "INSERT INTO inbound_numbers(number, kind, tenant_id, created_at) VALUES (?, ?, ?, ?)";
constexpr std::string_view kReleaseNumber =
    "DELETE FROM inbound_numbers WHERE tenant_id = ? AND number = ?";
constexpr std::string_view kInsertInbound =
    "INSERT INTO inbound_messages(" DISKRET_INBOUND_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kMarkHandled = "UPDATE inbound_messages SET handled = 1 WHERE id = ?";
constexpr std::string_view kUnhandled =
    "SELECT " DISKRET_INBOUND_COLUMNS
    " FROM inbound_messages WHERE handled = 0 ORDER BY id LIMIT ?";
constexpr std::string_view kInbound =
    "SELECT " DISKRET_INBOUND_COLUMNS " FROM inbound_messages WHERE tenant_id = ? AND id = ?";
constexpr std::string_view kInboundPage =
    "SELECT " DISKRET_INBOUND_COLUMNS
    " FROM inbound_messages WHERE tenant_id = ? AND id < ? ORDER BY id DESC LIMIT ?";
constexpr std::string_view kMaxInbound = "SELECT coalesce(max(id), 0) FROM inbound_messages";
constexpr std::string_view kReplies =
    "SELECT " DISKRET_REPLY_COLUMNS
    " FROM keyword_replies WHERE tenant_id = ? AND subject_id = ? AND at >= ? ORDER BY id";
constexpr std::string_view kInsertReply =
    "INSERT INTO keyword_replies(tenant_id, subject_id, kind, inbound_id, at, accepted) "
    "VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
constexpr std::string_view kMarkAccepted = "UPDATE keyword_replies SET accepted = 1 WHERE id = ?";
constexpr std::string_view kUnaccepted =
    "SELECT " DISKRET_REPLY_COLUMNS " FROM keyword_replies WHERE accepted = 0 ORDER BY id LIMIT ?";
constexpr std::string_view kPutSettings =
    "INSERT INTO inbound_settings(tenant_id, settings, updated_at) VALUES (?, ?, ?) "
    "ON CONFLICT(tenant_id) DO UPDATE SET settings = excluded.settings, "
    "updated_at = excluded.updated_at";
constexpr std::string_view kSettings = "SELECT settings FROM inbound_settings WHERE tenant_id = ?";

InboundNumberRecord number_row(const SqlStatement& s) {
  return InboundNumberRecord{s.text(0), static_cast<std::uint8_t>(s.int64(1)), id(s, 2),
                             s.int64(3)};
}

InboundMessageRecord inbound_row(const SqlStatement& s) {
  InboundMessageRecord r;
  r.id = id(s, 0);
  r.tenant_id = id(s, 1);
  r.subject_id = optional_id(s, 2);
  r.number = s.text(3);
  r.payload = s.blob(4);
  if (auto k = s.optional_int64(5)) r.keyword = static_cast<std::uint8_t>(*k);
  r.carrier = s.text(6);
  r.received_at_ms = s.int64(7);
  r.handled = s.int64(8) != 0;
  return r;
}

KeywordReplyRecord reply_row(const SqlStatement& s) {
  KeywordReplyRecord r;
  r.id = id(s, 0);
  r.tenant_id = id(s, 1);
  r.subject_id = id(s, 2);
  r.kind = static_cast<std::uint8_t>(s.int64(3));
  r.inbound_id = id(s, 4);
  r.at_ms = s.int64(5);
  r.accepted = s.int64(6) != 0;
  return r;
}

class Writes final : public InboundWrites {
 public:
  explicit Writes(SqlDb& db) : db_(db) {}

  // InboundWrites
  Expected<bool> assign_number(const InboundNumberRecord& n) override {
    auto existing = first<InboundNumberRecord>(
        db_, kNumber, [&](SqlStatement& s) { s.bind_text(1, n.number); }, number_row);
    if (!existing) return unexpected(existing.error());
    if (*existing) {
      if ((*existing)->tenant_id == n.tenant_id) return false;
      return fail(Errc::already_exists, "The number is assigned to another tenant.");
    }
    auto ok = run(db_, kInsertNumber, [&](SqlStatement& s) {
      s.bind_text(1, n.number);
      s.bind(2, int{n.kind});
      s.bind(3, n.tenant_id);
      s.bind(4, n.created_at_ms);
    });
    if (!ok) return unexpected(ok.error());
    return true;
  }
  Expected<bool> release_number(std::uint64_t tenant, const std::string& number) override {
    return change(db_, kReleaseNumber, [&](SqlStatement& s) {
      s.bind(1, tenant);
      s.bind_text(2, number);
    });
  }
  Expected<void> insert_inbound(const InboundMessageRecord& m) override {
    return run(db_, kInsertInbound, [&](SqlStatement& s) {
      s.bind(1, m.id);
      s.bind(2, m.tenant_id);
      s.bind(3, m.subject_id);
      s.bind_text(4, m.number);
      s.bind_blob(5, m.payload);
      if (m.keyword) {
        s.bind(6, int{*m.keyword});
      } else {
        s.bind_null(6);
      }
      s.bind_text(7, m.carrier);
      s.bind(8, m.received_at_ms);
      s.bind(9, m.handled ? 1 : 0);
    });
  }
  Expected<void> mark_handled(std::uint64_t inbound_id) override {
    return run(db_, kMarkHandled, [&](SqlStatement& s) { s.bind(1, inbound_id); });
  }
  Expected<std::uint64_t> insert_keyword_reply(const KeywordReplyRecord& r) override {
    return insert_returning_id(db_, kInsertReply, [&](SqlStatement& s) {
      s.bind(1, r.tenant_id);
      s.bind(2, r.subject_id);
      s.bind(3, int{r.kind});
      s.bind(4, r.inbound_id);
      s.bind(5, r.at_ms);
      s.bind(6, r.accepted ? 1 : 0);
    });
  }
  Expected<void> mark_reply_accepted(std::uint64_t reply_id) override {
    return run(db_, kMarkAccepted, [&](SqlStatement& s) { s.bind(1, reply_id); });
  }
  Expected<void> put_settings(std::uint64_t tenant, const std::string& json,
                              std::int64_t now_ms) override {
    return run(db_, kPutSettings, [&](SqlStatement& s) {
      s.bind(1, tenant);
      s.bind_text(2, json);
      s.bind(3, now_ms);
    });
  }

 private:
  SqlDb& db_;
};

}  // namespace

std::unique_ptr<InboundWrites> SqliteInboundStore::writes(WriteTransaction& tx) {
  return std::make_unique<Writes>(store_.sql_writer(tx));
}

Expected<std::optional<InboundNumberRecord>> SqliteInboundStore::number(const std::string& n) {
  return read_first<InboundNumberRecord>(
      store_, kNumber, [&](SqlStatement& s) { s.bind_text(1, n); }, number_row);
}

Expected<std::vector<InboundNumberRecord>> SqliteInboundStore::numbers(std::uint64_t tenant) {
  return read_all<InboundNumberRecord>(
      store_, kNumbers, [&](SqlStatement& s) { s.bind(1, tenant); }, number_row);
}

Expected<std::optional<InboundMessageRecord>> SqliteInboundStore::inbound(std::uint64_t tenant,
                                                                          std::uint64_t id) {
  return read_first<InboundMessageRecord>(
      store_, kInbound,
      [&](SqlStatement& s) {
        s.bind(1, tenant);
        s.bind(2, id);
      },
      inbound_row);
}

Expected<std::vector<InboundMessageRecord>> SqliteInboundStore::inbound_page(
    const InboundQuery& q) {
  return read_all<InboundMessageRecord>(
      store_, kInboundPage,
      [&](SqlStatement& s) {
        s.bind(1, q.tenant_id);
        s.bind(2, static_cast<std::int64_t>(
                      q.before_id.value_or(std::numeric_limits<std::int64_t>::max())));
        s.bind(3, static_cast<std::int64_t>(q.limit));
      },
      inbound_row);
}

Expected<std::uint64_t> SqliteInboundStore::max_inbound_id() {
  auto max = read_first<std::uint64_t>(store_, kMaxInbound, no_params(),
                                       [](const SqlStatement& s) { return id(s, 0); });
  if (!max) return unexpected(max.error());
  return max->value_or(0);
}

Expected<std::vector<InboundMessageRecord>> SqliteInboundStore::unhandled_inbound(
    std::size_t limit) {
  return read_all<InboundMessageRecord>(
      store_, kUnhandled, [&](SqlStatement& s) { s.bind(1, static_cast<std::int64_t>(limit)); },
      inbound_row);
}

Expected<std::vector<KeywordReplyRecord>> SqliteInboundStore::keyword_replies(
    std::uint64_t tenant, std::uint64_t subject_id, std::int64_t since_ms) {
  return read_all<KeywordReplyRecord>(
      store_, kReplies,
      [&](SqlStatement& s) {
        s.bind(1, tenant);
        s.bind(2, subject_id);
        s.bind(3, since_ms);
      },
      reply_row);
}

Expected<std::vector<KeywordReplyRecord>> SqliteInboundStore::unaccepted_replies(
    std::size_t limit) {
  return read_all<KeywordReplyRecord>(
      store_, kUnaccepted, [&](SqlStatement& s) { s.bind(1, static_cast<std::int64_t>(limit)); },
      reply_row);
}

Expected<std::optional<std::string>> SqliteInboundStore::settings(std::uint64_t tenant) {
  return read_first<std::string>(
      store_, kSettings, [&](SqlStatement& s) { s.bind(1, tenant); },
      [](const SqlStatement& s) { return s.text(0); });
}

}  // namespace diskret::store::sqlite
