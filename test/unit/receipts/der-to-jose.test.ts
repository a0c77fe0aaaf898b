import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { derToJose } from '../../../shared/receipts/jws';

function derInteger(bytes: number[]): number[] {
  return [0x02, bytes.length, ...bytes];
}
function derSequence(...parts: number[][]): Uint8Array {
  const body = parts.flat();
  return Uint8Array.from([0x30, body.length, ...body]);
}
const filled = (length: number, value: number) => Array.from({ length }, () => value);

describe('derToJose (a DER ECDSA signature to JOSE r || s)', () => {
  it('pads 32-byte r and s through unchanged', () => {
    const r = filled(32, 0x11);
    const s = filled(32, 0x22);
    expect(Buffer.from(derToJose(derSequence(derInteger(r), derInteger(s))))).toEqual(Buffer.from([...r, ...s]));
  });

  it('drops the 0x00 sign byte of a 33-byte INTEGER (top bit set)', () => {
    const r = [0x00, 0x80, ...filled(31, 0x01)];
    const s = [0x00, 0xff, ...filled(31, 0x02)];
    const jose = derToJose(derSequence(derInteger(r), derInteger(s)));
    expect(jose).toHaveLength(64);
    expect(Buffer.from(jose)).toEqual(Buffer.from([...r.slice(1), ...s.slice(1)]));
  });

  it('left-pads a short INTEGER (value with leading zero bytes) to 32 bytes', () => {
    const r = [0x01, ...filled(29, 0x33)]; // 30 bytes
    const s = [0x7f];
    const jose = derToJose(derSequence(derInteger(r), derInteger(s)));
    expect(Buffer.from(jose)).toEqual(Buffer.from([0, 0, ...r, ...filled(31, 0), 0x7f]));
  });

  it('reads a long-form SEQUENCE length', () => {
    const body = [...derInteger([0x00, 0x80, ...filled(31, 9)]), ...derInteger([0x00, 0x80, ...filled(31, 8)])]; // 70 bytes
    const der = Uint8Array.from([0x30, 0x81, body.length, ...body]);
    expect(derToJose(der)).toHaveLength(64);
  });

  it('refuses what is not a DER signature', () => {
    expect(() => derToJose(Uint8Array.from([0x31, 0]))).toThrow(/SEQUENCE/);
    expect(() => derToJose(derSequence(derInteger(filled(33, 0x11)), derInteger([1])))).toThrow(/negative|too large/);
    expect(() => derToJose(derSequence(derInteger(filled(32, 0x11))))).toThrow(/not a DER/);
    const valid = derSequence(derInteger([1]), derInteger([2]));
    expect(() => derToJose(Uint8Array.from([...valid, 0]))).toThrow(/length does not match/);
  });

  it('turns real OpenSSL DER signatures into what IEEE P1363 verification accepts (500 of them: short and 33-byte INTEGERs occur)', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const lengths = new Set<number>();
    for (let i = 0; i < 500; i += 1) {
      const message = Buffer.from(`message ${i}`);
      const der = sign('sha256', message, privateKey);
      lengths.add(der.length);
      const jose = derToJose(der);
      expect(jose).toHaveLength(64);
      expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, jose)).toBe(true);
    }
    // DER lengths vary with the INTEGERs' sizes: the cases above were met for real.
    expect(lengths.size).toBeGreaterThan(1);
  });
});
