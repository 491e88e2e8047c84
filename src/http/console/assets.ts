// The console's stylesheet and its one small script, served as files so the
// Content-Security-Policy can forbid every inline script and style.

/** `console.css`: phone first, wider on a station screen, clean on paper. */
export const CONSOLE_CSS = `
:root{--ink:#1f2933;--muted:#616e7c;--line:#d9dee3;--bg:#f5f7fa;--accent:#0b69a3;--ok:#207d4c;--warn:#b44d12;--bad:#b42318;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
*{box-sizing:border-box}body{margin:0;font-size:16px;line-height:1.4}
header.top{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;padding:.6rem 1rem;background:#102a43;color:#fff}
header.top a{color:#fff;text-decoration:none;padding:.35rem .5rem;border-radius:4px}header.top a:hover,header.top a[aria-current]{background:#243b53}
header.top .brand{font-weight:700;margin-right:auto}header.top form{margin:0}
main{padding:1rem;max-width:1200px;margin:0 auto}
h1{font-size:1.4rem;margin:.2rem 0 1rem}h2{font-size:1.1rem;margin:1.4rem 0 .6rem}
a{color:var(--accent)}
.card{background:#fff;border:1px solid var(--line);border-radius:6px;padding:1rem;margin-bottom:1rem}
.grid{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(260px,1fr))}
.counts{display:grid;gap:.5rem;grid-template-columns:repeat(auto-fill,minmax(140px,1fr));margin-bottom:1rem}
.counts a{display:block;background:#fff;border:1px solid var(--line);border-radius:6px;padding:.6rem;text-decoration:none;color:var(--ink)}
.counts a[aria-current]{border-color:var(--accent);box-shadow:0 0 0 2px var(--accent) inset}
.counts b{display:block;font-size:1.5rem}
table{width:100%;border-collapse:collapse;background:#fff}th,td{text-align:left;padding:.45rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.8rem;text-transform:uppercase;color:var(--muted)}
.table-wrap{overflow-x:auto}
.status{display:inline-block;padding:.1rem .45rem;border-radius:999px;background:#e4e7eb;font-size:.85rem;white-space:nowrap}
.status.delivered,.status.shipped,.status.processing,.status.packed{background:#d1fadf;color:var(--ok)}
.status.payment_failed,.status.cancelled,.status.delivery_failed{background:#fee4e2;color:var(--bad)}
.status.on_hold,.status.backordered,.status.picking{background:#fef0c7;color:var(--warn)}
form.inline{display:inline}label{display:block;font-size:.9rem;margin:.3rem 0}
input,select,button{font:inherit;padding:.5rem .6rem;border:1px solid var(--line);border-radius:4px;min-height:2.6rem}
input[type=number]{width:6rem}button{background:var(--accent);color:#fff;border-color:var(--accent);cursor:pointer}
button.secondary{background:#fff;color:var(--accent)}button.danger{background:var(--bad);border-color:var(--bad)}
.flash{padding:.7rem 1rem;border-radius:6px;margin-bottom:1rem;background:#d1fadf}.flash.error{background:#fee4e2}
.muted{color:var(--muted)}.alert{color:var(--bad);font-weight:600}
ol.timeline{list-style:none;padding:0;margin:0}ol.timeline li{padding:.35rem 0 .35rem .8rem;border-left:3px solid var(--line)}
ol.timeline time{color:var(--muted);font-size:.85rem;margin-right:.5rem}
ul.states{list-style:none;padding:0;margin:0;columns:2 200px}ul.states li{padding:.15rem .4rem;border-radius:4px}
ul.states li.current{background:#fde68a;font-weight:700}
ul.states li.active{font-weight:600}
pre{white-space:pre-wrap;font-size:.8rem;background:#f0f4f8;padding:.6rem;border-radius:4px}
tr.done td{text-decoration:line-through;color:var(--muted)}
.pick-row input[type=checkbox]{width:1.6rem;height:1.6rem}
.slip,.label{background:#fff;border:1px solid var(--line);padding:1.2rem;max-width:800px}
.label{max-width:420px;border:2px solid #000}.label .tn{font:700 1.4rem/1.2 ui-monospace,monospace;letter-spacing:.1em}
@media (max-width:600px){main{padding:.6rem}th.wide,td.wide{display:none}}
@media print{header.top,.no-print,form{display:none!important}body,main{background:#fff;padding:0}.card,.slip,.label{border:0}}
`;

/** `console.js`: print buttons, ticking pick rows, confirmations. Pages work without it. */
export const CONSOLE_JS = `
document.addEventListener('click',function(e){var t=e.target;if(t&&t.matches&&t.matches('[data-print]')){e.preventDefault();window.print();}});
document.addEventListener('change',function(e){var t=e.target;if(t&&t.matches&&t.matches('.pick-row input[type=checkbox]')){t.closest('tr').classList.toggle('done',t.checked);}});
document.addEventListener('submit',function(e){var f=e.target;var q=f.getAttribute('data-confirm');if(q&&!window.confirm(q)){e.preventDefault();}});
`;
