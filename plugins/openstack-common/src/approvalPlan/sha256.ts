import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';

/**
 * Lower-case hex SHA-256 of `text` encoded as UTF-8: synchronous and the same in the browser,
 * the backend and the scaffolder (@noble/hashes, audited; checked against node:crypto in the tests).
 */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}
