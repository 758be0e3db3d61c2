import { load } from 'cheerio';
import MarkdownIt from 'markdown-it';

import { documentTitle, elementsToText, removeNonContent } from 'src/rag/parsing/html-text';

// Raw HTML in Markdown is common (READMEs, CMS exports); rendering it is safe because the result only becomes text.
const markdown = new MarkdownIt({ html: true, linkify: false, typographer: false });

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)\r?\n/;

/** Renders Markdown and reads the result back as text, so emphasis, links and tables lose their markup. */
export function markdownToText(source: string): { title: string | null; text: string } {
  let body = source.replace(/^\uFEFF/, '');
  let title: string | null = null;
  const front = FRONT_MATTER.exec(body);
  if (front) {
    body = body.slice(front[0].length);
    const t = /^title:\s*(.+)$/m
      .exec(front[1])?.[1]
      .trim()
      .replace(/^(['"])(.*)\1$/, '$2');
    title = t || null;
  }
  const $ = load(markdown.render(body));
  removeNonContent($);
  return { title: title ?? ($('h1').length ? documentTitle($) : null), text: elementsToText($, $('body')) };
}
