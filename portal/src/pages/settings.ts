import { del, get, post, request } from "../api";
import { field, h, table } from "../dom";
import { formatDate, t } from "../i18n";
import type { PageContext } from "./index";
import { section, showError, showOk, statusLine } from "./util";

const ROLES = ["owner", "admin", "sender", "viewer"];
const roleSelect = (name: string, value = "viewer") => {
  const s = h("select", { name }, ROLES.map((r) => h("option", { value: r }, r)));
  s.value = value;
  return s;
};
/// A secret shown once, selectable for copying.
const once = (label: string, secret: string) =>
  h("div", { class: "once", role: "alert" }, h("p", {}, label), h("code", { class: "secret" }, secret));

export async function settings(main: HTMLElement, ctx: PageContext): Promise<void> {
  // Users and roles.
  const usersOut = h("div", { id: "users" });
  const usersStatus = statusLine();
  const loadUsers = async () => {
    const users = (await get("/v1/users")).data;
    usersOut.replaceChildren(table([t("email"), t("role"), t("created"), ""], users.map((u: any) => {
      const sel = roleSelect(`role-${u.id}`, u.role);
      sel.setAttribute("aria-label", `${t("role")} ${u.email}`);
      sel.addEventListener("change", async () => {
        try { await request("PATCH", `/v1/users/${u.id}`, { role: sel.value }); showOk(usersStatus, t("saved")); }
        catch (err) { showError(usersStatus, err); sel.value = u.role; }
      });
      // Helping a user back in: a new password shown once, or their second factor removed.
      const reset = h("button", { type: "button", class: "secondary", "aria-label": `${t("resetPassword")} ${u.email}`, onclick: async () => {
        try {
          const r = await post(`/v1/users/${u.id}/password-reset`, {});
          usersStatus.replaceChildren(once(t("newPasswordOnce", { email: u.email }), r.password));
        } catch (err) { showError(usersStatus, err); }
      } }, t("resetPassword"));
      const untotp = h("button", { type: "button", class: "secondary", "aria-label": `${t("removeTotp")} ${u.email}`, onclick: async () => {
        try { await del(`/v1/users/${u.id}/totp`); showOk(usersStatus, t("totpRemoved", { email: u.email })); }
        catch (err) { showError(usersStatus, err); }
      } }, t("removeTotp"));
      return [u.email, sel, formatDate(u.created_at), h("span", { class: "actions" }, reset, " ", untotp)];
    }), t("users")));
  };
  const newEmail = h("input", { name: "new-email", type: "email", required: true });
  const newRole = roleSelect("new-role");
  const userForm = h("form", { class: "inline", onsubmit: async (e: Event) => {
    e.preventDefault();
    try {
      const u = await post("/v1/users", { email: newEmail.value.trim(), role: newRole.value });
      usersStatus.replaceChildren(u.password ? once(t("initialPassword"), u.password) : t("saved"));
      newEmail.value = "";
      await loadUsers();
    } catch (err) { showError(usersStatus, err); }
  } }, field(t("email"), newEmail), field(t("role"), newRole), h("button", { type: "submit" }, t("addUser")));

  // API keys (shown once).
  const keysOut = h("div", { id: "api-keys" });
  const keyStatus = statusLine();
  const loadKeys = async () => {
    const keys = (await get("/v1/api-keys")).data.filter((k: any) => !k.revoked_at);
    keysOut.replaceChildren(table([t("name"), "Prefix", t("role"), t("created"), ""], keys.map((k: any) => [k.name, k.prefix, k.role, formatDate(k.created_at),
      h("button", { type: "button", class: "secondary", onclick: async () => {
        try { await del(`/v1/api-keys/${k.id}`); await loadKeys(); } catch (err) { showError(keyStatus, err); }
      } }, t("revoke"))]), t("apiKeys")));
  };
  const keyName = h("input", { name: "key-name", required: true, maxlength: 100 });
  const keyRole = roleSelect("key-role", "sender");
  const keyForm = h("form", { class: "inline", onsubmit: async (e: Event) => {
    e.preventDefault();
    try {
      const k = await post("/v1/api-keys", { name: keyName.value.trim(), role: keyRole.value });
      keyStatus.replaceChildren(once(t("keyShownOnce"), k.key));
      keyName.value = "";
      await loadKeys();
    } catch (err) { showError(keyStatus, err); }
  } }, field(t("name"), keyName), field(t("role"), keyRole), h("button", { type: "submit" }, t("newKey")));

  // Webhook.
  const hook = await get("/v1/webhooks").catch(() => null);
  const hookUrl = h("input", { name: "webhook-url", type: "url", value: hook?.url ?? "" });
  const hookSecret = h("input", { name: "webhook-secret", type: "password", autocomplete: "off" });
  const hookStatus = statusLine();
  const hookForm = h("form", { class: "inline", onsubmit: async (e: Event) => {
    e.preventDefault();
    try { await request("PUT", "/v1/webhooks", { url: hookUrl.value.trim(), secret: hookSecret.value }); showOk(hookStatus, t("saved")); }
    catch (err) { showError(hookStatus, err); }
  } }, field(t("url"), hookUrl), field(t("secret"), hookSecret), h("button", { type: "submit" }, t("save")), hookStatus);

  // SMPP credentials (password shown once).
  const smppOut = h("div", { id: "smpp" });
  const smppStatus = statusLine();
  const loadSmpp = async () => {
    const r = await get("/v1/smpp-credentials");
    const creds = r.credentials ?? r.data ?? [];
    smppOut.replaceChildren(table(["system_id", t("created"), ""], creds.map((c: any) => [c.system_id, formatDate(c.created_at),
      h("button", { type: "button", class: "secondary", onclick: async () => {
        try { await del(`/v1/smpp-credentials/${encodeURIComponent(c.system_id)}`); await loadSmpp(); } catch (err) { showError(smppStatus, err); }
      } }, t("revoke"))]), t("smppCredentials")));
  };
  const smppButton = h("button", { type: "button", onclick: async () => {
    try {
      const c = await post("/v1/smpp-credentials", {});
      smppStatus.replaceChildren(once(`system_id ${c.system_id} – ${t("passwordShownOnce")}`, c.password));
      await loadSmpp();
    } catch (err) { showError(smppStatus, err); }
  } }, t("newCredential"));

  // Registered sender addresses for email to SMS.
  const smtpOut = h("div", { id: "smtp-senders" });
  const smtpStatus = statusLine();
  const loadSmtp = async () => {
    const r = await get("/v1/smtp-senders");
    const rows = r.data ?? r.senders ?? [];
    smtpOut.replaceChildren(table([t("email"), t("networks"), ""], rows.map((x: any) => [x.address, (x.networks ?? []).join(", "),
      h("button", { type: "button", class: "secondary", onclick: async () => {
        try { await del(`/v1/smtp-senders/${x.id}`); await loadSmtp(); } catch (err) { showError(smtpStatus, err); }
      } }, t("revoke"))]), t("smtpSenders")));
  };
  const smtpAddress = h("input", { name: "smtp-address", type: "email", required: true });
  const smtpNetworks = h("input", { name: "smtp-networks", placeholder: "192.0.2.0/24" });
  const smtpForm = h("form", { class: "inline", onsubmit: async (e: Event) => {
    e.preventDefault();
    try {
      await post("/v1/smtp-senders", { address: smtpAddress.value.trim(),
        networks: smtpNetworks.value.split(",").map((s) => s.trim()).filter(Boolean) });
      smtpAddress.value = "";
      showOk(smtpStatus, t("saved"));
      await loadSmtp();
    } catch (err) { showError(smtpStatus, err); }
  } }, field(t("email"), smtpAddress), field(t("networks"), smtpNetworks), h("button", { type: "submit" }, t("create")));

  main.append(
    section(t("users"), usersOut, userForm, usersStatus),
    section(t("apiKeys"), keysOut, keyForm, keyStatus),
    section(t("webhooks"), hookForm),
    section(t("smppCredentials"), smppOut, smppButton, smppStatus),
    section(t("smtpSenders"), smtpOut, smtpForm, smtpStatus));
  await Promise.all([loadUsers(), loadKeys(), loadSmpp(), loadSmtp()]);
  void ctx;
}
