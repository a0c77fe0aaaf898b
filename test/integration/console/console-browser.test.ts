import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DeleteMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { LocalStack } from '../../../infra/local/stack';
import { SeedBuilder } from '../../fixtures/seed-factory';
import { tokenFor } from '../../fixtures/tokens';
import { call, startTestStack } from '../api/stack-harness';
import { eventually, receiveAll, testClients } from '../support/emulators';

/**
 * The operator console in a real browser (Debian's Chromium, driven by playwright-core) on a local stack
 * with its pollers running: the sign-in (authorization code + PKCE through the local issuer's development
 * sign-in), a customer's dry run and typed-confirmation delete,
 * the request's steps turning SUCCESS, its receipt verified by the page (WebCrypto), a restore, a legal
 * hold placed and released, and a send-email message that lands in its DLQ redriven from the operations
 * view until its step is SUCCESS. Each view passes axe-core with no serious or critical violation, under
 * the console's Content-Security-Policy (a violation is a console error, which fails the test).
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = resolve(__dirname, '..', '..', '..', 'test-output', 'console');
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let stack: LocalStack;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const { sqs } = testClients();

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const seed = new SeedBuilder()
    .customer('reseller-1', null)
    .customer('cust-a', 'reseller-1', { name: 'Ada Console', email: 'ada@customer.example' })
    .user('user-a', 'cust-a')
    .device('dev-a', 'cust-a', 'user-a')
    .session('sess-a', 'cust-a', 'user-a')
    .customer('cust-b', 'reseller-1', { name: 'Bo Mail', email: 'bo@customer.example' })
    .user('user-b', 'cust-b');
  [stack, browser] = await Promise.all([startTestStack(seed.build(), { pollers: true }), chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })]);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // A CSP violation or a script error is a console error; an API refusal the page shows in words is the
  // browser's "Failed to load resource" line, which is not.
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) pageErrors.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** axe-core's serious and critical violations on the page as it is now (rule id and the first element's selector). */
async function seriousViolations(): Promise<string[]> {
  // Evaluated over the DevTools protocol, not as a page script: the console's CSP allows no inline script.
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const { violations } = await axe.run();
    return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes[0]?.target.join(' ')}`);
  });
}

async function checkView(name: string): Promise<void> {
  await page.screenshot({ path: resolve(SHOTS, `${name}.png`), fullPage: true });
  expect({ view: name, violations: await seriousViolations() }).toEqual({ view: name, violations: [] });
}

const notice = () => page.locator('p.notice').last();

describe('the operator console', () => {
  it('is served by the local stack with its security headers', async () => {
    const response = await fetch(`${stack.url}/console/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await response.text()).toContain('<script type="module" src="app.js"></script>');
  });

  it('says in words when the issuer refuses the sign-in, or when an answer belongs to no sign-in of this tab', async () => {
    await page.goto(`${stack.url}/console/`);
    await page.getByRole('button', { name: 'Sign in with the local development issuer' }).click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toBe('The identity provider did not sign you in: access_denied (The sign-in was cancelled).');
    expect(page.url()).toBe(`${stack.url}/console/`);

    // An answer whose state is not the one this tab's sign-in made (a forged or replayed link) is refused before any
    // token request, and a refusal's words are not repeated unless its state is this tab's.
    const tokenRequests: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/oauth2/token')) tokenRequests.push(request.url());
    });
    const stateMismatch = 'This sign-in answer does not belong to a sign-in started in this tab (its state differs). Sign in again.';
    for (const forged of ['code=forged&state=forged', 'error=access_denied&error_description=Call+0800+now&state=forged']) {
      await page.goto(`${stack.url}/console/`);
      await page.getByRole('button', { name: 'Sign in with the local development issuer' }).click();
      await page.getByRole('heading', { name: 'Development sign-in (local stack only)' }).waitFor();
      await page.goto(`${stack.url}/console/?${forged}`);
      await expect(page.getByRole('alert').textContent()).resolves.toBe(stateMismatch);
    }
    expect(tokenRequests).toEqual([]);
  });

  it('asks to come back to the console\'s registered page when opened at index.html', async () => {
    await page.goto(`${stack.url}/console/index.html`);
    await page.getByRole('button', { name: 'Sign in with the local development issuer' }).click();
    await page.getByRole('heading', { name: 'Development sign-in (local stack only)' }).waitFor();

    expect(new URL(page.url()).searchParams.get('redirect_uri')).toBe(`${stack.url}/console/`);
  });

  it('signs in with authorization code + PKCE through the local issuer\'s development sign-in (token in memory only)', async () => {
    await page.goto(`${stack.url}/console/#/ops`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByRole('button', { name: 'Sign in with the local development issuer' }).click();
    await page.getByRole('heading', { name: 'Development sign-in (local stack only)' }).waitFor();
    const authorize = new URL(page.url());
    expect(authorize.pathname).toBe('/oauth2/authorize');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    await checkView('sign-in');
    await page.getByLabel('Role').selectOption('ADMIN');
    await page.getByLabel('Account').fill('platform');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    // Back on the view the sign-in started from, the code gone from the address bar.
    await page.getByRole('heading', { name: /^Operations/ }).waitFor();
    expect(page.url()).toBe(`${stack.url}/console/#/ops`);
    await expect(page.locator('.who').textContent()).resolves.toContain('operator-1 (ADMIN, platform)');
    // Runs in the page (DOM globals there; this file is typed for Node).
    const stored = await page.evaluate(() => {
      const w = globalThis as unknown as { localStorage: { length: number }; sessionStorage: { length: number }; document: { cookie: string } };
      return [w.localStorage.length, w.sessionStorage.length, w.document.cookie];
    });
    expect(stored).toEqual([0, 0, '']);
    await page.getByRole('link', { name: 'Requests' }).click();
    await page.getByRole('heading', { name: 'Requests' }).waitFor();
    await checkView('requests');
  });

  it('shows an API refusal in words', async () => {
    await page.getByLabel('Customer id').fill('no-such-customer');
    await page.getByRole('button', { name: 'Open customer' }).click();
    await expect(page.getByRole('alert').first().textContent()).resolves.toBe('404 CUSTOMER_NOT_FOUND: Customer not found');
  });

  it('dry-runs, then deletes with the id typed to confirm, and watches the steps turn SUCCESS', async () => {
    await page.getByLabel('Customer id').fill('cust-a');
    await page.getByRole('button', { name: 'Open customer' }).click();
    await page.locator('.status.ACTIVE').first().waitFor();
    await page.getByRole('button', { name: 'Dry run' }).click();
    await expect(notice().textContent()).resolves.toContain('Dry run: the customer can be deleted. It would affect 1 user(s), 1 device(s) and 1 active session(s)');
    const remove = page.getByRole('button', { name: 'Delete customer' });
    expect(await remove.isDisabled()).toBe(true);
    await page.getByLabel('Type the customer id (cust-a) to confirm').fill('cust-a');
    await checkView('customer');
    await remove.click();
    await expect(notice().textContent()).resolves.toMatch(/^Customer deleted \(request [0-9a-f-]{36}\)/);

    await page.getByRole('link', { name: /Watch request/ }).click();
    await page.getByRole('heading', { name: /^Request / }).waitFor();
    await page.locator('dd .status.SUCCESS').waitFor({ timeout: 20_000 });
    const steps = await page.locator('tr[data-step] td:nth-child(2)').allTextContents();
    expect(steps.length).toBeGreaterThanOrEqual(4);
    expect(new Set(steps)).toEqual(new Set(['SUCCESS']));
  });

  it('verifies the receipt in the page and says what it proves', async () => {
    const verify = page.getByRole('button', { name: 'Download and verify the receipt' });
    // The receipt is signed just after the request turns SUCCESS: until then the page says 409 in words.
    await eventually(async () => {
      await verify.click();
      await page.locator('[aria-live] p.notice, [aria-live] p.error').first().waitFor();
      return (await page.locator('p.notice').count()) > 0;
    }, 15_000, 'a verified receipt');
    await expect(notice().textContent()).resolves.toBe('Receipt verified: the signature matches a published key.');
    const proof = await page.getByLabel('What the receipt proves').textContent();
    expect(proof).toContain('customer.delete (soft) of customer cust-a, asked by operator-1 (ADMIN, account platform)');
    expect(proof).toContain('Step devices: SUCCESS');
    await checkView('request');
  });

  it('restores the customer, then places and releases a legal hold', async () => {
    await page.goto(`${stack.url}/console/#/customers/cust-a`);
    await page.locator('dd .status.DELETED').waitFor();
    await page.getByRole('button', { name: 'Restore customer' }).click();
    await expect(notice().textContent()).resolves.toMatch(/^Customer restored \(request /);
    await page.locator('dd .status.ACTIVE').waitFor();

    await page.getByLabel('Reason').fill('litigation 2026-17');
    await page.getByRole('button', { name: 'Place legal hold' }).click();
    await expect(notice().textContent()).resolves.toBe('Legal hold placed.');
    await page.getByRole('button', { name: 'Release legal hold' }).click();
    await expect(notice().textContent()).resolves.toBe('Legal hold released.');
    await page.getByRole('button', { name: 'Place legal hold' }).waitFor();
    const audit = page.locator('section[aria-labelledby="audit-title"] table');
    await audit.getByRole('cell', { name: 'legal-hold.release' }).waitFor();
    expect(await audit.locator('tbody tr td:nth-child(3)').allTextContents()).toEqual([
      'legal-hold.release',
      'legal-hold.place',
      'customer.restore',
      'customer.delete (soft)',
      'customer.delete (soft)',
    ]);
  });

  it('redrives a send-email message that exhausted its retries, from the operations view, until its step is SUCCESS', async () => {
    // Break the e-mail step: its consumer stops, and its message goes to the DLQ as exhausted retries would put it.
    const poller = stack.sqsPollers.get('send-email');
    if (!poller) throw new Error('the stack has no send-email poller');
    await poller.stop();
    const deleted = await call(stack, 'DELETE', '/customer/cust-b', { token: await adminToken() });
    expect(deleted.status).toBe(200);
    const requestId = String(deleted.json.requestId);
    const [message] = await receiveAll(sqs, stack.queues['send-email'].url, 1);
    if (!message?.Body) throw new Error('the deletion sent no e-mail message');
    await sqs.send(new SendMessageCommand({ QueueUrl: stack.queues['send-email'].dlqUrl, MessageBody: message.Body, MessageAttributes: message.MessageAttributes }));
    await sqs.send(new DeleteMessageCommand({ QueueUrl: stack.queues['send-email'].url, ReceiptHandle: message.ReceiptHandle }));
    poller.start();

    await page.goto(`${stack.url}/console/#/ops`);
    const row = page.locator('tr[data-queue="send-email"]');
    await expect(row.locator('td:nth-child(4)').textContent()).resolves.toBe('1');
    await checkView('operations');
    await page.getByRole('button', { name: 'Redrive the send-email DLQ' }).click();
    await expect(notice().textContent()).resolves.toBe('Redrive of send-email: 1 message(s) moved back to the queue.');

    await page.goto(`${stack.url}/console/#/requests/${requestId}`);
    await page.locator('tr[data-step="email"] .status.SUCCESS').waitFor({ timeout: 20_000 });
  });

  it('signs out through the issuer\'s logout endpoint, back to the sign-in', async () => {
    // The page shows its sign-in at once, before the browser leaves for the issuer: wait for the trip itself.
    const logout = page.waitForRequest((request) => request.isNavigationRequest() && new URL(request.url()).pathname === '/oauth2/logout');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await logout;
    await page.waitForURL(`${stack.url}/console/`);
    await page.getByRole('button', { name: 'Sign in with the local development issuer' }).waitFor();
    expect(pageErrors).toEqual([]);
  });
});

async function adminToken(): Promise<string> {
  return tokenFor({ sub: 'admin-2', accountId: 'platform', role: 'ADMIN', scope: 'customers:delete' });
}
