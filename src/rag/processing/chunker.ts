export interface ChunkingOptions {
  /** Chunks are packed up to about this many characters. */
  targetChars: number;
  /** A single paragraph longer than this is split at sentence boundaries. */
  maxChars: number;
  /** Characters of the previous chunk's tail (whole sentences) repeated at the start of the next one. */
  overlapChars: number;
}

export const DEFAULT_CHUNKING: ChunkingOptions = { targetChars: 900, maxChars: 1200, overlapChars: 150 };

export interface TextChunk {
  text: string;
  /** Nearest heading above the chunk (Markdown `#` lines), for citations and filtering. */
  heading: string | null;
}

interface Block {
  text: string;
  heading: string | null;
  isHeading: boolean;
}

const HEADING = /^#{1,6}\s+(.+)$/;

/**
 * Structure-aware chunking of normalized text: headings start a new chunk, paragraphs are packed together up to the
 * target size, oversized paragraphs are cut at sentence ends, and consecutive chunks of one section share an overlap
 * so an answer that straddles a boundary is still retrievable from either side.
 */
export function chunkText(text: string, options: ChunkingOptions = DEFAULT_CHUNKING): TextChunk[] {
  const blocks = toBlocks(text, options);
  const chunks: TextChunk[] = [];
  let current: string[] = [];
  let currentLen = 0;
  let heading: string | null = null;
  let carry = '';

  const flush = (sectionEnds: boolean) => {
    if (!current.length) return;
    const body = current.join('\n\n');
    chunks.push({ text: carry ? `${carry} ${body}` : body, heading });
    carry = sectionEnds ? '' : tail(body, options.overlapChars);
    current = [];
    currentLen = 0;
  };

  for (const block of blocks) {
    if (block.isHeading) {
      flush(true);
      heading = block.heading;
      current.push(block.text);
      currentLen = block.text.length;
      continue;
    }
    if (currentLen > 0 && currentLen + block.text.length > options.targetChars && !onlyHeading(current, heading)) {
      flush(false);
    }
    current.push(block.text);
    currentLen += block.text.length + 2;
  }
  flush(true);
  return chunks;
}

function onlyHeading(current: string[], heading: string | null): boolean {
  return current.length === 1 && heading !== null && HEADING.test(current[0]);
}

function toBlocks(text: string, options: ChunkingOptions): Block[] {
  const blocks: Block[] = [];
  let heading: string | null = null;
  for (const paragraph of text.split(/\n{2,}|\n(?=#{1,6}\s)/)) {
    const lines = paragraph.split('\n');
    for (const [i, line] of lines.entries()) {
      const match = HEADING.exec(line);
      if (!match) {
        const rest = lines.slice(i).join('\n').trim();
        if (rest)
          for (const piece of splitLong(rest, options.maxChars))
            blocks.push({ text: piece, heading, isHeading: false });
        break;
      }
      heading = match[1].trim();
      blocks.push({ text: line.trim(), heading, isHeading: true });
    }
  }
  return blocks;
}

/** Sentence ends: terminal punctuation followed by whitespace and an uppercase letter, digit or quote. */
const SENTENCE_END = /(?<=[.!?])\s+(?=[A-Z0-9"“(])/;

function splitLong(text: string, maxChars: number): string[] {
  if (text.length <= maxChars) return [text];
  const pieces: string[] = [];
  let current = '';
  for (const sentence of text.split(SENTENCE_END).flatMap((s) => hardSplit(s, maxChars))) {
    if (current && current.length + sentence.length + 1 > maxChars) {
      pieces.push(current);
      current = sentence;
    } else {
      current = current ? `${current} ${sentence}` : sentence;
    }
  }
  if (current) pieces.push(current);
  return pieces;
}

/** A "sentence" with no punctuation (a list flattened by a crawler) is cut at the last space before the limit. */
function hardSplit(sentence: string, maxChars: number): string[] {
  const out: string[] = [];
  let rest = sentence;
  while (rest.length > maxChars) {
    const cut = rest.lastIndexOf(' ', maxChars);
    const at = cut > maxChars / 2 ? cut : maxChars;
    out.push(rest.slice(0, at).trim());
    rest = rest.slice(at).trim();
  }
  if (rest) out.push(rest);
  return out;
}

/** The last whole sentences of a chunk fitting in `chars` (or its last words when one sentence is longer). */
function tail(text: string, chars: number): string {
  if (chars <= 0) return '';
  const sentences = text.split(SENTENCE_END);
  let out = '';
  for (let i = sentences.length - 1; i >= 0; i--) {
    const next = out ? `${sentences[i]} ${out}` : sentences[i];
    if (next.length > chars) break;
    out = next;
  }
  if (out && out.length < text.length) return out;
  const words = text.slice(-chars).split(' ');
  return words.length > 1 ? words.slice(1).join(' ') : '';
}
