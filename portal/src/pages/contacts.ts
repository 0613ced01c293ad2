import { get, post, request } from "../api";
import { clear, field, h, table } from "../dom";
import { t } from "../i18n";
import { maskNumber } from "../sms";
import type { PageContext } from "./index";
import { add, canSend, section, showError, showOk, statusLine } from "./util";

export async function contacts(main: HTMLElement, ctx: PageContext): Promise<void> {
  const writable = canSend(ctx.session.role);
  const masked = ctx.session.role === "viewer";
  const lists: any[] = (await get("/v1/lists")).data;
  const listName = (id: number) => lists.find((l) => l.id === id)?.name ?? String(id);

  // Contacts table (search by number).
  const search = h("input", { name: "phone", type: "search", inputmode: "tel" });
  const listOut = h("div", { id: "contact-list" });
  const info = statusLine();
  const loadContacts = async () => {
    const q = search.value.trim() ? `?phone=${encodeURIComponent(search.value.trim())}` : "?limit=100";
    const page = await get(`/v1/contacts${q}`);
    clear(listOut);
    if (page.data.length === 0) { listOut.append(h("p", {}, t("noData"))); return; }
    listOut.append(table([t("name"), t("phone"), t("lists"), t("consent")],
      page.data.map((c: any) => [
        [c.first_name, c.last_name].filter(Boolean).join(" "),
        masked ? maskNumber(c.phone) : c.phone,
        (c.lists ?? []).map(listName).join(", "),
        c.consent ? `${t("yes")} (${c.consent.source ?? ""})` : t("no"),
      ]), t("contacts")));
  };

  // CSV import with the per-row error report.
  const file = h("input", { name: "csv", type: "file", accept: ".csv,text/csv", required: true });
  const importList = h("select", { name: "list" }, h("option", { value: "" }, "–"), lists.map((l) => h("option", { value: l.id }, l.name)));
  const importStatus = statusLine();
  const report = h("div", { id: "import-report" });
  const importForm = h("form", { class: "stack", onsubmit: async (e: Event) => {
    e.preventDefault();
    clear(report);
    const f = file.files?.[0];
    if (!f) return;
    try {
      const path = importList.value ? `/v1/contacts/import?list=${importList.value}` : "/v1/contacts/import";
      const r = await request("POST", path, await f.text(), { type: "text/csv" });
      showOk(importStatus, t("importResult", { imported: r.imported, rejected: r.rejected }));
      if (r.errors?.length) {
        report.append(table([t("line"), t("field"), t("reason")], r.errors.map((x: any) => [x.line, x.field, x.reason]), t("importCsv")));
      }
      await loadContacts();
    } catch (err) { showError(importStatus, err); }
  } }, field(t("csvFile"), file, t("csvHint")), field(t("lists"), importList), h("button", { type: "submit" }, t("upload")), importStatus, report);

  // Lists.
  const listsOut = h("ul", { id: "lists" }, lists.map((l) => h("li", {}, `${l.name} (#${l.id})`)));
  const newList = h("input", { name: "list-name", required: true, maxlength: 200 });
  const listStatus = statusLine();
  const listForm = h("form", { class: "inline", onsubmit: async (e: Event) => {
    e.preventDefault();
    try {
      const l = await post("/v1/lists", { name: newList.value.trim() });
      lists.push(l);
      listsOut.append(h("li", {}, `${l.name} (#${l.id})`));
      importList.append(h("option", { value: l.id }, l.name));
      newList.value = "";
      showOk(listStatus, t("saved"));
    } catch (err) { showError(listStatus, err); }
  } }, field(t("newList"), newList), h("button", { type: "submit" }, t("create")), listStatus);

  add(main, 
    writable ? section(t("importCsv"), importForm) : null,
    section(t("contacts"),
      h("form", { class: "inline", role: "search", onsubmit: async (e: Event) => {
        e.preventDefault();
        try { await loadContacts(); } catch (err) { showError(info, err); }
      } }, field(t("search"), search), h("button", { type: "submit" }, t("searchButton"))),
      info, listOut),
    section(t("lists"), listsOut, writable ? listForm : null));
  await loadContacts();
}
