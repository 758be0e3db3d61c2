// Minimal widget: the server already sanitises replies to an allow-list of tags, so they are rendered as HTML.
(() => {
  const $ = (id) => document.getElementById(id);
  let businessId = null;
  // { id, token } from the server's last reply; null until the first reply (the server then generates the id).
  let session = null;
  let busy = false;

  // Per tenant, so a page embedding two tenants' widgets keeps two conversations. The token is what lets this browser
  // (and nobody who merely learns the session id) continue the conversation, so it lives only beside the id.
  const storageKey = (id) => `concierge.session.${id}`;
  function storedSession(id) {
    try {
      const s = JSON.parse(localStorage.getItem(storageKey(id)) || 'null');
      return s && typeof s.id === 'string' && typeof s.token === 'string' ? s : null;
    } catch {
      return null;
    }
  }
  function keepSession(id, s) {
    session = s;
    try {
      if (s) localStorage.setItem(storageKey(id), JSON.stringify(s));
      else localStorage.removeItem(storageKey(id));
    } catch {
      /* storage disabled: the session lasts as long as the page */
    }
  }

  function bubble(kind, html) {
    const el = document.createElement('div');
    el.className = `msg ${kind}`;
    if (kind === 'user') el.textContent = html;
    else el.innerHTML = html;
    $('log').appendChild(el);
    $('log').scrollTop = $('log').scrollHeight;
    return el;
  }

  function renderCtas(ctas) {
    const box = $('ctas');
    box.replaceChildren();
    for (const cta of ctas || []) {
      if ((cta.action === 'link' || cta.action === 'redirect') && cta.url) {
        const a = document.createElement('a');
        a.href = cta.url;
        a.target = '_blank';
        a.rel = 'noopener';
        a.textContent = cta.label;
        box.appendChild(a);
      } else {
        const b = document.createElement('button');
        b.type = 'button';
        b.textContent = cta.label;
        b.onclick = () => send('', cta.id, cta.label);
        box.appendChild(b);
      }
    }
  }

  function post(message, ctaId) {
    const body = { business_id: businessId, message };
    const headers = { 'Content-Type': 'application/json' };
    if (ctaId) body.cta_id = ctaId;
    if (session) {
      body.session_id = session.id;
      headers['X-Session-Token'] = session.token;
    }
    return fetch('/chat/stream', { method: 'POST', headers, body: JSON.stringify(body) });
  }

  async function send(message, ctaId, shown, silent) {
    if (busy || !businessId) return;
    busy = true;
    $('sendBtn').disabled = true;
    if (!silent) bubble('user', shown || message);
    renderCtas([]);
    const bot = bubble('bot', '…');
    const tenant = businessId;
    try {
      let res = await post(message, ctaId);
      let err = res.ok ? null : await res.json().catch(() => ({}));
      // The stored session is no longer ours to continue (server secret rotated, or the id is refused): start afresh.
      if (res.status === 403 && session && /^session\./.test(err?.code || '')) {
        keepSession(tenant, null);
        res = await post(message, ctaId);
        err = res.ok ? null : await res.json().catch(() => ({}));
      }
      if (err || !res.body) {
        bot.textContent = err?.message || `Error ${res.status}`;
        return;
      }
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      let text = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf('\n\n')) !== -1) {
          const raw = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event = /^event: (.*)$/m.exec(raw)?.[1] || 'message';
          const data = raw
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n');
          if (!data) continue;
          const payload = JSON.parse(data);
          if (event === 'delta') {
            text += payload.text || '';
            bot.textContent = text;
          }
          if (event === 'done') {
            if (payload.session_id && payload.session_token)
              keepSession(tenant, { id: payload.session_id, token: payload.session_token });
            bot.innerHTML = payload.response;
            if (payload.sources?.length) {
              const s = document.createElement('span');
              s.className = 'sources';
              s.textContent = 'Sources: ' + payload.sources.map((x) => x.title || x.url).join(' · ');
              bot.appendChild(s);
            }
            renderCtas(payload.ctas);
          }
          if (event === 'error') bot.textContent = payload.message || 'Something went wrong.';
        }
      }
    } catch (e) {
      bot.textContent = 'Network error — please try again.';
    } finally {
      busy = false;
      $('sendBtn').disabled = false;
    }
  }

  async function open(id) {
    $('status').textContent = 'Loading…';
    const res = await fetch(`/api/business/${encodeURIComponent(id)}/config`);
    if (!res.ok) {
      $('status').textContent = (await res.json().catch(() => ({}))).message || `Error ${res.status}`;
      return;
    }
    const { config } = await res.json();
    businessId = id;
    session = storedSession(id);
    const w = $('widget');
    w.hidden = false;
    w.className = `widget ${config.widgetPosition || 'bottom-right'}`;
    if (config.themeColor) w.style.setProperty('--theme', config.themeColor);
    $('title').textContent = config.businessName;
    if (config.businessLogo) {
      $('logo').src = config.businessLogo;
      $('logo').hidden = false;
    }
    $('sendBtn').textContent = config.chatbotButtonText || 'Send';
    $('privacy').textContent = config.privacyStatement || '';
    $('log').replaceChildren();
    $('status').textContent = '';
    // The intro action makes the server greet and mark the session greeted, so the visitor's first question
    // reaches the assistant instead of being answered with the greeting.
    await send('action:click-intro', null, null, true);
  }

  $('pick').onsubmit = (e) => {
    e.preventDefault();
    open($('business').value.trim());
  };
  $('send').onsubmit = (e) => {
    e.preventDefault();
    const m = $('msg').value.trim();
    if (!m) return;
    $('msg').value = '';
    send(m);
  };
  $('reset').onclick = () => {
    if (!businessId) return;
    keepSession(businessId, null);
    open(businessId);
  };
  const fromQuery = new URLSearchParams(location.search).get('business');
  if (fromQuery) {
    $('business').value = fromQuery;
    open(fromQuery);
  }
})();
