// Pure rules of the credits: prices, entries, threshold crossings, CSV.
#include <gtest/gtest.h>

#include "billing/ledger.hpp"
#include "billing/price_table.hpp"

namespace diskret::billing {
namespace {

TEST(PriceTable, DefaultAndCountryOverridesPerSegment) {
  auto t = PriceTable::parse(7, {"DE=9", "AT=12"});
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(t->price("DE", 1), 9);
  EXPECT_EQ(t->price("DE", 3), 27);
  EXPECT_EQ(t->price("AT", 2), 24);
  EXPECT_EQ(t->price("FR", 2), 14);
  EXPECT_EQ(t->price("", 0), 7);  // at least one segment
}

TEST(PriceTable, RejectsMalformedEntries) {
  for (const char* bad : {"de=9", "DEU=9", "DE=", "DE=-1", "DE=9x", "DE:9", "DE=100001"}) {
    EXPECT_FALSE(PriceTable::parse(7, {bad})) << bad;
  }
  EXPECT_FALSE(PriceTable::parse(-1, {}));
}

TEST(Ledger, DebitNeverMakesTheBalanceNegative) {
  EXPECT_FALSE(make_entry(1, EntryKind::debit, 11, 10, 0));
  auto e = make_entry(1, EntryKind::debit, 10, 10, 0);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->balance_after, 0);
  EXPECT_EQ(e->debit_account, "tenant");
  EXPECT_EQ(e->credit_account, "messages");
  EXPECT_FALSE(make_entry(1, EntryKind::topup, 0, 10, 0));
  EXPECT_FALSE(make_entry(1, EntryKind::grant, -5, 10, 0));
}

TEST(Ledger, CreditsMoveMoneyIntoTheTenantAccount) {
  for (auto kind : {EntryKind::topup, EntryKind::grant, EntryKind::refund}) {
    auto e = make_entry(1, kind, 250, 100, 0);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->balance_after, 350);
    EXPECT_EQ(e->credit_account, "tenant");
    EXPECT_NE(e->debit_account, "tenant");
  }
}

TEST(Ledger, CrossingBelowTheThresholdOnce) {
  EXPECT_TRUE(crosses_below(500, 499, 500));
  EXPECT_FALSE(crosses_below(499, 400, 500));
  EXPECT_FALSE(crosses_below(900, 500, 500));
}

TEST(Ledger, CsvHasHeaderQuotesAndNoFormulas) {
  store::LedgerEntryRecord e;
  e.id = 3;
  e.kind = "grant";
  e.debit_account = "grant";
  e.credit_account = "tenant";
  e.amount_cents = 1000;
  e.balance_after = 1000;
  e.reference = "=HYPERLINK(\"x\")";
  e.created_at_ms = 0;
  const std::string csv = ledger_csv({e});
  EXPECT_EQ(csv.substr(0, csv.find("\r\n")),
            "id,created_at,kind,debit_account,credit_account,amount_cents,balance_after_cents,"
            "message_id,reference");
  EXPECT_NE(csv.find("3,1970-01-01T00:00:00Z,grant,grant,tenant,1000,1000,,\"'=HYPERLINK(\"\"x\"\")\""),
            std::string::npos)
      << csv;
  EXPECT_EQ(format_euros(1234), "12.34");
  EXPECT_EQ(format_euros(5), "0.05");
}

}  // namespace
}  // namespace diskret::billing
