import type { Cheerio, CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';

/**
 * HTML → structured plain text shared by the file parser and the crawler. The output contract B1's chunker relies on:
 * headings are single lines starting with 1–6 `#` and a space, paragraphs are separated by a blank line, list items
 * (`- `) and table rows (cells joined by ` | `) are consecutive lines of one block.
 */

/** Elements that never carry readable content. */
const NON_CONTENT =
  'script, style, noscript, template, svg, canvas, iframe, object, embed, head, button, select, input, textarea, option, img, picture, video, audio, map';

/** Site chrome: repeated on every page, so it would drown the page's own text in retrieval. */
const BOILERPLATE = [
  'nav',
  'aside',
  '[role="navigation"]',
  '[role="banner"]',
  '[role="contentinfo"]',
  '[role="complementary"]',
  '[role="search"]',
  '[aria-hidden="true"]',
  '[hidden]',
  '[style*="display:none"]',
  '[style*="display: none"]',
  '.skip-link',
  '.screen-reader-text',
  '.sr-only',
].join(', ');

const BLOCK_TAGS = new Set([
  'address',
  'article',
  'blockquote',
  'body',
  'dd',
  'details',
  'dialog',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'header',
  'hgroup',
  'hr',
  'html',
  'main',
  'nav',
  'ol',
  'p',
  'section',
  'summary',
  'table',
  'tbody',
  'tfoot',
  'thead',
  'ul',
  'aside',
  'caption',
  'center',
]);
const HEADING = /^h([1-6])$/;

interface Block {
  text: string;
  /** Tight blocks (list items, table rows) join their tight neighbours with one newline instead of a blank line. */
  tight: boolean;
}

class TextBuilder {
  readonly blocks: Block[] = [];
  private inline: string[] = [];
  listDepth = 0;

  pushInline(text: string): void {
    this.inline.push(text);
  }

  flush(): void {
    const text = collapseInline(this.inline.join(''));
    this.inline = [];
    if (!text) return;
    if (this.listDepth > 0) this.blocks.push({ text: `- ${text}`, tight: true });
    else this.blocks.push({ text, tight: false });
  }

  pushBlock(text: string, tight = false): void {
    this.flush();
    if (text) this.blocks.push({ text, tight });
  }

  toString(): string {
    let out = '';
    this.blocks.forEach((b, i) => {
      if (i > 0) out += b.tight && this.blocks[i - 1].tight ? '\n' : '\n\n';
      out += b.text;
    });
    return out;
  }
}

/** Collapses runs of whitespace but keeps explicit `<br>` line breaks. */
function collapseInline(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/[\s\u00a0]+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}

export function inlineText($: CheerioAPI, el: Cheerio<AnyNode>): string {
  return el
    .text()
    .replace(/[\s\u00a0]+/g, ' ')
    .trim();
}

function walk($: CheerioAPI, node: AnyNode, out: TextBuilder): void {
  if (node.type === 'text') {
    // Source line breaks are just whitespace; only <br> (pushed as '\n') breaks a line.
    out.pushInline(node.data.replace(/\s+/g, ' '));
    return;
  }
  if (node.type !== 'tag' && node.type !== 'root') return;
  if (node.type === 'root') {
    node.children.forEach((c) => walk($, c, out));
    return;
  }
  const el = node as Element;
  const tag = el.name.toLowerCase();
  const heading = HEADING.exec(tag);
  if (heading) {
    const text = inlineText($, $(el));
    out.pushBlock(text ? `${'#'.repeat(Number(heading[1]))} ${text}` : '');
    return;
  }
  switch (tag) {
    case 'br':
      out.pushInline('\n');
      return;
    case 'pre':
      out.pushBlock($(el).text().replace(/\s+$/, ''));
      return;
    case 'tr': {
      const cells = $(el)
        .children('td, th')
        .toArray()
        .map((c) => inlineText($, $(c)))
        .filter(Boolean);
      out.pushBlock(cells.join(' | '), true);
      return;
    }
    case 'li':
      out.flush();
      out.listDepth++;
      el.children.forEach((c) => walk($, c, out));
      out.flush();
      out.listDepth--;
      return;
    default:
      break;
  }
  const block = BLOCK_TAGS.has(tag);
  if (block) out.flush();
  el.children.forEach((c) => walk($, c, out));
  if (block) out.flush();
}

/** Converts the subtree(s) under `root` to text following the contract above. */
export function elementsToText($: CheerioAPI, root: Cheerio<AnyNode>): string {
  const out = new TextBuilder();
  root.toArray().forEach((node) => walk($, node, out));
  out.flush();
  return out.toString();
}

export function removeNonContent($: CheerioAPI): void {
  $(NON_CONTENT).remove();
  removeComments($.root()[0]);
}

/**
 * Drops every comment node in one walk of the tree. `$('*').contents()` did this by concatenating the children of
 * every element one array at a time, which is quadratic in the element count: on a loaded 2-core machine a 4 MB
 * Markdown file took 9 s here and an 8 MB one 33 s. Links between the remaining siblings are rebuilt as cheerio's own
 * removal would leave them.
 */
function removeComments(root: AnyNode): void {
  const stack: AnyNode[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    if (!('children' in node)) continue;
    const kids = node.children;
    if (kids.some((child) => child.type === 'comment')) {
      const kept = kids.filter((child) => child.type !== 'comment');
      kept.forEach((child, i) => {
        child.prev = kept[i - 1] ?? null;
        child.next = kept[i + 1] ?? null;
      });
      node.children = kept;
    }
    for (const child of node.children) stack.push(child);
  }
}

export function removeBoilerplate($: CheerioAPI): void {
  $(BOILERPLATE).remove();
  // An article's own <header> holds its title and byline, so only page-level headers and footers go.
  $('header, footer')
    .filter((_, el) => $(el).parents('article, main, [role="main"]').length === 0)
    .remove();
}

/** Title: og:title, then <title>, then the first h1. */
export function documentTitle($: CheerioAPI): string | null {
  const candidates = [
    $('meta[property="og:title"]').attr('content'),
    $('head > title').first().text(),
    $('title').first().text(),
    $('h1').first().text(),
  ];
  for (const c of candidates) {
    const t = c?.replace(/\s+/g, ' ').trim();
    if (t) return t;
  }
  return null;
}

/** The page's own content: an explicit main/article landmark when the page has one, else null. */
export function semanticMain($: CheerioAPI): Cheerio<Element> | null {
  const main = $('main, [role="main"]').first();
  if (main.length && inlineText($, main)) return main;
  const articles = $('article');
  if (articles.length === 1 && inlineText($, articles)) return articles;
  return null;
}
