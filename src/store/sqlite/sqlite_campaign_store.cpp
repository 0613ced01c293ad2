#include "store/sqlite/sqlite_campaign_store.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

#include <fmt/format.h>

#include "store/sqlite/rows.hpp"

namespace diskret::store::sqlite {
namespace {

constexpr std::string_view kColumns =
    "id, tenant_id, name, lists, exclude_lists, sender, template, category, send_at, "
    "rate_per_minute, status, created_at, updated_at, send_at_local";
constexpr std::string_view kInsert =
    "INSERT INTO campaigns(tenant_id, name, lists, exclude_lists, sender, template, category, "
    "send_at, rate_per_minute, status, created_at, updated_at, send_at_local) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
constexpr std::string_view kGet =
    "SELECT id, tenant_id, name, lists, exclude_lists, sender, template, category, send_at, "
    "rate_per_minute, status, created_at, updated_at, send_at_local FROM campaigns WHERE tenant_id = ? AND id = ?";
constexpr std::string_view kList =
    "SELECT id, tenant_id, name, lists, exclude_lists, sender, template, category, send_at, "
    "rate_per_minute, status, created_at, updated_at, send_at_local FROM campaigns "
    "WHERE tenant_id = ? AND id < ? ORDER BY id DESC LIMIT ?";
constexpr std::string_view kActive =
    "SELECT id, tenant_id, name, lists, exclude_lists, sender, template, category, send_at, "
    "rate_per_minute, status, created_at, updated_at, send_at_local FROM campaigns "
    "WHERE status IN ('scheduled', 'running') ORDER BY id";
constexpr std::string_view kTransition =
    "UPDATE campaigns SET status = ?, updated_at = ? WHERE tenant_id = ? AND id = ? AND status = ?";
constexpr std::string_view kPending =
    "SELECT contact_id FROM campaign_recipients WHERE campaign_id = ? AND state = 0 "
    "AND not_before <= ? ORDER BY contact_id LIMIT ?";
constexpr std::string_view kHold =
    "UPDATE campaign_recipients SET not_before = ? "
    "WHERE campaign_id = ? AND contact_id = ? AND state = 0";
constexpr std::string_view kNextPending =
    "SELECT min(not_before) FROM campaign_recipients WHERE campaign_id = ? AND state = 0";
constexpr std::string_view kMark =
    "UPDATE campaign_recipients SET state = ?, message_id = ?, reason = ? "
    "WHERE campaign_id = ? AND contact_id = ?";
constexpr std::string_view kCounts =
    "SELECT r.state, r.reason, m.status, COUNT(*) FROM campaign_recipients r "
    "LEFT JOIN messages m ON m.id = r.message_id WHERE r.campaign_id = ? "
    "GROUP BY r.state, r.reason, m.status";
constexpr std::string_view kReport =
    "SELECT r.contact_id, r.state, r.message_id, r.reason, m.status FROM campaign_recipients r "
    "LEFT JOIN messages m ON m.id = r.message_id WHERE r.campaign_id = ? ORDER BY r.contact_id";
constexpr std::string_view kMessageIds =
    "SELECT r.message_id FROM campaign_recipients r JOIN campaigns c ON c.id = r.campaign_id "
    "WHERE c.tenant_id = ? AND r.campaign_id = ? AND r.message_id IS NOT NULL "
    "ORDER BY r.message_id";

std::string join_ids(const std::vector<std::uint64_t>& ids) {
  std::string out;
  for (auto id : ids) {
    if (!out.empty()) out += ' ';
    out += std::to_string(id);
  }
  return out;
}

std::vector<std::uint64_t> split_ids(std::string_view text) {
  std::vector<std::uint64_t> out;
  while (!text.empty()) {
    const auto space = text.find(' ');
    const auto word = text.substr(0, space);
    std::uint64_t id = 0;
    if (std::from_chars(word.data(), word.data() + word.size(), id).ec == std::errc{}) {
      out.push_back(id);
    }
    if (space == std::string_view::npos) break;
    text.remove_prefix(space + 1);
  }
  return out;
}

std::string sql_list(const std::vector<std::uint64_t>& ids) {
  std::string out;
  for (auto id : ids) {
    if (!out.empty()) out += ", ";
    out += std::to_string(id);
  }
  return out;
}

CampaignRecord row(const SqlStatement& s) {
  CampaignRecord r;
  r.id = static_cast<std::uint64_t>(s.int64(0));
  r.tenant_id = static_cast<std::uint64_t>(s.int64(1));
  r.name = s.text(2);
  r.lists = split_ids(s.text(3));
  r.exclude_lists = split_ids(s.text(4));
  r.sender = s.text(5);
  r.template_text = s.text(6);
  r.category = static_cast<std::uint8_t>(s.int64(7));
  r.send_at_ms = s.optional_int64(8);
  r.rate_per_minute = static_cast<std::uint32_t>(s.int64(9));
  r.status = s.text(10);
  r.created_at = s.int64(11);
  r.updated_at = s.int64(12);
  r.send_at_local = s.text(13);
  return r;
}

}  // namespace

Expected<std::unique_ptr<SqliteCampaignStore>> SqliteCampaignStore::open(
    const std::filesystem::path& main_path, std::chrono::milliseconds busy_timeout) {
  auto db = SqliteDb::open_beside(main_path, busy_timeout);
  if (!db) return unexpected(db.error());
  return std::make_unique<SqliteCampaignStore>(OpenToken{}, std::make_unique<SqliteDb>(std::move(*db)));
}

SqliteCampaignStore::SqliteCampaignStore(OpenToken, std::unique_ptr<SqlDb> db) : db_(std::move(db)) {}

Expected<std::uint64_t> SqliteCampaignStore::insert(const CampaignRecord& r) {
  std::lock_guard lock(mutex_);
  // SQLITE_STATIC binding: the texts must live until the statement ran.
  const std::string lists = join_ids(r.lists);
  const std::string excluded = join_ids(r.exclude_lists);
  return insert_returning_id(*db_, kInsert, [&](SqlStatement& s) {
    s.bind(1, r.tenant_id);
    s.bind_text(2, r.name);
    s.bind_text(3, lists);
    s.bind_text(4, excluded);
    s.bind_text(5, r.sender);
    s.bind_text(6, r.template_text);
    s.bind(7, static_cast<int>(r.category));
    s.bind(8, r.send_at_ms);
    s.bind(9, static_cast<std::int64_t>(r.rate_per_minute));
    s.bind_text(10, r.status);
    s.bind(11, r.created_at);
    s.bind(12, r.updated_at);
    s.bind_text(13, r.send_at_local);
  });
}

Expected<std::vector<CampaignRecord>> SqliteCampaignStore::rows(SqlLease& s) {
  std::vector<CampaignRecord> out;
  for (;;) {
    auto more = s->step();
    if (!more) return unexpected(more.error());
    if (!*more) break;
    out.push_back(row(*s));
  }
  return out;
}

Expected<std::optional<CampaignRecord>> SqliteCampaignStore::get(std::uint64_t tenant,
                                                                 std::uint64_t id) {
  std::lock_guard lock(mutex_);
  auto s = db_->use(kGet);
  if (!s) return unexpected(s.error());
  (*s)->bind(1, tenant);
  (*s)->bind(2, id);
  auto found = rows(*s);
  if (!found) return unexpected(found.error());
  if (found->empty()) return std::optional<CampaignRecord>{};
  return std::optional<CampaignRecord>{std::move(found->front())};
}

Expected<std::vector<CampaignRecord>> SqliteCampaignStore::list(std::uint64_t tenant,
                                                                std::uint64_t before,
                                                                std::size_t limit) {
  std::lock_guard lock(mutex_);
  auto s = db_->use(kList);
  if (!s) return unexpected(s.error());
  (*s)->bind(1, tenant);
  (*s)->bind(2, before == 0 ? std::numeric_limits<std::int64_t>::max()
                            : static_cast<std::int64_t>(before));
  (*s)->bind(3, static_cast<std::int64_t>(limit));
  return rows(*s);
}

Expected<bool> SqliteCampaignStore::transition(std::uint64_t tenant, std::uint64_t id,
                                               const std::string& from, const std::string& to,
                                               std::int64_t now_ms, bool materialise) {
  std::lock_guard lock(mutex_);
  if (auto ok = db_->begin(); !ok) return unexpected(ok.error());
  auto changed = transition_locked(tenant, id, from, to, now_ms, materialise);
  if (!changed || !*changed) {
    (void)db_->exec("ROLLBACK");
    return changed;
  }
  if (auto ok = db_->exec("COMMIT"); !ok) {
    if (db_->in_transaction()) (void)db_->exec("ROLLBACK");
    return unexpected(ok.error());
  }
  return true;
}

Expected<bool> SqliteCampaignStore::transition_locked(std::uint64_t tenant, std::uint64_t id,
                                                      const std::string& from,
                                                      const std::string& to, std::int64_t now_ms,
                                                      bool materialise) {
  std::vector<std::uint64_t> lists, excluded;
  {
    auto s = db_->use(kGet);
    if (!s) return unexpected(s.error());
    (*s)->bind(1, tenant);
    (*s)->bind(2, id);
    auto found = rows(*s);
    if (!found) return unexpected(found.error());
    if (found->empty() || found->front().status != from) return false;
    lists = found->front().lists;
    excluded = found->front().exclude_lists;
  }
  {
    auto s = db_->use(kTransition);
    if (!s) return unexpected(s.error());
    (*s)->bind_text(1, to);
    (*s)->bind(2, now_ms);
    (*s)->bind(3, tenant);
    (*s)->bind(4, id);
    (*s)->bind_text(5, from);
    if (auto ok = (*s)->run(); !ok) return unexpected(ok.error());
    if (db_->changes() == 0) return false;
  }
  if (!materialise || lists.empty()) return true;
  // Set-based: a list of a million members is copied inside SQLite, never held in memory.
  // Ids are integers formatted here, not user text.
  std::string sql = fmt::format(
      "INSERT INTO campaign_recipients(campaign_id, contact_id) "
      "SELECT {0}, m.contact_id FROM list_members m "
      "JOIN contacts c ON c.id = m.contact_id AND c.tenant_id = {1} "
      "JOIN contact_lists l ON l.id = m.list_id AND l.tenant_id = {1} "
      "WHERE m.list_id IN ({2})",
      id, tenant, sql_list(lists));
  if (!excluded.empty()) {
    sql += fmt::format(" AND m.contact_id NOT IN (SELECT contact_id FROM list_members "
                       "WHERE list_id IN ({}))",
                       sql_list(excluded));
  }
  sql += " ON CONFLICT DO NOTHING";
  if (auto ok = db_->exec(sql); !ok) return unexpected(ok.error());
  return true;
}

Expected<std::vector<CampaignRecord>> SqliteCampaignStore::active() {
  std::lock_guard lock(mutex_);
  const bool postgresql = db_->dialect() == SqlDialect::postgresql;
  if (postgresql && (!runner_lock_ || runner_session_ != db_->session())) {
    // Several nodes: one runs the campaigns, the one holding this session lock; when it
    // dies its connection ends and the next node to ask takes over (from the recipients'
    // states, which every send commits). The others see no active campaign. A connection
    // reopened after a database restart has lost the lock: it asks again.
    auto s = db_->use("SELECT pg_try_advisory_lock(7235441821234300418)");
    if (!s) return unexpected(s.error());
    auto row = (*s)->step();
    if (!row) return unexpected(row.error());
    runner_lock_ = *row && (*s)->int64(0) != 0;
    runner_session_ = db_->session();
    if (!runner_lock_) return std::vector<CampaignRecord>{};
  }
  auto s = db_->use(kActive);
  if (!s) return unexpected(s.error());
  auto active = rows(*s);
  // The connection was reopened by this very read: another node may hold the lock now.
  if (postgresql && active && runner_session_ != db_->session()) return std::vector<CampaignRecord>{};
  return active;
}

Expected<std::vector<std::uint64_t>> SqliteCampaignStore::pending(std::uint64_t campaign,
                                                                  std::size_t limit,
                                                                  std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto s = db_->use(kPending);
  if (!s) return unexpected(s.error());
  (*s)->bind(1, campaign);
  (*s)->bind(2, now_ms);
  (*s)->bind(3, static_cast<std::int64_t>(limit));
  return rows::all<std::uint64_t>(
      **s, [](const SqlStatement& q) { return static_cast<std::uint64_t>(q.int64(0)); });
}

Expected<std::vector<RecipientReportRow>> SqliteCampaignStore::report(std::uint64_t campaign) {
  std::lock_guard lock(mutex_);
  auto s = db_->use(kReport);
  if (!s) return unexpected(s.error());
  (*s)->bind(1, campaign);
  return rows::all<RecipientReportRow>(**s, [](const SqlStatement& q) {
    RecipientReportRow r;
    r.contact_id = static_cast<std::uint64_t>(q.int64(0));
    r.state = static_cast<CampaignRecipientState>(q.int64(1));
    if (!q.is_null(2)) r.message_id = static_cast<std::uint64_t>(q.int64(2));
    if (!q.is_null(3)) r.reason = q.text(3);
    if (!q.is_null(4)) r.message_status = static_cast<std::uint8_t>(q.int64(4));
    return r;
  });
}

Expected<void> SqliteCampaignStore::hold(
    std::uint64_t campaign, const std::vector<std::pair<std::uint64_t, std::int64_t>>& until) {
  std::lock_guard lock(mutex_);
  if (until.empty()) return {};
  if (auto ok = db_->begin(); !ok) return ok;
  for (const auto& [contact, at_ms] : until) {
    auto s = db_->use(kHold);
    Expected<void> ran = s ? Expected<void>{} : unexpected(s.error());
    if (ran) {
      (*s)->bind(1, at_ms);
      (*s)->bind(2, campaign);
      (*s)->bind(3, contact);
      ran = (*s)->run();
    }
    if (!ran) {
      (void)db_->exec("ROLLBACK");
      return ran;
    }
  }
  return db_->exec("COMMIT");
}

Expected<std::optional<std::int64_t>> SqliteCampaignStore::next_pending_at(std::uint64_t campaign) {
  std::lock_guard lock(mutex_);
  auto s = db_->use(kNextPending);
  if (!s) return unexpected(s.error());
  (*s)->bind(1, campaign);
  auto row = (*s)->step();
  if (!row) return unexpected(row.error());
  if (!*row || (*s)->is_null(0)) return std::optional<std::int64_t>{};
  return std::optional<std::int64_t>{(*s)->int64(0)};
}

Expected<void> SqliteCampaignStore::mark(std::uint64_t campaign,
                                         const std::vector<RecipientOutcome>& outcomes) {
  std::lock_guard lock(mutex_);
  if (outcomes.empty()) return {};
  // One transaction (one fsync) per batch of recipients.
  if (auto ok = db_->begin(); !ok) return unexpected(ok.error());
  for (const auto& o : outcomes) {
    auto s = db_->use(kMark);
    if (!s) {
      (void)db_->exec("ROLLBACK");
      return unexpected(s.error());
    }
    (*s)->bind(1, static_cast<int>(o.state));
    (*s)->bind(2, o.message_id);
    if (o.reason.empty()) {
      (*s)->bind_null(3);
    } else {
      (*s)->bind_text(3, o.reason);
    }
    (*s)->bind(4, campaign);
    (*s)->bind(5, o.contact_id);
    if (auto ok = (*s)->run(); !ok) {
      if (db_->in_transaction()) (void)db_->exec("ROLLBACK");
      return unexpected(ok.error());
    }
  }
  if (auto ok = db_->exec("COMMIT"); !ok) {
    if (db_->in_transaction()) (void)db_->exec("ROLLBACK");
    return unexpected(ok.error());
  }
  return {};
}

Expected<CampaignCounts> SqliteCampaignStore::counts(std::uint64_t campaign) {
  std::lock_guard lock(mutex_);
  auto s = db_->use(kCounts);
  if (!s) return unexpected(s.error());
  (*s)->bind(1, campaign);
  CampaignCounts c;
  for (;;) {
    auto more = (*s)->step();
    if (!more) return unexpected(more.error());
    if (!*more) break;
    const auto state = static_cast<CampaignRecipientState>((*s)->int64(0));
    const auto n = static_cast<std::uint64_t>((*s)->int64(3));
    if (state == CampaignRecipientState::pending) {
      c.pending += n;
    } else if (state == CampaignRecipientState::rejected) {
      c.rejected += n;
      const std::string reason = (*s)->is_null(1) ? std::string("unknown") : (*s)->text(1);
      auto it = std::find_if(c.rejected_by_reason.begin(), c.rejected_by_reason.end(),
                             [&](const auto& p) { return p.first == reason; });
      if (it == c.rejected_by_reason.end()) {
        c.rejected_by_reason.emplace_back(reason, n);
      } else {
        it->second += n;
      }
    } else {
      c.sent += n;
      // messages.status: 2 delivered, 3 failed, 4 expired.
      const auto status = (*s)->optional_int64(2);
      if (status == 2) c.delivered += n;
      if (status == 3 || status == 4) c.failed += n;
    }
  }
  return c;
}

Expected<std::vector<std::uint64_t>> SqliteCampaignStore::message_ids(std::uint64_t tenant,
                                                                      std::uint64_t campaign) {
  std::lock_guard lock(mutex_);
  auto s = db_->use(kMessageIds);
  if (!s) return unexpected(s.error());
  (*s)->bind(1, tenant);
  (*s)->bind(2, campaign);
  std::vector<std::uint64_t> out;
  for (;;) {
    auto more = (*s)->step();
    if (!more) return unexpected(more.error());
    if (!*more) break;
    out.push_back(static_cast<std::uint64_t>((*s)->int64(0)));
  }
  return out;
}

Expected<std::vector<std::uint64_t>> SqliteCampaignStore::audience(std::uint64_t tenant,
                                                                   std::uint64_t campaign,
                                                                   std::uint64_t after,
                                                                   std::size_t limit) {
  std::lock_guard lock(mutex_);
  std::vector<std::uint64_t> lists, excluded;
  {
    auto s = db_->use(kGet);
    if (!s) return unexpected(s.error());
    (*s)->bind(1, tenant);
    (*s)->bind(2, campaign);
    auto found = rows(*s);
    if (!found) return unexpected(found.error());
    if (found->empty()) return fail(Errc::not_found, "no such campaign");
    lists = found->front().lists;
    excluded = found->front().exclude_lists;
  }
  std::vector<std::uint64_t> out;
  if (lists.empty()) return out;
  // The query of the materialisation at start, a page at a time (keyset on contact id);
  // ids are integers formatted here, not user text.
  std::string sql = fmt::format(
      "SELECT DISTINCT m.contact_id FROM list_members m "
      "JOIN contacts c ON c.id = m.contact_id AND c.tenant_id = {0} "
      "JOIN contact_lists l ON l.id = m.list_id AND l.tenant_id = {0} "
      "WHERE m.list_id IN ({1}) AND m.contact_id > {2}",
      tenant, sql_list(lists), after);
  if (!excluded.empty()) {
    sql += fmt::format(" AND m.contact_id NOT IN (SELECT contact_id FROM list_members "
                       "WHERE list_id IN ({}))",
                       sql_list(excluded));
  }
  sql += fmt::format(" ORDER BY m.contact_id LIMIT {}", limit);
  auto s = db_->statement(sql);
  if (!s) return unexpected(s.error());
  for (;;) {
    auto row = (*s)->step();
    if (!row) return unexpected(row.error());
    if (!*row) break;
    out.push_back(static_cast<std::uint64_t>((*s)->int64(0)));
  }
  return out;
}

}  // namespace diskret::store::sqlite
