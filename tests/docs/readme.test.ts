/** README.md's paths, make targets, config keys, types, pulumi commands and code against what they name. */
import { execFile, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { DYNAMIC_TYPE } from "@awsamp/dynamic/resourcePolicy";
import { RESOURCE_TYPES } from "@awsamp/policy-pack/subject";
import { expect } from "chai";
import ts from "typescript";
import { filesUnder } from "../harness/files";
import { REPO_ROOT } from "../harness/plugin";
import { collect, TOOLS_BIN } from "../harness/pulumiCli";
import { headingAnchor, parseReadme, type ReadmeSpan, readmeInstallCommands } from "../harness/readme";

const run = promisify(execFile);
const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), "utf8");

const README_TEXT = read("README.md");
const README = parseReadme(README_TEXT);

interface Schema {
  version: string;
  config: { variables: Record<string, { secret?: boolean }> };
  provider: { inputProperties: Record<string, unknown> };
  resources: Record<
    string,
    { inputProperties: Record<string, unknown>; properties: Record<string, unknown> }
  >;
  types: Record<string, unknown>;
  language: {
    nodejs: { packageName: string };
    python: { packageName: string };
    go: { importBasePath: string };
  };
}
const schema = JSON.parse(read("schema.json")) as Schema;
const RESOURCE_POLICY = schema.resources["awsamp:index:ResourcePolicy"] ?? {
  inputProperties: {},
  properties: {},
};
const INPUTS = Object.keys(RESOURCE_POLICY.inputProperties);
const OUTPUTS = Object.keys(RESOURCE_POLICY.properties);

// --- Where the README's commands and paths are --------------------------------------------------------------

/** A command line or a prose span, with the paragraph (or, for a block, the heading) it belongs to. */
interface ReadmeText {
  text: string;
  where: string;
  paragraph?: number;
  heading: string;
}

/** The value of a GitHub Actions `run:` key: the only shell in the README's YAML. */
function yamlRun(yaml: string): string[] {
  const lines = yaml.split("\n");
  const at = lines.findIndex((line) => /^\s*-?\s*run:/.test(line));
  if (at < 0) return [];
  const indent = /^\s*/.exec(lines[at] ?? "")?.[0].length ?? 0;
  const value = [(lines[at] ?? "").replace(/^\s*-?\s*run:\s*[>|]?/, "")];
  for (const line of lines.slice(at + 1)) {
    if ((/^\s*/.exec(line)?.[0].length ?? 0) <= indent && line.trim()) break;
    value.push(line);
  }
  return [value.join(" ").replace(/\s+/g, " ").trim()];
}

/** What a shell would run: each line of an sh block without its comment, a YAML block's `run:`, every span. */
function commandTexts(): ReadmeText[] {
  const blocks = README.blocks.flatMap((block) => {
    const where = `the ${block.language} block at line ${block.line}`;
    const lines =
      block.language === "sh"
        ? block.text.split("\n").map((line) => line.replace(/(^|\s)#.*$/, ""))
        : block.language === "yaml"
          ? yamlRun(block.text)
          : [];
    return lines.map((text) => ({ text, where, heading: block.heading }));
  });
  return [...blocks, ...README.spans.map(spanText)];
}

function spanText(span: ReadmeSpan): ReadmeText {
  return {
    text: span.text,
    where: `\`${span.text}\` at line ${span.line}`,
    paragraph: span.paragraph,
    heading: span.heading,
  };
}

/** Text a path may be in: sh and YAML blocks whole (a comment may name a folder), and every span. */
function pathTexts(): ReadmeText[] {
  const blocks = README.blocks
    .filter((block) => block.language === "sh" || block.language === "yaml")
    .map((block) => ({
      text: block.text,
      where: `the ${block.language} block at line ${block.line}`,
      heading: block.heading,
    }));
  return [...blocks, ...README.spans.map(spanText)];
}

/** What CHECKOUT, $PWD (in the checkout) and $AWSAMP stand for in the README: this checkout. */
const CHECKOUT_PREFIX = /^(?:CHECKOUT|\$PWD|\$AWSAMP)\//;
const FILE_NAME = /^[\w.-]+\.(?:json|md|ts|js|py|go|ya?ml|txt|toml|mod|sum|sh|cmd|tar\.gz|tgz|whl)$/;

/**
 * The relative paths in a text: words with a slash, or a file name, split where a shell or a sentence splits
 * them. Left out: absolute and home paths, URLs and other colon-words (type tokens, config keys) except a PATH
 * list, npm scopes and Go module paths (checked as packages), and issue references.
 */
function pathsIn(text: string): string[] {
  return text
    .split(/[\s"'=,;()[\]{}<>|`]+/)
    .flatMap((word) => (word.includes(":") ? (word.includes("$PATH") ? word.split(":") : []) : [word]))
    .map((word) => word.replace(/[.,:;]+$/, "").replace(CHECKOUT_PREFIX, ""))
    .filter(
      (word) =>
        // A file name without a folder only on its own: in a sentence, "Node.js" is no file.
        (word.includes("/") || (FILE_NAME.test(word) && word === text.trim())) &&
        !/^[/~%$@]|^github\.com\/|#|…|\.\.\./.test(word),
    );
}

/**
 * The one path the README names outside the checkout, in the user's cache folder (the core's settle-time
 * memory); a spec below holds the core to it.
 */
const IN_CACHE_FOLDER = "awsamp/settle-times.json";

/** Where a README path should be: in the checkout, among make dist's outputs, make pulumi's, or the cache's. */
function pathKind(file: string, checkoutNames: Set<string>): "checkout" | "dist" | "tools" | "cache" {
  if (file.startsWith(".tools/")) return "tools";
  if (file.startsWith("dist/")) return "dist";
  if (file === IN_CACHE_FOLDER) return "cache";
  // A bare file name is one of the checkout's, or else a file make dist writes (or packs into a tarball).
  if (!file.includes("/")) return checkoutNames.has(file) ? "checkout" : "dist";
  return "checkout";
}

/** Every path the README names, with where, by pathKind. */
function readmePaths(kind: ReturnType<typeof pathKind>): { file: string; where: string }[] {
  checkoutNames ??= checkoutFileNames();
  const names = checkoutNames;
  return pathTexts().flatMap(({ text, where }) =>
    pathsIn(text)
      .filter((file) => pathKind(file, names) === kind)
      .map((file) => ({ file, where })),
  );
}

/** Walking the checkout takes a while; its file names do not change during a run. */
let checkoutNames: Set<string> | undefined;

/** Every file name in the checkout, its dependencies and build output aside. */
function checkoutFileNames(): Set<string> {
  const skip = new Set([".git", "node_modules", "build", "dist", ".tools", "bin", "__pycache__"]);
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (skip.has(entry.name)) continue;
      if (entry.isDirectory()) walk(path.join(dir, entry.name));
      else names.add(entry.name);
    }
  };
  walk(REPO_ROOT);
  return names;
}

/** The checkout's paths that match a glob of `*` segments. */
function globMatches(pattern: string): string[] {
  return pattern.split("/").reduce<string[]>(
    (found, segment) =>
      found.flatMap((dir) => {
        if (!segment.includes("*"))
          return existsSync(path.join(REPO_ROOT, dir, segment)) ? [path.join(dir, segment)] : [];
        const regex = new RegExp(
          `^${segment
            .split("*")
            .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
            .join("[^/]*")}$`,
        );
        const full = path.join(REPO_ROOT, dir);
        return existsSync(full)
          ? readdirSync(full)
              .filter((name) => regex.test(name))
              .map((name) => path.join(dir, name))
          : [];
      }),
    [""],
  );
}

// --- make ---------------------------------------------------------------------------------------------------

/** make as a user runs it in the checkout: none of a parent make's flags, jobserver or exported PULUMI. */
function makeEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ["MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "PULUMI"]) delete env[name];
  return env;
}

/** Runs make in the checkout, never throwing: its exit code and output. `input` is a makefile on stdin (`-f -`). */
async function make(args: string[], input = ""): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn("make", ["--no-print-directory", ...args], { cwd: REPO_ROOT, env: makeEnv() });
  child.stdin.end(input);
  const { code, stdout, stderr } = await collect(child);
  return { code: code ?? -1, stdout, stderr };
}

/** `make NAME=value TARGET` in the README: the target and the variables it is given. */
interface MakeCommand {
  target: string;
  variables: Record<string, string>;
  where: string;
}

function makeCommands(): MakeCommand[] {
  return commandTexts().flatMap(({ text, where }) =>
    [...text.matchAll(/(?:^|[\s;&|(])make\s+([a-z][\w-]*)((?:\s+[A-Z_]+=(?:"[^"]*"|\S+))*)/g)].map(
      (match) => ({
        target: match[1] ?? "",
        variables: Object.fromEntries(
          [...(match[2] ?? "").matchAll(/([A-Z_]+)=(?:"([^"]*)"|(\S+))/g)].map((variable) => [
            variable[1] ?? "",
            variable[2] ?? variable[3] ?? "",
          ]),
        ),
        where,
      }),
    ),
  );
}

/** What `make dist` writes, by the Makefile's own variables and the packages' names and versions. */
interface DistOutputs {
  /** File names in dist/. */
  files: string[];
  /** The dist recipe as `make -n` prints it, which names what goes into the tarballs. */
  recipe: string;
}

async function distOutputs(): Promise<DistOutputs> {
  const tarballs = await make(
    ["-s", "-f", "Makefile", "-f", "-", "readme-dist-tarballs"],
    "readme-dist-tarballs: ; @echo $(foreach platform,$(DIST_PLATFORMS),$(call DIST_TARBALL,$(platform)))\n",
  );
  expect(tarballs.code, tarballs.stderr).to.equal(0);
  const plugin = tarballs.stdout.trim().split(/\s+/).filter(Boolean);
  expect(plugin, "the Makefile's DIST_PLATFORMS and DIST_TARBALL").to.not.be.empty;
  // -o: the recipe alone, without the build and the virtualenv it depends on.
  const dist = await make(["-n", "-o", "build", "-o", "python", "dist"]);
  expect(dist.code, dist.stderr).to.equal(0);
  // npm names a package's tarball SCOPE-NAME-VERSION.tgz.
  const pack = /^npm pack (.*?) --pack-destination dist\b/m.exec(dist.stdout);
  expect(pack, "make dist runs npm pack into dist").to.not.equal(null);
  const npm = (pack?.[1] ?? "").split(/\s+/).map((folder) => {
    const { name, version } = JSON.parse(read(path.join(folder, "package.json"))) as {
      name: string;
      version: string;
    };
    return `${name.replace(/^@/, "").replace("/", "-")}-${version}.tgz`;
  });
  // A wheel is NAME-VERSION-py3-none-any.whl for a pure-Python package, from pyproject.toml's [project].
  expect(dist.stdout, "make dist builds the Python SDK's wheel into dist").to.match(
    /cp -R sdk\/python[\s\S]*pip wheel .*-w dist/,
  );
  const project = read("sdk/python/pyproject.toml");
  const field = (name: string) => new RegExp(`^\\s*${name} = "([^"]+)"`, "m").exec(project)?.[1] ?? "";
  const wheel = `${field("name").replace(/-/g, "_")}-${field("version")}-py3-none-any.whl`;
  return { files: [...plugin.map((file) => path.basename(file)), ...npm, wheel], recipe: dist.stdout };
}

// --- the pulumi CLI -----------------------------------------------------------------------------------------

/** The commands that act on the stack of the program in the folder they run in. */
const PROGRAM_COMMANDS = new Set([
  "preview",
  "up",
  "refresh",
  "import",
  "destroy",
  "stack",
  "state",
  "config",
  "cancel",
]);

/** A `pulumi …` command the README gives: its words after `pulumi`, up to a pipe or the next command. */
interface PulumiCommand {
  words: string[];
  where: string;
  paragraph?: number;
  heading: string;
}

const SHELL_WORDS = /'[^']*'|"[^"]*"|[^\s'"]+/g;

function pulumiCommands(rootCommands: Set<string>): PulumiCommand[] {
  return commandTexts().flatMap(({ text, where, paragraph, heading }) => {
    // A span such as `preview --diff` is a pulumi command without the word pulumi.
    const bare = /^([a-z][\w-]*)(?: --?[a-z][\w-]*)+$/.exec(text);
    const texts = bare && rootCommands.has(bare[1] ?? "") ? [text] : [];
    for (const match of text.matchAll(/(?:^|[\s;&|(])pulumi +(?=[a-z])/g))
      texts.push(text.slice(match.index + match[0].length));
    return texts.map((command) => {
      const words: string[] = [];
      for (const word of command.match(SHELL_WORDS) ?? []) {
        if (["|", "||", "&&", ";"].includes(word)) break;
        words.push(word);
      }
      return { words, where, paragraph, heading };
    });
  });
}

/** What `pulumi … --help` lists: subcommands (under any "… Commands:" heading) and flags, global ones too. */
interface CliHelp {
  commands: Set<string>;
  flags: Set<string>;
  /** The other names the command answers to (`state delete` is `state remove`). */
  aliases: Set<string>;
}

function parseHelp(help: string): CliHelp {
  const commands = new Set<string>();
  const flags = new Set<string>();
  const aliases = new Set<string>();
  let section = "";
  for (const line of help.split("\n")) {
    if (/^\S.*:\s*$/.test(line)) {
      section = line.trim();
      continue;
    }
    if (!line.trim()) section = "";
    const command = section.endsWith("Commands:") ? /^ {2}([a-z][\w-]*)\s{2,}/.exec(line) : null;
    if (command) commands.add(command[1] ?? "");
    if (section === "Aliases:") for (const alias of line.split(",")) aliases.add(alias.trim());
    const flag = section.endsWith("Flags:") ? /^\s+(?:-([A-Za-z]), )?--([\w-]+)/.exec(line) : null;
    if (flag?.[1]) flags.add(`-${flag[1]}`);
    if (flag?.[2]) flags.add(`--${flag[2]}`);
  }
  return { commands, flags, aliases };
}

/** The problems of one command against the CLI: a subcommand it lacks, a flag the subcommand does not take. */
async function commandProblems(
  command: PulumiCommand,
  help: (words: string[]) => Promise<CliHelp>,
): Promise<string[]> {
  const subcommand: string[] = [];
  const args: string[] = [];
  const flags: string[] = [];
  let current = await help([]);
  for (const word of command.words) {
    if (word.startsWith("-")) {
      flags.push(word.split("=")[0] ?? word);
      continue;
    }
    const next = !args.length && current.commands.size ? await help([...subcommand, word]) : undefined;
    if (next && (current.commands.has(word) || next.aliases.has(word))) {
      subcommand.push(word);
      current = next;
    } else args.push(word);
  }
  const name = ["pulumi", ...subcommand].join(" ");
  const problems: string[] = [];
  if (!subcommand.length) problems.push(`pulumi has no command ${command.words[0]}`);
  else if (current.commands.size && args.length) problems.push(`${name} has no subcommand ${args[0]}`);
  for (const flag of flags) if (!current.flags.has(flag)) problems.push(`${name} takes no ${flag}`);
  return problems.map((problem) => `${command.where}: ${problem}`);
}

// --- TypeScript ---------------------------------------------------------------------------------------------

function parseTypeScript(code: string): ts.SourceFile {
  return ts.createSourceFile("sample.ts", code, ts.ScriptTarget.ES2022, true);
}

/** Whether a fragment is TypeScript at all: a span may be prose that happens to start like code. */
function isTypeScript(code: string): boolean {
  const { diagnostics } = ts.transpileModule(code, { reportDiagnostics: true, compilerOptions: {} });
  return (diagnostics ?? []).length === 0;
}

/** The file a module specifier names, from a folder: FILE.d.ts, FILE.ts or FILE/index.(d.)ts. */
function resolveModule(from: string, specifier: string): string {
  const base = path.resolve(from, specifier);
  const found = [
    `${base}.d.ts`,
    `${base}.ts`,
    path.join(base, "index.d.ts"),
    path.join(base, "index.ts"),
  ].find(existsSync);
  if (!found) throw new Error(`no module ${specifier} from ${from}`);
  return found;
}

/** Where a package's declarations start: the SDK's sources for the SDK, else the installed package's types. */
function packageEntry(name: string): string {
  if (name === schema.language.nodejs.packageName) return path.join(REPO_ROOT, "sdk", "nodejs", "index.ts");
  const folder = path.join(REPO_ROOT, "node_modules", name);
  const manifest = JSON.parse(readFileSync(path.join(folder, "package.json"), "utf8")) as {
    types?: string;
    typings?: string;
  };
  return path.join(folder, manifest.types ?? manifest.typings ?? "index.d.ts");
}

/** The names a module exports, each with the module it stands for when it is a namespace (`aws.amp`). */
function moduleExports(file: string, seen = new Set<string>()): Map<string, string | undefined> {
  const exported = new Map<string, string | undefined>();
  if (seen.has(file)) return exported;
  seen.add(file);
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022);
  const resolve = (specifier: string) => resolveModule(path.dirname(file), specifier);
  const namespaces = new Map<string, string>();
  for (const statement of source.statements) {
    const imported = namespaceImportOf(statement);
    if (imported?.module.startsWith(".")) namespaces.set(imported.alias, resolve(imported.module));
  }
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement)) {
      const from =
        statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)
          ? statement.moduleSpecifier.text
          : undefined;
      const clause = statement.exportClause;
      if (!clause) {
        if (from?.startsWith("."))
          for (const [name, module] of moduleExports(resolve(from), seen)) exported.set(name, module);
      } else if (ts.isNamespaceExport(clause)) {
        exported.set(clause.name.text, from?.startsWith(".") ? resolve(from) : undefined);
      } else {
        for (const element of clause.elements) {
          exported.set(
            element.name.text,
            from ? undefined : namespaces.get((element.propertyName ?? element.name).text),
          );
        }
      }
      continue;
    }
    const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined;
    if (!modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)) continue;
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name)) exported.set(declaration.name.text, undefined);
      }
    } else if (
      (ts.isFunctionDeclaration(statement) ||
        ts.isClassDeclaration(statement) ||
        ts.isInterfaceDeclaration(statement) ||
        ts.isTypeAliasDeclaration(statement) ||
        ts.isEnumDeclaration(statement) ||
        ts.isModuleDeclaration(statement)) &&
      statement.name &&
      ts.isIdentifier(statement.name)
    ) {
      exported.set(statement.name.text, undefined);
    }
  }
  return exported;
}

/** Whether `alias.a.b` names something the package exports, through its namespaces. */
function packageHas(pkg: string, chain: string[]): boolean {
  let module = packageEntry(pkg);
  for (const [index, name] of chain.entries()) {
    const exported = moduleExports(module);
    if (!exported.has(name)) return false;
    if (index === chain.length - 1) return true;
    const namespace = exported.get(name);
    if (!namespace) return false;
    module = namespace;
  }
  return false;
}

/** The property names of an interface declared in a TypeScript file. */
function interfaceMembers(file: string, name: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022);
  const declaration = source.statements.find(
    (statement): statement is ts.InterfaceDeclaration =>
      ts.isInterfaceDeclaration(statement) && statement.name.text === name,
  );
  if (!declaration) throw new Error(`${file} declares no ${name}`);
  return declaration.members.flatMap((member) =>
    member.name && ts.isIdentifier(member.name) ? [member.name.text] : [],
  );
}

/** Every interface a TypeScript file declares, by name, with its property names. */
function interfacesOf(file: string): Map<string, string[]> {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022);
  const found = new Map<string, string[]>();
  const visit = (node: ts.Node) => {
    if (ts.isInterfaceDeclaration(node)) {
      found.set(
        node.name.text,
        node.members.flatMap((member) =>
          member.name && ts.isIdentifier(member.name) ? [member.name.text] : [],
        ),
      );
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const PULUMI_RESOURCE = require.resolve("@pulumi/pulumi/resource.d.ts");
/** The resource options a TypeScript program may give a custom resource such as ResourcePolicy. */
const OPTIONS = [
  ...interfaceMembers(PULUMI_RESOURCE, "ResourceOptions"),
  ...interfaceMembers(PULUMI_RESOURCE, "CustomResourceOptions"),
];
const TIMEOUTS = interfaceMembers(PULUMI_RESOURCE, "CustomTimeouts");
const AWS_RESOURCE_POLICY = require.resolve("@pulumi/aws/amp/resourcePolicy.d.ts");
const AWS_ARGS = interfaceMembers(AWS_RESOURCE_POLICY, "ResourcePolicyArgs");
const AWS_STATE = interfaceMembers(AWS_RESOURCE_POLICY, "ResourcePolicyState");
/** The typed document's types in the TypeScript SDK, and their properties. */
const SDK_INPUT_TYPES = interfacesOf(path.join(REPO_ROOT, "sdk", "nodejs", "types", "input.ts"));
const SDK_INPUT_FIELDS = [...SDK_INPUT_TYPES.values()].flat();

/** The README's TypeScript: its ts blocks, and the spans that parse as TypeScript (wrapped as a value). */
function typeScriptSamples(): { source: ts.SourceFile; where: string }[] {
  const blocks = README.blocks
    .filter((block) => block.language === "ts")
    .map((block) => ({ source: parseTypeScript(block.text), where: `the ts block at line ${block.line}` }));
  const spans = README.spans.flatMap((span) => {
    if (!/^(?:new |\{ ?[A-Za-z_]|[A-Za-z_]\w*: )/.test(span.text)) return [];
    // README elides with … and [...]; a value in their place parses the same.
    const code = span.text.replace(/\[\.\.\.\]/g, "[]").replace(/…/g, "0");
    const wrapped = [`(${code});`, `({ ${code} });`].find(isTypeScript);
    return wrapped
      ? [{ source: parseTypeScript(wrapped), where: `\`${span.text}\` at line ${span.line}` }]
      : [];
  });
  return [...blocks, ...spans];
}

/** The imports of the README's TypeScript, by alias; `pulumi` is @pulumi/pulumi as every Pulumi program has it. */
function importAliases(samples: { source: ts.SourceFile }[]): Map<string, string> {
  const aliases = new Map([["pulumi", "@pulumi/pulumi"]]);
  for (const { source } of samples) {
    for (const statement of source.statements) {
      const imported = namespaceImportOf(statement);
      if (imported) aliases.set(imported.alias, imported.module);
    }
  }
  return aliases;
}

/** `import * as ALIAS from "MODULE"`, as its alias and module. */
function namespaceImportOf(statement: ts.Statement): { alias: string; module: string } | undefined {
  if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) return undefined;
  const bindings = statement.importClause?.namedBindings;
  return bindings && ts.isNamespaceImport(bindings)
    ? { alias: bindings.name.text, module: statement.moduleSpecifier.text }
    : undefined;
}

/** `a.b.c` as its names, when it is a chain of plain identifiers. */
function chainOf(node: ts.Expression): string[] | undefined {
  if (ts.isIdentifier(node)) return [node.text];
  if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.name)) {
    const head = chainOf(node.expression);
    return head && [...head, node.name.text];
  }
  return undefined;
}

function objectKeys(node: ts.Node | undefined): string[] {
  if (!node || !ts.isObjectLiteralExpression(node)) return [];
  return node.properties.flatMap((property) =>
    property.name && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))
      ? [property.name.text]
      : [],
  );
}

/** Normalises code for comparing a README sample with an example: no whitespace, no trailing commas. */
function codeShape(code: string): string {
  return code.replace(/\s+/g, "").replace(/,([\]})])/g, "$1");
}

/** The files under a folder that end in `extension`, as absolute paths. */
function sourcesUnder(folder: string, extension: string): string[] {
  return filesUnder(folder)
    .filter((file) => file.endsWith(extension))
    .map((file) => path.join(REPO_ROOT, file));
}

// --- Python and Go ------------------------------------------------------------------------------------------

/** The Python SDK's input classes, by name, with their keyword arguments, from _inputs.py. */
function pythonInputClasses(): Map<string, string[]> {
  const classes = new Map<string, string[]>();
  let current: string[] | undefined;
  let inInit = false;
  for (const line of read("sdk/python/pulumi_awsamp/_inputs.py").split("\n")) {
    const declared = /^class (\w+)/.exec(line);
    if (declared) {
      current = [];
      classes.set(declared[1] ?? "", current);
      continue;
    }
    if (/^\s+def __init__\(/.test(line)) inInit = true;
    const parameter = inInit ? /^\s+(\w+): /.exec(line) : null;
    if (parameter && current) current.push(parameter[1] ?? "");
    if (inInit && /\):\s*$/.test(line)) inInit = false;
  }
  return classes;
}

/** The Go SDK's types, by name, with their fields' names, from pulumiTypes.go. */
function goTypes(): Map<string, string[]> {
  const types = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of read("sdk/go/awsamp/pulumiTypes.go").split("\n")) {
    const declared = /^type (\w+) struct \{/.exec(line);
    if (declared) {
      current = [];
      types.set(declared[1] ?? "", current);
      continue;
    }
    if (line === "}") current = undefined;
    const field = current ? /^\t(\w+) \S/.exec(line) : null;
    if (field) current?.push(field[1] ?? "");
  }
  return types;
}

// --- the spec -----------------------------------------------------------------------------------------------

describe("README.md", () => {
  describe("its paths", () => {
    it("name files and folders in the checkout (build output as make build leaves it)", () => {
      const paths = readmePaths("checkout");
      // A file name on its own is one of the checkout's files already (pathKind); a path is from the root.
      const missing = paths
        .filter(({ file }) => file.includes("/"))
        .filter(({ file }) =>
          file.includes("*") ? globMatches(file).length === 0 : !existsSync(path.join(REPO_ROOT, file)),
        )
        .map(({ file, where }) => `${where}: ${file}`);
      expect(missing, "paths the checkout does not have").to.deep.equal([]);
      expect(
        paths.map(({ file }) => file),
        "the README's paths",
      ).to.include.members(["schema.json", "bin/"]);
    });

    it("are under CHECKOUT in pulumi commands that run in a program's folder", () => {
      const commands = pulumiCommands(PROGRAM_COMMANDS).filter((command) =>
        PROGRAM_COMMANDS.has(command.words[0] ?? ""),
      );
      const words = commands.flatMap(({ words, where }) =>
        words.map((word) => ({ word: word.replace(/^["']|["']$/g, ""), where })),
      );
      expect(
        words.filter(({ word }) => CHECKOUT_PREFIX.test(word)),
        "the checkout's paths in them",
      ).to.not.be.empty;
      const relative = words
        .filter(({ word }) => pathsIn(word).length && !CHECKOUT_PREFIX.test(word))
        .map(({ word, where }) => `${where}: ${word}`);
      expect(relative, "paths a program's folder does not have").to.deep.equal([]);
    });

    it("name the settle-time file the core writes in the user's cache folder, not the checkout", () => {
      expect(readmePaths("cache"), "the README names it").to.not.be.empty;
      const sources = sourcesUnder("provider/core/src", ".ts").map((file) => readFileSync(file, "utf8"));
      const [folder, name] = IN_CACHE_FOLDER.split("/");
      expect(
        sources.some((source) => source.includes(`"${folder}", "${name}"`)),
        `the core joins ${folder} and ${name} onto the cache folder`,
      ).to.equal(true);
    });

    it("name only dist/ files make dist writes, and install each at the version its name carries", async function () {
      this.timeout(60_000);
      const { files, recipe } = await distOutputs();
      const wrong: string[] = [];
      const paths = readmePaths("dist");
      expect(paths, "the README's dist/ files").to.not.be.empty;
      for (const { file, where } of paths) {
        const name = file.replace(/^dist\//, "");
        // dist/ itself: make dist writes into it whatever it writes.
        if (!name) continue;
        if (name.includes("OS-ARCH")) {
          // A placeholder for each platform make dist packs.
          const pattern = new RegExp(
            `^${name.replace(/[.]/g, "\\.").replace("OS-ARCH", "[a-z]+-[a-z0-9]+")}$`,
          );
          const tarballs = files.filter((made) => /^pulumi-resource-awsamp-v.*\.tar\.gz$/.test(made));
          if (!tarballs.every((made) => pattern.test(made)))
            wrong.push(`${where}: ${file} (make dist makes ${tarballs.join(", ")})`);
        } else if (!files.includes(name) && !recipe.includes(`/${name} `) && !recipe.includes(`/${name}\n`)) {
          wrong.push(`${where}: ${file} (make dist makes ${files.join(", ")})`);
        }
      }
      expect(wrong, "dist/ files make dist does not write").to.deep.equal([]);
      const installs = commandTexts().flatMap(({ text }) => [
        ...text.matchAll(
          /pulumi plugin install resource awsamp (\S+) -f \S*pulumi-resource-awsamp-v([^-]+)-/g,
        ),
      ]);
      expect(installs, "the README's plugin install commands").to.not.be.empty;
      for (const install of installs)
        expect([install[1], install[2]], install[0]).to.deep.equal([schema.version, schema.version]);
      const commands = readmeInstallCommands(README_TEXT);
      for (const command of [commands.plugin, commands.typescript, commands.python, commands.dynamic]) {
        for (const file of pathsIn(command).filter((word) => word.startsWith("dist/"))) {
          expect(files, `${command} installs what make dist writes`).to.include(file.slice("dist/".length));
        }
      }
    });

    it("link to files in the checkout and to headings they have", () => {
      const broken: string[] = [];
      for (const { target, line } of README.links) {
        if (/^[a-z]+:/.test(target)) continue;
        const [file, anchor] = target.split("#");
        const markdown = file ? path.join(REPO_ROOT, file) : path.join(REPO_ROOT, "README.md");
        if (!existsSync(markdown)) {
          broken.push(`line ${line}: ${target}`);
          continue;
        }
        if (anchor === undefined) continue;
        const anchors = parseReadme(readFileSync(markdown, "utf8")).headings.map((heading) =>
          headingAnchor(heading.text),
        );
        if (!anchors.includes(anchor))
          broken.push(`line ${line}: ${target} (anchors: ${anchors.join(", ")})`);
      }
      expect(README.links, "the README links").to.not.be.empty;
      expect(broken, "links to nothing").to.deep.equal([]);
    });
  });

  describe("its make commands", () => {
    it("name targets the Makefile has", async function () {
      this.timeout(120_000);
      const targets = [...new Set(makeCommands().map((command) => command.target))];
      const missing: string[] = [];
      for (const target of targets) {
        const dryRun = await make(["-n", target]);
        if (dryRun.code !== 0) missing.push(`make ${target}: ${dryRun.stderr.trim()}`);
      }
      expect(missing, "targets make -n refuses").to.deep.equal([]);
      expect(targets, "the README's make targets").to.include.members(["demo", "test", "dist", "pulumi"]);
    });

    it("give make bench ARGS that its recipe passes on, naming benchmarks the bench runner has", async function () {
      this.timeout(60_000);
      const benches = makeCommands().filter(
        (command) => command.target === "bench" && command.variables.ARGS,
      );
      expect(benches, "the README's make bench ARGS=…").to.not.be.empty;
      const runner = ts.createSourceFile(
        "run.ts",
        read("scripts/bench/run.ts"),
        ts.ScriptTarget.ES2022,
        true,
      );
      let names: string[] = [];
      const visit = (node: ts.Node) => {
        if (ts.isVariableDeclaration(node) && node.name.getText(runner) === "BENCHMARKS")
          names = objectKeys(node.initializer);
        ts.forEachChild(node, visit);
      };
      visit(runner);
      expect(names, "scripts/bench/run.ts's BENCHMARKS").to.not.be.empty;
      for (const { variables, where } of benches) {
        const args = variables.ARGS ?? "";
        const dryRun = await make(["-n", "bench", `ARGS=${args}`]);
        expect(dryRun.stdout, where).to.match(new RegExp(`run\\.js ${args}\\s*$`, "m"));
        expect(names, where).to.include.members(args.split(/\s+/));
      }
    });
  });

  describe("its config keys and type tokens", () => {
    it("name only config keys schema.json declares", () => {
      const keys = [...README_TEXT.matchAll(/(?<![\w/:.@-])awsamp:([A-Za-z]\w*)(?![\w:/-])/g)].map(
        (match) => match[1] ?? "",
      );
      expect(keys, "the README's awsamp:KEY").to.include("region");
      expect(
        [...new Set(keys)].filter((key) => !(key in schema.config.variables)),
        "keys schema.json lacks",
      ).to.deep.equal([]);
      const set = commandTexts().flatMap(({ text }) =>
        [...text.matchAll(/pulumi config set (?:--secret )?awsamp:(\w+)/g)].map((match) => match[1]),
      );
      expect(set, "pulumi config set awsamp:KEY").to.not.be.empty;
      for (const key of set)
        expect(schema.config.variables, `pulumi config set awsamp:${key}`).to.have.property(key ?? "");
    });

    it("list every config variable in its Configuration table, the secret ones as secret", () => {
      const table = README.paragraphs.find(
        (paragraph) => paragraph.heading === "Configuration" && paragraph.text.startsWith("|"),
      );
      expect(table, "the Configuration table").to.not.equal(undefined);
      const rows = (table?.text ?? "")
        .split("\n")
        .slice(2)
        .map((row) => row.split("|").slice(1, -1));
      const keysOf = (cell: string) => [...cell.matchAll(/`awsamp:(\w+)`/g)].map((match) => match[1] ?? "");
      const listed = rows.flatMap(([keys]) => keysOf(keys ?? ""));
      const secret = rows
        .filter(([, what]) => /\bsecret\b/.test(what ?? ""))
        .flatMap(([keys]) => keysOf(keys ?? ""));
      expect(listed.sort()).to.deep.equal(Object.keys(schema.config.variables).sort());
      expect(secret.sort()).to.deep.equal(
        Object.entries(schema.config.variables)
          .filter(([, variable]) => variable.secret)
          .map(([key]) => key)
          .sort(),
      );
    });

    it("name only resource and type tokens their packages register", () => {
      const tokens = README.spans
        .map((span) => span.text)
        .filter((text) => /^[a-z][\w-]*:[\w/-]+:[A-Z]\w*$/.test(text));
      const awsamp = [...README_TEXT.matchAll(/(?<![\w/:.-])awsamp:\w+:\w+/g)].map((match) => match[0]);
      expect(awsamp, "awsamp:index:… in the README").to.include("awsamp:index:ResourcePolicy");
      const registered = (token: string) => {
        if (token.startsWith("awsamp:")) return token in schema.resources || token in schema.types;
        if (token.startsWith("pulumi-nodejs:dynamic/")) return token === DYNAMIC_TYPE;
        const aws = /^aws:(\w+)\/(\w+):(\w+)$/.exec(token);
        const file =
          aws && path.join(REPO_ROOT, "node_modules", "@pulumi", "aws", aws[1] ?? "", `${aws[2]}.js`);
        return !!file && existsSync(file) && readFileSync(file, "utf8").includes(`__pulumiType = '${token}'`);
      };
      expect(
        [...new Set([...tokens, ...awsamp])].filter((token) => !registered(token)),
        "tokens nothing registers",
      ).to.deep.equal([]);
    });

    it("name the resource types the policy pack checks as the pack does", () => {
      const intro = README.paragraphs.findIndex(
        (paragraph) => paragraph.heading === "A policy pack for reviewers",
      );
      const named = README.spans
        .filter((span) => span.paragraph === intro)
        .map((span) => span.text)
        .filter((text) => /^[a-z][\w-]*:[\w/-]+:[A-Z]\w*$/.test(text));
      expect(named.sort()).to.deep.equal([...RESOURCE_TYPES].sort());
    });
  });

  describe("its resource properties and options", () => {
    const samples = typeScriptSamples();
    const aliases = importAliases(samples);
    const sdkAlias = [...aliases].find(([, pkg]) => pkg === schema.language.nodejs.packageName)?.[0];

    it("give ResourcePolicy and Provider only inputs schema.json declares, and only resource options", () => {
      const used: { kind: string; keys: string[]; allowed: string[]; where: string }[] = [];
      for (const { source, where } of samples) {
        const visit = (node: ts.Node) => {
          if (ts.isNewExpression(node)) {
            const chain = chainOf(node.expression)?.join(".");
            const [, args, options] = node.arguments ?? [];
            if (chain === `${sdkAlias}.ResourcePolicy`) {
              used.push({ kind: "ResourcePolicy input", keys: objectKeys(args), allowed: INPUTS, where });
              used.push({ kind: "resource option", keys: objectKeys(options), allowed: OPTIONS, where });
            } else if (chain === `${sdkAlias}.Provider`) {
              used.push({
                kind: "Provider input",
                keys: objectKeys(args),
                allowed: Object.keys(schema.provider.inputProperties),
                where,
              });
            } else if (chain === "aws.amp.ResourcePolicy") {
              used.push({
                kind: "aws.amp.ResourcePolicy input",
                keys: objectKeys(args),
                allowed: AWS_ARGS,
                where,
              });
            }
          }
          ts.forEachChild(node, visit);
        };
        visit(source);
      }
      const wrong = used.flatMap(({ kind, keys, allowed, where }) =>
        keys.filter((key) => !allowed.includes(key)).map((key) => `${where}: ${key} is no ${kind}`),
      );
      expect(wrong).to.deep.equal([]);
      expect(
        used.flatMap((use) => use.keys),
        "the README's ResourcePolicy arguments and options",
      ).to.include.members(["workspaceId", "policyDocument", "import"]);
    });

    it("write `name: value` only with names of the resource, aws.amp.ResourcePolicy, the options or the SDK's types", () => {
      const topLevel = new Set([...INPUTS, ...AWS_ARGS, ...OPTIONS, ...SDK_INPUT_FIELDS]);
      const nested = new Set([...TIMEOUTS, ...SDK_INPUT_FIELDS]);
      const wrong: string[] = [];
      let checked = 0;
      for (const { source, where } of samples.filter(({ where }) => where.startsWith("`"))) {
        const statement = source.statements[0];
        const expression =
          statement && ts.isExpressionStatement(statement) ? statement.expression : undefined;
        const literal =
          expression && ts.isParenthesizedExpression(expression) ? expression.expression : undefined;
        if (!literal || !ts.isObjectLiteralExpression(literal)) continue;
        checked++;
        for (const property of literal.properties) {
          const key = property.name && ts.isIdentifier(property.name) ? property.name.text : undefined;
          if (key && !topLevel.has(key)) wrong.push(`${where}: ${key}`);
          const value = ts.isPropertyAssignment(property) ? property.initializer : undefined;
          for (const inner of objectKeys(value))
            if (!nested.has(inner)) wrong.push(`${where}: ${key}.${inner}`);
        }
      }
      expect(checked, "the README's `name: value` spans").to.be.greaterThan(3);
      expect(wrong, "names nothing defines").to.deep.equal([]);
    });

    it("call options by the names @pulumi/pulumi gives them", () => {
      const named = README.spans.filter((span) => {
        const after = README.paragraphs[span.paragraph]?.text.slice(span.offset + span.text.length + 2) ?? "";
        return /^\s+(?:resource\s+)?option\b/.test(after);
      });
      for (const span of named) expect(OPTIONS, `line ${span.line}`).to.include(span.text);
      expect(
        named.map((span) => span.text),
        "`X` option, `X` resource option",
      ).to.include.members(["import", "customTimeouts"]);
    });

    it("call outputs outputs, and name the properties it shares with aws.amp.ResourcePolicy as @pulumi/aws does", () => {
      const prose = README.paragraphs.map((paragraph) => paragraph.text.replace(/\s+/g, " ")).join("\n");
      for (const match of prose.matchAll(/the output `(\w+)`/g))
        expect(OUTPUTS, match[0]).to.include(match[1]);
      const outputsOnly = [...prose.matchAll(/`(\w+)` is an output only|`(\w+)`, a computed property/g)].map(
        (match) => match[1] ?? match[2] ?? "",
      );
      for (const name of outputsOnly) {
        expect(OUTPUTS, name).to.include(name);
        expect(INPUTS, `${name} is no input`).to.not.include(name);
      }
      expect(outputsOnly, "outputs the README names as such").to.include.members(["revisionId", "access"]);
      const shared =
        /The property names are those of `@pulumi\/aws`'s `aws\.amp\.ResourcePolicy` \(([^)]*)\)/.exec(prose);
      // Inputs by name, and "the output X": outputs only, in both.
      const names = [...(shared?.[1] ?? "").matchAll(/(the output )?`(\w+)`/g)];
      expect(names, "the properties named as @pulumi/aws's").to.not.be.empty;
      for (const [, output, name] of names) {
        expect(AWS_STATE, `aws.amp.ResourcePolicy's ${name}`).to.include(name);
        expect(OUTPUTS, name).to.include(name);
        expect(
          INPUTS.includes(name ?? ""),
          output ? `${name}, named as the output, is an input` : `${name}, named as an input, is one`,
        ).to.equal(!output);
      }
      for (const match of prose.matchAll(/`(\w+)`\*\* is awsamp's own/g)) {
        expect(INPUTS).to.include(match[1]);
        expect(AWS_ARGS, `${match[1]} is awsamp's own`).to.not.include(match[1]);
      }
      const renamed = [...prose.matchAll(/`(\w+)` is the `(\w+)` resource option/g)];
      expect(renamed, "aws.amp.ResourcePolicy's inputs that are options here").to.not.be.empty;
      for (const [, input, option] of renamed) {
        expect(AWS_ARGS, `aws.amp.ResourcePolicy's ${input}`).to.include(input);
        expect(INPUTS, `${input} is no input of awsamp's`).to.not.include(input);
        expect(OPTIONS).to.include(option);
      }
    });
  });

  describe("its code and the SDKs", () => {
    const samples = typeScriptSamples();
    const aliases = importAliases(samples);

    it("shows TypeScript blocks that are an example's code, which the tree type-checks", () => {
      const examples = sourcesUnder("examples", ".ts").map((file) => ({
        file,
        shape: codeShape(readFileSync(file, "utf8")),
      }));
      const blocks = README.blocks.filter((block) => block.language === "ts");
      expect(blocks, "the README's ts blocks").to.not.be.empty;
      for (const block of blocks) {
        const found = examples.find((example) => example.shape.includes(codeShape(block.text)));
        expect(found?.file, `the ts block at line ${block.line} is in an example under examples/`).to.be.a(
          "string",
        );
      }
    });

    it("uses only what the packages it imports export", () => {
      const used: { chain: string[]; where: string }[] = [];
      for (const { source, where } of samples) {
        const visit = (node: ts.Node) => {
          if (ts.isPropertyAccessExpression(node) && !ts.isPropertyAccessExpression(node.parent)) {
            const chain = chainOf(node);
            if (chain && aliases.has(chain[0] ?? "")) used.push({ chain, where });
          }
          ts.forEachChild(node, visit);
        };
        visit(source);
      }
      // Prose names them too: `aws.amp.ResourcePolicy`, `pulumi.createUrn`.
      for (const span of README.spans) {
        const chain = /^\w+(?:\.\w+)+$/.test(span.text) ? span.text.split(".") : undefined;
        if (chain && aliases.has(chain[0] ?? ""))
          used.push({ chain, where: `\`${span.text}\` at line ${span.line}` });
      }
      const missing = used
        .filter(({ chain: [alias, ...names] }) => !packageHas(aliases.get(alias ?? "") ?? "", names))
        .map(({ chain, where }) => `${where}: ${chain.join(".")}`);
      expect(missing, "members the packages do not export").to.deep.equal([]);
      expect(
        used.map(({ chain }) => chain.join(".")),
        "the README's package members",
      ).to.include.members(["awsamp.ResourcePolicy", "awsamp.Provider"]);
    });

    it("names packages as the SDKs and the workspace name them", () => {
      const manifests = [
        "package.json",
        "sdk/nodejs/package.json",
        ...["core", "engine", "dynamic", "plugin", "policy-pack"].map(
          (name) => `provider/${name}/package.json`,
        ),
      ].map(
        (file) =>
          JSON.parse(read(file)) as { name: string } & Record<string, Record<string, string> | string>,
      );
      const known = new Set(
        manifests.flatMap((manifest) => [
          manifest.name,
          ...["dependencies", "devDependencies", "peerDependencies"].flatMap((field) =>
            Object.keys(manifest[field] ?? {}),
          ),
        ]),
      );
      const npm = [
        ...README.spans.map((span) => span.text).filter((text) => /^@[\w-]+\/[\w.-]+$/.test(text)),
        ...aliases.values(),
      ];
      expect(npm).to.include(schema.language.nodejs.packageName);
      expect(
        npm.filter((name) => !known.has(name)),
        "npm packages nothing here names or depends on",
      ).to.deep.equal([]);
      expect(JSON.parse(read("sdk/nodejs/package.json")).name).to.equal(schema.language.nodejs.packageName);
      const spans = README.spans.map((span) => span.text);
      expect(spans).to.include(schema.language.python.packageName);
      expect(read("sdk/python/pyproject.toml")).to.match(
        new RegExp(`^\\s*name = "${schema.language.python.packageName}"`, "m"),
      );
      expect(spans).to.include(schema.language.go.importBasePath);
    });

    it("names Go import paths of the Go SDK's module, and replaces the module with its folder", () => {
      const module = /^module (\S+)/m.exec(read("sdk/go/go.mod"))?.[1] ?? "";
      const paths = [
        ...README.spans.map((span) => span.text).filter((text) => text.startsWith("github.com/")),
        ...pathTexts().flatMap(({ text }) => text.match(/github\.com\/[\w./-]+/g) ?? []),
      ].map((importPath) => importPath.replace(/@\S*$/, ""));
      expect(paths, "the README's Go import paths").to.include(schema.language.go.importBasePath);
      for (const importPath of new Set(paths)) {
        expect(`${importPath}/`, importPath).to.satisfy((prefixed: string) =>
          prefixed.startsWith(`${module}/`),
        );
        const folder = path.join("sdk/go", importPath.slice(module.length));
        const files = readdirSync(path.join(REPO_ROOT, folder)).filter((file) => file.endsWith(".go"));
        if (importPath !== module) {
          expect(files, `${folder} holds the package`).to.not.be.empty;
          expect(read(path.join(folder, files[0] ?? "")), importPath).to.match(
            new RegExp(`^package ${path.basename(importPath)}$`, "m"),
          );
        }
      }
      const replace = /-replace=(\S+)=CHECKOUT\/(\S+)/.exec(readmeInstallCommands(README_TEXT).go);
      expect(replace, "the go mod edit command replaces the module").to.not.equal(null);
      expect(/^module (\S+)/m.exec(read(path.join(replace?.[2] ?? "", "go.mod")))?.[1]).to.equal(
        replace?.[1],
      );
    });

    it("names the typed document's types and fields as each SDK spells them", () => {
      const paragraph = README.paragraphs.findIndex((candidate) =>
        candidate.text.includes("IAM's own property names"),
      );
      expect(paragraph, "the paragraph on the typed document").to.be.greaterThan(-1);
      const text = README.paragraphs[paragraph]?.text ?? "";
      // Python's names are those from "in Python" to the end of that sentence.
      const python = text.indexOf("in Python");
      const pythonEnd = text.indexOf(". ", python);
      const spans = README.spans.filter((span) => span.paragraph === paragraph);
      const inPython = spans
        .filter((span) => span.offset > python && span.offset < pythonEnd)
        .map((span) => span.text);
      const elsewhere = spans
        .filter((span) => !(span.offset > python && span.offset < pythonEnd))
        .map((span) => span.text);

      const types = elsewhere.filter((span) => /^\w+Args$/.test(span));
      expect(types, "the typed document's types").to.have.length.greaterThan(1);
      const pythonClasses = pythonInputClasses();
      const go = goTypes();
      for (const type of types) {
        expect([...SDK_INPUT_TYPES.keys()], `TypeScript's ${type}`).to.include(type);
        expect([...pythonClasses.keys()], `Python's ${type}`).to.include(type);
        expect([...go.keys()], `Go's ${type}`).to.include(type);
      }
      // IAM's names, as TypeScript's and Go's fields: the keys of `Principal: { AWS: [...] }`, and bare names.
      const fields = elsewhere
        .filter((span) => !/^\w+Args$/.test(span))
        .flatMap((span) => {
          const code = span.replace(/"[^"]*"/g, '""');
          return /^[A-Z]\w*$/.test(code)
            ? [code]
            : [...code.matchAll(/([A-Za-z_]\w*)\s*:/g)].map((match) => match[1] ?? "");
        })
        .filter((name) => /^[A-Z]/.test(name));
      const goFields = [...go.entries()]
        .filter(([name]) => name.endsWith("Args"))
        .flatMap(([, names]) => names);
      for (const field of fields) {
        expect(SDK_INPUT_FIELDS, `TypeScript's ${field}`).to.include(field);
        expect(goFields, `Go's ${field}`).to.include(field);
      }
      expect(fields, "IAM's names in TypeScript and Go").to.include.members(["Statement", "Effect", "AWS"]);
      // Python's: bare keyword names, and `name=Class(keyword=…)`.
      expect(inPython, "the Python names").to.not.be.empty;
      const pythonKeywords = [...pythonClasses.values()].flat();
      for (const span of inPython) {
        const call = /^(\w+)=(\w+)\(([^)]*)\)$/.exec(span);
        const bare = /^\w+$/.test(span) ? span : call?.[1];
        expect(pythonKeywords, `Python's ${span}`).to.include(bare);
        if (call) {
          expect([...pythonClasses.keys()], span).to.include(call[2]);
          for (const keyword of (call[3] ?? "").matchAll(/(\w+)=/g)) {
            expect(pythonClasses.get(call[2] ?? ""), span).to.include(keyword[1]);
          }
        }
      }
    });
  });

  describe("its pulumi commands, against the pinned CLI (make pulumi)", () => {
    const cli = path.join(TOOLS_BIN, "pulumi");
    let home: string | undefined;
    const helps = new Map<string, Promise<CliHelp>>();
    const help = (words: string[]) => {
      const key = words.join(" ");
      let found = helps.get(key);
      if (!found) {
        found = run(cli, [...words, "--help"], {
          env: { ...process.env, PULUMI_HOME: home, PULUMI_SKIP_UPDATE_CHECK: "true" },
          maxBuffer: 4 << 20,
        }).then(
          ({ stdout }) => parseHelp(stdout),
          // No such command: it has no subcommands, flags or aliases to offer.
          () => parseHelp(""),
        );
        helps.set(key, found);
      }
      return found;
    };

    beforeEach(function () {
      if (existsSync(cli)) return;
      const why = `no pinned CLI at ${path.relative(REPO_ROOT, cli)}: run make pulumi (needs Go)`;
      if (process.env.CI === "true")
        throw new Error(`under CI=true the README's commands must be checked, but ${why}`);
      if (this.currentTest) this.currentTest.title += ` (skipped: ${why})`;
      this.skip();
    });

    before(async () => {
      home = await mkdtemp(path.join(tmpdir(), "awsamp-readme-"));
    });

    after(async () => {
      if (home) await rm(home, { recursive: true, force: true });
    });

    it("is where the README says make pulumi builds it", () => {
      const tools = pathTexts()
        .flatMap(({ text }) => pathsIn(text))
        .filter((file) => file.startsWith(".tools/"));
      expect(tools, "the README's .tools/ paths").to.not.be.empty;
      for (const file of tools) expect(existsSync(path.join(REPO_ROOT, file)), file).to.equal(true);
    });

    it("has each subcommand the README runs, taking each flag it gives", async function () {
      this.timeout(120_000);
      const root = await help([]);
      expect(root.commands, "pulumi --help's commands").to.include("preview");
      const commands = pulumiCommands(root.commands);
      const problems: string[] = [];
      for (const command of commands) problems.push(...(await commandProblems(command, help)));
      expect(problems).to.deep.equal([]);
      expect(
        commands.map((command) => command.words[0]),
        "the README's pulumi commands",
      ).to.include.members(["preview", "up", "import", "state", "plugin", "config"]);
    });

    it("takes each flag the README names on its own, on a command of the same paragraph or section", async function () {
      this.timeout(120_000);
      const root = await help([]);
      const commands = pulumiCommands(root.commands);
      const flags = README.spans.filter((span) => /^--[a-z][\w-]*(?: [A-Z]+)*$/.test(span.text));
      expect(flags, "flags named on their own").to.not.be.empty;
      const problems: string[] = [];
      for (const span of flags) {
        const flag = span.text.split(" ")[0] ?? "";
        const near = commands.filter((command) => command.paragraph === span.paragraph);
        const context = near.length ? near : commands.filter((command) => command.heading === span.heading);
        const accepted = await Promise.all(
          context.map(
            async (command) =>
              (await commandProblems({ ...command, words: [...command.words, flag] }, help)).length === 0,
          ),
        );
        if (!accepted.includes(true)) {
          problems.push(
            `${flag} at line ${span.line}: none of ${context.map((command) => `pulumi ${command.words.join(" ")}`).join("; ")}`,
          );
        }
      }
      expect(problems).to.deep.equal([]);
    });
  });
});
