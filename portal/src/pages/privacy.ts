import { get, post, request } from "../api";
import { download, field, h, table } from "../dom";
import { formatDate, t } from "../i18n";
import type { PageContext } from "./index";
import { add, canManage, section, showError, showOk, statusLine } from "./util";

export async function privacy(main: HTMLElement, ctx: PageContext): Promise<void> {
  const exportPhone = h("input", { name: "export-phone", type: "tel", required: true });
  const exportStatus = statusLine();
  const exportForm = h("form", { class: "inline", onsubmit: async (e: Event) => {
    e.preventDefault();
    try {
      const r = await post("/v1/privacy/exports", { phone: exportPhone.value.trim() });
      download("export.json", "application/json", JSON.stringify(r, null, 2));
      showOk(exportStatus, t("saved"));
    } catch (err) { showError(exportStatus, err); }
  } }, field(t("phone"), exportPhone), h("button", { type: "submit" }, t("export")), exportStatus);

  const erasePhone = h("input", { name: "erase-phone", type: "tel", required: true });
  const eraseStatus = statusLine();
  const eraseForm = h("form", { class: "inline", onsubmit: async (e: Event) => {
    e.preventDefault();
    if (!confirm(t("confirmErase", { phone: erasePhone.value }))) return;
    try {
      await post("/v1/privacy/erasures", { phone: erasePhone.value.trim() });
      showOk(eraseStatus, t("saved"));
    } catch (err) { showError(eraseStatus, err); }
  } }, field(t("phone"), erasePhone), h("button", { type: "submit", class: "danger" }, t("erase")), eraseStatus);

  add(main, ctx.session.role !== "viewer" ? section(t("exportPerson"), exportForm) : null,
    canManage(ctx.session.role) ? section(t("erasePerson"), eraseForm) : null);
  const retention = await get("/v1/privacy/retention").catch(() => null);
  if (retention) {
    // Every "<what>_days" setting as a number field; owners and admins may change them.
    const keys = Object.keys(retention).filter((k) => k.endsWith("_days"));
    const inputs = keys.map((k) => h("input", { name: k, type: "number", min: 1, value: retention[k], disabled: !canManage(ctx.session.role) }));
    const retentionStatus = statusLine();
    add(main, section(t("retention"), h("form", { class: "inline", onsubmit: async (e: Event) => {
      e.preventDefault();
      try {
        await request("PUT", "/v1/privacy/retention", Object.fromEntries(keys.map((k, i) => [k, Number(inputs[i].value)])));
        showOk(retentionStatus, t("saved"));
      } catch (err) { showError(retentionStatus, err); }
    } }, keys.map((k, i) => field(k.replace(/_days$/, "").replace(/_/g, " ") + ` (${t("days")})`, inputs[i])),
      canManage(ctx.session.role) ? h("button", { type: "submit" }, t("save")) : null, retentionStatus)));
  }
  if (canManage(ctx.session.role)) {
    const reportStatus = statusLine();
    add(main, section(t("processingReport"),
      h("button", { type: "button", class: "secondary", onclick: async () => {
        try {
          download("records-of-processing.json", "application/json", JSON.stringify(await get("/v1/privacy/report"), null, 2));
        } catch (err) { showError(reportStatus, err); }
      } }, t("download")), reportStatus));
    const audit = await get("/v1/audit?limit=50");
    // The hash chain recomputed by the server now: every entry, link and signed checkpoint.
    const verify = await get("/v1/audit/verify").catch(() => null);
    const verifyLine = h("p", { class: "audit-verify", "data-verified": verify ? String(verify.verified) : "unknown", role: "status" },
      !verify ? t("auditVerifyUnknown")
        : verify.verified ? t("auditVerified", { entries: String(verify.entries), at: formatDate(verify.checked_at) })
        : t("auditBroken", { seq: String(verify.first_break.seq), kind: verify.first_break.kind }));
    add(main, section(t("auditTrail"), verifyLine, table([t("time"), t("actor"), t("action"), t("object")],
      audit.data.map((e: any) => [formatDate(e.at), e.actor, e.action, e.object]), t("auditTrail"))));
  }
}
