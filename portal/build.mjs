// Builds the portal: src/main.ts + src/style.css -> <out>/assets/app-<hash>.{js,css} and
// <out>/index.html naming them. Usage: node build.mjs [--out DIR] (default: dist).
import * as esbuild from "esbuild";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";

const args = process.argv.slice(2);
const out = resolve(args.includes("--out") ? args[args.indexOf("--out") + 1] : "dist");
rmSync(join(out, "assets"), { recursive: true, force: true });
mkdirSync(join(out, "assets"), { recursive: true });

const result = await esbuild.build({
  entryPoints: { app: "src/main.ts", style: "src/style.css" },
  bundle: true,
  minify: true,
  sourcemap: false,
  format: "esm",
  target: ["es2022"],
  outdir: join(out, "assets"),
  entryNames: "[name]-[hash]",
  metafile: true,
  logLevel: "warning",
});
let js = "", css = "";
for (const file of Object.keys(result.metafile.outputs)) {
  if (file.endsWith(".js")) js = basename(file);
  if (file.endsWith(".css")) css = basename(file);
}
const html = readFileSync("src/index.html", "utf8")
  .replace("%APP_JS%", `/assets/${js}`)
  .replace("%APP_CSS%", `/assets/${css}`);
writeFileSync(join(out, "index.html"), html);
console.log(`portal: built ${js}, ${css} into ${out}`);
