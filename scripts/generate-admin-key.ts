import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';

/** Prints a strong admin API key: `npm run admin-key -- [--length N] [--format hex|base64] [--env-format]`. */
export function generateAdminKey(lengthBytes: number, format: 'hex' | 'base64'): string {
  const bytes = randomBytes(lengthBytes);
  return format === 'hex' ? bytes.toString('hex') : bytes.toString('base64url');
}

function main(): void {
  const { values } = parseArgs({
    options: {
      length: { type: 'string', default: '32' },
      format: { type: 'string', default: 'base64' },
      'env-format': { type: 'boolean', default: false },
    },
  });
  const length = Number(values.length);
  if (!Number.isInteger(length) || length < 24 || length > 256) {
    console.error('--length must be a whole number of bytes from 24 to 256');
    process.exit(2);
  }
  if (values.format !== 'hex' && values.format !== 'base64') {
    console.error('--format must be hex or base64');
    process.exit(2);
  }
  const key = generateAdminKey(length, values.format);
  console.log(values['env-format'] ? `ADMIN_API_KEY=${key}` : key);
}

if (require.main === module) main();
