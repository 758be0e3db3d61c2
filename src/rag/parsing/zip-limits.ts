import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { fromBufferPromise } from 'yauzl';

export interface ZipLimits {
  maxEntries: number;
  /** Uncompressed bytes of all entries together. */
  maxTotalBytes: number;
  /** Uncompressed / compressed size of one entry, checked for entries above `ratioFloorBytes`. */
  maxRatio: number;
  /** Below this an entry cannot hurt whatever its ratio (a few kB of repeated XML compresses 100:1). */
  ratioFloorBytes: number;
}

/** Why an archive was refused; crosses the worker boundary as plain data. */
export class ZipTooLargeError extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = 'ZipTooLargeError';
  }
}

/**
 * Refuses a zip bomb before any parser inflates it: the central directory's sizes are checked against the limits,
 * then every entry is inflated into a counter (nothing kept) so an entry that lies about its size fails as soon as
 * it passes what it declared. Declared sizes are what mammoth's JSZip trusts, so once they are true and bounded the
 * real parse is bounded too. Overlapping entries (many names for one compressed blob) each count in full.
 */
export async function assertZipWithinLimits(buffer: Buffer, limits: ZipLimits): Promise<void> {
  const zip = await fromBufferPromise(buffer, { validateEntrySizes: true, strictFileNames: false });
  if (zip.entryCount > limits.maxEntries) {
    throw new ZipTooLargeError(`${zip.entryCount} entries; at most ${limits.maxEntries} are accepted`);
  }
  let declared = 0;
  for await (const entry of zip.eachEntry()) {
    declared += entry.uncompressedSize;
    if (declared > limits.maxTotalBytes) {
      throw new ZipTooLargeError(`unpacks to more than ${limits.maxTotalBytes} bytes`);
    }
    const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
    if (entry.uncompressedSize > limits.ratioFloorBytes && ratio > limits.maxRatio) {
      throw new ZipTooLargeError(`an entry expands ${Math.round(ratio)} times; at most ${limits.maxRatio} is accepted`);
    }
    if (entry.fileName.endsWith('/')) continue;
    try {
      await pipeline(await zip.openReadStreamPromise(entry), discard());
    } catch (err) {
      // yauzl's size validation: the entry inflates to more than its central-directory record says.
      if (/too many bytes/.test((err as Error).message)) {
        throw new ZipTooLargeError('an entry unpacks to more than the size it declares');
      }
      throw err;
    }
  }
}

function discard(): Writable {
  return new Writable({ write: (_chunk, _encoding, done) => done() });
}
