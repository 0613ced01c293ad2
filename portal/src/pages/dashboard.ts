import { get } from "../api";
import { h } from "../dom";
import { formatDate, formatMoney, t } from "../i18n";
import type { PageContext } from "./index";
import { add, section } from "./util";

const SVG = "http://www.w3.org/2000/svg";
function svg(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

interface Day { label: string; sent: number; delivered: number; failed: number }

/// Grouped bars per day: sent (all accepted), delivered, failed.
function chart(days: Day[]): SVGElement {
  const w = 640, hgt = 220, pad = 28;
  const max = Math.max(1, ...days.map((d) => d.sent));
  const root = svg("svg", { viewBox: `0 0 ${w} ${hgt}`, role: "img", class: "chart", "aria-label": t("last14Days") });
  const slot = (w - pad * 2) / days.length;
  const barW = Math.max(2, slot / 4);
  const series: [keyof Day, string][] = [["sent", "bar-sent"], ["delivered", "bar-delivered"], ["failed", "bar-failed"]];
  days.forEach((d, i) => {
    series.forEach(([key, cls], j) => {
      const v = d[key] as number;
      const bh = ((hgt - pad * 2) * v) / max;
      const rect = svg("rect", { x: pad + i * slot + j * barW + 2, y: hgt - pad - bh, width: barW - 1, height: bh, class: cls });
      rect.appendChild(svg("title", {}, `${d.label} ${t(key as "sent")}: ${v}`));
      root.appendChild(rect);
    });
    if (i % 2 === 0) root.appendChild(svg("text", { x: pad + i * slot, y: hgt - 8, class: "axis" }, d.label));
  });
  root.appendChild(svg("text", { x: 2, y: pad - 8, class: "axis" }, String(max)));
  return root;
}

export async function dashboard(main: HTMLElement, ctx: PageContext): Promise<void> {
  const since = new Date(Date.now() - 13 * 86400_000);
  since.setHours(0, 0, 0, 0);
  // Counted by the server (GET /v1/stats/messages), one bucket per local day from `since`.
  const [stats, balance, alerts] = await Promise.all([
    get(`/v1/stats/messages?bucket=day&since=${encodeURIComponent(since.toISOString())}`),
    get("/v1/balance").catch(() => null),
    ctx.session.role === "owner" || ctx.session.role === "admin" ? get("/v1/alerts").catch(() => null) : Promise.resolve(null),
  ]);
  const days: Day[] = [];
  for (let i = 0; i < 14; i++) {
    const d = new Date(since.getTime() + i * 86400_000);
    days.push({ label: `${d.getDate()}.${d.getMonth() + 1}.`, sent: 0, delivered: 0, failed: 0 });
  }
  for (const b of stats.data) {
    const i = Math.round((new Date(b.start).getTime() - since.getTime()) / 86400_000);
    if (i < 0 || i >= 14) continue;
    days[i].sent = b.sent;
    days[i].delivered = b.delivered;
    days[i].failed = b.failed;
  }
  const { sent, delivered, failed } = stats.totals;
  const rate = stats.delivery_rate === null ? "–" : `${Math.round(stats.delivery_rate * 1000) / 10} %`;
  add(main, 
    h("div", { class: "kpis" },
      h("div", { class: "kpi" }, h("span", {}, t("sent")), h("strong", { id: "kpi-sent" }, sent)),
      h("div", { class: "kpi" }, h("span", {}, t("delivered")), h("strong", { id: "kpi-delivered" }, delivered)),
      h("div", { class: "kpi" }, h("span", {}, t("failed")), h("strong", {}, failed)),
      h("div", { class: "kpi" }, h("span", {}, t("deliveryRate")), h("strong", { id: "kpi-rate" }, rate)),
      h("div", { class: "kpi" }, h("span", {}, t("balance")), h("strong", { id: "kpi-balance" }, balance ? formatMoney(balance.balance_cents, balance.currency) : "–"))),
    section(t("last14Days"), chart(days),
      h("p", { class: "legend" }, h("span", { class: "dot bar-sent" }), t("sent"), " ",
        h("span", { class: "dot bar-delivered" }), t("delivered"), " ", h("span", { class: "dot bar-failed" }), t("failed"))),
    alerts ? section(t("alerts"), alerts.data.length === 0 ? h("p", {}, t("noAlerts")) :
      h("ul", {}, alerts.data.slice(0, 5).map((a: any) => h("li", {}, `${formatDate(a.at)} · ${a.severity} · ${a.kind}`)))) : null);
}
