import { type BusinessConfig, entryButtons, loadBusiness, readableOn } from '../business-config';
import { button, card, formatDate, h } from '../dom';
import { actionForm, checkboxField, FormErrors, inputField, lines, selectField, textareaField } from '../form';
import type { ConsolePage } from '../page';

const DEFAULT_COLOR = '#2563eb';

export const settingsPage: ConsolePage = {
  id: 'settings',
  title: 'Settings and branding',
  scope: 'business',
  async render(ctx) {
    const config = await loadBusiness(ctx.api, ctx.businessId);
    const errors = new FormErrors();
    const text = (path: keyof BusinessConfig, label: string, help?: string, type?: 'url' | 'email' | 'tel') =>
      inputField(errors, { path, label, help, type, value: config[path] as string | null });
    const area = (path: keyof BusinessConfig, label: string, help?: string, rows = 2) =>
      textareaField(errors, { path, label, help, rows, value: config[path] as string | null });

    const name = text('businessName', 'Business name');
    const website = text('websiteUrl', 'Website', 'Crawled by the knowledge base when no URL is given.', 'url');
    const email = text('contactEmail', 'Contact email', undefined, 'email');
    const phone = text('contactPhone', 'Contact phone', undefined, 'tel');
    const country = inputField(errors, {
      path: 'defaultCountry',
      label: 'Default country',
      help: 'Two letters, e.g. US: used for phone numbers given without a country code.',
      value: config.defaultCountry,
      attrs: { maxlength: 2, autocomplete: 'off' },
    });
    const color = inputField(errors, {
      path: 'themeColor',
      label: 'Theme colour',
      type: 'color',
      value: config.themeColor ?? DEFAULT_COLOR,
    });
    const logo = text('businessLogo', 'Logo URL', 'https:// image shown in the widget header.', 'url');
    const buttonText = text('chatbotButtonText', 'Launcher button text');
    const position = selectField(errors, {
      path: 'widgetPosition',
      label: 'Widget position',
      value: config.widgetPosition,
      options: [
        ['bottom-right', 'Bottom right'],
        ['bottom-left', 'Bottom left'],
        ['center', 'Centre'],
      ],
    });
    const greeting = area('greetingMessage', 'Greeting');
    const secondGreeting = area('secondaryGreetingMessage', 'Second greeting', 'Shown under the greeting.');
    const privacy = area('privacyStatement', 'Privacy statement', 'Shown under the message box.');
    const personality = area('personality', 'Personality', 'How the assistant sounds, e.g. "warm and concise".');
    const goal = area('primaryGoal', 'Primary goal', 'What a good conversation ends with, e.g. "book a visit".');
    const systemPrompt = area('systemPrompt', 'Extra instructions', 'Added to the assistant’s instructions.', 4);
    const rules = textareaField(errors, {
      path: 'rules',
      label: 'Rules',
      help: 'One rule per line, e.g. "Never quote prices over the phone".',
      rows: 4,
      value: config.rules.filter((r): r is string => typeof r === 'string').join('\n'),
    });
    const origins = textareaField(errors, {
      path: 'allowedOrigins',
      label: 'Allowed origins',
      help: 'One per line, e.g. https://www.example.com: the sites allowed to embed the widget.',
      rows: 3,
      value: config.allowedOrigins.join('\n'),
    });
    const voiceEnabled = checkboxField(errors, {
      path: 'voiceEnabled',
      label: 'Show the call button in the widget',
      checked: config.voiceEnabled,
    });
    const s = config.settings;
    const num = (path: string, label: string, value: number | undefined, help: string, attrs = {}) =>
      inputField(errors, { path, label, help, type: 'number', value: value ?? '', attrs: { min: 0, ...attrs } });
    const chatLimit = num(
      'settings.chatRateLimitPerMinute',
      'Messages per minute per conversation',
      s.chatRateLimitPerMinute,
      'Empty: the platform default; 0: no limit.',
    );
    const ipLimit = num(
      'settings.ipRateLimitPerMinute',
      'Messages per minute per visitor IP',
      s.ipRateLimitPerMinute,
      'Empty: the platform default; 0: no limit.',
    );
    const confidence = num(
      'settings.ragMinConfidence',
      'Minimum retrieval confidence',
      s.ragMinConfidence,
      'Between 0 and 1. Below it the assistant says it does not know rather than guess.',
      { max: 1, step: 0.01 },
    );
    const tokens = selectField(errors, {
      path: 'settings.sessionTokens',
      label: 'Session tokens',
      value: s.sessionTokens ?? 'on',
      options: [
        ['on', 'On: continuing a chat needs its session token'],
        ['off', 'Off: legacy clients without tokens'],
      ],
    });

    const preview = widgetPreview(config);
    const refresh = () =>
      preview.update({
        name: name.input.value,
        color: color.input.value,
        logo: logo.input.value,
        buttonText: buttonText.input.value,
        position: position.input.value,
        greeting: greeting.input.value,
        secondGreeting: secondGreeting.input.value,
        privacy: privacy.input.value,
      });
    refresh();

    const optional = (value: string) => value.trim();
    const numberOrUndefined = (value: string) => (value.trim() === '' ? undefined : Number(value));
    const form = actionForm(
      errors,
      {
        label: 'Save settings',
        busyLabel: 'Saving…',
        action: async () => {
          const settings = Object.fromEntries(
            Object.entries({
              chatRateLimitPerMinute: numberOrUndefined(chatLimit.input.value),
              ipRateLimitPerMinute: numberOrUndefined(ipLimit.input.value),
              ragMinConfidence: numberOrUndefined(confidence.input.value),
              sessionTokens: tokens.input.value,
            }).filter(([, v]) => v !== undefined),
          );
          const { config: saved } = await ctx.api.post<{ config: BusinessConfig }>('/admin/business', {
            businessId: ctx.businessId,
            businessName: name.input.value.trim(),
            websiteUrl: optional(website.input.value),
            contactEmail: optional(email.input.value),
            contactPhone: optional(phone.input.value),
            defaultCountry: country.input.value.trim().toUpperCase(),
            themeColor: color.input.value,
            businessLogo: optional(logo.input.value),
            chatbotButtonText: optional(buttonText.input.value),
            widgetPosition: position.input.value,
            greetingMessage: optional(greeting.input.value),
            secondaryGreetingMessage: optional(secondGreeting.input.value),
            privacyStatement: optional(privacy.input.value),
            personality: optional(personality.input.value),
            primaryGoal: optional(goal.input.value),
            systemPrompt: optional(systemPrompt.input.value),
            // Structured rules are edited on the conversation design page and kept as they are.
            rules: [...lines(rules.input.value), ...config.rules.filter((r) => typeof r !== 'string')],
            allowedOrigins: lines(origins.input.value),
            voiceEnabled: voiceEnabled.input.checked,
            settings,
          });
          await ctx.businessesChanged();
          return `Saved: version ${saved.version}.`;
        },
        class: 'settings-form',
      },
      fieldset('Business', name.row, website.row, email.row, phone.row, country.row),
      fieldset(
        'Branding',
        color.row,
        logo.row,
        buttonText.row,
        position.row,
        greeting.row,
        secondGreeting.row,
        privacy.row,
      ),
      fieldset('Assistant', personality.row, goal.row, systemPrompt.row, rules.row),
      fieldset(
        'Access and limits',
        origins.row,
        voiceEnabled.row,
        chatLimit.row,
        ipLimit.row,
        confidence.row,
        tokens.row,
      ),
    );
    form.addEventListener('input', refresh);
    form.addEventListener('change', refresh);

    const remove = button(
      'Delete this business',
      async () => {
        if (!confirm(`Delete ${config.businessName} and all its data? This cannot be undone.`)) return;
        await ctx.api.delete(`/admin/business/${encodeURIComponent(ctx.businessId)}`);
        await ctx.businessesChanged();
        ctx.navigate('#/businesses');
      },
      { class: 'danger' },
    );

    return h(
      'div',
      { class: 'split' },
      h('div', { class: 'stack' }, card('Configuration', meta(config), form)),
      h(
        'div',
        { class: 'stack sticky' },
        card('Live preview', h('p', { class: 'help' }, 'Updates as you type; saved on “Save settings”.'), preview.el),
        card(
          'Embed code',
          h('p', { class: 'help' }, 'Paste on any page of an allowed origin.'),
          h(
            'pre',
            { class: 'code', tabindex: 0, 'aria-label': 'Embed code' },
            `<script src="${location.origin}/widget.js" data-business-id="${config.businessId}" async></script>`,
          ),
        ),
        card(
          'Danger zone',
          h('p', { class: 'help' }, 'Deletes the configuration, knowledge base, CRM data and sessions.'),
          remove,
        ),
      ),
    );
  },
};

function fieldset(legend: string, ...rows: HTMLElement[]): HTMLFieldSetElement {
  return h('fieldset', null, h('legend', null, legend), h('div', { class: 'grid' }, rows));
}

function meta(config: BusinessConfig): HTMLElement {
  return h(
    'p',
    { class: 'meta' },
    `Version ${config.version} · created ${formatDate(config.createdAt)} · updated ${formatDate(config.updatedAt)}`,
  );
}

interface PreviewState {
  name: string;
  color: string;
  logo: string;
  buttonText: string;
  position: string;
  greeting: string;
  secondGreeting: string;
  privacy: string;
}

/** The widget's look, drawn from the form's values: nothing in it is focusable, it is a picture of the widget. */
function widgetPreview(config: BusinessConfig): { el: HTMLElement; update(state: PreviewState): void } {
  const logo = h('img', { class: 'pv-logo', alt: '', hidden: true });
  const title = h('span', { class: 'pv-title' });
  const greeting = h('p', { class: 'pv-bubble' });
  const second = h('p', { class: 'pv-bubble' });
  const ctas = h(
    'div',
    { class: 'pv-ctas' },
    entryButtons(config.ctaTree).map((n) => h('span', { class: 'pv-cta' }, n.label)),
  );
  const privacy = h('p', { class: 'pv-privacy' });
  const launcher = h('span', { class: 'pv-launcher' });
  const panel = h(
    'div',
    { class: 'pv-panel' },
    h('div', { class: 'pv-head' }, logo, title),
    h('div', { class: 'pv-body' }, greeting, second, ctas),
    h('div', { class: 'pv-input' }, h('span', null, 'Type your message…'), h('span', { class: 'pv-send' }, 'Send')),
    privacy,
  );
  const stage = h('div', { class: 'pv-stage' }, panel, launcher);
  const el = h(
    'figure',
    { class: 'preview' },
    stage,
    h('figcaption', { class: 'sr-only' }, 'Preview of the chat widget'),
  );
  return {
    el,
    update(s) {
      const color = /^#[0-9a-f]{6}$/i.test(s.color) ? s.color : DEFAULT_COLOR;
      // CSSOM custom properties, not style attributes: the console's CSP allows no inline styles.
      stage.style.setProperty('--brand', color);
      stage.style.setProperty('--on-brand', readableOn(color));
      stage.className = `pv-stage pos-${s.position}`;
      title.textContent = s.name || 'Your business';
      logo.hidden = !/^https?:\/\//.test(s.logo);
      if (!logo.hidden) logo.src = s.logo;
      greeting.textContent = s.greeting || `Hi! How can ${s.name || 'we'} help you today?`;
      second.textContent = s.secondGreeting;
      second.hidden = !s.secondGreeting;
      privacy.textContent = s.privacy;
      privacy.hidden = !s.privacy;
      launcher.textContent = s.buttonText || 'Chat with us';
    },
  };
}
