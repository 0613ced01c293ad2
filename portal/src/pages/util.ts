import { ApiError } from "../api";
import { h } from "../dom";
import { t } from "../i18n";

export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.problem.status === 403) return t("notAllowed");
    const details = (err.problem.errors ?? []).map((e) => `${e.field ?? ""} ${e.reason ?? ""}`.trim()).join("; ");
    return details ? `${err.message} (${details})` : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/// A live region for the outcome of an action.
export function statusLine(): HTMLParagraphElement {
  return h("p", { class: "status", role: "status", "aria-live": "polite" });
}

export function showError(el: HTMLElement, err: unknown): void {
  el.className = "status error";
  el.textContent = `${t("error")}: ${errorText(err)}`;
}

export function showOk(el: HTMLElement, text: string): void {
  el.className = "status ok";
  el.textContent = text;
}

export function section(title: string, ...children: (Node | null)[]): HTMLElement {
  return h("section", { class: "card" }, h("h2", {}, title), ...children);
}

export const canSend = (role: string) => role !== "viewer";
export const canManage = (role: string) => role === "owner" || role === "admin";

/// Polls `fn` every `ms` while the page is shown.
export function poll(isCurrent: () => boolean, ms: number, fn: () => Promise<void>): void {
  const tick = async () => {
    if (!isCurrent()) return;
    try { await fn(); } catch { /* shown by the next successful tick */ }
    if (isCurrent()) setTimeout(tick, ms);
  };
  setTimeout(tick, ms);
}

/// Appends children, skipping null (sections a role does not see).
export function add(el: HTMLElement, ...children: (Node | string | null)[]): void {
  for (const c of children) if (c !== null) el.append(c);
}
