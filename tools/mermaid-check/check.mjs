// Checks Mermaid files emitted by ucma-ha with the real Mermaid parser (CI).
//
// Usage: node check.mjs FILE.mmd...
//
// Each FILE.mmd must have its diagram description FILE.json beside it (the crate writes
// both). A file passes when Mermaid parses it AND the parsed diagram holds exactly the
// states, transitions and labels the description says: `mermaid.parse` alone accepts
// some mistakes (`a;b` makes a state `a;b`, `-->>` a state `>`), so the state ids and the
// decoded labels are compared with the description. Exit 0 when every file passes, 1
// otherwise.

import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });

// Mermaid replaces `#name;` by U+FB02 U+00B0 name U+00B6 U+00DF and `#123;` by
// U+FB02 U+00B0 U+00B0 123 U+00B6 U+00DF while parsing; these are the names the crate
// writes.
const NAMED = { quot: '"', lt: '<', gt: '>', amp: '&' };

function decode(text, problems, where) {
  // Line breaks first: the crate escapes every `<` of a label, so a raw `<br>` (Mermaid
  // turns `<br/>` into `<br>`) can only be one it wrote as a line break.
  return text
    .replace(/<br\s*\/?>/g, '\n')
    .replace(/\uFB02\xB0\xB0(\d+)\xB6\xDF/g, (_, code) => String.fromCodePoint(Number(code)))
    .replace(/\uFB02\xB0(\w+)\xB6\xDF/g, (whole, name) => {
      if (!(name in NAMED)) {
        problems.push(`${where}: unexpected entity #${name};`);
        return whole;
      }
      return NAMED[name];
    });
}

function counts(items) {
  const map = new Map();
  for (const item of items) map.set(item, (map.get(item) ?? 0) + 1);
  return map;
}

function compare(expected, actual, what, problems) {
  const want = counts(expected);
  const got = counts(actual);
  for (const [item, n] of want) {
    if ((got.get(item) ?? 0) < n) problems.push(`missing ${what}: ${JSON.stringify(item)}`);
  }
  for (const [item, n] of got) {
    if ((want.get(item) ?? 0) < n) problems.push(`unexpected ${what}: ${JSON.stringify(item)}`);
  }
}

async function check(path) {
  const problems = [];
  const text = readFileSync(path, 'utf8');
  const jsonPath = path.replace(/\.mmd$/, '.json');
  let description;
  try {
    description = JSON.parse(readFileSync(jsonPath, 'utf8'));
  } catch (error) {
    return [`no diagram description ${jsonPath}: ${error.message}`];
  }
  try {
    await mermaid.parse(text);
  } catch (error) {
    return [`parse error: ${error.message ?? error}`];
  }
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  const db = diagram.db;
  const states = db.getStates();
  const relations = db.getRelations();

  // State ids: the description's nodes, plus the start and end markers where used.
  const expectedIds = description.nodes.map((node) => node.id);
  if (description.nodes.some((node) => node.initial)) expectedIds.push('root_start');
  if (description.nodes.some((node) => node.final)) expectedIds.push('root_end');
  compare(expectedIds, [...states.keys()], 'state id', problems);

  // State labels: a node whose label differs from its id is declared with it.
  for (const node of description.nodes) {
    const state = states.get(node.id);
    if (!state) continue;
    const labels = state.descriptions.map((d) => decode(d, problems, `state ${node.id}`));
    const want = node.label === node.id ? [] : [node.label];
    compare(want, labels, `label of state ${node.id}`, problems);
  }

  // Transitions with their labels, the start and end markers included.
  const expectedEdges = description.edges.map(
    (edge) => `${edge.from} -> ${edge.to} : ${edge.lines.map((line) => line.text).join('\n')}`,
  );
  for (const node of description.nodes) {
    if (node.initial) expectedEdges.push(`root_start -> ${node.id} : `);
    if (node.final) expectedEdges.push(`${node.id} -> root_end : `);
  }
  const actualEdges = relations.map(
    (r) => `${r.id1} -> ${r.id2} : ${decode(r.relationTitle ?? '', problems, `${r.id1} -> ${r.id2}`)}`,
  );
  compare(expectedEdges, actualEdges, 'transition', problems);
  return problems;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node check.mjs FILE.mmd...');
  process.exit(2);
}
let failed = 0;
for (const file of files) {
  const problems = await check(file);
  if (problems.length > 0) {
    failed += 1;
    console.error(`FAIL ${file}`);
    for (const problem of problems) console.error(`  ${problem}`);
  } else {
    console.log(`ok   ${file}`);
  }
}
process.exit(failed > 0 ? 1 : 0);
