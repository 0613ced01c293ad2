// The browser tests: each gets a fresh browser context (no cookies) on the same server.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";

function base32(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0, value = 0;
  const out = [];
  for (const ch of text.replace(/[\s=]/g, "").toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(ch);
    bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 255); bits -= 8; }
  }
  return Buffer.from(out);
}

/// The RFC 6238 code of `secret` (base32) for the step `delta` steps from now.
function totp(secret, delta = 0) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000) + delta));
  const mac = createHmac("sha1", base32(secret)).update(counter).digest();
  const o = mac[mac.length - 1] & 15;
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1000000).padStart(6, "0");
}

const PHONE = "+4915112345678";

/// Logs in through the form once per user; later tests reuse that session's cookie (one
/// Argon2id check per user instead of one per test). `fresh` always uses the form.
async function login(page, stack, email = "owner@example.com", fresh = false) {
  stack.cookies ??= {};
  if (!fresh && stack.cookies[email]) {
    await page.context().addCookies(stack.cookies[email]);
    await page.goto("/");
    await page.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();
    return;
  }
  await page.goto("/login");
  await page.getByLabel("Account ID").fill(stack.tenant.tenant_id);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(stack.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();
  if (!fresh) stack.cookies[email] = await page.context().cookies();
}

/// Polls `fn` until it returns truthy (or throws after `ms`).
async function eventually(fn, ms = 15000, what = "condition") {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => false);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function api(stack, method, path, body, type = "application/json") {
  const res = await fetch(stack.origin + path, {
    method,
    headers: { Authorization: `Bearer ${stack.tenant.api_key}`, ...(body ? { "Content-Type": type } : {}) },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export const tests = {
  async "security headers, caching and the session cookie"({ page, stack }) {
    const res = await page.goto("/");
    const h = res.headers();
    assert.match(h["content-security-policy"], /script-src 'self';/);
    assert.doesNotMatch(h["content-security-policy"], /unsafe-inline/);
    assert.match(h["content-security-policy"], /frame-ancestors 'none'/);
    assert.match(h["content-security-policy"], /frame-src http:\/\/127\.0\.0\.1:\d+;/);
    assert.equal(h["x-content-type-options"], "nosniff");
    assert.equal(h["referrer-policy"], "no-referrer");
    assert.equal(h["cache-control"], "no-cache");
    const script = await page.locator("script[src^='/assets/']").getAttribute("src");
    const asset = await page.request.get(script);
    assert.equal(asset.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert.equal((await page.request.get("/v1/balance")).status(), 401);

    const login = await page.request.post("/v1/session", {
      data: { account: stack.tenant.tenant_id, email: "owner@example.com", password: stack.password } });
    assert.equal(login.status(), 201);
    const cookie = login.headers()["set-cookie"];
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    const { csrf_token: csrf } = await login.json();
    // The session authorises /v1 like an API key of the user's role ...
    assert.equal((await page.request.get("/v1/balance")).status(), 200);
    // ... but a change without the CSRF token is refused, with it accepted.
    const noCsrf = await page.request.post("/v1/lists", { data: { name: "Ohne Token" } });
    assert.equal(noCsrf.status(), 403);
    const wrongCsrf = await page.request.post("/v1/lists", { data: { name: "Falsch" }, headers: { "X-CSRF-Token": csrf.replace(/.$/, (c) => (c === "A" ? "B" : "A")) } });
    assert.equal(wrongCsrf.status(), 403);
    const foreign = await page.request.post("/v1/lists", { data: { name: "Fremd" }, headers: { "X-CSRF-Token": csrf, Origin: "https://evil.example" } });
    assert.equal(foreign.status(), 403);
    const withCsrf = await page.request.post("/v1/lists", { data: { name: "Mit Token" }, headers: { "X-CSRF-Token": csrf } });
    assert.equal(withCsrf.status(), 201);
    assert.equal((await page.request.delete("/v1/session", { headers: { "X-CSRF-Token": csrf } })).status(), 204);
    assert.equal((await page.request.get("/v1/balance")).status(), 401);
  },

  async "wrong passwords are throttled"({ page, stack }) {
    const attempt = (password) => page.request.post("/v1/session", {
      data: { account: stack.tenant.tenant_id, email: "nobody@example.com", password } });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await attempt("falsch-falsch-falsch")).status());
    assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
    assert.equal(statuses[5], 429);
  },

  async "keyboard-only login"({ page, stack, shot }) {
    await page.goto("/login");
    await shot("login");
    // The account field has focus; Tab moves through the form, Enter submits.
    await page.keyboard.type(stack.tenant.tenant_id);
    await page.keyboard.press("Tab");
    await page.keyboard.type("owner@example.com");
    await page.keyboard.press("Tab");
    await page.keyboard.type(stack.password);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();
    // Focus is visible: the focused link gets an outline.
    await page.keyboard.press("Tab");
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, "none");
    await shot("dashboard");
  },

  async "language switch"({ page, stack }) {
    await login(page, stack);
    await page.getByLabel("Language").selectOption("de");
    await page.getByRole("heading", { level: 1, name: "Übersicht" }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), "de");
    await page.getByRole("link", { name: "Kontakte" }).click();
    await page.getByRole("heading", { level: 1, name: "Kontakte" }).waitFor();
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Kontakte" }).waitFor();
    await page.getByLabel("Sprache").selectOption("en");
    await page.getByRole("heading", { level: 1, name: "Contacts" }).waitFor();
  },

  async "send from compose, see it delivered in messages"({ page, stack, shot }) {
    await login(page, stack);
    await page.getByRole("link", { name: "Compose" }).click();
    await page.getByLabel("Recipients").fill("0151 12345678");
    await page.getByLabel("Sender ID").fill("Baeckerei");
    await page.getByLabel("Text", { exact: true }).fill("Ihre Brötchen sind fertig. Grüße!");
    const counter = page.locator("#counter");
    assert.equal(await counter.getAttribute("data-encoding"), "GSM-7");
    assert.equal(await counter.getAttribute("data-segments"), "1");
    await page.getByLabel("Text", { exact: true }).fill("Ihre Brötchen sind fertig 🥐");
    assert.equal(await counter.getAttribute("data-encoding"), "UCS-2");
    await page.getByLabel("Text", { exact: true }).fill("x".repeat(161));
    assert.equal(await counter.getAttribute("data-segments"), "2");
    await page.getByLabel("Text", { exact: true }).fill("Ihre Brötchen sind fertig. Grüße!");
    // The server's preview adds the cost (POST /v1/messages/preview).
    await page.locator("#estimate", { hasText: "Cost" }).waitFor();
    await shot("compose");
    await page.getByRole("button", { name: "Send" }).click();
    await page.getByText("1 accepted, 0 rejected.").waitFor();
    await page.getByRole("link", { name: "Messages" }).click();
    const row = page.locator("#message-list tr", { hasText: PHONE });
    await row.waitFor();
    await eventually(async () => (await row.locator(".badge").textContent()) === "delivered", 20000, "delivered");
    await shot("messages");
    // The dashboard's counts come from the server's summary (GET /v1/stats/messages).
    const stats = await page.evaluate(async () => (await fetch("/v1/stats/messages?bucket=hour")).json());
    assert.ok(stats.totals.delivered >= 1 && stats.delivery_rate > 0, JSON.stringify(stats));
    await page.getByRole("link", { name: "Dashboard" }).click();
    await eventually(async () => Number(await page.locator("#kpi-delivered").textContent()) === stats.totals.delivered,
      5000, "dashboard delivered count");
    assert.equal(await page.locator("#kpi-rate").textContent(), `${Math.round(stats.delivery_rate * 1000) / 10} %`);
    assert.equal(await page.locator("svg.chart rect.bar-delivered[height]").count(), 14);
  },

  async "CSV upload with one bad row shows the error report"({ page, stack, shot }) {
    await login(page, stack);
    await page.getByRole("link", { name: "Contacts" }).click();
    const csv = "phone;first_name;last_name\n0151 22223333;Erika;Muster\nkeine-nummer;Bad;Row\n+4915144445555;Max;Mustermann\n";
    await page.getByLabel("CSV file").setInputFiles({ name: "kontakte.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.getByRole("button", { name: "Upload" }).click();
    await page.getByText("2 imported, 1 rejected.").waitFor();
    const report = page.locator("#import-report tbody tr");
    assert.equal(await report.count(), 1);
    assert.equal(await report.locator("td").first().textContent(), "3");
    assert.equal(await report.locator("td").nth(1).textContent(), "phone");
    await page.locator("#contact-list").getByText("Erika Muster").waitFor();
    // Search by number.
    await page.getByLabel("Search by number").fill("015144445555");
    await page.getByRole("button", { name: "Search" }).click();
    // Max is in the unfiltered list too: wait until the list is the search's answer.
    await page.locator("#contact-list").getByText("Erika Muster").waitFor({ state: "detached" });
    await page.locator("#contact-list").getByText("Max Mustermann").waitFor();
    assert.equal(await page.locator("#contact-list tbody tr").count(), 1);
    await shot("contacts");
  },

  async "a script in a contact name stays text"({ page, stack }) {
    const payload = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>`;
    const r = await api(stack, "POST", "/v1/contacts", { phone: "+4915166667777", first_name: payload, last_name: "\"'><svg onload=window.__xss=3>" });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    await login(page, stack);
    await page.getByRole("link", { name: "Contacts" }).click();
    await page.getByLabel("Search by number").fill("+4915166667777");
    await page.getByRole("button", { name: "Search" }).click();
    const cell = page.locator("#contact-list tbody td").first();
    await eventually(async () => (await cell.textContent()).includes("<img"), 5000, "the name as text");
    assert.equal(await page.locator("#contact-list img, #contact-list script, #contact-list svg").count(), 0);
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => window.__xss), undefined);
  },

  async "a script in a message text stays text"({ page, stack }) {
    // A text anyone can send: a reply from a handset, shown in the inbound list.
    const payload = `<img src=x onerror="window.__xss=4"><script>window.__xss=5</script>"'><svg onload=window.__xss=6>`;
    const mo = await fetch(`http://127.0.0.1:${stack.controlPort}/mo`, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ from: "+4915188887777", to: "12345", text: payload }) });
    assert.equal(mo.status < 300, true, `MO injection: ${mo.status}`);
    await login(page, stack);
    await page.getByRole("link", { name: "Inbound and opt-outs" }).click();
    await eventually(async () => {
      if (await page.locator("#inbound-list", { hasText: "<img src=x" }).count()) return true;
      await page.reload();
      return false;
    }, 20000, "the reply as text");
    assert.equal(await page.locator("#inbound-list img, #inbound-list script, #inbound-list svg").count(), 0);
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => window.__xss), undefined);
  },

  async "375 px wide"({ page, stack, context, shot }) {
    await page.setViewportSize({ width: 375, height: 740 });
    await login(page, stack);
    for (const [link, title] of [["Dashboard", "dashboard-375"], ["Compose", "compose-375"], ["Messages", "messages-375"], ["Contacts", "contacts-375"]]) {
      await page.getByRole("link", { name: link, exact: true }).click();
      await page.getByRole("heading", { level: 1, name: link }).waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${link}: ${overflow} px wider than the screen`);
      await shot(title);
    }
    void context;
  },

  async "viewer sees masked numbers and no compose"({ page, stack }) {
    await login(page, stack, "viewer@example.com");
    assert.equal(await page.getByRole("link", { name: "Compose" }).count(), 0);
    await page.getByRole("link", { name: "Messages" }).click();
    const cell = page.locator("#message-list tbody tr td").nth(1);
    await cell.waitFor();
    assert.match(await cell.textContent(), /^\+49151\*+678$/);
    // The server masks them (the portal does not just hide them): a viewer may not export.
    const list = await (await page.request.get("/v1/messages")).json();
    assert.ok(list.data.length > 0);
    for (const m of list.data) assert.match(m.to, /\*/, `unmasked for a viewer: ${m.to}`);
  },

  async "every page renders (screenshots)"({ page, stack, shot }) {
    await login(page, stack);
    for (const [link, name] of [["Campaigns", "campaigns"], ["Inbound and opt-outs", "inbound"], ["Billing", "billing"],
      ["Privacy", "privacy"], ["Settings", "settings"]]) {
      await page.getByRole("link", { name: link, exact: true }).click();
      await page.getByRole("heading", { level: 1, name: link }).waitFor();
      await page.waitForTimeout(300);
      assert.equal(await page.locator("main .status.error, main > p.error").count(), 0, `${link} shows an error`);
      await shot(name);
      if (name === "privacy") {
        // Retention settings can be changed.
        const days = page.getByLabel(/message text \(days\)/);
        await days.fill("14");
        await page.locator("form", { has: days }).getByRole("button", { name: "Save" }).click();
        await page.locator("form", { has: days }).getByText("Saved.").waitFor();
        // The audit trail's verification status, recomputed by the server.
        const verified = page.locator("main p.audit-verify");
        await verified.waitFor();
        assert.equal(await verified.getAttribute("data-verified"), "true", await verified.textContent());
        assert.match(await verified.textContent(), /Verified: the hash chain of all \d+ entries is intact/);
        // Logins are in the audit trail, by user id.
        await page.locator("main table", { hasText: "session.login" }).first().waitFor();
        // Reads of personal data through a session are audited as the user, like API keys.
        await eventually(async () => (await page.locator("main table tr", { hasText: "data.read" })
          .filter({ hasText: /user:\d+/ }).count()) > 0 || (await page.reload(), false), 10000, "data.read by user");
      }
    }
    await page.goto("/security");
    await page.getByRole("heading", { level: 1, name: "Security and data protection" }).waitFor();
    assert.equal(await page.locator("dd[data-key=password_hashing]").textContent(), "Argon2id");
    await shot("security");
  },

  async "top up with the test card through the vault iframe"({ page, stack, shot }) {
    await login(page, stack);
    await page.getByRole("link", { name: "Billing" }).click();
    await page.getByRole("heading", { level: 1, name: "Billing" }).waitFor();
    const before = await page.locator("#balance").textContent();
    const vault = page.frameLocator("#vault-frame");
    await vault.getByLabel("Name on card").fill("Erika Mustermann");
    await vault.getByLabel("Card number").fill("4242 4242 4242 4242");
    await vault.getByLabel("Month").fill("12");
    await vault.getByLabel("Year").fill(String(new Date().getFullYear() + 2));
    await vault.getByLabel("CVC").fill("123");
    await vault.getByRole("button", { name: "Save card" }).click();
    await page.locator("#cards", { hasText: "4242" }).waitFor();
    // The portal never saw the number: only brand and last four digits are on the page.
    assert.equal((await page.content()).includes("4242424242424242"), false);
    await page.getByLabel("Amount (EUR)").fill("25");
    await page.getByRole("button", { name: "Top up" }).click();
    await page.getByText("Topped up.").waitFor();
    assert.notEqual(await page.locator("#balance").textContent(), before);
    await shot("billing-topup");
  },

  async "send a campaign to an imported list and watch it reach delivered"({ page, stack, shot }) {
    await login(page, stack);
    await page.getByRole("link", { name: "Contacts" }).click();
    await page.getByLabel("New list").fill("Stammkunden");
    await page.getByRole("button", { name: "Create" }).click();
    await page.locator("#lists", { hasText: "Stammkunden" }).waitFor();
    await page.getByLabel("Lists", { exact: true }).selectOption({ label: "Stammkunden" });
    const csv = "phone,first_name\n+4915177770001,Anna\n+4915177770002,Ben\n";
    await page.getByLabel("CSV file").setInputFiles({ name: "liste.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.getByRole("button", { name: "Upload" }).click();
    await page.getByText("2 imported, 0 rejected.").waitFor();

    await page.getByRole("link", { name: "Campaigns" }).click();
    await page.getByLabel("Name", { exact: true }).fill("Frühstücksaktion");
    await page.getByLabel("Sender ID").fill("Baeckerei");
    await page.getByRole("checkbox", { name: "Stammkunden" }).check();
    await page.getByLabel("Template").fill("Guten Morgen {{first_name|Kundin/Kunde}}, Ihre Brötchen warten!");
    await page.getByLabel("Category").selectOption("transactional");
    await page.getByRole("button", { name: "Create" }).click();
    const card = page.locator("article.campaign", { hasText: "Frühstücksaktion" });
    await card.waitFor();
    // Preview for a contact picked from the list (found by number), no ids typed.
    const preview = page.locator("form", { has: page.getByLabel("Campaign", { exact: true }) });
    const picker = page.getByLabel("Campaign", { exact: true });
    await picker.locator("option", { hasText: "Frühstücksaktion" }).waitFor({ state: "attached" });
    await picker.selectOption(await picker.locator("option", { hasText: "Frühstücksaktion" }).getAttribute("value"));
    await preview.getByLabel("Search by number").fill("+4915177770002");
    await preview.getByRole("button", { name: "Search" }).click();
    await eventually(async () => (await page.getByLabel("Contact", { exact: true }).locator("option").allTextContents())
      .join("|") === "Ben (+4915177770002)", 5000, "contact found by number");
    await preview.getByRole("button", { name: "Preview" }).click();
    await page.locator("pre.preview", { hasText: "Guten Morgen Ben, Ihre Brötchen warten!" }).waitFor();
    await card.getByRole("button", { name: "Start" }).click();
    // The progress updates live (polling) until every recipient is delivered.
    await eventually(async () => (await card.locator(".campaign-status").textContent()) === "completed" &&
      (await card.locator(".counts").textContent()).includes("Delivered 2"), 30000, "campaign delivered");
    assert.equal(await card.locator("progress").getAttribute("value"), "2");
    await shot("campaign-delivered");
  },

  async "STOP from a handset shows in the opt-outs"({ page, stack }) {
    const mo = await fetch(`http://127.0.0.1:${stack.controlPort}/mo`, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ from: "+4915188889999", to: "12345", text: "STOP" }) });
    assert.equal(mo.status < 300, true, `MO injection: ${mo.status}`);
    await login(page, stack);
    await page.getByRole("link", { name: "Inbound and opt-outs" }).click();
    await eventually(async () => {
      if (await page.locator("#optout-list", { hasText: "+4915188889999" }).count()) return true;
      await page.reload();
      return false;
    }, 20000, "the opt-out");
    await page.locator("#inbound-list", { hasText: "STOP" }).waitFor();
  },

  async "export and erase a person"({ page, stack }) {
    await login(page, stack);
    await page.getByRole("link", { name: "Privacy" }).click();
    await page.getByLabel("Phone").first().fill("+4915144445555");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export" }).click()]);
    const exported = JSON.parse(await (await download.createReadStream()).toArray().then((c) => Buffer.concat(c).toString()));
    assert.match(JSON.stringify(exported), /Mustermann/);
    page.once("dialog", (d) => d.accept());
    await page.getByLabel("Phone").nth(1).fill("+4915144445555");
    await page.getByRole("button", { name: "Erase" }).click();
    await page.locator("main .status.ok").last().waitFor();
    // The person is gone from the contacts.
    await page.getByRole("link", { name: "Contacts" }).click();
    await page.getByLabel("Search by number").fill("+4915144445555");
    await page.getByRole("button", { name: "Search" }).click();
    await page.locator("#contact-list", { hasText: "Nothing here yet." }).waitFor();
  },

  async "TOTP: enrol with the QR code, then log in with a code"({ page, stack, shot }) {
    await login(page, stack, "viewer@example.com", true);
    await page.getByRole("link", { name: "My account" }).click();
    await page.getByRole("button", { name: "Turn on" }).click();
    const qr = page.locator("#totp-qr");
    await qr.waitFor();
    assert.match(await qr.getAttribute("src"), /^data:image\/gif;base64,/);
    const secret = await page.locator("#totp-secret").textContent();
    await shot("account-totp");
    await page.getByLabel("Code from the app").fill("000000" === totp(secret) ? "111111" : "000000");
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.getByText("does not match").first().waitFor();
    await page.getByLabel("Code from the app").fill(totp(secret));
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.locator("#totp-state", { hasText: "On:" }).waitFor();
    await page.getByRole("button", { name: "Log out", exact: true }).click();

    await page.getByLabel("Account ID").fill(stack.tenant.tenant_id);
    await page.getByLabel("Email").fill("viewer@example.com");
    await page.getByLabel("Password").fill(stack.password);
    await page.getByRole("button", { name: "Log in" }).click();
    const code = page.getByLabel("Code from the app");
    await code.waitFor();
    await shot("login-totp");
    // The confirming code's step is used up. One code, computed once: computed again it
    // could be the next step's (a fresh code) if a 30 s boundary passed in between.
    const next = totp(secret, 1);
    await code.fill(next);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();
    // The same code again is refused (no replay).
    const again = await page.request.post("/v1/session", {
      data: { account: stack.tenant.tenant_id, email: "viewer@example.com", password: stack.password, totp: next } });
    assert.equal(again.status(), 401);
  },

  async "recovery codes shown once log in once; an owner resets a password and removes TOTP"({ browser, page, stack, shot }) {
    const email = "rosa@example.com";
    const created = await api(stack, "POST", "/v1/users", { email, role: "sender", password: stack.password });
    assert.equal(created.status, 201);
    await login(page, stack, email, true);
    await page.getByRole("link", { name: "My account" }).click();
    await page.getByRole("button", { name: "Turn on" }).click();
    const secret = await page.locator("#totp-secret").textContent();
    await page.getByLabel("Code from the app").fill(totp(secret));
    await page.getByRole("button", { name: "Confirm" }).click();
    const shown = page.locator("#recovery-codes .secret");
    await shown.first().waitFor();
    const codes = await shown.allTextContents();
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    for (const c of codes) assert.match(c, /^[A-Z2-7]{5}-[A-Z2-7]{5}$/);
    await shot("account-recovery-codes");
    await page.getByRole("button", { name: "Log out", exact: true }).click();

    // The phone is lost: a recovery code logs in, once.
    const viaForm = async (p, password, code) => {
      await p.goto("/login");
      await p.getByLabel("Account ID").fill(stack.tenant.tenant_id);
      await p.getByLabel("Email").fill(email);
      await p.getByLabel("Password").fill(password);
      await p.getByRole("button", { name: "Log in" }).click();
      if (code === undefined) return;
      await p.getByLabel("Code from the app").fill(code);
      await p.getByRole("button", { name: "Log in" }).click();
    };
    await viaForm(page, stack.password, codes[3].toLowerCase());
    await page.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();
    await page.getByRole("link", { name: "My account" }).click();
    await page.locator("#recovery-left", { hasText: "9" }).waitFor();
    const reuse = await page.request.post("/v1/session", {
      data: { account: stack.tenant.tenant_id, email, password: stack.password, totp: codes[3] } });
    assert.equal(reuse.status(), 401);

    // The owner removes Rosa's second factor and resets her password (shown once).
    const owner = await browser.newContext({ baseURL: stack.origin });
    const op = await owner.newPage();
    await login(op, stack);
    await op.getByRole("link", { name: "Settings" }).click();
    await op.getByRole("button", { name: `Remove two-factor ${email}` }).click();
    await op.getByText(`Two-factor authentication removed for ${email}.`).waitFor();
    await op.getByRole("button", { name: `Reset password ${email}` }).click();
    const fresh = await op.locator(".once .secret").first().textContent();
    assert.ok(fresh.length >= 20);
    await owner.close();

    // Rosa's session ended; the new password alone (no code any more) logs her in.
    assert.equal((await page.request.get("/v1/session")).status(), 401);
    await viaForm(page, stack.password);
    await page.locator("#login-error", { hasText: "Login failed" }).waitFor();
    await viaForm(page, fresh);
    await page.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();
  },

  async "a new user gets an initial password once and changes it"({ browser, page, stack, shot }) {
    await login(page, stack);
    await page.getByRole("link", { name: "Settings" }).click();
    await page.locator("#users").waitFor();
    await page.getByLabel("Email", { exact: true }).first().fill("neu@example.com");
    await page.getByLabel("Role", { exact: true }).first().selectOption("sender");
    await page.getByRole("button", { name: "Add user" }).click();
    const initial = await page.locator(".once .secret").first().textContent();
    assert.ok(initial.length >= 12);
    await shot("settings-user-added");

    const other = await browser.newContext({ baseURL: stack.origin });
    const p2 = await other.newPage();
    await p2.goto("/login");
    await p2.getByLabel("Account ID").fill(stack.tenant.tenant_id);
    await p2.getByLabel("Email").fill("neu@example.com");
    await p2.getByLabel("Password").fill(initial);
    await p2.getByRole("button", { name: "Log in" }).click();
    await p2.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();
    await p2.getByRole("link", { name: "My account" }).click();
    await p2.getByLabel("Current password").fill("wrong-wrong-wrong");
    await p2.getByLabel("New password", { exact: true }).fill("mein-neues-passwort-2026");
    await p2.getByLabel("Repeat the new password").fill("mein-neues-passwort-2026");
    await p2.getByRole("button", { name: "Change password" }).click();
    await p2.getByText("current_password is wrong").waitFor();
    await p2.getByLabel("Current password").fill(initial);
    await p2.getByLabel("New password", { exact: true }).fill("mein-neues-passwort-2026");
    await p2.getByLabel("Repeat the new password").fill("mein-neues-passwort-2026");
    await p2.getByRole("button", { name: "Change password" }).click();
    await p2.getByText("Password changed").waitFor();
    // The renewed session and its new CSRF token keep working.
    await p2.getByRole("link", { name: "Contacts" }).click();
    await p2.getByLabel("New list").fill("Neue Liste");
    await p2.getByRole("button", { name: "Create" }).click();
    await p2.locator("#lists", { hasText: "Neue Liste" }).waitFor();
    const old = await p2.request.post("/v1/session", {
      data: { account: stack.tenant.tenant_id, email: "neu@example.com", password: initial } });
    assert.equal(old.status(), 401);
    const fresh = await p2.request.post("/v1/session", {
      data: { account: stack.tenant.tenant_id, email: "neu@example.com", password: "mein-neues-passwort-2026" } });
    assert.equal(fresh.status(), 201);
    await other.close();
  },

  async "logout everywhere ends other sessions"({ browser, page, stack }) {
    await login(page, stack, "owner@example.com", true);
    const other = await browser.newContext({ baseURL: stack.origin });
    const page2 = await other.newPage();
    await login(page2, stack, "owner@example.com", true);
    await page.getByRole("button", { name: "Log out everywhere" }).click();
    await page.getByRole("heading", { name: "Log in to diskret" }).waitFor();
    assert.equal((await page2.request.get("/v1/session")).status(), 401);
    await other.close();
  },
};
