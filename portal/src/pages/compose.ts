import { ApiError, get, idempotencyKey, post, request } from "../api";
import { field, h } from "../dom";
import { formatMoney, t } from "../i18n";
import { analyse } from "../sms";
import type { PageContext } from "./index";
import { showError, showOk, statusLine } from "./util";

export async function compose(main: HTMLElement, ctx: PageContext): Promise<void> {
  const tenant = await get("/v1/tenant").catch(() => null);
  const to = h("textarea", { name: "to", rows: 3, required: true, autocomplete: "off" });
  const from = h("input", { name: "from", required: true, maxlength: 16, list: "sender-ids" });
  const senders = h("datalist", { id: "sender-ids" }, (tenant?.sender_ids ?? []).map((s: string) => h("option", { value: s })));
  if (tenant?.sender_ids?.length) from.value = tenant.sender_ids[0];
  const category = h("select", { name: "category" },
    h("option", { value: "transactional" }, t("transactional")), h("option", { value: "marketing" }, t("marketing")));
  const text = h("textarea", { name: "text", rows: 5, required: true });
  const counter = h("p", { class: "counter", id: "counter", "aria-live": "polite" });
  const optOut = h("p", { class: "hint", hidden: true }, t("optOutPreview", { number: "…" }));
  const estimate = h("p", { class: "hint", id: "estimate", "aria-live": "polite" });
  const status = statusLine();
  const results = h("div", { id: "send-results" });

  const update = async () => {
    const info = analyse(text.value);
    const recipients = to.value.split(/[\n,;]+/).map((s) => s.trim()).filter(Boolean).length;
    counter.textContent = `${t("characters")}: ${info.characters} · ${t("encoding")}: ${info.encoding} · ` +
      `${t("segments")}: ${info.segments} · ${info.remaining} ${t("remaining")} · ${t("recipients")}: ${recipients}`;
    counter.dataset.segments = String(info.segments);
    counter.dataset.encoding = info.encoding;
    optOut.hidden = category.value !== "marketing";
    schedulePreview();
  };
  // The server's preview (POST /v1/messages/preview, where this diskret has it) adds what
  // only it knows: the price, the opt-out line it appends, content rules. Debounced.
  let timer: ReturnType<typeof setTimeout> | undefined;
  let previewMissing = false;
  const schedulePreview = () => {
    if (previewMissing) return;
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const list = to.value.split(/[\n,;]+/).map((s) => s.trim()).filter(Boolean);
      if (!text.value || !from.value.trim() || list.length === 0) { estimate.textContent = ""; return; }
      try {
        const p = await post("/v1/messages/preview", { to: list, from: from.value.trim(), text: text.value, category: category.value });
        const parts = [`${t("cost")}: ${formatMoney(p.price?.total_cents ?? 0, p.price?.currency ?? "EUR")} (${p.price?.recipients ?? 0} ${t("recipients")})`];
        if (p.opt_out?.added && p.opt_out.text) parts.push(`${t("optOutAdded")}: “${p.opt_out.text}”`);
        estimate.textContent = parts.join(" · ");
      } catch (err) {
        if (err instanceof ApiError && (err.problem.status === 404 || err.problem.status === 405)) previewMissing = true;
        estimate.textContent = "";
      }
    }, 400);
  };
  text.addEventListener("input", update);
  from.addEventListener("input", update);
  to.addEventListener("input", update);
  category.addEventListener("change", update);
  update();

  const form = h("form", { class: "card", onsubmit: async (e: Event) => {
    e.preventDefault();
    status.textContent = "";
    const list = to.value.split(/[\n,;]+/).map((s) => s.trim()).filter(Boolean);
    try {
      const r = await request("POST", "/v1/messages", { to: list, from: from.value.trim(), text: text.value, category: category.value },
        { headers: { "Idempotency-Key": idempotencyKey() } });
      const rejected = r.messages.filter((m: any) => m.status === "rejected").length;
      showOk(status, t("sentResult", { accepted: r.messages.length - rejected, rejected }));
      results.replaceChildren(h("ul", {}, r.messages.map((m: any) =>
        h("li", {}, `${m.to}: ${m.status}${m.error ? ` (${m.error.code})` : ""} – ${m.id}`))));
    } catch (err) {
      showError(status, err);
    }
  } },
    field(t("recipients"), to, t("recipientsHint")),
    field(t("sender"), from), senders,
    field(t("category"), category),
    field(t("text"), text), counter, optOut, estimate,
    h("button", { type: "submit" }, t("send")), status, results);
  main.append(form);
  void ctx;
}
