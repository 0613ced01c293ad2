// Starts the real programs for the browser tests: diskret-vault, diskret-smsc and
// `diskret serve` on free loopback ports in a temporary directory, and stops them again.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/// Runs a program in the background; waitFor(re) resolves with the first match of `re`
/// on its stdout or stderr.
function background(cmd, args, cwd, name) {
  const child = spawn(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const waiters = [];
  const feed = (chunk) => {
    out += chunk.toString();
    for (const w of [...waiters]) {
      const m = out.match(w.re);
      if (m) { waiters.splice(waiters.indexOf(w), 1); clearTimeout(w.timer); w.resolve(m); }
    }
  };
  child.stdout.on("data", feed);
  child.stderr.on("data", feed);
  return {
    child,
    output: () => out,
    waitFor(re, ms = 20000) {
      const m = out.match(re);
      if (m) return Promise.resolve(m);
      return new Promise((resolve, reject) => {
        const w = { re, resolve };
        w.timer = setTimeout(() => reject(new Error(`${name}: no ${re} within ${ms} ms:\n${out}`)), ms);
        waiters.push(w);
        child.on("exit", (code) => { clearTimeout(w.timer); reject(new Error(`${name} exited (${code}):\n${out}`)); });
      });
    },
    stop() {
      if (child.exitCode !== null) return Promise.resolve();
      return new Promise((resolve) => {
        const kill = setTimeout(() => child.kill("SIGKILL"), 10000);
        child.on("exit", () => { clearTimeout(kill); resolve(); });
        child.kill("SIGTERM");
      });
    },
  };
}

export async function startStack(bin) {
  const dir = mkdtempSync(join(tmpdir(), "diskret-portal-"));
  const procs = [];
  const stop = async () => {
    for (const p of procs.reverse()) await p.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const httpPort = await freePort();
    const origin = `http://127.0.0.1:${httpPort}`;
    mkdirSync(join(dir, "shared"));
    const secret = join(dir, "shared", "vault.secret");
    writeFileSync(join(dir, "vault.toml"),
      `[server]\ndata_dir = "${dir}/vault"\nhttp_listen = "127.0.0.1:0"\n` +
      `[vault]\nportal_origin = "${origin}"\nservice_secret_file = "${secret}"\n`);
    const vault = background(join(bin, "diskret-vault"), ["serve", "--config", join(dir, "vault.toml")], dir, "diskret-vault");
    procs.push(vault);
    const vaultPort = Number((await vault.waitFor(/serving on port (\d+)/))[1]);

    const smsc = background(join(bin, "diskret-smsc"), ["--listen", "127.0.0.1:0", "--control", "127.0.0.1:0",
      "--system-id", "diskret", "--password", "secret", "--dlr-delay-ms", "200"], dir, "diskret-smsc");
    procs.push(smsc);
    const m = await smsc.waitFor(/SMPP on 127\.0\.0\.1:(\d+), control on http:\/\/127\.0\.0\.1:(\d+)/);
    const smppPort = Number(m[1]);
    const controlPort = Number(m[2]);

    const config = join(dir, "diskret.toml");
    writeFileSync(config,
      `[server]\ndata_dir = "${dir}/var"\nhttp_listen = "127.0.0.1:${httpPort}"\n` +
      `smtp_listen = "127.0.0.1:0"\nsmpp_listen = "127.0.0.1:0"\n` +
      `[billing]\nenabled = true\nvault_url = "http://127.0.0.1:${vaultPort}"\nvault_secret_file = "${secret}"\n` +
      `[campaigns]\nquiet_hours = "off"\n` +
      `[[smsc]]\nname = "sim"\nhost = "127.0.0.1"\nport = ${smppPort}\nsystem_id = "diskret"\npassword = "secret"\n`);
    const cli = (args, input) => {
      const r = spawnSync(join(bin, "diskret"), [...args, "--config", config], { cwd: dir, input, encoding: "utf8" });
      if (r.status !== 0) throw new Error(`diskret ${args.join(" ")}: ${r.stderr}`);
      return r.stdout;
    };
    const tenant = JSON.parse(cli(["tenant", "create", "--name", "Bäckerei Test", "--region", "DE", "--json"]));
    const password = "korrekt-pferd-batterie";
    cli(["user", "add", "--tenant", tenant.tenant_id, "--email", "owner@example.com", "--role", "owner", "--password-stdin", "--json"], password + "\n");
    cli(["user", "add", "--tenant", tenant.tenant_id, "--email", "viewer@example.com", "--role", "viewer", "--password-stdin", "--json"], password + "\n");
    cli(["number", "assign", "--tenant", tenant.tenant_id, "--number", "12345"]);
    cli(["credits", "grant", "--tenant", tenant.tenant_id, "--amount-cents", "10000", "--reason", "portal test"]);

    const serve = background(join(bin, "diskret"), ["serve", "--config", config], dir, "diskret serve");
    procs.push(serve);
    await serve.waitFor(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
    return { dir, origin, controlPort, tenant, password, stop, logs: () => serve.output() };
  } catch (e) {
    await stop();
    throw e;
  }
}
