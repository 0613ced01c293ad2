import { get, idempotencyKey, request } from "../api";
import { field, h, table } from "../dom";
import { formatDate, formatMoney, t } from "../i18n";
import type { PageContext } from "./index";
import { canManage, section, showError, showOk, statusLine } from "./util";

let vaultListener: ((e: MessageEvent) => void) | null = null;

export async function billing(main: HTMLElement, ctx: PageContext): Promise<void> {
  const balance = await get("/v1/balance");
  const balanceEl = h("p", { class: "big", id: "balance" }, formatMoney(balance.balance_cents, balance.currency));
  const ledger = await get("/v1/ledger?limit=50");
  const ledgerOut = h("div", {}, ledger.data.length === 0 ? h("p", {}, t("noData")) :
    table([t("time"), t("kind"), t("amount"), t("balance")], ledger.data.map((e: any) =>
      [formatDate(e.created_at), e.kind, formatMoney(e.amount_cents), formatMoney(e.balance_after_cents)]), t("ledger")));
  main.append(section(t("balance"), balanceEl), section(t("ledger"), ledgerOut));
  if (!canManage(ctx.session.role)) return;

  // Cards live in the vault: the portal sees tokens, brand and last four digits only.
  const cardSelect = h("select", { name: "card", required: true });
  const cardsOut = h("ul", { id: "cards" });
  const loadCards = async () => {
    const cards = (await get("/v1/cards")).data;
    cardsOut.replaceChildren(...(cards.length === 0 ? [h("li", {}, t("noCards"))] :
      cards.map((c: any) => h("li", {}, `${c.brand} •••• ${c.last4} (${c.exp_month}/${c.exp_year})`))));
    cardSelect.replaceChildren(...cards.map((c: any) => h("option", { value: c.token }, `${c.brand} •••• ${c.last4}`)));
  };
  const frameSlot = h("div", { class: "vault" });
  try {
    const form = await get("/v1/cards/form");
    const origin = new URL(form.url).origin;
    frameSlot.append(h("iframe", { src: form.url, title: t("addCard"), id: "vault-frame", referrerpolicy: "no-referrer" }));
    if (vaultListener) window.removeEventListener("message", vaultListener);
    vaultListener = (e: MessageEvent) => {
      // Only the vault's own frame may tell that a card was saved (tokens only, no card data).
      if (e.origin !== origin || !e.data || typeof e.data !== "object") return;
      loadCards().catch(() => {});
    };
    window.addEventListener("message", vaultListener);
  } catch (err) {
    frameSlot.append(h("p", { class: "error" }, String((err as Error).message)));
  }
  const amount = h("input", { name: "amount", type: "number", min: 1, step: "0.01", required: true, value: 50 });
  const status = statusLine();
  const topup = h("form", { class: "stack", onsubmit: async (e: Event) => {
    e.preventDefault();
    try {
      const r = await request("POST", "/v1/topups", { amount_cents: Math.round(Number(amount.value) * 100), card_token: cardSelect.value },
        { headers: { "Idempotency-Key": idempotencyKey() } });
      balanceEl.textContent = formatMoney(r.balance_cents, r.currency);
      showOk(status, t("topUpDone", { balance: formatMoney(r.balance_cents, r.currency) }));
    } catch (err) { showError(status, err); }
  } }, field(t("amountEur"), amount), field(t("card"), cardSelect), h("button", { type: "submit" }, t("topUp")), status);
  main.append(section(t("savedCards"), cardsOut), section(t("addCard"), frameSlot), section(t("topUp"), topup));
  await loadCards();
}
