/** README.md as specs read it: headings, fenced blocks, prose code spans and links, the install commands. */
import { expect } from "chai";

/** A fenced block: the info string's first word, and its text dedented as far as its fence is. */
export interface ReadmeBlock {
  language: string;
  text: string;
  /** The line of the opening fence, from 1. */
  line: number;
  /** The heading the block is under. */
  heading: string;
}

/** A run of prose lines between blank lines, headings and fences: a paragraph, a list, a table. */
export interface ReadmeParagraph {
  text: string;
  line: number;
  heading: string;
}

/** A code span in prose, with its whitespace collapsed as Markdown renders a span that wraps lines. */
export interface ReadmeSpan {
  text: string;
  line: number;
  heading: string;
  /** Its paragraph's index in Readme.paragraphs, and where in that paragraph's text the span starts. */
  paragraph: number;
  offset: number;
}

/** The target of an inline link, `[text](target)`, in prose. */
export interface ReadmeLink {
  target: string;
  line: number;
}

export interface ReadmeHeading {
  level: number;
  text: string;
  line: number;
}

export interface Readme {
  headings: ReadmeHeading[];
  blocks: ReadmeBlock[];
  paragraphs: ReadmeParagraph[];
  spans: ReadmeSpan[];
  links: ReadmeLink[];
}

/**
 * Reads a Markdown file the way this project writes them: fences of three or more backticks (indented under
 * list items), ATX headings, single-backtick spans. Spans and links are taken from prose only, so a block's
 * text is never read as prose.
 */
export function parseReadme(markdown: string): Readme {
  const readme: Readme = { headings: [], blocks: [], paragraphs: [], spans: [], links: [] };
  let heading = "";
  let fence: { marker: string; indent: number; language: string; line: number; body: string[] } | undefined;
  let paragraph: { line: number; lines: string[] } | undefined;
  const endParagraph = () => {
    if (!paragraph) return;
    const text = paragraph.lines.join("\n");
    const index = readme.paragraphs.push({ text, line: paragraph.line, heading }) - 1;
    const lineAt = (offset: number) =>
      (paragraph?.line ?? 0) + (text.slice(0, offset).match(/\n/g)?.length ?? 0);
    for (const match of text.matchAll(/`([^`]+)`/g)) {
      const span = (match[1] ?? "").replace(/\s+/g, " ").trim();
      readme.spans.push({
        text: span,
        line: lineAt(match.index),
        heading,
        paragraph: index,
        offset: match.index,
      });
    }
    for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      readme.links.push({ target: match[1] ?? "", line: lineAt(match.index) });
    }
    paragraph = undefined;
  };
  markdown.split("\n").forEach((line, index) => {
    const number = index + 1;
    if (fence) {
      if (line.trim() === fence.marker) {
        readme.blocks.push({
          language: fence.language,
          text: fence.body.join("\n"),
          line: fence.line,
          heading,
        });
        fence = undefined;
      } else {
        const indent = Math.min(fence.indent, /^ */.exec(line)?.[0].length ?? 0);
        fence.body.push(line.slice(indent));
      }
      return;
    }
    const open = /^( *)(`{3,})([^`\s]*)/.exec(line);
    if (open) {
      endParagraph();
      fence = {
        marker: open[2] ?? "```",
        indent: open[1]?.length ?? 0,
        language: open[3] ?? "",
        line: number,
        body: [],
      };
      return;
    }
    const title = /^(#{1,6})\s+(.*?)\s*$/.exec(line);
    if (title) {
      endParagraph();
      heading = title[2] ?? "";
      readme.headings.push({ level: title[1]?.length ?? 0, text: heading, line: number });
      return;
    }
    if (!line.trim()) {
      endParagraph();
      return;
    }
    paragraph ??= { line: number, lines: [] };
    paragraph.lines.push(line);
  });
  endParagraph();
  return readme;
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

/** The commands README.md's "Install and use" gives, each a one-line `sh` block, by what it installs. */
export interface ReadmeInstallCommands {
  plugin: string;
  typescript: string;
  python: string;
  go: string;
  dynamic: string;
}

/** Finds each install command in README.md's "Install and use" section, failing when one is missing. */
export function readmeInstallCommands(readme: string): ReadmeInstallCommands {
  const section = readme.slice(readme.indexOf("## Install and use"), readme.indexOf("\n## What it does"));
  const blocks = [...section.matchAll(/```sh\n([^\n]+)\n\s*```/g)].map((match) => (match[1] ?? "").trim());
  const find = (what: string, pattern: RegExp) => {
    const found = blocks.filter((block) => pattern.test(block));
    expect(found, `README.md's one command for ${what}`).to.have.lengthOf(1);
    return found[0] ?? "";
  };
  return {
    plugin: find("the plugin", /^pulumi plugin install /),
    typescript: find("the TypeScript SDK", /^npm install CHECKOUT\/dist\/awsamp-awsamp-/),
    python: find("the Python SDK", /^pip install /),
    go: find("the Go SDK", /^go mod edit /),
    dynamic: find("the dynamic provider", /^npm install .*awsamp-dynamic-/),
  };
}
