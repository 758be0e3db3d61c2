import { ApiError, type Cta, type HistoryMessage, type Reply, type Source, WidgetApi, type WidgetConfig } from './api';
import { themeColors } from './contrast';
import { externalLink, replyFragment, safeUrl } from './reply-html';
import { loadSession, saveSession, type StoredSession } from './session-store';
import { WIDGET_CSS } from './styles';

export interface WidgetOptions {
  /** The platform origin (where widget.js came from); every API call goes there. */
  base: string;
  businessId: string;
  metadata?: Record<string, unknown>;
  open: boolean;
  storage: Storage | null;
}

/** Sent silently when a conversation starts: the server greets, shows the entry buttons and marks the visitor
 * greeted, so the visitor's first real question goes to the model instead of being answered with the greeting. */
const INTRO = 'action:click-intro';
const CHAT_ICON =
  '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 1-2z"/></svg>';
const CLOSE_ICON =
  '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M18.3 5.7 12 12l6.3 6.3-1.4 1.4L10.6 13.4 4.3 19.7 2.9 18.3 9.2 12 2.9 5.7 4.3 4.3l6.3 6.3 6.3-6.3z"/></svg>';
const RESTART_ICON =
  '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 5V1L7 6l5 5V7a5 5 0 1 1-5 5H5a7 7 0 1 0 7-7z"/></svg>';
const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), [tabindex]:not([tabindex="-1"])';

let instances = 0;

export class ChatWidget {
  readonly host: HTMLElement;
  private readonly root: HTMLDivElement;
  private readonly api: WidgetApi;
  private readonly doc: Document;
  private config: WidgetConfig | null = null;
  private session: StoredSession | null;
  private busy = false;
  /** A message submitted while a reply was on its way (the greeting's, typically): sent as soon as it lands. */
  private queued: string | null = null;
  private started = false;
  private panel!: HTMLDivElement;
  private launcher!: HTMLButtonElement;
  private log!: HTMLDivElement;
  private ctas!: HTMLDivElement;
  private input!: HTMLInputElement;
  private send!: HTMLButtonElement;
  private live!: HTMLDivElement;

  constructor(private readonly options: WidgetOptions) {
    this.doc = document;
    this.api = new WidgetApi(options.base, options.businessId);
    this.session = loadSession(options.storage, options.businessId);
    this.host = this.doc.createElement('concierge-chat');
    this.host.setAttribute('data-business-id', options.businessId);
    const shadow = this.host.attachShadow({ mode: 'open' });
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(WIDGET_CSS);
    shadow.adoptedStyleSheets = [sheet];
    this.root = this.doc.createElement('div');
    this.root.className = 'root';
    shadow.appendChild(this.root);
    this.doc.body.appendChild(this.host);
  }

  async load(): Promise<void> {
    try {
      this.config = await this.api.config();
    } catch (err) {
      this.unavailable(err);
      return;
    }
    this.render(this.config);
    if (this.options.open) await this.open();
  }

  /** No config, no chat: a short notice instead of a launcher that could only fail. */
  private unavailable(err: unknown): void {
    const notice = this.el('p', 'notice');
    notice.setAttribute('role', 'status');
    const refused = err instanceof ApiError && (err.status === 403 || err.status === 0);
    notice.textContent =
      err instanceof ApiError && err.status === 404
        ? 'Chat is unavailable: this business is not set up.'
        : refused
          ? 'Chat is not available on this website.'
          : 'Chat is unavailable right now. Please try again later.';
    // For the site owner: a browser hides CORS refusals from scripts, so say which setting to check.
    console.warn(
      `concierge widget: no chat for "${this.options.businessId}" on ${location.origin}. ` +
        "If this site should show it, add this origin to the business's allowedOrigins.",
    );
    this.root.replaceChildren(notice);
  }

  private render(config: WidgetConfig): void {
    const id = `concierge-${++instances}`;
    const theme = themeColors(config.themeColor);
    this.root.style.setProperty('--theme', theme.background);
    this.root.style.setProperty('--on-theme', theme.text);
    const position = ['bottom-left', 'center'].includes(config.widgetPosition) ? config.widgetPosition : 'bottom-right';
    this.root.classList.add(position);

    this.launcher = this.el('button', 'launcher');
    this.launcher.type = 'button';
    this.launcher.setAttribute('aria-expanded', 'false');
    this.launcher.setAttribute('aria-controls', `${id}-panel`);
    this.launcher.innerHTML = CHAT_ICON;
    this.launcher.append(this.text('span', `Chat with ${config.businessName}`));
    this.launcher.addEventListener('click', () => void this.open());

    this.panel = this.el('div', 'panel');
    this.panel.id = `${id}-panel`;
    this.panel.hidden = true;
    this.panel.setAttribute('role', 'dialog');
    this.panel.setAttribute('aria-modal', 'true');
    this.panel.setAttribute('aria-labelledby', `${id}-title`);
    this.panel.addEventListener('keydown', (e) => this.onKeydown(e));

    const header = this.el('header');
    const logo = safeUrl(config.businessLogo ?? undefined);
    if (logo) {
      const img = this.el('img');
      img.src = logo;
      img.alt = '';
      header.append(img);
    }
    const title = this.text('h2', config.businessName);
    title.id = `${id}-title`;
    const restart = this.iconButton(RESTART_ICON, 'Start a new conversation', () => void this.restart());
    const close = this.iconButton(CLOSE_ICON, 'Close chat', () => this.close());
    header.append(title, restart, close);

    this.log = this.el('div', 'log');
    // Scrollable, so reachable by keyboard; not itself live: streamed text would be read out word by word.
    this.log.tabIndex = 0;
    this.log.setAttribute('role', 'region');
    this.log.setAttribute('aria-label', 'Conversation');
    this.live = this.el('div', 'sr-only');
    this.live.setAttribute('aria-live', 'polite');
    this.live.setAttribute('role', 'status');

    this.ctas = this.el('div', 'ctas');
    this.ctas.setAttribute('role', 'group');
    this.ctas.setAttribute('aria-label', 'Suggested options');

    const form = this.el('form');
    const label = this.text('label', `Message to ${config.businessName}`);
    label.className = 'sr-only';
    label.htmlFor = `${id}-input`;
    this.input = this.el('input');
    this.input.type = 'text';
    this.input.id = `${id}-input`;
    this.input.autocomplete = 'off';
    this.input.maxLength = 2000;
    this.input.placeholder = 'Type your question…';
    this.send = this.text('button', config.chatbotButtonText?.trim() || 'Send');
    this.send.type = 'submit';
    this.send.className = 'send';
    form.append(label, this.input, this.send);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const message = this.input.value.trim();
      if (!message) return;
      if (this.busy) {
        // One message may wait; a second stays in the box until the first is on its way.
        if (this.queued !== null) return;
        this.queued = message;
        this.input.value = '';
        this.announce('Your message will be sent when the reply is complete.');
        return;
      }
      this.input.value = '';
      void this.ask({ message, shown: message });
    });

    this.panel.append(header, this.log, this.ctas, form, this.live);
    if (config.privacyStatement?.trim()) this.panel.append(this.text('p', config.privacyStatement.trim(), 'privacy'));
    this.root.append(this.panel, this.launcher);
  }

  async open(): Promise<void> {
    if (!this.config) return;
    this.panel.hidden = false;
    this.root.classList.add('open');
    this.launcher.setAttribute('aria-expanded', 'true');
    this.input.focus();
    if (this.started) return;
    this.started = true;
    if (this.session && (await this.showHistory(this.session))) return;
    await this.ask({ message: INTRO });
  }

  close(): void {
    if (!this.config || this.panel.hidden) return;
    this.panel.hidden = true;
    this.root.classList.remove('open');
    this.launcher.setAttribute('aria-expanded', 'false');
    this.launcher.focus();
  }

  private async restart(): Promise<void> {
    if (this.busy) return;
    this.keepSession(null);
    this.log.replaceChildren();
    this.ctas.replaceChildren();
    await this.ask({ message: INTRO });
    this.input.focus();
  }

  /** True when the stored conversation was shown; false (and forgotten) when the server no longer has it for us. */
  private async showHistory(session: StoredSession): Promise<boolean> {
    let messages: HistoryMessage[];
    try {
      messages = await this.api.history(session);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 403 || err.status === 404)) {
        this.keepSession(null);
        return false;
      }
      this.error(err, () => void this.retryHistory(session));
      return true;
    }
    if (!messages.length) return false;
    for (const m of messages) {
      if (m.role === 'user') this.bubble('user').textContent = m.content;
      else this.bubble('bot').append(replyFragment(this.doc, m.content));
    }
    // The buttons of the last reply are still on offer, as they were before the reload.
    const last = messages[messages.length - 1];
    this.renderCtas(last.role === 'assistant' ? (last.ctas ?? []) : []);
    this.announce(`${messages.length} earlier messages restored.`);
    this.scroll();
    return true;
  }

  private async retryHistory(session: StoredSession): Promise<void> {
    this.log.replaceChildren();
    if (!(await this.showHistory(session))) await this.ask({ message: INTRO });
  }

  private async ask(turn: { message: string; ctaId?: string; shown?: string }): Promise<void> {
    if (this.busy) return;
    this.setBusy(true);
    if (turn.shown) this.bubble('user').textContent = turn.shown;
    // A pressed button disappears with the old buttons: keep keyboard focus in the panel rather than on <body>.
    const focusWasOnButton = this.ctas.contains(this.host.shadowRoot?.activeElement ?? null);
    this.ctas.replaceChildren();
    if (focusWasOnButton) this.input.focus();
    const typing = this.el('div', 'typing');
    typing.setAttribute('aria-hidden', 'true');
    typing.append(this.el('span'), this.el('span'), this.el('span'));
    this.log.append(typing);
    this.scroll();
    let bot: HTMLDivElement | null = null;
    const attempt = (session: StoredSession | null) =>
      this.api.stream(
        { message: turn.message, ctaId: turn.ctaId, session, metadata: this.options.metadata },
        {
          delta: (text) => {
            typing.remove();
            bot ??= this.bubble('bot');
            bot.setAttribute('aria-busy', 'true');
            bot.textContent = text;
            this.scroll();
          },
          done: (reply) => {
            typing.remove();
            bot ??= this.bubble('bot');
            this.showReply(bot, reply);
          },
        },
      );
    try {
      try {
        await attempt(this.session);
      } catch (err) {
        // The stored session is no longer ours to continue (server secret rotated, session forgotten): start afresh.
        if (!(err instanceof ApiError && err.status === 403 && /^session\./.test(err.code ?? '') && this.session))
          throw err;
        this.keepSession(null);
        await attempt(null);
      }
    } catch (err) {
      typing.remove();
      (bot as HTMLDivElement | null)?.remove();
      this.error(err, () => void this.ask({ message: turn.message, ctaId: turn.ctaId }));
    } finally {
      typing.remove();
      this.setBusy(false);
    }
    const next = this.queued;
    this.queued = null;
    if (next !== null) await this.ask({ message: next, shown: next });
  }

  private showReply(bot: HTMLDivElement, reply: Reply): void {
    this.keepSession({ id: reply.session_id, token: reply.session_token });
    bot.removeAttribute('aria-busy');
    bot.replaceChildren(replyFragment(this.doc, reply.response));
    if (reply.sources?.length) bot.append(this.sources(reply.sources));
    this.renderCtas(reply.ctas ?? []);
    this.announce(`${this.config?.businessName ?? 'Assistant'}: ${bot.textContent ?? ''}`);
    this.scroll();
  }

  private sources(sources: Source[]): HTMLElement {
    const box = this.text('div', 'Sources', 'sources');
    const list = this.el('ul');
    for (const s of sources) {
      const href = safeUrl(s.url);
      const item = this.el('li');
      if (href) item.append(externalLink(this.text('a', s.title || href), href));
      else item.textContent = s.title;
      list.append(item);
    }
    box.append(list);
    return box;
  }

  private renderCtas(ctas: Cta[]): void {
    this.ctas.replaceChildren();
    for (const cta of ctas) {
      const href = cta.action === 'link' || cta.action === 'redirect' ? safeUrl(cta.url) : null;
      if (href) {
        const a = externalLink(this.text('a', cta.label, 'cta'), href);
        a.dataset.external = '';
        // A redirect replaces the page the visitor is on (the conversation survives in storage); never via opener.
        if (cta.action === 'redirect') a.target = '_top';
        // Recorded as a click, so the tenant's analytics see it; the link itself opens without waiting.
        a.addEventListener('click', () => void this.ask({ message: '', ctaId: cta.id }));
        this.ctas.append(a);
      } else if (cta.action === 'show_children' || cta.action === 'send') {
        const b = this.text('button', cta.label, 'cta');
        b.type = 'button';
        b.addEventListener('click', () => void this.ask({ message: '', ctaId: cta.id, shown: cta.label }));
        this.ctas.append(b);
      }
    }
  }

  private error(err: unknown, retry: () => void): void {
    const box = this.el('div', 'msg error');
    box.setAttribute('role', 'alert');
    box.append(this.text('span', err instanceof ApiError ? err.message : 'Something went wrong.'));
    const again = this.text('button', 'Retry', 'retry');
    again.type = 'button';
    again.addEventListener('click', () => {
      box.remove();
      retry();
    });
    box.append(again);
    this.log.append(box);
    this.scroll();
  }

  private onKeydown(e: KeyboardEvent): void {
    if (e.key === 'Escape') {
      e.preventDefault();
      this.close();
      return;
    }
    if (e.key !== 'Tab') return;
    // Focus trap: Tab and Shift+Tab cycle inside the open panel.
    const items = Array.from(this.panel.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
      (el) => !el.closest('[hidden]'),
    );
    if (!items.length) return;
    const active = this.host.shadowRoot?.activeElement;
    const first = items[0];
    const last = items[items.length - 1];
    if (e.shiftKey && (active === first || !active)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && active === last) {
      e.preventDefault();
      first.focus();
    }
  }

  private setBusy(busy: boolean): void {
    this.busy = busy;
    // The send button stays enabled: a message submitted now waits for the reply (see `queued`), never vanishes.
    this.log.setAttribute('aria-busy', String(busy));
  }

  private keepSession(session: StoredSession | null): void {
    this.session = session;
    saveSession(this.options.storage, this.options.businessId, session);
  }

  private announce(text: string): void {
    this.live.textContent = text;
  }

  private bubble(kind: 'bot' | 'user'): HTMLDivElement {
    const el = this.el('div', `msg ${kind}`);
    this.log.append(el);
    return el;
  }

  private scroll(): void {
    this.log.scrollTop = this.log.scrollHeight;
  }

  private iconButton(icon: string, label: string, onClick: () => void): HTMLButtonElement {
    const b = this.el('button', 'icon-btn');
    b.type = 'button';
    b.innerHTML = icon;
    b.setAttribute('aria-label', label);
    b.title = label;
    b.addEventListener('click', onClick);
    return b;
  }

  private el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string): HTMLElementTagNameMap[K] {
    const el = this.doc.createElement(tag);
    if (className) el.className = className;
    return el;
  }

  private text<K extends keyof HTMLElementTagNameMap>(
    tag: K,
    text: string,
    className?: string,
  ): HTMLElementTagNameMap[K] {
    const el = this.el(tag, className);
    el.textContent = text;
    return el;
  }
}
