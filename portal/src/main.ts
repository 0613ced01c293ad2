// The portal's shell: session check, login, navigation, language switch and the router
// (History API; every path is served index.html by diskret serve).
import { ApiError, Session, get, post, request, setCsrf, setUnauthorizedHandler } from "./api";
import { clear, field, h } from "./dom";
import { Lang, currentLang, setLang, t } from "./i18n";
import { pages, PageContext } from "./pages";

const app = document.getElementById("app")!;
let session: Session | null = null;

type NavKey = "myAccount" | "dashboard" | "compose" | "messages" | "contacts" | "campaigns" | "inbound" | "billing" | "privacy" | "settings";
const nav: { path: string; key: NavKey; roles?: string[] }[] = [
  { path: "/", key: "dashboard" },
  { path: "/compose", key: "compose", roles: ["owner", "admin", "sender"] },
  { path: "/messages", key: "messages" },
  { path: "/contacts", key: "contacts" },
  { path: "/campaigns", key: "campaigns" },
  { path: "/inbound", key: "inbound" },
  { path: "/billing", key: "billing" },
  { path: "/privacy", key: "privacy" },
  { path: "/settings", key: "settings", roles: ["owner", "admin"] },
  { path: "/account", key: "myAccount" },
];
const pageOf: Record<NavKey, string> = {
  myAccount: "account", dashboard: "dashboard", compose: "compose", messages: "messages", contacts: "contacts",
  campaigns: "campaigns", inbound: "inbound", billing: "billing", privacy: "privacy", settings: "settings",
};

export function navigate(path: string): void {
  history.pushState({}, "", path);
  render();
}

window.addEventListener("popstate", () => render());
setUnauthorizedHandler(() => {
  if (session) {
    session = null;
    setCsrf("");
    navigate("/login");
  }
});

function langSwitch(): HTMLElement {
  const select = h("select", { id: "lang", onchange: (e: Event) => {
    setLang((e.target as HTMLSelectElement).value as Lang);
    render();
  } }, h("option", { value: "de" }, "Deutsch"), h("option", { value: "en" }, "English"));
  select.value = currentLang();
  return h("div", { class: "lang" }, h("label", { for: "lang" }, t("language")), select);
}

function header(): HTMLElement {
  const right = h("div", { class: "header-right" }, langSwitch());
  if (session) {
    right.append(
      h("span", { class: "who" }, t("loggedInAs", { email: session.email ?? "", role: session.role })),
      h("button", { type: "button", class: "secondary", onclick: () => logout("/v1/session") }, t("logout")),
      h("button", { type: "button", class: "secondary", onclick: () => logout("/v1/sessions") }, t("logoutEverywhere")));
  }
  return h("header", { class: "top" },
    h("a", { href: "/", class: "brand", onclick: link("/") }, "diskret"), right);
}

function link(path: string) {
  return (e: Event) => {
    e.preventDefault();
    navigate(path);
  };
}

function sidebar(current: string): HTMLElement {
  const items = nav.filter((n) => !n.roles || n.roles.includes(session!.role));
  return h("nav", { class: "side", "aria-label": t("mainNav") },
    h("ul", {}, items.map((n) => h("li", {},
      h("a", { href: n.path, onclick: link(n.path), "aria-current": n.path === current ? "page" : undefined }, t(n.key))))),
    h("a", { href: "/security", onclick: link("/security"), class: "small" }, t("security")));
}

async function logout(path: string): Promise<void> {
  try { await request("DELETE", path); } catch { /* the session may be gone already */ }
  session = null;
  setCsrf("");
  navigate("/login");
}

function loginPage(): HTMLElement {
  const account = h("input", { name: "account", autocomplete: "organization", required: true, value: localStorage.getItem("diskret.account") ?? "" });
  const email = h("input", { name: "email", type: "email", autocomplete: "username", required: true });
  const password = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true });
  // Six digits from the app, or a recovery code (XXXXX-XXXXX, base32).
  const totp = h("input", { name: "totp", autocomplete: "one-time-code", pattern: "[0-9]{6}|[A-Za-z2-7 \\-]{10,13}", maxlength: 13, spellcheck: "false" });
  const totpField = field(t("totpCode"), totp, t("totpOrRecovery"));
  totpField.hidden = true;
  const error = h("p", { class: "error", role: "alert", id: "login-error" });
  const button = h("button", { type: "submit" }, t("login"));
  const form = h("form", { class: "card narrow", onsubmit: async (e: Event) => {
    e.preventDefault();
    error.textContent = "";
    button.disabled = true;
    try {
      const body: Record<string, string> = { account: account.value.trim(), email: email.value.trim(), password: password.value };
      if (!totpField.hidden) body.totp = totp.value.trim();
      const s = await post<Session>("/v1/session", body);
      localStorage.setItem("diskret.account", account.value.trim());
      session = s;
      setCsrf(s.csrf_token ?? "");
      navigate("/");
    } catch (err) {
      if (err instanceof ApiError && err.problem.type?.endsWith("/totp-required")) {
        totpField.hidden = false;
        totp.required = true;
        totp.focus();
        return;
      }
      error.textContent = `${t("loginFailed")}: ${err instanceof ApiError ? err.message : String(err)}`;
      if (totpField.hidden) {
        password.value = "";
        password.focus();
      } else {
        totp.value = "";
        totp.focus();
      }
    } finally {
      button.disabled = false;
    }
  } },
    h("h1", {}, t("loginTitle")),
    field(t("account"), account, t("accountHint")),
    field(t("email"), email),
    field(t("password"), password), totpField,
    error, button);
  return h("main", { id: "main", class: "login" }, form,
    h("p", { class: "small" }, h("a", { href: "/security", onclick: link("/security") }, t("security"))));
}

async function loadSession(): Promise<void> {
  try {
    const s = await get<Session>("/v1/session");
    session = s;
    setCsrf(s.csrf_token ?? "");
  } catch {
    session = null;
  }
}

let renderSeq = 0;
export async function render(): Promise<void> {
  const seq = ++renderSeq;
  const path = location.pathname;
  clear(app);
  const skip = document.querySelector<HTMLAnchorElement>("a.skip");
  if (skip) skip.textContent = t("skip");
  if (path === "/security") {
    const main = h("main", { id: "main", class: "content" });
    app.append(header(), main);
    await pages.security(main, ctx(main));
    return;
  }
  if (!session || path === "/login") {
    if (session && path === "/login") return navigate("/");
    app.append(header(), loginPage());
    document.title = `${t("login")} – diskret`;
    (app.querySelector("input[name=account]") as HTMLInputElement | null)?.focus();
    return;
  }
  const entry = nav.find((n) => n.path === path);
  const main = h("main", { id: "main", class: "content", tabindex: -1 });
  app.append(header(), h("div", { class: "layout" }, sidebar(path), main));
  if (!entry) {
    main.append(h("h1", {}, t("notFound")));
    return;
  }
  document.title = `${t(entry.key)} – diskret`;
  main.append(h("h1", {}, t(entry.key)));
  try {
    await pages[pageOf[entry.key]](main, ctx(main));
  } catch (err) {
    if (seq !== renderSeq) return;
    main.append(h("p", { class: "error", role: "alert" }, `${t("error")}: ${err instanceof Error ? err.message : String(err)}`));
  }
}

function ctx(main: HTMLElement): PageContext {
  return { session: session!, navigate, main, isCurrent: (() => { const s = renderSeq; return () => s === renderSeq; })() };
}

(async () => {
  await loadSession();
  render();
})();
