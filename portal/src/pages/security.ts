import { get } from "../api";
import { h } from "../dom";
import { t } from "../i18n";
import type { PageContext } from "./index";

const labels: Record<string, [string, string]> = {
  tls: ["Transport encryption (TLS, HSTS)", "Transportverschlüsselung (TLS, HSTS)"],
  session_idle_minutes: ["Session ends after minutes without use", "Sitzung endet nach Minuten ohne Nutzung"],
  session_hours: ["Session ends after hours in any case", "Sitzung endet spätestens nach Stunden"],
  password_hashing: ["Password hashing", "Passwort-Hashing"],
  encryption_at_rest: ["Encryption of personal data at rest", "Verschlüsselung personenbezogener Daten"],
  card_vault: ["Card data only in a separate card vault", "Kartendaten nur in separatem Karten-Tresor"],
  smtp_starttls: ["Email to SMS with STARTTLS", "E-Mail zu SMS mit STARTTLS"],
  webhooks_private_hosts: ["Webhooks may reach private networks", "Webhooks dürfen private Netze erreichen"],
  quiet_hours: ["Quiet hours for marketing", "Ruhezeiten für Marketing"],
  audit_trail: ["Audit trail", "Protokoll"],
  database: ["Database", "Datenbank"],
};

export async function security(main: HTMLElement, _ctx: PageContext): Promise<void> {
  document.title = `${t("security")} – diskret`;
  const facts = await get("/v1/public/security");
  const de = document.documentElement.lang === "de";
  const value = (v: unknown) => (v === true ? t("yes") : v === false ? t("no") : String(v));
  main.append(h("h1", {}, t("security")), h("p", {}, t("securityIntro")),
    h("dl", { class: "facts" }, Object.entries(facts).flatMap(([k, v]) =>
      [h("dt", {}, labels[k] ? labels[k][de ? 1 : 0] : k), h("dd", { "data-key": k }, value(v))])),
    h("ul", {}, h("li", {}, de ? "Sitzungs-Cookie: HttpOnly, SameSite=Strict; CSRF-Token bei jeder Änderung." : "Session cookie: HttpOnly, SameSite=Strict; CSRF token on every change."),
      h("li", {}, de ? "Wiederholte Fehlanmeldungen werden zunehmend verzögert." : "Repeated failed logins are delayed increasingly."),
      h("li", {}, de ? "Strenge Content-Security-Policy ohne Inline-Skripte." : "Strict Content-Security-Policy without inline scripts.")));
}
