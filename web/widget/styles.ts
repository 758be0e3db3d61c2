/**
 * The widget's whole stylesheet, adopted by its shadow root (a constructed stylesheet, not a <style> element, so a
 * host page whose CSP forbids inline styles still styles the widget). `:host` declarations are !important because
 * inside a shadow tree those beat the host page's own !important rules (`* { all: unset !important }`).
 */
export const WIDGET_CSS = `
:host { all: initial !important; display: block !important; position: static !important; }
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
.root {
  --theme: #4338ca; --on-theme: #fff;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1f2937; position: fixed; z-index: 2147483000; bottom: 20px; right: 20px;
  display: flex; flex-direction: column; align-items: flex-end; gap: 12px;
}
.root.bottom-left { right: auto; left: 20px; align-items: flex-start; }
.root.center { left: 0; right: 0; align-items: center; pointer-events: none; }
.root.center > * { pointer-events: auto; }
.root.open .launcher { display: none; }
button, input, a { font: inherit; }
.sr-only { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
.launcher {
  display: inline-flex; align-items: center; gap: 8px; border: 2px solid #fff; border-radius: 999px;
  padding: 12px 18px; background: var(--theme); color: var(--on-theme); font-weight: 600; cursor: pointer;
  box-shadow: 0 6px 20px rgba(0,0,0,.25); transition: transform .15s ease;
}
.launcher:hover { transform: translateY(-2px); }
.launcher svg { width: 22px; height: 22px; fill: currentColor; flex: none; }
.panel {
  width: 380px; height: min(640px, calc(100vh - 40px)); display: flex; flex-direction: column;
  background: #fff; border-radius: 16px; overflow: hidden; box-shadow: 0 12px 40px rgba(0,0,0,.28);
  border: 1px solid #d1d5db; animation: rise .18s ease-out;
}
.root.center .panel { position: fixed; left: 50%; top: 50%; transform: translate(-50%, -50%); }
@keyframes rise { from { opacity: 0; transform: translateY(8px); } to { opacity: 1; transform: none; } }
.root.center .panel { animation: none; }
header { display: flex; align-items: center; gap: 10px; padding: 12px 14px; background: var(--theme);
  color: var(--on-theme); }
header img { width: 32px; height: 32px; border-radius: 8px; object-fit: contain; background: #fff; }
header h2 { flex: 1; margin: 0; font-size: 16px; font-weight: 700; overflow: hidden; text-overflow: ellipsis;
  white-space: nowrap; }
.icon-btn { border: 0; background: transparent; color: inherit; cursor: pointer; width: 36px; height: 36px;
  border-radius: 8px; font-size: 22px; line-height: 1; display: inline-flex; align-items: center; justify-content: center; }
.icon-btn:hover { background: rgba(127,127,127,.25); }
.icon-btn svg { width: 18px; height: 18px; fill: currentColor; }
.log { flex: 1; overflow-y: auto; padding: 14px; display: flex; flex-direction: column; gap: 10px;
  background: #f9fafb; overscroll-behavior: contain; }
.msg { max-width: 85%; padding: 9px 13px; border-radius: 14px; overflow-wrap: anywhere; white-space: pre-wrap; }
.msg.bot { align-self: flex-start; background: #fff; border: 1px solid #e5e7eb; border-bottom-left-radius: 4px; }
.msg.user { align-self: flex-end; background: var(--theme); color: var(--on-theme); border-bottom-right-radius: 4px; }
.msg.error { align-self: stretch; max-width: none; background: #fef2f2; border: 1px solid #fca5a5; color: #7f1d1d; }
.msg a { color: #1d4ed8; }
.msg code { font-family: ui-monospace, Menlo, Consolas, monospace; background: #f3f4f6; padding: 0 3px; border-radius: 4px; }
.sources { margin: 8px 0 0; padding: 8px 0 0; border-top: 1px solid #e5e7eb; font-size: 13px; color: #4b5563;
  white-space: normal; }
.sources ul { margin: 2px 0 0; padding-left: 18px; }
.retry { margin-left: 8px; border: 1px solid #7f1d1d; background: #fff; color: #7f1d1d; border-radius: 6px;
  padding: 2px 10px; cursor: pointer; }
.typing { align-self: flex-start; display: inline-flex; gap: 4px; padding: 12px 14px; background: #fff;
  border: 1px solid #e5e7eb; border-radius: 14px; }
.typing span { width: 7px; height: 7px; border-radius: 50%; background: #6b7280; animation: blink 1.2s infinite both; }
.typing span:nth-child(2) { animation-delay: .2s; }
.typing span:nth-child(3) { animation-delay: .4s; }
@keyframes blink { 0%, 80%, 100% { opacity: .25; } 40% { opacity: 1; } }
.ctas { display: flex; flex-wrap: wrap; gap: 6px; padding: 8px 14px 0; background: #fff; }
.ctas:empty { display: none; }
.cta { display: inline-block; border: 1.5px solid #374151; color: #111827; background: #fff; border-radius: 999px;
  padding: 5px 12px; font-size: 14px; cursor: pointer; text-decoration: none; }
.cta:hover { background: #f3f4f6; }
.cta[data-external]::after { content: " ↗"; }
form { display: flex; gap: 8px; padding: 10px 14px; background: #fff; border-top: 1px solid #e5e7eb; margin: 0; }
input[type=text] { flex: 1; min-width: 0; border: 1.5px solid #6b7280; border-radius: 10px; padding: 9px 11px;
  color: #111827; background: #fff; }
.send { border: 0; border-radius: 10px; padding: 0 16px; background: var(--theme); color: var(--on-theme);
  font-weight: 600; cursor: pointer; }
.send:disabled { opacity: .6; cursor: progress; }
.privacy { margin: 0; padding: 0 14px 10px; background: #fff; font-size: 12px; color: #4b5563; }
.notice { background: #fff; border: 1px solid #d1d5db; border-radius: 10px; padding: 10px 14px; color: #374151;
  box-shadow: 0 4px 14px rgba(0,0,0,.15); max-width: 320px; font-size: 14px; }
@media (max-width: 480px) {
  .root.open { inset: 0; }
  .root.open .panel, .root.center.open .panel { position: fixed; inset: 0; width: 100%; height: 100%;
    border-radius: 0; border: 0; transform: none; }
}
@media (prefers-reduced-motion: reduce) {
  *, *::before, *::after { animation: none !important; transition: none !important; }
}
`;
