import { generate } from 'otplib';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, startConsoleStack, type ConsoleStack } from './support/console-stack.js';
import { PERSON_PASSWORD, person, type Person } from './support/people.js';

// One story, in order, in Debian's Chromium through nginx: each step builds on the one before.
let stack: ConsoleStack;
let admin: Person;
let adminContext: BrowserContext;
let page: Page;
let totpSecret: string;
let tenantId: string;
const tenantName = `Acme ${Date.now().toString(36)}`;
const inviteeEmail = `ann-${Date.now().toString(36)}@example.com`;
let shareOpenPath: string;

/** A TOTP code not used before: the enrollment spent the current time step's. */
const nextTotpCode = () => generate({ secret: totpSecret, epoch: Math.floor(Date.now() / 1000) + 30 });

beforeAll(async () => {
  stack = await startConsoleStack();
  admin = await person(stack.services.identity, 'console-admin', ['platform_admin']);
  adminContext = await stack.browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await adminContext.newPage();
}, 120_000);

/** A fresh browser profile: nobody signed in. */
async function strangerPage(): Promise<Page> {
  const context = await stack.browser.newContext({ viewport: { width: 1280, height: 800 } });
  return context.newPage();
}

afterAll(async () => {
  await stack?.close();
});

describe('the admin console in a real browser', { timeout: 60_000 }, () => {
  it('is served by the gateway at every app path with a strict CSP, its scripts as JavaScript, beside the APIs', async () => {
    const deep = await fetch(`${stack.url}/tenants/some-id/members`);
    expect(deep.status).toBe(200);
    expect(deep.headers.get('content-type')).toMatch(/^text\/html/);
    expect(deep.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(deep.headers.get('cache-control')).toBe('no-store');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(await deep.text())![1];
    const asset = await fetch(`${stack.url}${script}`);
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    // The API prefixes stay the APIs': no token, no page.
    const api = await fetch(`${stack.url}/tenancy/v1/tenants`);
    expect(api.status).toBe(401);
    expect(api.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('signs in with a password, enrolls TOTP from a QR code and shows the recovery codes once', async () => {
    await page.goto(`${stack.url}/`);
    await page.waitForURL(/\/sign-in/);
    await screenshot(page, 'sign-in');
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(PERSON_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/tenants$/);

    await page.getByRole('link', { name: admin.email }).click();
    await page.getByRole('button', { name: 'Set up an authenticator' }).click();
    await page.getByRole('img', { name: 'TOTP QR code' }).waitFor();
    totpSecret = (await page.getByTestId('totp-secret').textContent())!;
    await screenshot(page, 'totp-enrollment');
    await page.getByLabel('Code from the app').fill(await generate({ secret: totpSecret }));
    await page.getByRole('button', { name: 'Turn on' }).click();
    const codes = page.getByRole('list', { name: 'recovery codes' }).getByRole('listitem');
    await codes.first().waitFor();
    expect(await codes.count()).toBe(10);
    await screenshot(page, 'recovery-codes');
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByRole('list', { name: 'recovery codes' }).waitFor({ state: 'detached' });
  });

  it('creates a tenant that allows public links and opens it', async () => {
    await page.getByRole('link', { name: 'Tenants' }).click();
    await page.getByLabel('Name').fill(tenantName);
    await page.getByLabel('Allow public share links').check();
    await page.getByRole('button', { name: 'Create tenant' }).click();
    // The table's link: the "Created …" notice links to it as well.
    await page.locator('table').getByRole('link', { name: tenantName }).click();
    await page.waitForURL(/\/tenants\/[0-9a-f-]{36}/);
    tenantId = /\/tenants\/([0-9a-f-]{36})/.exec(page.url())![1];
    await screenshot(page, 'tenant-settings');
    await page.getByRole('link', { name: 'Tenants' }).click();
    await page.getByRole('link', { name: tenantName }).waitFor();
    await screenshot(page, 'tenants');
  });

  it('invites a new person, who signs up from the link and lands in the tenant', async () => {
    await page.goto(`${stack.url}/tenants/${tenantId}/invitations`);
    await page.getByLabel('Email').fill(inviteeEmail);
    await page.getByLabel('member', { exact: true }).check();
    await page.getByRole('button', { name: /invit/i }).click();
    const link = (await page.getByTestId('invitation-link').textContent())!;
    expect(link).toMatch(new RegExp(`^${stack.url}/invitations/accept\\?token=`));
    await screenshot(page, 'invitations');

    const invitee = await strangerPage();
    await invitee.goto(link);
    await invitee.getByLabel('Name').fill('Ann Invitee');
    await invitee.getByLabel('Password').fill('a long enough password 42');
    await screenshot(invitee, 'accept-invitation');
    await invitee.getByRole('button', { name: /create|sign up|join|accept/i }).click();
    await invitee.waitForURL(new RegExp(`/tenants/${tenantId}`));
    await invitee.context().close();

    await page.getByRole('link', { name: 'Members' }).click();
    await page.getByTestId(`member-${inviteeEmail}`).waitFor();
    await screenshot(page, 'members');
  });

  it('creates a public share link, and a stranger opens it in the console', async () => {
    await page.getByRole('link', { name: 'Share links' }).click();
    await page.getByLabel('Resource id').fill('doc-42');
    await page.getByLabel('Visibility').selectOption('public');
    await page.getByLabel('Max views').fill('3');
    await page.getByRole('button', { name: 'Create link' }).click();
    const url = (await page.getByTestId('share-url').textContent())!;
    expect(url).toMatch(new RegExp(`^${stack.url}/sharing/v1/s/[A-Za-z0-9_-]{43}$`));
    shareOpenPath = (await page.getByTestId('share-open').getAttribute('href'))!;
    await screenshot(page, 'share-links');

    const stranger = await strangerPage();
    await stranger.goto(`${stack.url}${shareOpenPath}`);
    await stranger.getByTestId('share-resolved').waitFor();
    expect(await stranger.getByTestId('share-resource-id').textContent()).toContain('doc-42');
    expect(await stranger.getByTestId('share-views-left').textContent()).toContain('2');
    await screenshot(stranger, 'open-share');
    await stranger.context().close();

    await page.getByTestId('share-row').first().getByRole('button', { name: 'Views' }).click();
    await page.getByTestId('share-view').first().waitFor();
    expect(await page.getByTestId('share-view').count()).toBe(1);
  });

  it('shows a new audit event arriving live, verifies the chain and exports', async () => {
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByLabel('Live tail').check();
    await page.getByTestId('live-status').filter({ hasText: /^live$/ }).waitFor();
    // A change made elsewhere (the API, not this page) must appear in the open page.
    const renamed = await fetch(`${stack.url}/tenancy/v1/tenants/${tenantId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `${tenantName} Ltd` }),
    });
    expect(renamed.status).toBe(200);
    await page.locator('[data-testid="audit-row"][data-type="portcullis.tenancy.tenant.updated"]').first().waitFor({ timeout: 10_000 });
    await screenshot(page, 'audit-live');

    await page.getByRole('button', { name: 'Verify chain' }).click();
    await page.locator('[data-testid="verify-result"][data-ok="true"]').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export NDJSON' }).click()]);
    const lines = (await readStream(await download.createReadStream())).trim().split('\n');
    expect(lines.length).toBeGreaterThan(5);
    expect(JSON.parse(lines[0]).specversion).toBe('1.0');
    await screenshot(page, 'audit');
  });

  it('impersonates the new member after a TOTP step-up, shows the banner, and ends it', async () => {
    await page.getByRole('link', { name: 'Impersonation' }).click();
    await page.getByLabel('Password').fill(PERSON_PASSWORD);
    await page.getByLabel('TOTP code').fill(await nextTotpCode());
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByLabel('Find a user by email').fill(inviteeEmail);
    await page.getByRole('button', { name: `Pick ${inviteeEmail}` }).click();
    await page.getByLabel('Reason').fill('Support ticket 4711: cannot see the share link');
    await page.getByRole('button', { name: 'Start impersonation' }).click();
    await page.waitForURL(/\/tenants$/);
    const banner = page.getByRole('region', { name: 'impersonation' });
    expect(await banner.textContent()).toContain(inviteeEmail);
    expect(await page.getByTestId('impersonation-time-left').textContent()).toMatch(/^\d+:\d\d$/);
    await page.getByRole('link', { name: new RegExp(tenantName) }).waitFor();
    await screenshot(page, 'impersonation-banner');

    await banner.getByRole('button', { name: 'End impersonation' }).click();
    await banner.waitFor({ state: 'detached' });
    await page.getByRole('link', { name: 'Impersonation' }).click();
    const row = page.getByTestId('impersonation-session-row').first();
    await row.waitFor();
    expect(await row.textContent()).toContain('Support ticket 4711');
    expect(await row.textContent()).toContain('ended');
    await screenshot(page, 'impersonation');
  });

  it('answers a policy question in the playground with the rule and roles that decided it', async () => {
    // From the tenant's page, which links the playground with the tenant chosen (the run's database holds many
    // tenants: this one may be past the first page of the tenant list).
    await page.goto(`${stack.url}/tenants/${tenantId}`);
    await page.getByRole('link', { name: 'Ask the policy playground about this tenant' }).click();
    await page.getByLabel('Find a user by email').fill(inviteeEmail);
    await page.getByRole('button', { name: `Pick ${inviteeEmail}` }).click();
    await page.locator(`option[value="${tenantId}"]`).waitFor({ state: 'attached' });
    expect(await page.getByLabel('Tenant').inputValue()).toBe(tenantId);
    await page.getByLabel('Object').fill('tenant');
    await page.getByLabel('Action').fill('read');
    await page.getByRole('button', { name: 'Check' }).click();
    await page.getByTestId('decision').waitFor();
    expect(await page.getByTestId('decision').textContent()).toBe('Allowed');
    expect(await page.getByTestId('via-roles').textContent()).toContain('member');
    await screenshot(page, 'policy-playground');

    await page.getByLabel('Action').fill('delete');
    await page.getByRole('button', { name: 'Check' }).click();
    await page.getByTestId('decision').filter({ hasText: /^Denied$/ }).waitFor();
  });
});

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}
