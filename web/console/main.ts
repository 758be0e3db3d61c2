import { Api, ApiError } from './api';
import { h } from './dom';
import { actionForm, FormErrors, inputField } from './form';
import type { ConsolePage, PageContext } from './page';
import { PAGES } from './pages';
import { storedKey, storeKey } from './session';

interface BusinessSummary {
  businessId: string;
  businessName: string;
}

interface Route {
  page: ConsolePage;
  businessId: string;
  params: string[];
}

const root = document.getElementById('app')!;
let api: Api | null = null;
let businesses: BusinessSummary[] = [];
let leave = new AbortController();
let businessKey = false;
let lastBusinessId = '';

/** Pages of GET /admin/business read for the picker; beyond them the picker still offers the business at hand. */
const MAX_BUSINESS_PAGES = 20;
let businessesComplete = true;

/**
 * Every business, page by page: a platform with more than one page of them must still find the one being worked
 * on (with only the first page, a business listed later fell out of the picker and its pages opened another).
 */
async function loadBusinesses(client: Api): Promise<BusinessSummary[]> {
  const all: BusinessSummary[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_BUSINESS_PAGES; page++) {
    const res = await client.get<{ businesses: Record<string, BusinessSummary>; nextCursor: string | null }>(
      '/admin/business',
      { limit: 500, cursor },
    );
    all.push(...Object.values(res.businesses));
    cursor = res.nextCursor ?? undefined;
    if (!cursor) break;
  }
  businessesComplete = !cursor;
  return all.sort((a, b) => a.businessName.localeCompare(b.businessName));
}

function signIn(): void {
  const errors = new FormErrors();
  const key = inputField(errors, {
    path: 'key',
    label: 'Admin API key',
    type: 'password',
    help: 'The platform key, or a business key starting with cpk_. Kept for this browser tab only.',
    attrs: { autocomplete: 'off', required: true, spellcheck: 'false' },
  });
  const form = actionForm(
    errors,
    {
      label: 'Sign in',
      busyLabel: 'Checking the key…',
      action: async () => {
        const value = key.input.value.trim();
        if (!value) return errors.showProblems([{ path: 'key', message: 'Enter an admin API key.' }]);
        const client = new Api(value);
        try {
          businesses = await loadBusinesses(client);
        } catch (error) {
          if (error instanceof ApiError && (error.status === 401 || error.status === 403))
            return errors.showProblems([{ path: 'key', message: 'This key was not accepted. Check it and retry.' }]);
          throw error;
        }
        storeKey(value);
        api = client;
        businessKey = isBusinessKey(value);
        if (!location.hash || location.hash === '#/') history.replaceState(null, '', defaultRoute());
        renderShell();
      },
    },
    key.row,
  );
  root.replaceChildren(
    h(
      'main',
      { class: 'signin', id: 'main' },
      h('div', { class: 'signin-card' }, h('p', { class: 'brand' }, 'Concierge'), h('h1', null, 'Admin console'), form),
    ),
  );
  key.input.focus();
}

/** Business keys (`cpk_…`) open one business: the platform pages would only answer 403. */
const isBusinessKey = (key: string) => key.startsWith('cpk_');

function defaultRoute(): string {
  return businesses.length === 1 ? `#/b/${encodeURIComponent(businesses[0].businessId)}/settings` : '#/businesses';
}

function parseRoute(): Route {
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (businessKey && parts[0] !== 'b' && businesses.length)
    return { page: PAGES.find((p) => p.id === 'settings')!, businessId: businesses[0].businessId, params: [] };
  if (parts[0] === 'b' && parts[1]) {
    const page =
      PAGES.find((p) => p.scope === 'business' && p.id === parts[2]) ?? PAGES.find((p) => p.id === 'settings')!;
    return { page, businessId: parts[1], params: page.id === parts[2] ? parts.slice(3) : [] };
  }
  const page =
    PAGES.find((p) => p.scope === 'platform' && p.id === parts[0]) ?? PAGES.find((p) => p.id === 'businesses')!;
  return { page, businessId: '', params: page.id === parts[0] ? parts.slice(1) : [] };
}

function renderShell(): void {
  if (!api) return signIn();
  const route = parseRoute();
  // On a platform page the business links keep pointing at the business last worked on.
  if (route.businessId) lastBusinessId = route.businessId;
  // A business missing from a complete list was deleted; from a partial one it may just be listed later.
  const known = businesses.some((b) => b.businessId === lastBusinessId) || (!businessesComplete && !!lastBusinessId);
  const current = route.businessId || (known ? lastBusinessId : (businesses[0]?.businessId ?? ''));
  const picker = h('select', { id: 'business-picker', 'aria-label': 'Business' }, pickerOptions(current));
  picker.value = current;
  picker.addEventListener('change', () => {
    location.hash = `#/b/${encodeURIComponent(picker.value)}/${route.page.scope === 'business' ? route.page.id : 'settings'}`;
  });
  const navLink = (href: string, title: string, active: boolean) =>
    h('li', null, h('a', { href, 'aria-current': active ? 'page' : undefined }, title));
  const businessPages = PAGES.filter((p) => p.scope === 'business');
  const nav = h(
    'nav',
    { class: 'sidebar', 'aria-label': 'Console' },
    h(
      'div',
      { class: 'nav-inner' },
      businessKey
        ? null
        : [
            h('h2', null, 'Platform'),
            h(
              'ul',
              null,
              PAGES.filter((p) => p.scope === 'platform').map((p) =>
                navLink(`#/${p.id}`, p.title, !route.businessId && route.page === p),
              ),
            ),
          ],
      current
        ? [
            h('h2', null, 'This business'),
            h(
              'ul',
              null,
              businessPages.map((p) =>
                navLink(`#/b/${encodeURIComponent(current)}/${p.id}`, p.title, !!route.businessId && route.page === p),
              ),
            ),
          ]
        : null,
    ),
  );
  const heading = h('h1', { tabindex: -1 }, route.page.title);
  const content = h('div', { class: 'page', 'aria-busy': 'true' }, h('p', { class: 'loading' }, 'Loading…'));
  const signOut = h('button', { type: 'button', class: 'ghost' }, 'Sign out');
  signOut.addEventListener('click', () => {
    storeKey(null);
    api = null;
    history.replaceState(null, '', location.pathname);
    signIn();
  });
  root.replaceChildren(
    h('a', { class: 'skip', href: '#main' }, 'Skip to content'),
    h(
      'header',
      { class: 'topbar' },
      h('p', { class: 'brand' }, 'Concierge ', h('span', null, 'Admin')),
      businesses.length
        ? h('div', { class: 'picker' }, h('label', { for: 'business-picker' }, 'Business'), picker)
        : null,
      signOut,
    ),
    h(
      'div',
      { class: 'layout' },
      nav,
      h(
        'main',
        { id: 'main', tabindex: -1 },
        route.businessId ? h('p', { class: 'crumb' }, businessName(route.businessId)) : null,
        heading,
        content,
      ),
    ),
  );
  leave.abort();
  leave = new AbortController();
  const ctx: PageContext = {
    api,
    businessId: route.businessId,
    params: route.params,
    signal: leave.signal,
    navigate: (to) => {
      location.hash = to;
    },
    // Only the picker changes: the page keeps its state (and the status line saying what was saved).
    businessesChanged: async () => {
      businesses = await loadBusinesses(api!);
      const selected = picker.value;
      picker.replaceChildren(...pickerOptions(selected));
      picker.value = selected;
    },
  };
  const signal = leave.signal;
  Promise.resolve()
    .then(() => route.page.render(ctx))
    .then(
      (node) => {
        if (signal.aborted) return;
        content.replaceChildren(node);
        content.removeAttribute('aria-busy');
      },
      (error: unknown) => {
        if (signal.aborted) return;
        if (error instanceof ApiError && error.status === 401) {
          storeKey(null);
          api = null;
          return signIn();
        }
        content.removeAttribute('aria-busy');
        content.replaceChildren(
          h('div', { class: 'form-error', role: 'alert' }, error instanceof Error ? error.message : String(error)),
        );
      },
    );
}

function pickerOptions(current: string): HTMLOptionElement[] {
  const options = businesses.map((b) => h('option', { value: b.businessId }, `${b.businessName} (${b.businessId})`));
  // Beyond the pages read, the business at hand is still offered (by id), so the picker never shows another one.
  if (current && !businesses.some((b) => b.businessId === current))
    options.unshift(h('option', { value: current }, current));
  return options;
}

function businessName(id: string): string {
  const b = businesses.find((x) => x.businessId === id);
  return b ? `${b.businessName} · ${id}` : id;
}

let lastRoute = '';
window.addEventListener('hashchange', () => {
  if (!api) return;
  renderShell();
  // Keyboard and screen-reader users land on the new page's heading, not at the top of the document.
  if (location.hash !== lastRoute) document.querySelector<HTMLElement>('main h1')?.focus();
  lastRoute = location.hash;
});

async function start(): Promise<void> {
  const key = storedKey();
  if (!key) return signIn();
  const client = new Api(key);
  try {
    businesses = await loadBusinesses(client);
    api = client;
    businessKey = isBusinessKey(key);
    if (!location.hash || location.hash === '#/') history.replaceState(null, '', defaultRoute());
    renderShell();
  } catch {
    storeKey(null);
    signIn();
  }
}

void start();
