(() => {
  const $ = (id) => document.getElementById(id);
  let current = null;
  $('key').value = sessionStorage.getItem('adminKey') || '';

  async function api(method, path, body, raw) {
    sessionStorage.setItem('adminKey', $('key').value);
    const headers = { 'X-Admin-API-Key': $('key').value };
    if (body !== undefined && !raw) headers['Content-Type'] = 'application/json';
    const res = await fetch(path, {
      method,
      headers,
      body: raw ? body : body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(`${res.status}: ${data.message || res.statusText}`);
    return data;
  }
  const show = (data) => {
    $('out').textContent = typeof data === 'string' ? data : JSON.stringify(data, null, 2);
  };
  const run = (fn) => async () => {
    try {
      $('status').textContent = '';
      await fn();
    } catch (e) {
      $('status').textContent = e.message;
    }
  };
  const base = () => `/admin/business/${encodeURIComponent(current)}`;

  async function loadList() {
    const { businesses } = await api('GET', '/admin/business?limit=500');
    const ul = $('list');
    ul.replaceChildren();
    for (const id of Object.keys(businesses)) {
      const li = document.createElement('li');
      li.textContent = `${businesses[id].businessName} (${id})`;
      li.onclick = run(() => select(id, li));
      ul.appendChild(li);
    }
  }

  async function select(id, li) {
    const { config } = await api('GET', `/admin/business/${encodeURIComponent(id)}`);
    current = id;
    document.querySelectorAll('nav li').forEach((x) => x.classList.toggle('active', x === li));
    $('current').textContent = `${config.businessName} (${id}) — version ${config.version}`;
    const editable = { ...config };
    for (const k of ['version', 'createdAt', 'updatedAt']) delete editable[k];
    $('config').value = JSON.stringify(editable, null, 2);
    $('try').href = `/?business=${encodeURIComponent(id)}`;
    show('');
  }

  $('load').onclick = run(loadList);
  $('new').onclick = () => {
    current = null;
    $('current').textContent = 'New business';
    $('config').value = JSON.stringify(
      { businessId: 'my-business', businessName: 'My Business', greetingMessage: 'Hi! How can I help?', ctaTree: {} },
      null,
      2,
    );
  };
  $('save').onclick = run(async () => {
    const { config } = await api('POST', '/admin/business', JSON.parse($('config').value));
    current = config.businessId;
    show(config);
    await loadList();
  });
  $('delete').onclick = run(async () => {
    if (!current || !confirm(`Delete ${current} and everything it owns?`)) return;
    show(await api('DELETE', base()));
    current = null;
    await loadList();
  });
  document.querySelectorAll('.tabs button').forEach((b) => {
    b.onclick = () => document.querySelectorAll('.tab').forEach((t) => (t.hidden = t.id !== `tab-${b.dataset.tab}`));
  });

  $('kbHealth').onclick = run(async () => show(await api('GET', `${base()}/knowledge/health`)));
  $('kbDocs').onclick = run(async () => show(await api('GET', `${base()}/knowledge/documents`)));
  $('kbVersions').onclick = run(async () => show(await api('GET', `${base()}/knowledge/versions`)));
  $('kbSearch').onclick = run(async () =>
    show(await api('GET', `${base()}/knowledge/search?q=${encodeURIComponent($('kbQuery').value)}&k=5`)),
  );
  $('kbCrawl').onclick = run(async () =>
    poll(await api('POST', `${base()}/knowledge/crawl`, { url: $('kbUrl').value })),
  );
  $('kbUpload').onclick = run(async () => {
    const file = $('kbFile').files[0];
    if (!file) return;
    let job;
    if (/\.(jsonl|ndjson)$/i.test(file.name)) {
      sessionStorage.setItem('adminKey', $('key').value);
      const res = await fetch(`${base()}/knowledge/documents`, {
        method: 'POST',
        headers: { 'X-Admin-API-Key': $('key').value, 'Content-Type': 'application/x-ndjson' },
        body: await file.text(),
      });
      job = await res.json();
      if (!res.ok) throw new Error(`${res.status}: ${job.message}`);
    } else {
      const form = new FormData();
      form.append('file', file);
      job = await api('POST', `${base()}/knowledge/files`, form, true);
    }
    await poll(job);
  });
  async function poll({ jobId }) {
    for (;;) {
      const job = await api('GET', `${base()}/knowledge/jobs/${jobId}`);
      show(job);
      if (job.status === 'completed' || job.status === 'failed') return;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  $('crmConfig').onclick = run(async () => show(await api('GET', `${base()}/crm`)));
  $('crmTest').onclick = run(async () => show(await api('POST', `${base()}/crm/test`)));
  $('crmContacts').onclick = run(async () => show(await api('GET', `${base()}/crm/contacts`)));
  $('crmDeals').onclick = run(async () => show(await api('GET', `${base()}/crm/deals`)));
  $('crmOutbox').onclick = run(async () => show(await api('GET', `${base()}/crm/outbox`)));
  $('sessionGet').onclick = run(async () =>
    show(await api('GET', `${base()}/sessions/${encodeURIComponent($('sessionId').value)}`)),
  );
  $('sessionDelete').onclick = run(async () =>
    show(await api('DELETE', `${base()}/sessions/${encodeURIComponent($('sessionId').value)}`)),
  );
})();
