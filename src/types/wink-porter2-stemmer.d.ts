// wink-porter2-stemmer ships plain CommonJS without type declarations: one function, word in, Porter2 stem out.
declare module 'wink-porter2-stemmer' {
  function stem(word: string): string;
  export = stem;
}
