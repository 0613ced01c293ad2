import qrcode from "qrcode-generator";
import { get, post, request, setCsrf } from "../api";
import { field, h } from "../dom";
import { t } from "../i18n";
import type { PageContext } from "./index";
import { section, showError, showOk, statusLine } from "./util";

/// The user's own account: role, the TOTP second factor (QR code to enrol), sessions.
export async function account(main: HTMLElement, ctx: PageContext): Promise<void> {
  const me = await get("/v1/session");
  const status = statusLine();
  const body = h("div", { id: "totp" });
  const code = h("input", { name: "totp-code", inputmode: "numeric", autocomplete: "one-time-code", pattern: "[0-9]{6}", maxlength: 6, required: true });

  // Recovery codes: shown once (after confirming or making new ones), then only counted.
  const codesOut = h("div", { id: "recovery-codes" });
  const showCodes = (codes: string[]) => {
    codesOut.replaceChildren(h("div", { class: "once", role: "alert" }, h("p", {}, t("recoveryCodesOnce")),
      h("ul", { class: "codes" }, codes.map((c) => h("li", {}, h("code", { class: "secret" }, c))))));
  };
  const codesPassword = h("input", { name: "recovery-password", type: "password", autocomplete: "current-password", required: true });
  const codesForm = h("form", { class: "inline", onsubmit: async (e: Event) => {
    e.preventDefault();
    try {
      const r = await post("/v1/session/totp/recovery-codes", { password: codesPassword.value });
      codesPassword.value = "";
      showCodes(r.recovery_codes);
    } catch (err) { showError(status, err); }
  } }, field(t("password"), codesPassword), h("button", { type: "submit", class: "secondary" }, t("recoveryCodesNew")));
  const showOn = (left?: number) => {
    body.replaceChildren(h("p", { id: "totp-state" }, t("totpOn")),
      h("form", { class: "inline", onsubmit: async (e: Event) => {
        e.preventDefault();
        try {
          await request("DELETE", "/v1/session/totp", { code: code.value.trim() });
          code.value = "";
          showOk(status, t("saved"));
          showOff();
        } catch (err) { showError(status, err); }
      } }, field(t("totpCode"), code), h("button", { type: "submit", class: "danger" }, t("totpDisable"))),
      h("h3", {}, t("recoveryCodesTitle")),
      left === undefined ? "" : h("p", { id: "recovery-left" }, t("recoveryCodesLeft", { n: left })),
      codesOut, codesForm);
  };
  const showOff = () => {
    codesOut.replaceChildren();
    body.replaceChildren(h("p", { id: "totp-state" }, t("totpOff")),
      h("button", { type: "button", onclick: enrol }, t("totpEnable")));
  };
  const enrol = async () => {
    try {
      const e = await post("/v1/session/totp");
      const qr = qrcode(0, "M");
      qr.addData(e.otpauth_uri);
      qr.make();
      body.replaceChildren(
        h("p", {}, t("totpScan")),
        h("img", { src: qr.createDataURL(5, 8), alt: t("totpQrAlt"), id: "totp-qr", width: qr.getModuleCount() * 5 + 16 }),
        h("p", {}, t("totpManual"), " ", h("code", { class: "secret", id: "totp-secret" }, e.secret)),
        h("form", { class: "inline", onsubmit: async (ev: Event) => {
          ev.preventDefault();
          try {
            const r = await post("/v1/session/totp/confirm", { code: code.value.trim() });
            code.value = "";
            showOk(status, t("saved"));
            showCodes(r.recovery_codes ?? []);
            showOn(r.recovery_codes?.length);
          } catch (err) { showError(status, err); }
        } }, field(t("totpCode"), code), h("button", { type: "submit" }, t("totpConfirm"))));
    } catch (err) { showError(status, err); }
  };
  if (me.totp) showOn(me.recovery_codes_left); else showOff();

  // Password change: every other session of this user ends; this one is renewed.
  const current = h("input", { name: "current-password", type: "password", autocomplete: "current-password", required: true });
  const next = h("input", { name: "new-password", type: "password", autocomplete: "new-password", required: true, minlength: 12 });
  const repeat = h("input", { name: "repeat-password", type: "password", autocomplete: "new-password", required: true, minlength: 12 });
  const pwStatus = statusLine();
  const pwForm = h("form", { class: "stack", onsubmit: async (e: Event) => {
    e.preventDefault();
    if (next.value !== repeat.value) {
      pwStatus.className = "status error";
      pwStatus.textContent = t("passwordsDiffer");
      repeat.focus();
      return;
    }
    try {
      const r = await request("PUT", "/v1/session/password", { current_password: current.value, new_password: next.value });
      setCsrf(r.csrf_token);
      current.value = next.value = repeat.value = "";
      showOk(pwStatus, t("passwordChanged"));
    } catch (err) { showError(pwStatus, err); }
  } }, field(t("currentPassword"), current), field(t("newPassword"), next, t("passwordHint")), field(t("repeatPassword"), repeat),
    h("button", { type: "submit" }, t("changePassword")), pwStatus);
  main.append(
    section(t("account"), h("dl", { class: "facts" }, h("dt", {}, t("email")), h("dd", {}, me.email ?? ""),
      h("dt", {}, t("role")), h("dd", {}, me.role), h("dt", {}, t("account")), h("dd", {}, me.tenant_id))),
    section(t("totpTitle"), body, status),
    section(t("changePassword"), pwForm));
  void ctx;
}
