import { get } from "../api";
import { clear, download, field, h, table } from "../dom";
import { formatDate, t } from "../i18n";
import { maskNumber } from "../sms";
import type { PageContext } from "./index";
import { poll, showError, statusLine } from "./util";

const STATUSES = ["", "accepted", "submitted", "delivered", "failed", "expired", "rejected"];

function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? "" : String(v);
  if (/^[=+\-@]/.test(s)) s = `'${s}`;  // no formulas in spreadsheets
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function messages(main: HTMLElement, ctx: PageContext): Promise<void> {
  const masked = ctx.session.role === "viewer";
  const params = new URLSearchParams(location.search);
  const status = h("select", { name: "status" }, STATUSES.map((s) => h("option", { value: s }, s || t("all"))));
  status.value = params.get("status") ?? "";
  const since = h("input", { name: "since", type: "date", value: params.get("since") ?? "" });
  const until = h("input", { name: "until", type: "date", value: params.get("until") ?? "" });
  const campaign = params.get("campaign") ?? "";
  const out = h("div", { id: "message-list" });
  const info = statusLine();
  let rows: any[] = [];
  let cursor: string | null = null;

  const query = (c?: string | null) => {
    const q = new URLSearchParams({ limit: "100" });
    if (status.value) q.set("status", status.value);
    if (since.value) q.set("since", new Date(since.value).toISOString());
    if (until.value) q.set("until", new Date(new Date(until.value).getTime() + 86400_000).toISOString());
    if (campaign) q.set("campaign", campaign);
    if (c) q.set("cursor", c);
    return `/v1/messages?${q}`;
  };
  const show = (n: string) => (masked ? maskNumber(n) : n);
  const draw = () => {
    clear(out);
    if (rows.length === 0) { out.append(h("p", {}, t("noData"))); return; }
    out.append(table([t("created"), t("to"), t("from"), t("status"), t("segments"), t("error_"), t("id")],
      rows.map((m) => [formatDate(m.created_at), show(m.to), m.from, h("span", { class: `badge ${m.status}` }, m.status),
        m.segments, m.error ? m.error.code : "", m.id]), t("messages")));
    if (cursor) out.append(h("button", { type: "button", class: "secondary", onclick: more }, t("loadMore")));
  };
  const load = async () => {
    const page = await get(query());
    rows = page.data;
    cursor = page.next_cursor;
    draw();
  };
  const more = async () => {
    try {
      const page = await get(query(cursor));
      rows.push(...page.data);
      cursor = page.next_cursor;
      draw();
    } catch (err) { showError(info, err); }
  };
  const exportCsv = async () => {
    const lines = ["id,created_at,to,from,status,category,segments,encoding,error"];
    let c: string | null = null;
    let n = 0;
    do {
      const page: any = await get(query(c));
      for (const m of page.data) {
        lines.push([m.id, m.created_at, show(m.to), m.from, m.status, m.category, m.segments, m.encoding, m.error?.code ?? ""].map(csvCell).join(","));
      }
      c = page.next_cursor;
      n += page.data.length;
    } while (c && n < 100_000);
    download("messages.csv", "text/csv", lines.join("\r\n") + "\r\n");
  };
  main.append(
    h("form", { class: "card filters", onsubmit: async (e: Event) => {
      e.preventDefault();
      try { await load(); } catch (err) { showError(info, err); }
    } },
      field(t("status"), status), field(t("since"), since), field(t("until"), until),
      h("button", { type: "submit" }, t("filter")),
      h("button", { type: "button", class: "secondary", onclick: () => exportCsv().catch((err) => showError(info, err)) }, t("exportCsv"))),
    info, out);
  await load();
  // Statuses change as receipts arrive: refresh the first page while some of it is still on
  // its way (every read of numbers is audited, so an idle page does not poll).
  const pending = () => rows.some((m) => m.status === "accepted" || m.status === "submitted");
  poll(ctx.isCurrent, 2000, async () => { if (rows.length <= 100 && pending()) await load(); });
}
