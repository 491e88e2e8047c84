// The frame every console page shares: navigation, flash messages and the
// links to the stylesheet and script.
import type { Principal } from '../access.js';
import { type SafeHtml, html } from './html.js';

/** What a page needs to know about the request it answers. */
export interface PageContext {
  /** Prefix of console URLs, e.g. `/console` or `/fulfillment/console`. */
  base: string;
  principal: Principal | null;
  /** CSRF token for forms. */
  csrf: string;
  /** A fresh key per rendered form, so a double submit is replayed, not repeated. */
  formKey(): string;
}

/** The hidden fields every state-changing form carries. */
export function formFields(ctx: PageContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrf}"><input type="hidden" name="_key" value="${ctx.formKey()}">`;
}

/** A status pill. */
export function status(value: string): SafeHtml {
  return html`<span class="status ${value}">${value.replace(/_/g, ' ')}</span>`;
}

const NAV: [string, string][] = [
  ['', 'Orders'],
  ['/pick', 'Pick'],
  ['/stock', 'Stock'],
  ['/returns', 'Returns'],
];

/** A whole page. */
export function page(ctx: PageContext, title: string, body: SafeHtml, options: { current?: string; flash?: { text: string; error?: boolean } | null } = {}): string {
  const nav = ctx.principal
    ? html`<nav>${NAV.map(([href, label]) => html`<a href="${ctx.base}${href}" ${options.current === href ? html`aria-current="page"` : ''}>${label}</a>`)}</nav>
      <span class="muted">${ctx.principal.role}</span>
      <form method="post" action="${ctx.base}/logout">${formFields(ctx)}<button class="secondary" type="submit">Log out</button></form>`
    : '';
  const flash = options.flash ? html`<p class="flash ${options.flash.error ? 'error' : ''}" role="status">${options.flash.text}</p>` : '';
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} · fulfillkit</title><link rel="stylesheet" href="${ctx.base}/assets/console.css"><script src="${ctx.base}/assets/console.js" defer></script></head>
<body><header class="top"><a class="brand" href="${ctx.base}">fulfillkit console</a>${nav}</header>
<main>${flash}<h1>${title}</h1>${body}</main></body></html>`.value;
}
