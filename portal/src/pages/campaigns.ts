import { get, post } from "../api";
import { clear, field, h } from "../dom";
import { formatDate, t } from "../i18n";
import type { PageContext } from "./index";
import { add, canSend, poll, section, showError, showOk, statusLine } from "./util";

function progress(c: any): HTMLElement {
  const n = c.counts ?? {};
  const total = (n.pending ?? 0) + (n.sent ?? 0) + (n.rejected ?? 0);
  const done = (n.delivered ?? 0) + (n.failed ?? 0) + (n.rejected ?? 0);
  const bar = h("progress", { max: Math.max(total, 1), value: done, "aria-label": `${t("progress")} ${c.name}` });
  return h("div", { class: "progress" }, bar,
    h("span", { class: "counts" }, `${t("delivered")} ${n.delivered ?? 0} · ${t("failed")} ${n.failed ?? 0} · ` +
      `${t("sent")} ${n.sent ?? 0} · ${t("pending")} ${n.pending ?? 0} · ${t("rejected")} ${n.rejected ?? 0}`));
}

export async function campaigns(main: HTMLElement, ctx: PageContext): Promise<void> {
  const writable = canSend(ctx.session.role);
  const lists: any[] = (await get("/v1/lists")).data;
  const out = h("div", { id: "campaign-list" });
  const info = statusLine();

  const action = async (id: number, verb: string) => {
    try { await post(`/v1/campaigns/${id}/${verb}`); await load(); } catch (err) { showError(info, err); }
  };
  const load = async () => {
    const page = await get("/v1/campaigns?limit=50");
    fillCampaigns(page.data);
    clear(out);
    if (page.data.length === 0) { out.append(h("p", {}, t("noData"))); return; }
    for (const c of page.data) {
      const buttons: HTMLElement[] = [];
      const verbs: [string, string[]][] = [["start", ["draft"]], ["pause", ["running", "scheduled"]], ["resume", ["paused"]],
        ["cancel", ["draft", "running", "scheduled", "paused"]]];
      if (writable) {
        for (const [verb, when] of verbs) {
          if (when.includes(c.status)) buttons.push(h("button", { type: "button", class: "secondary", onclick: () => action(c.id, verb) }, t(verb as "start")));
        }
      }
      out.append(h("article", { class: "campaign", "data-id": c.id, "data-status": c.status },
        h("h3", {}, c.name), h("p", {}, `${t("status")}: `, h("strong", { class: "campaign-status" }, c.status),
          c.send_at ? ` · ${formatDate(c.send_at)}` : ""),
        progress(c), h("div", { class: "buttons" }, buttons)));
    }
  };

  // Create from a template, with a preview for one contact.
  const name = h("input", { name: "name", required: true, maxlength: 200 });
  const from = h("input", { name: "from", required: true, maxlength: 16 });
  const template = h("textarea", { name: "template", rows: 4, required: true, placeholder: "Hallo {{first_name|Kundin/Kunde}}, …" });
  const category = h("select", { name: "category" }, h("option", { value: "marketing" }, t("marketing")), h("option", { value: "transactional" }, t("transactional")));
  const sendAt = h("input", { name: "send_at", type: "datetime-local" });
  const rate = h("input", { name: "rate", type: "number", min: 1, max: 100000, value: 1000 });
  const listBoxes = lists.map((l) => h("input", { type: "checkbox", name: "lists", value: l.id, id: `list-${l.id}` }));
  const createStatus = statusLine();
  const form = h("form", { class: "stack", onsubmit: async (e: Event) => {
    e.preventDefault();
    const chosen = listBoxes.filter((b) => b.checked).map((b) => Number(b.value));
    const body: any = { name: name.value.trim(), lists: chosen, from: from.value.trim(), template: template.value,
      category: category.value, rate_per_minute: Number(rate.value) };
    if (sendAt.value) body.send_at = new Date(sendAt.value).toISOString();
    try {
      const c = await post("/v1/campaigns", body);
      showOk(createStatus, `${t("saved")} #${c.id}`);
      await load();
    } catch (err) { showError(createStatus, err); }
  } },
    field(t("name"), name), field(t("sender"), from),
    h("fieldset", {}, h("legend", {}, t("lists")), listBoxes.map((b, i) => h("label", { for: b.id, class: "check" }, b, lists[i].name))),
    field(t("template"), template), field(t("category"), category), field(t("schedule"), sendAt), field(t("rate"), rate),
    h("button", { type: "submit" }, t("create")), createStatus);

  // Preview for one contact, picked by name or number (no ids to type).
  const previewCampaign = h("select", { name: "campaign" });
  const previewContact = h("select", { name: "contact" });
  const contactSearch = h("input", { name: "contact-search", type: "search", placeholder: "+49…" });
  const previewOut = h("pre", { class: "preview", "aria-live": "polite" });
  const contactLabel = (c: any) => [c.first_name, c.last_name].filter(Boolean).join(" ") + ` (${c.phone})`;
  const fillContacts = (contacts: any[]) => {
    clear(previewContact);
    for (const c of contacts) previewContact.append(h("option", { value: c.id }, contactLabel(c)));
    if (contacts.length === 0) previewContact.append(h("option", { value: "" }, t("noData")));
  };
  const findContacts = async () => {
    const q = contactSearch.value.trim();
    try {
      if (q) {
        const found = await get(`/v1/contacts?phone=${encodeURIComponent(q)}`);
        fillContacts(found.data ?? (found.id ? [found] : []));
      } else {
        fillContacts((await get("/v1/contacts?limit=100")).data);
      }
    } catch (err) { previewOut.textContent = String((err as Error).message); }
  };
  const previewForm = h("form", { class: "inline", onsubmit: async (e: Event) => {
    e.preventDefault();
    if (!previewCampaign.value || !previewContact.value) return;
    try {
      const p = await get(`/v1/campaigns/${previewCampaign.value}/preview?contact=${previewContact.value}`);
      previewOut.textContent = p.status === "would_send"
        ? `${p.to}\n${p.text}\n(${p.segments} × ${p.encoding})` : `${p.status}: ${p.error?.code ?? ""}`;
    } catch (err) { previewOut.textContent = String((err as Error).message); }
  } }, field(t("campaign"), previewCampaign), field(t("search"), contactSearch),
    h("button", { type: "button", class: "secondary", onclick: findContacts }, t("searchButton")),
    field(t("contact"), previewContact), h("button", { type: "submit" }, t("preview")));
  const fillCampaigns = (all: any[]) => {
    const chosen = previewCampaign.value;
    clear(previewCampaign);
    for (const c of all) previewCampaign.append(h("option", { value: c.id }, `${c.name} (#${c.id})`));
    if (chosen) previewCampaign.value = chosen;
  };

  add(main, writable ? section(t("create"), form) : null, section(t("campaigns"), info, out), section(t("preview"), previewForm, previewOut));
  await load();
  await findContacts();
  poll(ctx.isCurrent, 1500, load);
}
