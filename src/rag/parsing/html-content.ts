import type { CheerioAPI } from 'cheerio';

import {
  documentTitle,
  elementsToText,
  inlineText,
  removeBoilerplate,
  removeNonContent,
  semanticMain,
} from 'src/rag/parsing/html-text';

/**
 * A block without landmarks whose text is mostly link text (a menu built from <div>s, a "recent posts" list) is site
 * chrome, not content. Readability would do this scoring too, but its DOM dependencies are ESM-only and cannot load
 * under Jest on Node 20; business pages (service lists, pricing tables) also lose real content to its article scoring.
 */
const LINK_DENSITY_MAX = 0.7;
const LINK_BLOCK_MIN_LINKS = 4;

function removeLinkFarms($: CheerioAPI): void {
  $('body ul, body ol, body div, body section, body table')
    .toArray()
    .reverse() // innermost first, so a content section survives after its embedded menu is gone
    .forEach((el) => {
      const block = $(el);
      const links = block.find('a');
      if (links.length < LINK_BLOCK_MIN_LINKS) return;
      const text = inlineText($, block);
      if (!text) return;
      const linkText = links.toArray().reduce((n, a) => n + inlineText($, $(a)).length, 0);
      if (linkText / text.length > LINK_DENSITY_MAX) block.remove();
    });
}

/**
 * Title and main text of an HTML document (mutates `$`): the page's main/article landmark when it has one, otherwise
 * the body without navigation, page header/footer, asides and link farms.
 */
export function extractHtmlContent($: CheerioAPI): { title: string | null; text: string } {
  const title = documentTitle($);
  removeNonContent($);
  removeBoilerplate($);
  const main = semanticMain($);
  if (main) return { title, text: elementsToText($, main) };
  removeLinkFarms($);
  return { title, text: elementsToText($, $('body').length ? $('body') : $.root()) };
}
