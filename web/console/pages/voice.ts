import { ApiError, businessPath } from '../api';
import { card, formatDate, h } from '../dom';
import { actionForm, checkboxField, FormErrors, inputField, lines, textareaField } from '../form';
import type { ConsolePage } from '../page';

interface VoiceConfig {
  enabled: boolean;
  phoneNumbers: string[];
  twilioAuthToken: string | null;
  voiceName: string | null;
  language: string | null;
  greeting: string | null;
  maxCallSeconds: number | null;
  updatedAt: string;
}

/** Gemini Live's prebuilt voices; the API accepts any name, these are offered as suggestions. */
const VOICES = ['Aoede', 'Charon', 'Fenrir', 'Kore', 'Leda', 'Orus', 'Puck', 'Zephyr'];

export const voicePage: ConsolePage = {
  id: 'voice',
  title: 'Phone calls',
  scope: 'business',
  async render(ctx) {
    const path = businessPath(ctx.businessId, '/voice');
    let voice: VoiceConfig | null = null;
    try {
      voice = (await ctx.api.get<{ voice: VoiceConfig }>(path)).voice;
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
    }
    const errors = new FormErrors();
    const enabled = checkboxField(errors, {
      path: 'enabled',
      label: 'Answer calls to these numbers with the assistant',
      checked: voice?.enabled ?? true,
    });
    const numbers = textareaField(errors, {
      path: 'phoneNumbers',
      label: 'Phone numbers',
      help: 'One per line in E.164 form, e.g. +14155550100. Point each Twilio number’s voice webhook at /voice/incoming.',
      rows: 3,
      value: voice?.phoneNumbers.join('\n') ?? '',
    });
    const token = inputField(errors, {
      path: 'twilioAuthToken',
      label: 'Twilio auth token',
      type: 'password',
      help: voice
        ? 'Stored encrypted. Leave empty to keep it.'
        : 'Required the first time; verifies Twilio’s signatures.',
      attrs: { autocomplete: 'off' },
    });
    const voiceName = inputField(errors, {
      path: 'voiceName',
      label: 'Voice',
      value: voice?.voiceName ?? '',
      attrs: { list: 'voice-names', autocomplete: 'off' },
    });
    const language = inputField(errors, {
      path: 'language',
      label: 'Language',
      help: 'BCP-47, e.g. en-US.',
      value: voice?.language ?? '',
    });
    const greeting = textareaField(errors, {
      path: 'greeting',
      label: 'Greeting',
      help: 'Spoken first; empty uses the chat greeting.',
      value: voice?.greeting ?? '',
    });
    const maxSeconds = inputField(errors, {
      path: 'maxCallSeconds',
      label: 'Longest call (seconds)',
      type: 'number',
      value: voice?.maxCallSeconds ?? '',
      attrs: { min: 30, max: 14400 },
    });
    const form = actionForm(
      errors,
      {
        label: 'Save phone settings',
        busyLabel: 'Saving…',
        action: async () => {
          const optional = (v: string) => (v.trim() ? v.trim() : undefined);
          const res = await ctx.api.put<{ voice: VoiceConfig }>(path, {
            enabled: enabled.input.checked,
            phoneNumbers: lines(numbers.input.value),
            twilioAuthToken: optional(token.input.value),
            voiceName: optional(voiceName.input.value),
            language: optional(language.input.value),
            greeting: optional(greeting.input.value),
            maxCallSeconds: maxSeconds.input.value.trim() ? Number(maxSeconds.input.value) : undefined,
          });
          token.input.value = '';
          return `Saved ${formatDate(res.voice.updatedAt)}.`;
        },
        class: 'stack',
      },
      enabled.row,
      numbers.row,
      token.row,
      h('div', { class: 'grid' }, voiceName.row, language.row, maxSeconds.row),
      greeting.row,
      h(
        'datalist',
        { id: 'voice-names' },
        VOICES.map((v) => h('option', { value: v })),
      ),
    );
    return card(voice ? 'Phone assistant' : 'Set up the phone assistant', form);
  },
};
