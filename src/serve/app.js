// The ucma-ha explorer. The page holds the run as a trace document and asks the
// server (POST /api/replay) to replay all of it after every change; the server keeps
// nothing. Plain JavaScript, no framework, nothing loaded from elsewhere.
'use strict';

const $ = (selector) => document.querySelector(selector);
const GROUPS = [['call', 'Application calls'], ['world', 'World'], ['timer', 'Timers'], [undefined, 'Stimuli']];
const OPEN_BY_DEFAULT = new Set(['registration', 'local_endpoint', 'local_owner_presence']);

let run = { machine: 'system', config: {}, steps: [] }; // the trace of the run
let cursor = 0;        // how many steps are shown as done
let report = null;     // the replay of the whole run
let next = [];         // what every stimulus would do at the cursor
const open = new Set(OPEN_BY_DEFAULT);
const diagrams = new Map(); // machine -> Promise of SVG text

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child != null) node.append(child);
  return node;
}

function showError(message) {
  const box = $('#error');
  box.textContent = message || '';
  box.hidden = !message;
}

async function replay(body, withNext) {
  const response = await fetch('/api/replay' + (withNext ? '?next=true' : ''), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  let document = null;
  try { document = await response.json(); } catch (_) { /* not JSON: reported below */ }
  if (!document || !document.traces) {
    throw new Error(`the server answered HTTP ${response.status}`);
  }
  return document.traces[0];
}

// Replays the run and shows it at the cursor.
async function refresh() {
  const answer = await replay(run, true);
  if (answer.result === 'invalid') {
    showError(answer.error.message);
    return;
  }
  showError('');
  report = answer;
  cursor = Math.min(cursor, report.steps.length);
  await moveTo(cursor);
}

// Shows the run after `position` steps; asks what each stimulus would do there.
async function moveTo(position) {
  cursor = Math.max(0, Math.min(position, report.steps.length));
  if (cursor === report.steps.length && report.next) {
    next = report.next;
  } else {
    const prefix = { machine: run.machine, config: report.config, steps: run.steps.slice(0, cursor) };
    next = (await replay(prefix, true)).next || [];
  }
  render();
}

function statesAt(position) {
  return position === 0 ? report.initial : report.steps[position - 1];
}

function render() {
  const at = statesAt(cursor);
  renderWorld(at);
  renderStimuli();
  renderComponents(at);
  renderLog();
  $('#position').textContent = `(step ${cursor} of ${run.steps.length})`;
  $('#undo').disabled = cursor === 0;
  $('#first').disabled = $('#back').disabled = cursor === 0;
  $('#forward').disabled = $('#last').disabled = cursor >= report.steps.length;
  const divergence = $('#divergence');
  divergence.hidden = !report.divergence;
  divergence.textContent = report.divergence
    ? `First divergence at steps[${report.divergence.step}]:\n${report.divergence.message}` : '';
  $('#config').querySelectorAll('input, select').forEach((input) => {
    input.disabled = report.machine !== 'system';
  });
}

function renderWorld(at) {
  const world = $('#world');
  world.replaceChildren();
  for (const name of ['pool', 'connection']) {
    const state = at.states[name];
    if (state === undefined) continue;
    world.append(element('span', {
      class: 'badge' + (state === 'Up' ? '' : ' down'), 'data-world': name, text: `${name}: ${state}`,
    }));
  }
}

function why(rejected) {
  const clauses = rejected.clauses.length ? ` [${rejected.clauses.join(', ')}]` : '';
  return `${rejected.exception}: ${rejected.reason}${clauses}`;
}

function renderStimuli() {
  const box = $('#stimuli');
  box.replaceChildren();
  for (const [kind, title] of GROUPS) {
    const members = next.filter((entry) => entry.kind === kind);
    if (!members.length) continue;
    const group = element('div', { class: 'group' }, element('div', { class: 'group-name', text: title }));
    for (const entry of members) {
      const button = element('button', {
        class: 'stimulus' + (entry.rejected ? ' rejected' : entry.changes ? '' : ' noop'),
        'data-stimulus': entry.on,
        title: entry.rejected ? `UCMA rejects it: ${why(entry.rejected)}`
          : entry.changes ? 'Run this stimulus' : 'Accepted, but changes no state and raises no event now',
        onclick: () => act(entry.on),
      }, element('span', { class: 'name', text: entry.on }));
      if (entry.rejected) button.append(element('span', { class: 'why', text: why(entry.rejected) }));
      group.append(button);
    }
    box.append(group);
  }
}

// The last edge a component took at or before the cursor, and whether it moved in the
// step at the cursor.
function lastEdge(component) {
  for (let i = cursor - 1; i >= 0; i -= 1) {
    const moves = report.steps[i].fired.filter((row) => row.component === component && row.outcome === 'move');
    if (moves.length) return { row: moves[moves.length - 1], now: i === cursor - 1 };
  }
  return null;
}

function renderComponents(at) {
  const box = $('#components');
  box.replaceChildren();
  for (const { component, machine } of report.components) {
    if (machine === 'world') continue;
    const observed = at.states[component];
    const table = at.table_states[component] || observed;
    const edge = lastEdge(component);
    const details = element('details', {}, element('summary', { text: 'diagram' }));
    details.open = open.has(component);
    details.addEventListener('toggle', () => {
      if (details.open) { open.add(component); drawInto(details, machine, table, edge); } else open.delete(component);
    });
    if (details.open) drawInto(details, machine, table, edge);
    box.append(element('div', {
      class: 'card' + (edge && edge.now ? ' changed' : ''), 'data-component': component,
    },
    element('div', { class: 'head' },
      element('span', { class: 'name', text: component }),
      element('span', { class: 'machine', text: machine })),
    element('div', { class: 'state', text: observed }),
    table !== observed ? element('div', { class: 'table-state', text: `table state ${table}` }) : null,
    edge ? element('div', { class: 'table-state', text: `last: ${edge.row.from} --${edge.row.on}--> ${edge.row.to}` }) : null,
    details));
  }
}

function diagram(machine) {
  if (!diagrams.has(machine)) {
    diagrams.set(machine, fetch(`/diagrams/${machine}`).then((r) => (r.ok ? r.text() : '')));
  }
  return diagrams.get(machine);
}

async function drawInto(details, machine, state, edge) {
  const text = await diagram(machine);
  if (!text) return;
  const parsed = new DOMParser().parseFromString(text, 'image/svg+xml').documentElement;
  if (parsed.nodeName !== 'svg') return;
  const svg = document.importNode(parsed, true);
  svg.removeAttribute('width');
  svg.removeAttribute('height');
  const title = (group) => group.querySelector('title')?.textContent;
  svg.querySelectorAll('g.node').forEach((node) => {
    if (title(node) === state) node.classList.add('current');
  });
  if (edge) {
    const name = `${edge.row.from}->${edge.row.to}`;
    svg.querySelectorAll('g.edge').forEach((group) => {
      if (title(group) === name) group.classList.add('last');
    });
  }
  details.querySelector('.diagram')?.remove();
  details.append(element('div', { class: 'diagram' }, svg));
}

function args(event) {
  return Object.entries(event)
    .filter(([key]) => !['event', 'component', 'clauses'].includes(key))
    .map(([key, value]) => `${key}=${value}`).join(', ');
}

function renderLog() {
  const body = $('#log tbody');
  body.replaceChildren();
  run.steps.forEach((step, index) => {
    const done = report.steps[index];
    const rowClass = (extra) => [
      extra, index >= cursor ? 'future' : '', index === cursor - 1 ? 'current' : '',
      report.divergence && report.divergence.step === index ? 'diverged' : '',
    ].filter(Boolean).join(' ');
    const select = () => moveTo(index + 1);
    const cells = (first, component, event, argsText, clauses, extra) => element('tr', {
      class: rowClass(extra), 'data-step': index, onclick: select,
    },
    element('td', { text: first ? String(index) : '' }),
    element('td', { text: first ? step.on : '' }),
    element('td', { text: component }),
    element('td', { text: event }),
    element('td', { class: 'args', text: argsText }),
    element('td', { class: 'clauses', text: clauses }));
    if (!done) {
      body.append(cells(true, '', '', 'not replayed: after the divergence', '', 'step'));
    } else if (done.rejected) {
      body.append(cells(true, done.rejected.component || 'system', done.rejected.exception,
        done.rejected.reason, done.rejected.clauses.join(', '), 'step rejected'));
    } else if (!done.events.length) {
      body.append(cells(true, '', '', 'no event', done.fired.flatMap((r) => r.clauses)
        .filter((c, i, all) => all.indexOf(c) === i).join(', '), 'step'));
    } else {
      done.events.forEach((event, i) => body.append(cells(i === 0, event.component, event.event,
        args(event), event.clauses.join(', '), i === 0 ? 'step' : '')));
    }
  });
}

async function act(stimulus) {
  run = { machine: run.machine, config: report.config, steps: run.steps.slice(0, cursor).concat([{ on: stimulus }]) };
  cursor = run.steps.length;
  await refresh();
}

async function undo() {
  if (cursor === 0) return;
  run.steps = run.steps.slice(0, cursor - 1);
  cursor -= 1;
  await refresh();
}

function readConfig() {
  const form = $('#config');
  return {
    endpoint: form.endpoint.value,
    remote_views: Number(form.remote_views.value),
    remote_home_pool: form.remote_home_pool.checked,
    refresh_on_connection_drop: form.refresh_on_connection_drop.checked,
  };
}

function writeConfig(config) {
  const form = $('#config');
  form.endpoint.value = config.endpoint;
  form.remote_views.value = config.remote_views;
  form.remote_home_pool.checked = config.remote_home_pool;
  form.refresh_on_connection_drop.checked = config.refresh_on_connection_drop;
}

// The run so far as a trace with full expectations: every component's state, the
// rejection (or null) and every raised event (with the component that raised it, for a
// composed model), as `ucma-ha vectors` writes them.
function savedTrace() {
  const composed = report.components.length > 1;
  const steps = report.steps.slice(0, cursor).map((step) => {
    const expect = {};
    const names = Object.keys(step.states);
    if (names.length === 1) expect.state = step.states[names[0]];
    else expect.states = step.states;
    expect.rejected = step.rejected ? step.rejected.exception : null;
    expect.emits = step.events.map((event) => {
      const copy = { ...event };
      if (!composed) delete copy.component;
      delete copy.clauses;
      return copy;
    });
    return { on: step.on, expect };
  });
  return { format_version: 1, machine: report.machine, config: report.config, steps };
}

function save() {
  const text = JSON.stringify(savedTrace(), null, 1) + '\n';
  const link = element('a', {
    href: URL.createObjectURL(new Blob([text], { type: 'application/json' })),
    download: `ucma-ha-${report.machine}-run.json`,
  });
  document.body.append(link);
  link.click();
  link.remove();
}

async function openFile(file) {
  let text = await file.text();
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const answer = await replay(text, true);
  if (answer.result === 'invalid') {
    showError(`${file.name}:${answer.error.message}`);
    return;
  }
  showError('');
  run = JSON.parse(text);
  report = answer;
  if (report.machine === 'system') writeConfig(report.config);
  await moveTo(report.steps.length);
}

function guard(action) {
  return (...argv) => Promise.resolve(action(...argv)).catch((error) => showError(String(error.message || error)));
}

$('#config').addEventListener('submit', guard(async (event) => {
  event.preventDefault();
  run = { machine: 'system', config: readConfig(), steps: [] };
  cursor = 0;
  await refresh();
}));
$('#undo').addEventListener('click', guard(undo));
$('#save').addEventListener('click', guard(save));
$('#open').addEventListener('change', guard(async (event) => {
  const [file] = event.target.files;
  if (file) await openFile(file);
  event.target.value = '';
}));
$('#first').addEventListener('click', guard(() => moveTo(0)));
$('#back').addEventListener('click', guard(() => moveTo(cursor - 1)));
$('#forward').addEventListener('click', guard(() => moveTo(cursor + 1)));
$('#last').addEventListener('click', guard(() => moveTo(report.steps.length)));
act = guard(act);

guard(async () => {
  run = { machine: 'system', config: readConfig(), steps: [] };
  await refresh();
  document.body.dataset.ready = 'true';
})();
