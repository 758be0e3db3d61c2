import { randomBytes } from 'node:crypto';

import { assertZipWithinLimits, type ZipLimits, ZipTooLargeError } from 'src/rag/parsing/zip-limits';
import { buildDocx, buildZip, buildZipBombDocx } from 'test/factories/knowledge-file.factory';

const LIMITS: ZipLimits = { maxEntries: 50, maxTotalBytes: 4 * 1024 * 1024, maxRatio: 100, ratioFloorBytes: 64 * 1024 };
const MiB = 1024 * 1024;

async function refusal(buffer: Buffer, limits = LIMITS): Promise<ZipTooLargeError> {
  const err: unknown = await assertZipWithinLimits(buffer, limits).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof ZipTooLargeError)) throw new Error(`expected a ZipTooLargeError, got ${String(err)}`);
  return err;
}

describe(assertZipWithinLimits.name, () => {
  it('accepts a real Word document', async () => {
    const docx = await buildDocx('Handbook', [{ heading: 'Leave', paragraphs: ['Staff get 25 days.'] }]);

    await expect(assertZipWithinLimits(docx, LIMITS)).resolves.toBeUndefined();
  });

  it('refuses an entry whose compression ratio marks a zip bomb', async () => {
    const err = await refusal(buildZipBombDocx(2 * MiB));

    expect(err.detail).toMatch(/^an entry expands \d+ times; at most 100 is accepted$/);
  });

  it('refuses an archive whose entries together unpack past the total limit', async () => {
    // Random bytes do not compress, like the photos in a real document: only the total can refuse them.
    const photos = Array.from({ length: 5 }, (_, i) => ({ name: `word/media/photo${i}.jpg`, data: randomBytes(MiB) }));
    const zip = buildZip(photos);

    const err = await refusal(zip);

    expect(err.detail).toBe(`unpacks to more than ${4 * MiB} bytes`);
  });

  it('refuses an entry that inflates past the size its headers declare', async () => {
    const err = await refusal(buildZipBombDocx(2 * MiB, true));

    expect(err.detail).toBe('an entry unpacks to more than the size it declares');
  });

  it('refuses an archive with more entries than allowed', async () => {
    const zip = buildZip(Array.from({ length: 51 }, (_, i) => ({ name: `f${i}.xml`, data: Buffer.from('<a/>') })));

    const err = await refusal(zip);

    expect(err.detail).toBe('51 entries; at most 50 are accepted');
  });
});
