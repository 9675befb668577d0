// Drives the ucma-ha explorer (`ucma-ha serve`) in Debian's Chromium, headless, as a
// person would: establish, subscribe presence, fail the pool, watch the outage, try to
// publish, recover, undo, save the run and replay the saved file with the command line,
// then open traces (the saved one, a divergent one, a broken one).
//
// Usage: node check.mjs PATH/TO/ucma-ha [--screenshot FILE.png]
// Exit 0 when every check passes, 1 otherwise. Needs /usr/bin/chromium
// (`apt-get install -y chromium`); the server listens on 127.0.0.1 only.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [binary, ...rest] = process.argv.slice(2);
if (!binary) {
  console.error('usage: node check.mjs PATH/TO/ucma-ha [--screenshot FILE.png]');
  process.exit(2);
}
const shotAt = rest.indexOf('--screenshot');
const screenshot = shotAt >= 0 ? rest[shotAt + 1] : null;
const work = mkdtempSync(join(tmpdir(), 'ucma-ha-explorer-'));
const TIMEOUT = 10_000;

let passed = 0;
let failed = 0;
async function check(name, body) {
  try {
    await body();
    passed += 1;
    console.log(`ok   ${name}`);
  } catch (error) {
    failed += 1;
    console.log(`FAIL ${name}\n     ${String(error.message || error).split('\n').join('\n     ')}`);
  }
}
function assert(condition, message) {
  if (!condition) throw new Error(message);
}

// The server on a free port; its first line names the URL.
const server = spawn(binary, ['serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  let seen = '';
  const timer = setTimeout(() => reject(new Error(`no URL from the server: ${seen}`)), TIMEOUT);
  server.stdout.on('data', (chunk) => {
    seen += chunk;
    const match = seen.match(/http:\/\/\S+/);
    if (match) { clearTimeout(timer); resolve(match[0]); }
  });
  server.on('exit', (code) => reject(new Error(`the server exited with ${code}`)));
});

const context = await chromium.launchPersistentContext(join(work, 'profile'), {
  executablePath: '/usr/bin/chromium',
  headless: true,
  acceptDownloads: true,
  viewport: { width: 1600, height: 1000 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = context.pages()[0] || await context.newPage();
page.setDefaultTimeout(TIMEOUT);
const requests = [];
page.on('request', (request) => requests.push(request.url()));
const pageErrors = [];
page.on('pageerror', (error) => pageErrors.push(String(error)));

const state = (component) => page.locator(`.card[data-component="${component}"] .state`);
async function stateIs(component, expected) {
  await page.locator(`.card[data-component="${component}"] .state`, { hasText: new RegExp(`^${expected}$`) })
    .waitFor();
}
async function click(stimulus) {
  const before = await page.locator('#position').textContent();
  await page.locator(`[data-stimulus="${stimulus}"]`).click();
  await page.waitForFunction((text) => document.querySelector('#position').textContent !== text, before);
}
const logRows = () => page.locator('#log tbody tr');

try {
  await page.goto(url);
  await page.locator('[data-stimulus="BeginEstablish"]').waitFor();

  await check('establish: the endpoint is Established and registered', async () => {
    await click('BeginEstablish');
    await stateIs('local_endpoint', 'Established');
    await stateIs('registration', 'Registered');
  });

  await check('subscribe presence: LocalOwnerPresence is Subscribed', async () => {
    await click('SubscribePresence');
    await stateIs('local_owner_presence', 'Subscribed');
  });

  await check('fail the pool: WaitingForRetry, and RegistrationStateChanged with Reason None, UserServicesState Unavailable', async () => {
    await click('PoolFails');
    await stateIs('local_owner_presence', 'WaitingForRetry');
    await page.locator('[data-world="pool"]', { hasText: 'pool: Unresponsive' }).waitFor();
    const row = logRows().filter({ hasText: 'RegistrationStateChanged' })
      .filter({ hasText: 'Reason=None' }).filter({ hasText: 'UserServicesState=Unavailable' });
    assert(await row.count() === 1, `expected one outage event, found ${await row.count()}`);
    assert((await row.locator('td').nth(2).textContent()) === 'registration', 'raised by the registration');
    assert((await row.locator('td.clauses').textContent()).includes('REG-2'), 'cites REG-2');
    const table = await page.locator('.card[data-component="registration"] .table-state').first().textContent();
    assert(table.includes('RegisteredUserServicesUnavailable'), `table state shown: ${table}`);
  });

  await check('the registration diagram highlights its state and the last edge', async () => {
    const card = page.locator('.card[data-component="registration"]');
    await card.locator('g.node.current').waitFor();
    const node = await card.locator('g.node.current title').textContent();
    assert(node === 'RegisteredUserServicesUnavailable', `highlighted node ${node}`);
    const edge = await card.locator('g.edge.last title').textContent();
    const [from, to] = edge.split('->');
    assert(to === node, `highlighted edge ${edge} ends in the highlighted state`);
    const last = await card.locator('.table-state', { hasText: 'last:' }).textContent();
    assert(last === `last: ${from} --RegistrarNotifyUserServicesUnavailable--> ${to}`, `${last} against ${edge}`);
  });

  await check('PublishPresence is marked rejected with InvalidOperationException, and is rejected', async () => {
    const button = page.locator('[data-stimulus="PublishPresence"]');
    assert((await button.getAttribute('class')).includes('rejected'), 'marked rejected');
    const why = await button.locator('.why').textContent();
    assert(why.startsWith('InvalidOperationException') && why.includes('WaitingForRetry'), `why: ${why}`);
    await click('PublishPresence');
    const last = logRows().last();
    assert((await last.getAttribute('class')).includes('rejected'), 'logged as rejected');
    assert((await last.textContent()).includes('InvalidOperationException'), 'names the exception');
  });

  if (screenshot) {
    await page.screenshot({ path: screenshot, fullPage: false });
    console.log(`screenshot: ${screenshot}`);
  }

  await check('recover: the pool is back and the healing refresh resubscribes', async () => {
    await click('PoolRecovers');
    await click('RegistrationRefreshDue');
    await stateIs('local_owner_presence', 'Subscribed');
    const row = logRows().filter({ hasText: 'RegisterationRefresh' });
    assert(await row.count() === 1, 'the healing RegistrationStateChanged is logged');
  });

  await check('undo takes back the last step', async () => {
    await page.locator('#undo').click();
    await stateIs('local_owner_presence', 'WaitingForRetry');
    await click('RegistrationRefreshDue');
    await stateIs('local_owner_presence', 'Subscribed');
  });

  const saved = join(work, 'run.json');
  await check('save: the download is a trace that `ucma-ha replay` accepts', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#save').click()]);
    await download.saveAs(saved);
    const trace = JSON.parse(readFileSync(saved, 'utf8'));
    assert(trace.machine === 'system' && trace.steps.length === 6, `saved ${trace.steps.length} steps`);
    assert(trace.format_version === 1, `format_version ${trace.format_version}`);
    assert(trace.steps.every((step) => step.expect && step.expect.states && 'rejected' in step.expect
      && Array.isArray(step.expect.emits)), 'full expectations on every step');
    const events = trace.steps.flatMap((step) => step.expect.emits);
    assert(events.length > 0 && events.every((event) => event.component in trace.steps[0].expect.states),
      'every saved event names the component that raised it');
    const replay = spawnSync(binary, ['replay', saved], { encoding: 'utf8' });
    assert(replay.status === 0, `replay exit ${replay.status}: ${replay.stdout}${replay.stderr}`);
    assert(replay.stdout.includes('ok (6 steps)'), replay.stdout);
  });

  await check('open: the saved trace loads and steps back and forth', async () => {
    await page.locator('#first').click(); // leave the end, so loading visibly moves
    await page.locator('#position', { hasText: 'step 0 of 6' }).waitFor();
    await page.locator('#open').setInputFiles(saved);
    await page.locator('#position', { hasText: 'step 6 of 6' }).waitFor();
    await page.locator('#back').click();
    await page.locator('#position', { hasText: 'step 5 of 6' }).waitFor();
    await stateIs('local_owner_presence', 'WaitingForRetry');
    await page.locator('#last').click();
    await stateIs('local_owner_presence', 'Subscribed');
  });

  await check('open: a divergent trace shows its first divergence', async () => {
    const trace = JSON.parse(readFileSync(saved, 'utf8'));
    trace.steps[2].expect.states.local_owner_presence = 'Subscribed';
    const divergent = join(work, 'divergent.json');
    writeFileSync(divergent, JSON.stringify(trace));
    await page.locator('#open').setInputFiles(divergent);
    const box = page.locator('#divergence');
    await box.filter({ hasText: 'diverges at steps[2] (`PoolFails`)' }).waitFor();
    assert((await box.textContent()).includes('states.local_owner_presence: expected `Subscribed`'), 'the mismatch');
    await page.locator('#log tr.diverged').first().waitFor();
  });

  await check('open: a broken file gives the positioned message of the command line', async () => {
    const broken = join(work, 'broken.json');
    writeFileSync(broken, '{"machine": "system",\n "steps": [}\n');
    await page.locator('#open').setInputFiles(broken);
    const error = page.locator('#error');
    await error.filter({ hasText: 'broken.json:2:12: invalid JSON' }).waitFor();
  });

  await check('a configuration with 8 views shows every view', async () => {
    await page.locator('#config [name="remote_views"]').fill('8');
    await page.locator('#apply').click();
    await page.locator('.card[data-component="remote_presence[7]"]').waitFor();
    await click('BeginEstablish');
    await click('SubscribeRemotePresence');
    await stateIs('remote_presence[0]', 'Subscribed');
    await stateIs('remote_presence[1]', 'Idle');
  });

  await check('nothing is fetched from anywhere but the server, and no script error', async () => {
    const origin = new URL(url).origin;
    const elsewhere = requests.filter((r) => !r.startsWith(origin) && !r.startsWith('blob:'));
    assert(elsewhere.length === 0, `requests elsewhere: ${elsewhere.join(', ')}`);
    assert(pageErrors.length === 0, `page errors: ${pageErrors.join('; ')}`);
  });
} finally {
  await context.close();
  server.kill();
  rmSync(work, { recursive: true, force: true });
}

console.log(`explorer: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
