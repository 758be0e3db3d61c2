import { load } from 'cheerio';

import { elementsToText, removeNonContent } from 'src/rag/parsing/html-text';

describe('removeNonContent', () => {
  it('drops comments at every depth and keeps the text around them in order', () => {
    const $ = load(
      '<!-- top --><body><p>One <!-- inline --><em>two</em><!-- a --><!-- b --> three</p>' +
        '<div><!-- only child --></div><ul><li>four<!-- end --></li></ul></body>',
    );
    removeNonContent($);

    expect($.html()).not.toContain('<!--');
    expect(elementsToText($, $('body'))).toBe('One two three\n\n- four');
  });

  it('leaves the remaining siblings linked to each other, as a later removal or traversal expects', () => {
    const $ = load('<p id="p"><b>a</b><!-- x --><i>b</i><!-- y --><u>c</u></p>');
    removeNonContent($);

    const kids = $('#p')[0].children;
    expect(kids.map((k) => (k as { name?: string }).name)).toEqual(['b', 'i', 'u']);
    expect(kids.map((k) => k.prev)).toEqual([null, kids[0], kids[1]]);
    expect(kids.map((k) => k.next)).toEqual([kids[1], kids[2], null]);
    $('i').remove();
    expect($('#p').text()).toBe('ac');
  });

  it('removes elements that never carry readable content', () => {
    const $ = load('<body><script>x()</script><style>p{}</style><p>kept</p><button>no</button></body>');
    removeNonContent($);

    expect(elementsToText($, $('body'))).toBe('kept');
  });
});
