// The demo page embeds the widget with the same tag a business pastes into its site, for the business named in
// ?business= (no inline script: the platform's pages run under a strict Content-Security-Policy).
(() => {
  const id = new URLSearchParams(location.search).get('business');
  if (!id || !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(id)) return;
  document.getElementById('business').value = id;
  const tag = document.createElement('script');
  tag.src = '/widget.js';
  tag.async = true;
  tag.dataset.businessId = id;
  tag.dataset.open = 'true';
  document.body.appendChild(tag);
})();
